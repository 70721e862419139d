"""The crisis answer: reachable in one utterance from every state, numbers first, slowly, then an offer to repeat.

The numbers come from the request's own locale ("en-GB" hears Samaritans and 999), never another country's;
for a locale the catalog knows no lines for, the listener is asked to call their local emergency number. Each
line's sentence is the catalog's ``spoken`` text with every one of its numbers read digit by digit in the
groups written, slower, with short pauses between groups (someone may be writing it down). Any audio of the
skill's stops. A card carries the numbers as text, and a device with a screen shows them with tap-to-call links.
The session stays open: "yes" or "repeat" says it again, "no" or "stop" ends gently.
"""

from __future__ import annotations

import re

from ask_sdk_model import Response
from ask_sdk_model.interfaces.audioplayer import StopDirective
from ask_sdk_model.ui import SimpleCard
from gentle_steps.skill import lines as L
from gentle_steps.skill import ssml
from gentle_steps.skill.catalog import Catalog, CrisisLine
from gentle_steps.skill.turn import Turn

PENDING = "crisis"
"""The pending question after the crisis answer ("Would you like me to repeat that?")."""

CARD_TITLE = "Help right now"
"""Title of the crisis card."""

# Digits separated by spaces, commas or hyphens: one number as a sentence writes it ("1 1 6, 1 2 3").
_NUMBER_RUN = re.compile(r"\d+(?:(?:, ?| |-)\d+)*")


def number_groups(run: str) -> list[str]:
    """The digit groups of a written number: commas and hyphens separate groups; spaced single digits form one
    group ("9 8 8" -> ["988"]); a token of several digits is a group of its own ("13 11 14")."""
    groups: list[str] = []
    for part in re.split(r",|-", run):
        tokens = part.split()
        if tokens and all(len(t) == 1 for t in tokens):
            groups.append("".join(tokens))
        else:
            groups.extend(tokens)
    return [g for g in groups if g]


def paced(sentence: str, numbers: tuple[str, ...]) -> ssml.Ssml:
    """``sentence`` escaped, with each phone number in it read slowly digit by digit: any run whose digits are
    one of ``numbers``, and any run of three or more single spaced digits ("9 9 9")."""
    out: list[str] = []
    last = 0
    for match in _NUMBER_RUN.finditer(sentence):
        run = match.group()
        digits = re.sub(r"\D", "", run)
        single = all(len(t) == 1 for t in re.split(r"[ ,\-]+", run) if t)
        if digits not in numbers and not (single and len(digits) >= 3):
            continue
        out.append(ssml.escape(sentence[last:match.start()]))
        out.append(ssml.digits(number_groups(run)))
        last = match.end()
    out.append(ssml.escape(sentence[last:]))
    return ssml.Ssml("".join(out))


def crisis_speech(catalog: Catalog, locale: str) -> ssml.Ssml:
    """The whole crisis answer for a request's locale: the numbers first, then what the skill is not, then the
    offer to repeat."""
    found = catalog.crisis_lines(locale)
    if found:
        body = ssml.join(*(paced(line.spoken, line.numbers) for line in found), gap_ms=700)
    else:
        body = L.CRISIS_NO_LINES()
    return ssml.join(body, L.CRISIS_RECORDING(show=catalog.show.title), L.CRISIS_REPEAT(), gap_ms=600)


def crisis_card(found: tuple[CrisisLine, ...]) -> str:
    """The card's text: one line per service with its number as written."""
    if not found:
        return "If you are in danger, call your local emergency number."
    return "\n".join(f"{line.name}: {line.contact}" for line in found)


def crisis_screen(found: tuple[CrisisLine, ...]):
    """An APL document for devices with a screen: each service with a tap-to-call (``tel:``) link."""
    from ask_sdk_model.interfaces.alexa.presentation.apl import RenderDocumentDirective

    items = [{"type": "Text", "text": CARD_TITLE, "style": "textStyleDisplay4"}]
    for line in found:
        text = {"type": "Text", "text": f"{line.name}: {line.contact}", "style": "textStyleBody",
                "paddingTop": "16dp"}
        items.append({"type": "TouchWrapper", "item": text,
                      "onPress": {"type": "OpenURL", "source": f"tel:{line.number}"}} if line.number else text)
    document = {"type": "APL", "version": "1.8",
                "mainTemplate": {"items": [{"type": "Container", "paddingLeft": "48dp", "paddingTop": "32dp",
                                            "items": items}]}}
    return RenderDocumentDirective(token="crisis", document=document)


class CrisisHandlers:
    """The crisis answer and its follow-ups; mixed into :class:`~gentle_steps.skill.handlers.GentleSteps`."""

    catalog: Catalog

    def support(self, turn: Turn) -> Response:
        """At once and calmly, the crisis resources of the request's locale; the session stays open."""
        found = self.catalog.crisis_lines(turn.locale)
        turn.rb.set_card(SimpleCard(title=CARD_TITLE, content=crisis_card(found)))
        if turn.has_audio_player:
            turn.rb.add_directive(StopDirective())  # nothing of ours keeps playing over the numbers
        if turn.has_screen and found:
            turn.rb.add_directive(crisis_screen(found))
        return turn.ask(crisis_speech(self.catalog, turn.locale), L.CRISIS_REPROMPT(), PENDING)

    def crisis_goodbye(self, turn: Turn) -> Response:
        """No, stop or cancel after the crisis answer: a gentle end that points to the card."""
        return turn.end(L.CRISIS_GOODBYE())
