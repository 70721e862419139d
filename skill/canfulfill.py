"""``CanFulfillIntentRequest``: whether the skill can answer a request Alexa is routing without its name.

Answered from the catalog alone, with no side effects: nothing is read from or written to the state store, and
the answer neither speaks nor plays (Alexa Skills Kit, "Implement CanFulfillIntentRequest for Name-free
Interaction"). Grounding, crisis, breathing and playing the episode are always possible; playing a section is
possible when the named section exists.
"""

from __future__ import annotations

from ask_sdk_model import Response
from ask_sdk_model.canfulfill import (
    CanFulfillIntent,
    CanFulfillIntentValues,
    CanFulfillSlot,
    CanFulfillSlotValues,
    CanUnderstandSlotValues,
)
from gentle_steps.skill.catalog import Catalog
from gentle_steps.skill.turn import Turn

ALWAYS = frozenset({"GroundingIntent", "SupportIntent", "PlayEpisodeIntent", "BreathingIntent"})
"""Intents the skill can always fulfil."""


def can_fulfill(catalog: Catalog, turn: Turn) -> Response:
    """The CanFulfillIntent answer for the request's intent; touches nothing but the catalog."""
    name = turn.intent_name
    yes, no, maybe = CanFulfillIntentValues.YES, CanFulfillIntentValues.NO, CanFulfillIntentValues.MAYBE
    slots: dict[str, CanFulfillSlot] = {}
    if name in ALWAYS:
        verdict = yes
        length = turn.slot_value("length")
        if name == "BreathingIntent" and length:
            slots["length"] = CanFulfillSlot(can_understand=CanUnderstandSlotValues.YES,
                                             can_fulfill=CanFulfillSlotValues.YES)
    elif name == "PlaySectionIntent":
        heard = turn.slot_value("section")
        found = catalog.find_section(heard) if heard else None
        verdict = yes if found else (no if heard else maybe)
        if heard:
            slots["section"] = CanFulfillSlot(
                can_understand=CanUnderstandSlotValues.YES if found else CanUnderstandSlotValues.NO,
                can_fulfill=CanFulfillSlotValues.YES if found else CanFulfillSlotValues.NO)
    else:
        verdict = no
    turn.rb.response.can_fulfill_intent = CanFulfillIntent(can_fulfill=verdict, slots=slots or None)
    return turn.rb.response
