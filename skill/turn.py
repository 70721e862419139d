"""One request as the handlers see it: the envelope facts they need, and the response being built.

What the skill said last in a session is kept in the session's attributes (``said``), so "repeat" says it again
word for word: the list, a prompt, the crisis numbers. Nothing of it is stored beyond the session.
"""

from __future__ import annotations

from typing import Any

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response
from gentle_steps.skill.state import as_int

CONVERSATIONAL = frozenset({"LaunchRequest", "IntentRequest"})
"""Requests whose responses may carry speech, cards and shouldEndSession."""

MAX_REMEMBERED_SPEECH = 3000
"""Longest speech kept for "repeat" (a section read aloud is longer; repeat then reads the section again)."""


class Turn:
    """One request: the envelope facts a handler needs, and the response being built."""

    def __init__(self, handler_input: HandlerInput) -> None:
        """Read the envelope of ``handler_input`` once."""
        self.input = handler_input
        envelope = handler_input.request_envelope
        self.request = envelope.request
        self.type: str = getattr(self.request, "object_type", "") or ""
        self.locale: str = getattr(self.request, "locale", "") or ""
        system = getattr(envelope.context, "system", None)
        device = getattr(system, "device", None)
        user = getattr(system, "user", None)
        self.device_id: str | None = getattr(device, "device_id", None)
        self.user_id: str | None = getattr(user, "user_id", None)
        interfaces = getattr(device, "supported_interfaces", None)
        self.has_audio_player = getattr(interfaces, "audio_player", None) is not None
        self.has_screen = getattr(interfaces, "alexa_presentation_apl", None) is not None
        player = getattr(envelope.context, "audio_player", None)
        self.player_token: str | None = getattr(player, "token", None)
        activity = getattr(player, "player_activity", None)
        self.player_activity: str = getattr(activity, "value", activity) or ""
        self.player_offset = as_int(getattr(player, "offset_in_milliseconds", 0))
        # ask-sdk returns the attributes manager's copy as the response's sessionAttributes.
        self.session: dict[str, Any] | None = None
        # The first request of a session: a Launch, or a one-shot intent ("Alexa, ask ... to ...").
        self.starts_session = bool(getattr(envelope.session, "new", False))
        if envelope.session is not None:
            self.session = handler_input.attributes_manager.session_attributes
        self.rb = handler_input.response_builder

    @property
    def conversational(self) -> bool:
        """Whether this response may speak (Launch and intents; not AudioPlayer, PlaybackController, System)."""
        return self.type in CONVERSATIONAL

    @property
    def intent_name(self) -> str:
        """The intent's name, or "" for other requests."""
        intent = getattr(self.request, "intent", None)
        return getattr(intent, "name", "") or ""

    def slot(self, name: str) -> Any:
        """The named slot of the intent, or None."""
        slots = getattr(getattr(self.request, "intent", None), "slots", None) or {}
        return slots.get(name) if isinstance(slots, dict) else None

    def slot_value(self, name: str) -> str:
        """What the listener said for a slot ("" when empty)."""
        value = getattr(self.slot(name), "value", None)
        return value if isinstance(value, str) else ""

    def remember(self, key: str, value: Any) -> None:
        """Set a session attribute (ignored outside a session); None removes it."""
        if self.session is not None:
            if value is None:
                self.session.pop(key, None)
            else:
                self.session[key] = value

    def recall(self, key: str) -> Any:
        """A session attribute, or None."""
        return self.session.get(key) if self.session is not None else None

    @property
    def pending(self) -> str:
        """The question the skill asked last in this session ("" when none)."""
        value = self.recall("pending")
        return value if isinstance(value, str) else ""

    def ask(self, speech: str, reprompt: str, pending: str | None = None) -> Response:
        """Speak (already-SSML) ``speech`` and keep the session open with ``reprompt``; ``pending`` names the
        question asked, for yes and no. Both are remembered for "repeat"."""
        self.remember("pending", pending)
        if len(speech) <= MAX_REMEMBERED_SPEECH:
            self.remember("said", {"speech": str(speech), "reprompt": str(reprompt), "pending": pending})
        else:
            self.remember("said", None)
        self.rb.speak(speech).ask(reprompt)
        return self.rb.response

    def end(self, speech: str = "") -> Response:
        """Speak (already-SSML) ``speech``, if any, and end the session."""
        self.remember("pending", None)
        self.remember("said", None)
        if speech:
            self.rb.speak(speech)
        self.rb.set_should_end_session(True)
        return self.rb.response

    def said(self) -> dict[str, Any] | None:
        """What the skill said last in this session and the question pending then, if it kept the session open."""
        said = self.recall("said")
        if isinstance(said, dict) and isinstance(said.get("speech"), str) and isinstance(said.get("reprompt"), str):
            return said
        return None

    def empty(self) -> Response:
        """A response with nothing in it (AudioPlayer events, SessionEnded, errors reported by Alexa)."""
        return self.rb.response
