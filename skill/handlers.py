"""What the skill does with each request: launch, grounding prompts, playing sections, AudioPlayer events.

One ask-sdk request handler dispatches by request type and intent name to the methods of :class:`GentleSteps`;
one exception handler answers anything that went wrong with a response valid for that request type. Every
spoken line is brief and calm, never clinical, and never claims to be therapy or emergency help.

AudioPlayer rules followed here (Alexa Skills Kit, "AudioPlayer Interface Reference"): Play with REPLACE_ALL
never carries expectedPreviousToken; ENQUEUE always does; responses to AudioPlayer and PlaybackController
requests carry no speech, card or reprompt; PlaybackFinished is never answered with Play.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from typing import Any

from ask_sdk_core.dispatch_components import AbstractExceptionHandler, AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.skill_builder import SkillBuilder
from ask_sdk_model import Response
from ask_sdk_model.interfaces.audioplayer import (
    AudioItem,
    AudioItemMetadata,
    PlayBehavior,
    PlayDirective,
    StopDirective,
    Stream,
)
from ask_sdk_model.interfaces.display import Image, ImageInstance
from ask_sdk_model.ui import SimpleCard
from gentle_steps.skill import ssml
from gentle_steps.skill.catalog import Catalog, Prompt, Section, spoken_form
from gentle_steps.skill.entities import section_entities_directive
from gentle_steps.skill.state import StateStore, as_int
from gentle_steps.skill.tokens import make_token, parse_token, resolve

log = logging.getLogger(__name__)

REQUEST_TYPES = frozenset({
    "LaunchRequest", "IntentRequest", "SessionEndedRequest",
    "AudioPlayer.PlaybackStarted", "AudioPlayer.PlaybackFinished", "AudioPlayer.PlaybackStopped",
    "AudioPlayer.PlaybackNearlyFinished", "AudioPlayer.PlaybackFailed",
    "PlaybackController.PlayCommandIssued", "PlaybackController.PauseCommandIssued",
    "PlaybackController.NextCommandIssued", "PlaybackController.PreviousCommandIssued",
    "System.ExceptionEncountered",
})
"""Request types the skill answers; the web service refuses any other with HTTP 400."""

MAX_LISTED = 12
"""Most section titles read out by ListSections (the card lists them all)."""

SSML_AUDIO_MAX_MS = 240_000
"""Longest clip Alexa plays inside speech (SSML ``<audio>``)."""

# Requests whose responses may carry speech, cards and shouldEndSession.
_CONVERSATIONAL = frozenset({"LaunchRequest", "IntentRequest"})

_CHOICES = "You can ask for a grounding message, hear the list of sections, or play the episode."
_GOODBYE = "Take care of yourself."
_NO_PROMPTS = ("Let's take one slow breath together. In, and out. You're doing the best you can, "
               "and that is enough for now.")
_SORRY = "Sorry, something went wrong on my side. Please try again in a moment."


class Turn:
    """One request: the envelope facts a handler needs, and the response being built."""

    def __init__(self, handler_input: HandlerInput) -> None:
        """Read the envelope of ``handler_input`` once."""
        self.input = handler_input
        envelope = handler_input.request_envelope
        self.request = envelope.request
        self.type: str = getattr(self.request, "object_type", "") or ""
        system = getattr(envelope.context, "system", None)
        device = getattr(system, "device", None)
        user = getattr(system, "user", None)
        self.device_id: str | None = getattr(device, "device_id", None)
        self.user_id: str | None = getattr(user, "user_id", None)
        interfaces = getattr(device, "supported_interfaces", None)
        self.has_audio_player = getattr(interfaces, "audio_player", None) is not None
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
        return self.type in _CONVERSATIONAL

    @property
    def intent_name(self) -> str:
        """The intent's name, or "" for other requests."""
        intent = getattr(self.request, "intent", None)
        return getattr(intent, "name", "") or ""

    def slot(self, name: str) -> Any:
        """The named slot of the intent, or None."""
        slots = getattr(getattr(self.request, "intent", None), "slots", None) or {}
        return slots.get(name) if isinstance(slots, dict) else None

    def remember(self, key: str, value: Any) -> None:
        """Set a session attribute (ignored outside a session)."""
        if self.session is not None:
            if value is None:
                self.session.pop(key, None)
            else:
                self.session[key] = value

    def recall(self, key: str) -> Any:
        """A session attribute, or None."""
        return self.session.get(key) if self.session is not None else None

    def say(self, speech: str, reprompt: str | None = None) -> Response:
        """Speak (already-SSML) ``speech``; keep the session open with ``reprompt``, or end it."""
        self.rb.speak(speech)
        if reprompt:
            self.rb.ask(reprompt)
        else:
            self.rb.set_should_end_session(True)
        return self.rb.response

    def empty(self) -> Response:
        """A response with nothing in it (AudioPlayer events, SessionEnded, errors reported by Alexa)."""
        return self.rb.response


class GentleSteps:
    """The skill's behaviour over one catalog and one state store."""

    def __init__(self, catalog: Catalog, store: StateStore, rng: random.Random | None = None) -> None:
        """Answer from ``catalog``; remember positions and rotation in ``store``; ``rng`` picks a first prompt."""
        self.catalog = catalog
        self.store = store
        self.rng = rng or random.Random()
        self.intents: dict[str, Callable[[Turn], Response]] = {
            "GroundingIntent": self.grounding,
            "PlayEpisodeIntent": self.play_episode,
            "PlaySectionIntent": self.play_section,
            "ListSectionsIntent": self.list_sections,
            "SupportIntent": self.support,
            "AMAZON.HelpIntent": self.help,
            "AMAZON.FallbackIntent": self.fallback,
            "AMAZON.StopIntent": self.stop,
            "AMAZON.CancelIntent": self.stop,
            "AMAZON.PauseIntent": self.stop,
            "AMAZON.NavigateHomeIntent": self.stop,
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

    # --- dispatch ------------------------------------------------------------------------------------------

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
            current = self._current_section(turn)
            response.directives = [*(response.directives or []),
                                   section_entities_directive(self.catalog, current.episode_id if current else None)]
        return response

    def intent(self, turn: Turn) -> Response:
        """Route an IntentRequest by name; unknown intents get the fallback hint."""
        return self.intents.get(turn.intent_name, self.fallback)(turn)

    # --- conversation --------------------------------------------------------------------------------------

    def launch(self, turn: Turn) -> Response:
        """Welcome in one breath; a returning listener with a saved position is asked whether to resume."""
        point = self._resume_point(turn)
        title = ssml.escape(self.catalog.show.title)
        if point is not None:
            section, _ = point
            turn.remember("pending", "resume")
            last = _sentence(f"Last time you were listening to {ssml.escape(_plain(section.title))}")
            return turn.say(
                f"Welcome back to {title}. {last} Would you like to pick up where you left off?",
                "Would you like to pick up where you left off? You can say yes or no.")
        turn.remember("pending", None)
        return turn.say(f"Welcome to {title}. {_CHOICES} What would you like?",
                        f"{_CHOICES} What would you like?")

    def grounding(self, turn: Turn) -> Response:
        """One grounding prompt, never the listener's previous one, then the offer of another."""
        if not self.catalog.prompts:
            turn.remember("pending", None)
            return turn.say(f"{_NO_PROMPTS} You can also hear the list of sections, or play the episode.",
                            f"{_CHOICES} What would you like?")
        prompt = self._next_prompt(turn)
        if self.catalog.https and prompt.audio_url.lower().startswith("https://"):
            spoken = ssml.audio(prompt.audio_url)
        else:
            spoken = ssml.gentle(prompt.text)
        turn.rb.set_card(SimpleCard(title=self.catalog.show.title, content=prompt.text))
        turn.remember("pending", "another")
        return turn.say(f"{spoken}{ssml.pause(1000)}Would you like another one?",
                        "Would you like another grounding message? You can say yes or no.")

    def list_sections(self, turn: Turn) -> Response:
        """The section titles, numbered and brief, then which one to play."""
        episode = self._current_episode(turn)
        titles = [s.title for s in episode.sections]
        spoken = " ".join(f"{i}. {_sentence(ssml.escape(_plain(t)))}{ssml.pause(300)}"
                          for i, t in enumerate(titles[:MAX_LISTED], 1))
        if len(titles) > MAX_LISTED:
            spoken += f" And {len(titles) - MAX_LISTED} more, listed in the Alexa app."
        turn.rb.set_card(SimpleCard(title=episode.title, content="\n".join(f"{i}. {t}" for i, t in
                                                                             enumerate(titles, 1))))
        turn.remember("pending", None)
        return turn.say(f"There are {len(titles)} parts. {spoken} Which one would you like to hear?",
                        "Which part would you like? You can say its name, or play the episode.")

    def support(self, turn: Turn) -> Response:
        """At once and calmly, the crisis resources; never a diagnosis, never a claim to be emergency help."""
        resources = self.catalog.show.crisis_resources
        if resources:
            lines = " ".join(ssml.escape(r.spoken) for r in resources)
            card = "\n".join(f"{r.name}: {r.contact}" for r in resources)
        else:
            lines = "If you are in danger, please call your local emergency number."
            card = "If you are in danger, call your local emergency number."
        turn.rb.set_card(SimpleCard(title="Help right now", content=card))
        turn.remember("pending", None)
        title = ssml.escape(self.catalog.show.title)
        return turn.say(f"You don't have to face this alone. Please reach out now to people who can help. {lines} "
                        f"{title} is only a recording and can't help in an emergency, but they can.")

    def help(self, turn: Turn) -> Response:
        """What to say, that urgent help is available, and that this is not therapy or emergency help."""
        turn.remember("pending", None)
        title = ssml.escape(self.catalog.show.title)
        turn.rb.set_card(SimpleCard(title=self.catalog.show.title, content=self.catalog.show.disclaimer))
        return turn.say(
            "You can say: give me a grounding message, what sections are there, or play the episode. "
            f"If you need help right now, say: I need help now. {title} isn't therapy, and it isn't emergency "
            "help. What would you like?",
            f"{_CHOICES} What would you like?")

    def fallback(self, turn: Turn) -> Response:
        """A short hint naming what exists."""
        turn.remember("pending", None)
        return turn.say(f"Sorry, I didn't quite catch that. {self._hint()}", f"{_CHOICES} What would you like?")

    def cannot(self, turn: Turn) -> Response:
        """Loop and shuffle: a short "I can't do that here"."""
        return turn.say("Sorry, I can't do that here.")

    def stop(self, turn: Turn) -> Response:
        """Pause, Stop, Cancel: stop this skill's audio without a word, or say a short goodbye."""
        if not turn.conversational or (turn.player_activity == "PLAYING" and parse_token(turn.player_token)):
            turn.rb.add_directive(StopDirective())
            if turn.conversational:
                turn.rb.set_should_end_session(True)
            return turn.rb.response
        turn.remember("pending", None)
        return turn.say(_GOODBYE)

    def yes(self, turn: Turn) -> Response:
        """Yes to the last question: resume, another prompt, or the next part."""
        pending = turn.recall("pending")
        if pending == "resume":
            return self.resume(turn, lead_in="Picking up where you left off.")
        if pending == "another":
            return self.grounding(turn)
        if isinstance(pending, str) and pending.startswith("next:"):
            found = resolve(self.catalog, pending[5:])
            if found:
                return self._play(turn, found[0], 0)
        return self.fallback(turn)

    def no(self, turn: Turn) -> Response:
        """No: after the resume question, offer the choices; otherwise end gently."""
        if turn.recall("pending") == "resume":
            turn.remember("pending", None)
            return turn.say(f"All right. {_CHOICES} What would you like?", f"{_CHOICES} What would you like?")
        turn.remember("pending", None)
        return turn.say(_GOODBYE)

    # --- playing -------------------------------------------------------------------------------------------

    def play_episode(self, turn: Turn) -> Response:
        """The newest episode from its first section."""
        episode = self.catalog.latest
        return self._play(turn, episode.sections[0], 0, lead_in=_sentence(f"Here's {ssml.escape(episode.title)}"))

    def play_section(self, turn: Turn) -> Response:
        """The section the listener named (entity resolution first, then matching what was heard)."""
        section = self._section_from_slot(turn)
        if section is None:
            turn.remember("pending", None)
            return turn.say(f"I couldn't find that part. {self._hint()}", f"{_CHOICES} What would you like?")
        return self._play(turn, section, 0, lead_in=_sentence(f"Here's {ssml.escape(_plain(section.title))}"))

    def resume(self, turn: Turn, lead_in: str = "") -> Response:
        """Resume, PlaybackController Play and Yes to "resume?": the saved section at the saved offset."""
        point = self._resume_point(turn, finished_restarts=True)
        if point is None:
            if not turn.conversational:
                return self._play(turn, self.catalog.latest.sections[0], 0)
            return turn.say(f"There's nothing to pick up yet. {_CHOICES}", f"{_CHOICES} What would you like?")
        section, offset = point
        return self._play(turn, section, offset, lead_in=lead_in)

    def next(self, turn: Turn) -> Response:
        """The section after the current one; after the last, nothing plays."""
        current = self._current_section(turn)
        following = self.catalog.next_section(current) if current else None
        if following is None:
            if not turn.conversational:
                return turn.empty()
            if current is None:
                return turn.say(f"Nothing is playing right now. {_CHOICES}", f"{_CHOICES} What would you like?")
            return turn.say("That was the last part. You can say start over, or ask for a grounding message.",
                            f"{_CHOICES} What would you like?")
        return self._play(turn, following, 0, lead_in=_sentence(f"Next: {ssml.escape(_plain(following.title))}"))

    def previous(self, turn: Turn) -> Response:
        """The section before the current one (the first restarts)."""
        current = self._current_section(turn)
        if current is None:
            current = self.catalog.latest.sections[0]
        target = self.catalog.previous_section(current) or current
        return self._play(turn, target, 0, lead_in=_sentence(f"Back to {ssml.escape(_plain(target.title))}"))

    def start_over(self, turn: Turn) -> Response:
        """The current episode from its first section."""
        episode = self._current_episode(turn)
        return self._play(turn, episode.sections[0], 0, lead_in="Starting from the beginning.")

    def repeat(self, turn: Turn) -> Response:
        """The current section again from its start."""
        current = self._current_section(turn) or self.catalog.latest.sections[0]
        return self._play(turn, current, 0)

    # --- AudioPlayer events --------------------------------------------------------------------------------

    def playback_started(self, turn: Turn) -> Response:
        """Remember what started playing (a new track clears the enqueue marker)."""
        self._save_position(turn, self.request_token(turn), self.request_offset(turn), "PLAYING", keep=False)
        return turn.empty()

    def playback_stopped(self, turn: Turn) -> Response:
        """Save the offset on every stop, so Resume picks up exactly there."""
        self._save_position(turn, self.request_token(turn), self.request_offset(turn), "STOPPED")
        return turn.empty()

    def playback_finished(self, turn: Turn) -> Response:
        """Remember that the section finished (never answered with Play)."""
        self._save_position(turn, self.request_token(turn), self.request_offset(turn), "FINISHED")
        return turn.empty()

    def playback_failed(self, turn: Turn) -> Response:
        """Log the failure and remember where it happened."""
        error = getattr(turn.request, "error", None)
        log.warning("AudioPlayer.PlaybackFailed: %s", getattr(getattr(error, "object_type", None), "value",
                                                               getattr(error, "object_type", "unknown")))
        token = self.request_token(turn)
        state = getattr(turn.request, "current_playback_state", None)
        offset = as_int(getattr(state, "offset_in_milliseconds", 0)) if getattr(state, "token", None) == token else 0
        self._save_position(turn, token, offset, "FAILED")
        return turn.empty()

    def playback_nearly_finished(self, turn: Turn) -> Response:
        """ENQUEUE the next section once per playing token; nothing after the last section."""
        token = self.request_token(turn)
        found = resolve(self.catalog, token)
        if found is None:
            return turn.empty()
        following = self.catalog.next_section(found[0])
        doc = self.store.device(turn.device_id)
        if following is None or doc.get("enqueued_for") == token:
            return turn.empty()
        stream = Stream(token=make_token(following), url=following.audio_url, offset_in_milliseconds=0,
                        expected_previous_token=token)
        turn.rb.add_directive(PlayDirective(play_behavior=PlayBehavior.ENQUEUE,
                                            audio_item=AudioItem(stream=stream, metadata=self._metadata(following))))
        doc.update(token=token, offset_ms=self.request_offset(turn), activity="PLAYING", enqueued_for=token)
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

    # --- helpers -------------------------------------------------------------------------------------------

    @staticmethod
    def request_token(turn: Turn) -> str | None:
        """The token an AudioPlayer event is about."""
        token = getattr(turn.request, "token", None)
        return token if isinstance(token, str) else None

    @staticmethod
    def request_offset(turn: Turn) -> int:
        """The offset an AudioPlayer event reports."""
        return as_int(getattr(turn.request, "offset_in_milliseconds", 0))

    def _save_position(self, turn: Turn, token: str | None, offset: int, activity: str, keep: bool = True) -> None:
        if resolve(self.catalog, token) is None:
            return  # not our audio, or a rebuilt catalog no longer has it
        doc = self.store.device(turn.device_id) if keep else {}
        doc.update(token=token, offset_ms=offset, activity=activity)
        self.store.save_device(turn.device_id, doc)

    def _play(self, turn: Turn, section: Section, offset: int, lead_in: str = "") -> Response:
        turn.remember("pending", None)
        if not turn.has_audio_player:
            return self._speak_section(turn, section)
        stream = Stream(token=make_token(section), url=section.audio_url, offset_in_milliseconds=offset)
        turn.rb.add_directive(PlayDirective(play_behavior=PlayBehavior.REPLACE_ALL,
                                            audio_item=AudioItem(stream=stream, metadata=self._metadata(section))))
        self.store.save_device(turn.device_id, {"token": stream.token, "offset_ms": offset, "activity": "PLAYING"})
        if turn.conversational:
            if lead_in:
                turn.rb.speak(lead_in)
            turn.rb.set_should_end_session(True)
        return turn.rb.response

    def _speak_section(self, turn: Turn, section: Section) -> Response:
        """A device without AudioPlayer: the clip through SSML when short enough and https, else the text."""
        if not turn.conversational:
            return turn.empty()
        following = self.catalog.next_section(section)
        question = f"Would you like the next part, {ssml.escape(_plain(following.title))}?" if following else ""
        if (self.catalog.https and section.audio_url.lower().startswith("https://")
                and 0 < section.duration_ms <= SSML_AUDIO_MAX_MS):
            body = ssml.audio(section.audio_url)
        else:
            text = _drop_heading(section.text, section.title)  # said once below, with a pause after it
            heading = f"{_sentence(ssml.escape(_plain(section.title)))}{ssml.pause(600)}"
            body, cut = ssml.fit(text, ssml.BUDGET - len(question) - len(heading))
            body = heading + body
            if cut:
                body += f"{ssml.pause(500)}That's where I'll stop. The whole reading is on the show's page."
        if following is None:
            return turn.say(f"{body}{ssml.pause(800)}That was the last part. {_GOODBYE}")
        turn.remember("pending", f"next:{make_token(following)}")
        return turn.say(f"{body}{ssml.pause(800)}{question}",
                        f"{question} You can say yes or no.")

    def _metadata(self, section: Section) -> AudioItemMetadata:
        episode = self.catalog.episode(section.episode_id)
        art = None
        if self.catalog.show.artwork_url:
            art = Image(content_description=self.catalog.show.title,
                        sources=[ImageInstance(url=self.catalog.show.artwork_url)])
        return AudioItemMetadata(title=section.title, subtitle=episode.title if episode else self.catalog.show.title,
                                 art=art, background_image=art)

    def _saved(self, turn: Turn) -> dict[str, Any]:
        doc = self.store.device(turn.device_id)
        if not doc.get("token") and parse_token(turn.player_token):
            # No saved state (new device, or the store is failing): Alexa's context still knows the position.
            doc = {"token": turn.player_token, "offset_ms": turn.player_offset,
                   "activity": "FINISHED" if turn.player_activity == "FINISHED" else "STOPPED"}
        return doc

    def _resume_point(self, turn: Turn, finished_restarts: bool = False) -> tuple[Section, int] | None:
        """Where this device would pick up: the saved section and offset (the next section after a finish)."""
        doc = self._saved(turn)
        found = resolve(self.catalog, doc.get("token"))
        if found is None:
            return None
        section, same_audio = found
        offset = as_int(doc.get("offset_ms")) if same_audio else 0  # rebuilt audio: the old offset means nothing
        if doc.get("activity") == "FINISHED" or (section.duration_ms and offset >= section.duration_ms - 1000):
            following = self.catalog.next_section(section)
            if following is not None:
                return following, 0
            # The episode is done: Play starts it again; the welcome does not ask.
            return (self.catalog.episode(section.episode_id).sections[0], 0) if finished_restarts else None
        if not finished_restarts and section.index == 0 and offset == 0:
            return None
        return section, offset

    def _current_section(self, turn: Turn) -> Section | None:
        found = resolve(self.catalog, turn.player_token) or resolve(self.catalog, self._saved(turn).get("token"))
        return found[0] if found else None

    def _current_episode(self, turn: Turn):
        current = self._current_section(turn)
        return self.catalog.episode(current.episode_id) if current else self.catalog.latest

    def _section_from_slot(self, turn: Turn) -> Section | None:
        slot = turn.slot("section")
        if slot is None:
            return None
        current = self._current_section(turn)
        prefer = current.episode_id if current else None
        heard = [slot.value] if isinstance(slot.value, str) else []
        authorities = getattr(getattr(slot, "resolutions", None), "resolutions_per_authority", None) or []
        for authority in authorities:
            code = getattr(getattr(getattr(authority, "status", None), "code", None), "value", "")
            if code != "ER_SUCCESS_MATCH":
                continue
            for wrapper in authority.values or []:
                value = getattr(wrapper, "value", None)
                section_id = getattr(value, "id", None)
                by_id = [s for ep in sorted(self.catalog.episodes, key=lambda e: (e.id != prefer, -e.number))
                         for s in ep.sections if section_id in (f"{ep.id}.{s.id}", s.id)]
                if by_id:
                    return by_id[0]
                if isinstance(getattr(value, "name", None), str):
                    heard.insert(0, value.name)
        for said in heard:
            section = self.catalog.find_section(said, prefer_episode=prefer)
            if section is not None:
                return section
        return None

    def _next_prompt(self, turn: Turn) -> Prompt:
        """Rotation per user: the prompt after the one they heard last (kept in the store and the session)."""
        prompts = self.catalog.prompts
        saved = self.store.user(turn.user_id)
        last = saved.get("last_prompt") or turn.recall("last_prompt")
        ids = [p.id for p in prompts]
        if last in ids:
            prompt = prompts[(ids.index(last) + 1) % len(prompts)]
        else:
            prompt = self.rng.choice(prompts)
        turn.remember("last_prompt", prompt.id)
        saved["last_prompt"] = prompt.id
        self.store.save_user(turn.user_id, saved)
        return prompt

    def _hint(self) -> str:
        titles = [s.title for s in self.catalog.latest.sections[1:4]] or [self.catalog.latest.sections[0].title]
        named = ", ".join(ssml.escape(t) for t in titles[:-1]) + (" or " if len(titles) > 1 else "")
        return (f"You can ask for a grounding message, or a part by name, like {named}{ssml.escape(titles[-1])}. "
                "Or say: what sections are there.")


def _plain(title: str) -> str:
    """A title without wrapping quotes or a trailing ellipsis, for reading out in a list."""
    return title.strip("\u201c\u201d\"' ").rstrip(".\u2026").strip("\u201c\u201d\"' ")


def _drop_heading(text: str, title: str) -> str:
    """``text`` without the heading it opens with (the narration starts with it, in its spoken spelling)."""
    words = text.split()
    count = len(title.split())
    if count and spoken_form(" ".join(words[:count])) == spoken_form(title):
        return " ".join(words[count:]).lstrip(" .:\"'\u201d")
    return text


def _sentence(text: str) -> str:
    """``text`` ending in exactly one sentence mark (a title may already end with "?" or "!")."""
    text = text.rstrip()
    return text if text.endswith((".", "?", "!", "\u2026")) else f"{text}."


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
        if request_type in _CONVERSATIONAL:
            rb.speak(_SORRY).set_should_end_session(True)
        return rb.response


def build_skill(catalog: Catalog, store: StateStore, rng: random.Random | None = None) -> CustomSkill:
    """The ask-sdk skill answering from ``catalog`` with state in ``store``."""
    builder = SkillBuilder()
    builder.add_request_handler(_Dispatch(GentleSteps(catalog, store, rng)))
    builder.add_exception_handler(_CatchAll())
    return builder.create()
