"""The conversation: welcome, grounding prompts, the breathing exercise, help, yes, no and repeat.

"Repeat" says the last thing the skill said in this session again, word for word (the list, a prompt, the
crisis numbers), with the same question pending; outside a session, during playback, it restarts what is
playing.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

from ask_sdk_model import Response
from ask_sdk_model.ui import SimpleCard
from gentle_steps.skill import lines as L
from gentle_steps.skill import ssml
from gentle_steps.skill.catalog import Catalog, Prompt, Section, Track
from gentle_steps.skill.crisis import PENDING as CRISIS
from gentle_steps.skill.names import NUMBERS
from gentle_steps.skill.state import StateStore
from gentle_steps.skill.tokens import resolve
from gentle_steps.skill.turn import Turn

_WORD_NUMBERS = {word: n for n, word in enumerate(NUMBERS, 1)}


def track_for(tracks: tuple[Track, ...], asked: str) -> Track:
    """The breathing track a listener asked for: the one nearest the minutes they named ("three minutes",
    "3 minutes"), the longest for "long" or "longer", else the shortest."""
    by_length = sorted(tracks, key=lambda t: t.seconds)
    words = asked.lower().split()
    minutes = next((int(w) for w in words if w.isdigit()), None) or next(
        (_WORD_NUMBERS[w] for w in words if w in _WORD_NUMBERS), None)
    if minutes:
        return min(by_length, key=lambda t: abs(t.seconds - minutes * 60))
    if any(re.fullmatch(r"long(er)?", w) for w in words):
        return by_length[-1]
    return by_length[0]


def length_words(seconds: int) -> ssml.Ssml:
    """A track's length as said: "one minute", "three minutes"."""
    minutes = max(1, round(seconds / 60))
    if minutes == 1:
        return L.ONE_MINUTE()
    return L.MINUTES(count=NUMBERS[minutes - 1] if minutes <= len(NUMBERS) else str(minutes))


class ConversationHandlers:
    """Welcome, prompts, breathing, help, yes, no, repeat; mixed into
    :class:`~gentle_steps.skill.handlers.GentleSteps`."""

    catalog: Catalog
    store: StateStore
    rng: random.Random
    # From the other handler classes:
    choices: Callable[[], ssml.Ssml]
    what_would_you_like: Callable[[], ssml.Ssml]
    play: Callable[..., Response]
    resume: Callable[..., Response]
    resume_point: Callable[..., tuple[object, int] | None]
    restart_current: Callable[[Turn], Response]
    saved: Callable[[Turn], dict]
    stop: Callable[[Turn], Response]
    list_more: Callable[[Turn, str], Response]
    no_more: Callable[[Turn], Response]
    section_from_slot: Callable[[Turn], Section | None]
    hint: Callable[[], ssml.Ssml]
    crisis_goodbye: Callable[[Turn], Response]

    def launch(self, turn: Turn) -> Response:
        """Welcome in one breath; a returning listener with a saved place in a section is asked whether to
        resume."""
        point = self.resume_point(turn)
        show = self.catalog.show.title
        if point is not None and isinstance(point[0], Section):
            return turn.ask(L.WELCOME_BACK(show=show, title=ssml.title(point[0].title)), L.RESUME_REPROMPT(),
                            "resume")
        return turn.ask(L.WELCOME(show=show, choices=self.choices()), self.what_would_you_like())

    def grounding(self, turn: Turn) -> Response:
        """One grounding prompt, never the listener's previous one, then the offer of another."""
        if not self.catalog.prompts:
            return turn.ask(ssml.join(ssml.gentle(L.NO_PROMPTS()), L.NO_PROMPTS_NEXT(), gap_ms=600),
                            self.what_would_you_like())
        prompt = self.next_prompt(turn)
        if self.catalog.https and prompt.audio_url.lower().startswith("https://"):
            spoken = ssml.audio(prompt.audio_url)
        else:
            spoken = ssml.gentle(prompt.text)
        turn.rb.set_card(SimpleCard(title=self.catalog.show.title, content=prompt.text))
        return turn.ask(ssml.join(spoken, L.ANOTHER(), gap_ms=1000), L.ANOTHER_REPROMPT(), "another")

    def breathing(self, turn: Turn) -> Response:
        """"Help me breathe": a breathing track through the AudioPlayer (pause, resume and stop work), or, when
        the show has none, one slow breath spoken gently."""
        if not self.catalog.breathing:
            return turn.end(ssml.gentle(L.BREATHING_OFF()))
        track = track_for(self.catalog.breathing, turn.slot_value("length"))
        return self.play(turn, track, 0, lead_in=L.BREATHING_START(length=length_words(track.seconds)))

    def play_section(self, turn: Turn) -> Response:
        """The section the listener named (entity resolution first, then matching what was heard)."""
        section = self.section_from_slot(turn)
        if section is None:
            return turn.ask(L.SECTION_NOT_FOUND(hint=self.hint()), self.what_would_you_like())
        return self.play(turn, section, 0, lead_in=L.PLAY_SECTION())

    def help(self, turn: Turn) -> Response:
        """What to say, that urgent help is available, and that this is not therapy or emergency help."""
        turn.rb.set_card(SimpleCard(title=self.catalog.show.title, content=self.catalog.show.disclaimer))
        breathing = L.HELP_BREATHING() if self.catalog.breathing else ssml.Ssml("")
        return turn.ask(L.HELP(breathing=breathing, show=self.catalog.show.title), self.what_would_you_like())

    def fallback(self, turn: Turn) -> Response:
        """A short hint naming what exists; after the crisis answer, the offer to repeat it again."""
        if turn.pending == CRISIS:
            return turn.ask(L.CRISIS_REPROMPT(), L.CRISIS_REPROMPT(), CRISIS)
        return turn.ask(L.FALLBACK(hint=self.hint()), self.what_would_you_like())

    def cannot(self, turn: Turn) -> Response:
        """Loop and shuffle: a short "I can't do that here"."""
        return turn.end(L.CANNOT())

    def stop_or_goodbye(self, turn: Turn) -> Response:
        """Stop and Cancel: after the crisis answer a gentle end, otherwise :meth:`stop`."""
        if turn.conversational and turn.pending == CRISIS:
            return self.crisis_goodbye(turn)
        return self.stop(turn)

    def yes(self, turn: Turn) -> Response:
        """Yes to the last question: resume, another prompt, more of the list, the next section, or the
        crisis numbers again."""
        pending = turn.pending
        if pending == "resume":
            return self.resume(turn, lead_in=L.PICK_UP())
        if pending == "another":
            return self.grounding(turn)
        if pending == CRISIS:
            return self.repeat(turn)
        if pending.startswith("more:"):
            return self.list_more(turn, pending)
        if pending.startswith("next:"):
            found = resolve(self.catalog, pending[5:])
            if found:
                return self.play(turn, found[0], 0)
        return self.fallback(turn)

    def no(self, turn: Turn) -> Response:
        """No: after the resume question, the choices; after the crisis answer or the list, a gentle word;
        otherwise a goodbye."""
        pending = turn.pending
        if pending == "resume":
            return turn.ask(L.ALL_RIGHT(choices=self.choices()), self.what_would_you_like())
        if pending == CRISIS:
            return self.crisis_goodbye(turn)
        if pending.startswith("more:"):
            return self.no_more(turn)
        return turn.end(L.GOODBYE())

    def repeat(self, turn: Turn) -> Response:
        """The last thing said in this session, again; during playback, what is playing from its start."""
        said = turn.said()
        if said is not None and not turn.starts_session:
            return turn.ask(said["speech"], said["reprompt"], said.get("pending"))
        reading = resolve(self.catalog, (turn.recall("said") or {}).get("section"))
        if reading and not turn.starts_session:
            return self.play(turn, reading[0], 0)
        if resolve(self.catalog, turn.player_token) or resolve(self.catalog, self.saved(turn).get("token")):
            return self.restart_current(turn)
        if not turn.conversational:
            return turn.empty()
        return turn.ask(L.NOTHING_TO_REPEAT(choices=self.choices()), self.what_would_you_like())

    def next_prompt(self, turn: Turn) -> Prompt:
        """Rotation per user: the prompt after the one they heard last (kept in the store and the session)."""
        prompts = self.catalog.prompts
        saved = self.store.user(turn.user_id)
        last = saved.get("last_prompt") or turn.recall("last_prompt")
        ids = [p.id for p in prompts]
        prompt = prompts[(ids.index(last) + 1) % len(prompts)] if last in ids else self.rng.choice(prompts)
        turn.remember("last_prompt", prompt.id)
        saved["last_prompt"] = prompt.id
        self.store.save_user(turn.user_id, saved)
        return prompt
