"""Playing sections and breathing tracks through the AudioPlayer: play, resume, next, previous, start over, stop,
and "stop after this section".

AudioPlayer rules followed here (Alexa Skills Kit, "AudioPlayer Interface Reference"): Play with REPLACE_ALL
never carries expectedPreviousToken; responses to PlaybackController requests carry no speech, card or
reprompt. The skill's lead-ins never name the section they start: the narration says its heading (and the first
section the episode's title), so a title is heard once, in one voice.
"""

from __future__ import annotations

import random
from typing import Any

from ask_sdk_model import Response
from ask_sdk_model.interfaces.audioplayer import (
    AudioItem,
    AudioItemMetadata,
    ClearBehavior,
    ClearQueueDirective,
    PlayBehavior,
    PlayDirective,
    StopDirective,
    Stream,
)
from ask_sdk_model.interfaces.display import Image, ImageInstance
from gentle_steps.skill import lines as L
from gentle_steps.skill import ssml
from gentle_steps.skill.catalog import Catalog, Section, Track
from gentle_steps.skill.names import spoken_form
from gentle_steps.skill.state import StateStore, as_int
from gentle_steps.skill.tokens import Playable, make_token, parse_token, resolve, resolve_section
from gentle_steps.skill.turn import Turn

SSML_AUDIO_MAX_MS = 240_000
"""Longest clip Alexa plays inside speech (SSML ``<audio>``)."""

HEARD = frozenset({"PLAYING", "STOPPED", "PAUSED", "BUFFER_UNDERRUN"})
"""Player activities in which the skill's audio is loaded (playing, or paused by the listener's voice)."""


class PlaybackHandlers:
    """Playing and navigating; mixed into :class:`~gentle_steps.skill.handlers.GentleSteps`."""

    catalog: Catalog
    store: StateStore
    rng: random.Random

    def choices(self) -> ssml.Ssml:
        """What the listener can ask for, breathing included when the show has it."""
        return L.CHOICES_BREATHING() if self.catalog.breathing else L.CHOICES()

    def what_would_you_like(self) -> ssml.Ssml:
        """The usual reprompt."""
        return L.WHAT_WOULD_YOU_LIKE(choices=self.choices())

    # --- intents -------------------------------------------------------------------------------------------

    def play_episode(self, turn: Turn) -> Response:
        """The newest episode from its first section."""
        return self.play(turn, self.catalog.latest.sections[0], 0, lead_in=L.PLAY_EPISODE())

    def resume(self, turn: Turn, lead_in: str = "") -> Response:
        """Resume, PlaybackController Play and Yes to "resume?": the saved item at the saved offset."""
        point = self.resume_point(turn, finished_restarts=True)
        if point is None:
            if not turn.conversational:
                return self.play(turn, self.catalog.latest.sections[0], 0)
            return turn.ask(L.NOTHING_TO_RESUME(choices=self.choices()), self.what_would_you_like())
        item, offset = point
        return self.play(turn, item, offset, lead_in=lead_in)

    def next(self, turn: Turn) -> Response:
        """The section after the current one; after the last, nothing plays."""
        current = self.current_section(turn)
        following = self.catalog.next_section(current) if current else None
        if following is None:
            if not turn.conversational:
                return turn.empty()
            if current is None:
                return turn.ask(L.NOTHING_PLAYING(choices=self.choices()), self.what_would_you_like())
            return turn.ask(L.LAST_SECTION(), self.what_would_you_like())
        return self.play(turn, following, 0, lead_in=L.NEXT())

    def previous(self, turn: Turn) -> Response:
        """The section before the current one (the first restarts)."""
        current = self.current_section(turn) or self.catalog.latest.sections[0]
        target = self.catalog.previous_section(current) or current
        return self.play(turn, target, 0, lead_in=L.PREVIOUS())

    def start_over(self, turn: Turn) -> Response:
        """The current episode from its first section."""
        current = self.current_section(turn)
        episode = self.catalog.episode(current.episode_id) if current else self.catalog.latest
        return self.play(turn, episode.sections[0], 0, lead_in=L.START_OVER())  # type: ignore[union-attr]

    def restart_current(self, turn: Turn) -> Response:
        """Repeat during playback: what is playing, again from its start."""
        found = resolve(self.catalog, turn.player_token) or resolve(self.catalog, self.saved(turn).get("token"))
        item = found[0] if found else self.catalog.latest.sections[0]
        return self.play(turn, item, 0)

    def stop(self, turn: Turn) -> Response:
        """Pause, Stop, Cancel: stop this skill's audio without a word, or say a short goodbye."""
        ours = parse_token(turn.player_token) is not None and turn.player_activity in HEARD
        if not turn.conversational or (ours and (turn.player_activity == "PLAYING" or turn.starts_session)):
            turn.rb.add_directive(StopDirective())
            if turn.conversational:
                turn.rb.set_should_end_session(True)
            return turn.rb.response
        if ours:
            turn.rb.add_directive(StopDirective())
        return turn.end(L.GOODBYE())

    def stop_after_section(self, turn: Turn) -> Response:
        """"Stop after this section": the section plays on, the next is not enqueued, and the saved place is
        the next section's start."""
        token = turn.player_token if turn.player_activity in HEARD else None
        section = resolve_section(self.catalog, token)
        if section is None:
            return turn.ask(L.NOTHING_PLAYING(choices=self.choices()), self.what_would_you_like())
        doc = self.store.device(turn.device_id)
        if doc.get("enqueued_for") == token:
            turn.rb.add_directive(ClearQueueDirective(clear_behavior=ClearBehavior.CLEAR_ENQUEUED))
        doc.update(token=token, offset_ms=turn.player_offset, stop_after=token)
        doc.pop("enqueued_for", None)
        self.store.save_device(turn.device_id, doc)
        return turn.end(L.STOP_AFTER())  # no Play: Alexa resumes the section once the answer is spoken

    # --- playing -------------------------------------------------------------------------------------------

    def play(self, turn: Turn, item: Playable, offset: int, lead_in: str = "") -> Response:
        """REPLACE_ALL with ``item`` at ``offset`` (a device without the AudioPlayer hears it through speech)."""
        turn.remember("pending", None)
        if not turn.has_audio_player:
            return self.speak_item(turn, item)
        stream = Stream(token=make_token(item), url=item.audio_url, offset_in_milliseconds=offset)
        turn.rb.add_directive(PlayDirective(play_behavior=PlayBehavior.REPLACE_ALL,
                                            audio_item=AudioItem(stream=stream, metadata=self.metadata(item))))
        self.store.save_device(turn.device_id, {"token": stream.token, "offset_ms": offset, "activity": "PLAYING"})
        if turn.conversational:
            return turn.end(lead_in)
        return turn.rb.response

    def speak_item(self, turn: Turn, item: Playable) -> Response:
        """A device without AudioPlayer: the clip through SSML when short enough and https, else the text."""
        if not turn.conversational:
            return turn.empty()
        if isinstance(item, Track):
            return self.breathe_in_speech(turn, item)
        following = self.catalog.next_section(item)
        if self.ssml_playable(item.audio_url, item.duration_ms):
            body = ssml.audio(item.audio_url)
        else:
            heading = ssml.join(ssml.Ssml(f"{ssml.title(item.title)}."), ssml.pause(600))
            question = len(L.NEXT_QUESTION(title=ssml.title(following.title))) if following else 0
            text, cut = ssml.fit(drop_heading(item.text, item.title), ssml.BUDGET - question - len(heading))
            body = ssml.Ssml(heading + text)
            if cut:
                body = ssml.join(body, L.READING_CUT(), gap_ms=500)
        if following is None:
            return turn.end(ssml.join(body, L.LAST_READ(), gap_ms=800))
        name = ssml.title(following.title)
        response = turn.ask(ssml.join(body, L.NEXT_QUESTION(title=name), gap_ms=800),
                            L.NEXT_QUESTION_REPROMPT(title=name), f"next:{make_token(following)}")
        if turn.said() is None:  # too long to keep word for word: "repeat" reads the section again
            turn.remember("said", {"section": make_token(item)})
        return response

    def breathe_in_speech(self, turn: Turn, track: Track) -> Response:
        """A breathing track without the AudioPlayer: the clip in speech when it can play, else a short breath."""
        if self.ssml_playable(track.audio_url, track.duration_ms):
            return turn.end(ssml.audio(track.audio_url))
        return turn.end(ssml.gentle(L.BREATHING_OFF()))

    def ssml_playable(self, url: str, duration_ms: int) -> bool:
        """Whether Alexa can play this clip inside speech (https, at most 240 s)."""
        return self.catalog.https and url.lower().startswith("https://") and 0 < duration_ms <= SSML_AUDIO_MAX_MS

    def metadata(self, item: Playable) -> AudioItemMetadata:
        """What a screen shows while ``item`` plays."""
        art = None
        if self.catalog.show.artwork_url:
            art = Image(content_description=self.catalog.show.title,
                        sources=[ImageInstance(url=self.catalog.show.artwork_url)])
        subtitle = self.catalog.show.title
        if isinstance(item, Section):
            episode = self.catalog.episode(item.episode_id)
            subtitle = episode.title if episode else subtitle
        return AudioItemMetadata(title=item.title, subtitle=subtitle, art=art, background_image=art)

    # --- where the listener is -----------------------------------------------------------------------------

    def saved(self, turn: Turn) -> dict[str, Any]:
        """The device's saved playback, or what Alexa's context says when nothing is saved."""
        doc = self.store.device(turn.device_id)
        if not doc.get("token") and parse_token(turn.player_token):
            # No saved state (new device, or the store is failing): Alexa's context still knows the position.
            doc = {"token": turn.player_token, "offset_ms": turn.player_offset,
                   "activity": "FINISHED" if turn.player_activity == "FINISHED" else "STOPPED"}
        return doc

    def resume_point(self, turn: Turn, finished_restarts: bool = False) -> tuple[Playable, int] | None:
        """Where this device would pick up: the saved item and offset (the next section after a finish)."""
        doc = self.saved(turn)
        found = resolve(self.catalog, doc.get("token"))
        if found is None:
            return None
        item, same_audio = found
        offset = as_int(doc.get("offset_ms")) if same_audio else 0  # rebuilt audio: the old offset means nothing
        done = doc.get("activity") == "FINISHED" or (item.duration_ms and offset >= item.duration_ms - 1000)
        if isinstance(item, Track):
            return (item, 0 if done else offset) if finished_restarts or not done else None
        if done:
            following = self.catalog.next_section(item)
            if following is not None:
                return following, 0
            # The episode is done: Play starts it again; the welcome does not ask.
            return (self.catalog.episode(item.episode_id).sections[0], 0) if finished_restarts else None
        if not finished_restarts and item.index == 0 and offset == 0:
            return None
        return item, offset

    def current_section(self, turn: Turn) -> Section | None:
        """The section playing or last played on this device, if any."""
        return resolve_section(self.catalog, turn.player_token) or resolve_section(self.catalog,
                                                                                    self.saved(turn).get("token"))


def drop_heading(text: str, title: str) -> str:
    """``text`` without the heading it opens with (the narration starts with it, in its spoken spelling)."""
    words = text.split()
    count = len(title.split())
    if count and spoken_form(" ".join(words[:count])) == spoken_form(title):
        return " ".join(words[count:]).lstrip(" .:\"'\u201d")
    return text
