"""AudioPlayer events and system requests: remember where each device is, enqueue the next section, log.

Responses to AudioPlayer events carry no speech, card or reprompt; PlaybackFinished is never answered with
Play; ENQUEUE always carries expectedPreviousToken. A breathing track is never followed by anything, and a
section the listener asked to stop after is not either: its finish saves the next section's start instead.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from ask_sdk_model import Response
from ask_sdk_model.interfaces.audioplayer import (
    AudioItem,
    AudioItemMetadata,
    PlayBehavior,
    PlayDirective,
    Stream,
)
from gentle_steps.skill.catalog import Catalog, Section
from gentle_steps.skill.state import StateStore, as_int
from gentle_steps.skill.tokens import make_token, resolve
from gentle_steps.skill.turn import Turn

log = logging.getLogger(__name__)


def request_token(turn: Turn) -> str | None:
    """The token an AudioPlayer event is about."""
    token = getattr(turn.request, "token", None)
    return token if isinstance(token, str) else None


def request_offset(turn: Turn) -> int:
    """The offset an AudioPlayer event reports."""
    return as_int(getattr(turn.request, "offset_in_milliseconds", 0))


class EventHandlers:
    """AudioPlayer and system requests; mixed into :class:`~gentle_steps.skill.handlers.GentleSteps`."""

    catalog: Catalog
    store: StateStore
    metadata: Callable[[Section], AudioItemMetadata]  # PlaybackHandlers.metadata

    def playback_started(self, turn: Turn) -> Response:
        """Remember what started playing: a new item, or one started again from its top, clears the enqueue and
        stop-after markers; the same item resumed where it stopped keeps them."""
        token, offset = request_token(turn), request_offset(turn)
        keep = offset > 0 and self.store.device(turn.device_id).get("token") == token
        self.save_position(turn, token, offset, "PLAYING", keep=keep)
        return turn.empty()

    def playback_stopped(self, turn: Turn) -> Response:
        """Save the offset on every stop, so Resume picks up exactly there."""
        self.save_position(turn, request_token(turn), request_offset(turn), "STOPPED")
        return turn.empty()

    def playback_finished(self, turn: Turn) -> Response:
        """Remember that the item finished; after "stop after this section", the next section's start."""
        token = request_token(turn)
        doc = self.store.device(turn.device_id)
        found = resolve(self.catalog, token)
        if found and doc.get("stop_after") == token and isinstance(found[0], Section):
            following = self.catalog.next_section(found[0])
            if following is not None:
                self.store.save_device(turn.device_id, {"token": make_token(following), "offset_ms": 0,
                                                        "activity": "STOPPED"})
                return turn.empty()
        self.save_position(turn, token, request_offset(turn), "FINISHED")
        return turn.empty()

    def playback_failed(self, turn: Turn) -> Response:
        """Log the failure and remember where it happened."""
        error = getattr(turn.request, "error", None)
        log.warning("AudioPlayer.PlaybackFailed: %s", getattr(getattr(error, "object_type", None), "value",
                                                               getattr(error, "object_type", "unknown")))
        token = request_token(turn)
        state = getattr(turn.request, "current_playback_state", None)
        offset = as_int(getattr(state, "offset_in_milliseconds", 0)) if getattr(state, "token", None) == token else 0
        self.save_position(turn, token, offset, "FAILED")
        return turn.empty()

    def playback_nearly_finished(self, turn: Turn) -> Response:
        """ENQUEUE the next section once per playing token; nothing after the last section, after a breathing
        track, or after a section the listener asked to stop after."""
        token = request_token(turn)
        found = resolve(self.catalog, token)
        if found is None or not isinstance(found[0], Section):
            return turn.empty()
        following = self.catalog.next_section(found[0])
        doc = self.store.device(turn.device_id)
        if following is None or token in (doc.get("enqueued_for"), doc.get("stop_after")):
            return turn.empty()
        stream = Stream(token=make_token(following), url=following.audio_url, offset_in_milliseconds=0,
                        expected_previous_token=token)
        turn.rb.add_directive(PlayDirective(play_behavior=PlayBehavior.ENQUEUE,
                                            audio_item=AudioItem(stream=stream, metadata=self.metadata(following))))
        doc.update(token=token, offset_ms=request_offset(turn), activity="PLAYING", enqueued_for=token)
        self.store.save_device(turn.device_id, doc)
        return turn.rb.response

    def session_ended(self, turn: Turn) -> Response:
        """Log why the session ended; answer with nothing."""
        error = getattr(turn.request, "error", None)
        reason = getattr(getattr(turn.request, "reason", None), "value", None)
        if error is not None:
            log.warning("session ended: %s (%s)", reason, getattr(getattr(error, "object_type", None), "value", ""))
        else:
            log.info("session ended: %s", reason)
        return turn.empty()

    def exception_encountered(self, turn: Turn) -> Response:
        """Alexa reports that a response of ours failed: log it, answer with nothing."""
        error = getattr(turn.request, "error", None)
        log.error("System.ExceptionEncountered: %s: %s",
                  getattr(getattr(error, "object_type", None), "value", "unknown"), getattr(error, "message", ""))
        return turn.empty()

    def save_position(self, turn: Turn, token: str | None, offset: int, activity: str, keep: bool = True) -> None:
        """Save where the device is in our audio (``keep`` keeps the other markers of the same item)."""
        if resolve(self.catalog, token) is None:
            return  # not our audio, or a rebuilt catalog no longer has it
        doc = self.store.device(turn.device_id) if keep else {}
        doc.update(token=token, offset_ms=offset, activity=activity)
        self.store.save_device(turn.device_id, doc)
