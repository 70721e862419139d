"""What the skill does with each request: one dispatcher over the handler classes of each concern.

One ask-sdk request handler dispatches by request type and intent name to the methods of :class:`GentleSteps`
(made of ``conversation.py``, ``lists.py``, ``playback.py``, ``events.py`` and ``crisis.py``); one exception
handler answers anything that went wrong with a response valid for that request type. Every spoken line lives
in ``lines.py``.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable

from ask_sdk_core.dispatch_components import AbstractExceptionHandler, AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.skill_builder import SkillBuilder
from ask_sdk_model import Response
from gentle_steps.skill import lines as L
from gentle_steps.skill.canfulfill import can_fulfill
from gentle_steps.skill.catalog import Catalog
from gentle_steps.skill.conversation import ConversationHandlers
from gentle_steps.skill.crisis import CrisisHandlers
from gentle_steps.skill.entities import section_entities_directive
from gentle_steps.skill.events import EventHandlers
from gentle_steps.skill.lists import ListHandlers
from gentle_steps.skill.playback import SSML_AUDIO_MAX_MS, PlaybackHandlers
from gentle_steps.skill.state import StateStore
from gentle_steps.skill.turn import CONVERSATIONAL, Turn

__all__ = ["REQUEST_TYPES", "SSML_AUDIO_MAX_MS", "GentleSteps", "build_skill"]

log = logging.getLogger(__name__)

REQUEST_TYPES = frozenset({
    "LaunchRequest", "IntentRequest", "SessionEndedRequest", "CanFulfillIntentRequest",
    "AudioPlayer.PlaybackStarted", "AudioPlayer.PlaybackFinished", "AudioPlayer.PlaybackStopped",
    "AudioPlayer.PlaybackNearlyFinished", "AudioPlayer.PlaybackFailed",
    "PlaybackController.PlayCommandIssued", "PlaybackController.PauseCommandIssued",
    "PlaybackController.NextCommandIssued", "PlaybackController.PreviousCommandIssued",
    "System.ExceptionEncountered",
})
"""Request types the skill answers; the web service refuses any other with HTTP 400."""


class GentleSteps(ConversationHandlers, ListHandlers, PlaybackHandlers, EventHandlers, CrisisHandlers):
    """The skill's behaviour over one catalog and one state store."""

    def __init__(self, catalog: Catalog, store: StateStore, rng: random.Random | None = None) -> None:
        """Answer from ``catalog``; remember positions and rotation in ``store``; ``rng`` picks a first prompt."""
        self.catalog = catalog
        self.store = store
        self.rng = rng or random.Random()
        self.intents: dict[str, Callable[[Turn], Response]] = {
            "GroundingIntent": self.grounding,
            "BreathingIntent": self.breathing,
            "PlayEpisodeIntent": self.play_episode,
            "PlaySectionIntent": self.play_section,
            "ListSectionsIntent": self.list_sections,
            "SupportIntent": self.support,
            "StopAfterSectionIntent": self.stop_after_section,
            "AMAZON.HelpIntent": self.help,
            "AMAZON.FallbackIntent": self.fallback,
            "AMAZON.StopIntent": self.stop_or_goodbye,
            "AMAZON.CancelIntent": self.stop_or_goodbye,
            "AMAZON.PauseIntent": self.stop,
            "AMAZON.NavigateHomeIntent": self.stop_or_goodbye,
            "AMAZON.ResumeIntent": self.resume,
            "AMAZON.NextIntent": self.next,
            "AMAZON.PreviousIntent": self.previous,
            "AMAZON.StartOverIntent": self.start_over,
            "AMAZON.RepeatIntent": self.repeat,
            "AMAZON.LoopOnIntent": self.cannot,
            "AMAZON.LoopOffIntent": self.cannot,
            "AMAZON.ShuffleOnIntent": self.cannot,
            "AMAZON.ShuffleOffIntent": self.cannot,
            "AMAZON.YesIntent": self.yes,
            "AMAZON.NoIntent": self.no,
        }
        self.requests: dict[str, Callable[[Turn], Response]] = {
            "LaunchRequest": self.launch,
            "IntentRequest": self.intent,
            "CanFulfillIntentRequest": lambda turn: can_fulfill(self.catalog, turn),
            "SessionEndedRequest": self.session_ended,
            "AudioPlayer.PlaybackStarted": self.playback_started,
            "AudioPlayer.PlaybackStopped": self.playback_stopped,
            "AudioPlayer.PlaybackFinished": self.playback_finished,
            "AudioPlayer.PlaybackFailed": self.playback_failed,
            "AudioPlayer.PlaybackNearlyFinished": self.playback_nearly_finished,
            "PlaybackController.PlayCommandIssued": self.resume,
            "PlaybackController.PauseCommandIssued": self.stop,
            "PlaybackController.NextCommandIssued": self.next,
            "PlaybackController.PreviousCommandIssued": self.previous,
            "System.ExceptionEncountered": self.exception_encountered,
        }

    def handle(self, handler_input: HandlerInput) -> Response:
        """Answer one request."""
        turn = Turn(handler_input)
        handler = self.requests.get(turn.type)
        if handler is None:
            log.warning("unsupported request type %r: empty response", turn.type)
            return turn.empty()
        response = handler(turn)
        if turn.starts_session and turn.conversational and response.should_end_session is False:
            # The section titles for this session (skill/entities.py): the model itself lists none.
            current = self.current_section(turn)
            response.directives = [*(response.directives or []),
                                   section_entities_directive(self.catalog, current.episode_id if current else None)]
        return response

    def intent(self, turn: Turn) -> Response:
        """Route an IntentRequest by name; unknown intents get the fallback hint."""
        return self.intents.get(turn.intent_name, self.fallback)(turn)


class _Dispatch(AbstractRequestHandler):
    """The one request handler: every supported request goes to :class:`GentleSteps`."""

    def __init__(self, skill: GentleSteps) -> None:
        self.skill = skill

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return True

    def handle(self, handler_input: HandlerInput) -> Response:
        return self.skill.handle(handler_input)


class _CatchAll(AbstractExceptionHandler):
    """Any error: log it, answer validly for the request type (speech only where speech is allowed)."""

    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        return True

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        request = getattr(handler_input.request_envelope, "request", None)
        request_type = getattr(request, "object_type", "unknown")
        log.error("error answering %s: %s", request_type, exception, exc_info=exception)
        # A fresh response: the failed handler may have half-built one.
        rb = handler_input.response_builder
        rb.response.output_speech = rb.response.card = rb.response.reprompt = rb.response.directives = None
        rb.response.should_end_session = None
        rb.response.can_fulfill_intent = None
        if request_type in CONVERSATIONAL:
            rb.speak(L.SORRY()).set_should_end_session(True)
        return rb.response


def build_skill(catalog: Catalog, store: StateStore, rng: random.Random | None = None) -> CustomSkill:
    """The ask-sdk skill answering from ``catalog`` with state in ``store``."""
    builder = SkillBuilder()
    builder.add_request_handler(_Dispatch(GentleSteps(catalog, store, rng)))
    builder.add_exception_handler(_CatchAll())
    return builder.create()
