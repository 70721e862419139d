"""Comparing what the voice was asked to say with what a recognizer heard, word by word.

Both sides are normalized the way Whisper evaluations do (``whisper_normalizer``'s ``EnglishTextNormalizer``:
lowercase, no punctuation, contractions expanded, spelled numbers as digits, British spellings as American),
then aligned with a word-level edit distance that also lets a run of words match a run on the other side
when their letters are the same ("l m f t" and "lmft", "over reacting" and "overreacting"): a recognizer's
choice of word boundaries is not a misreading.

The reference is the spoken text with every lexicon respelling read back as its word: a respelling is how the
voice is made to say the word, so a listener (and the recognizer) should hear the word itself. A wrong entry
then shows up as that word missed.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache

from gentle_steps.audio.proof_report import Change, Suggestion, plural

_MAX_JOIN = 4
"""Longest run of words (on either side) that may match a run on the other side letter for letter."""

_JOIN_CELLS = 40_000
"""Above this many word pairs (about 200 by 200 words) runs are not joined: plain edit distance is enough."""

_MAX_CELLS = 250_000
"""Above this many word pairs (a runaway sentence), difflib's matcher replaces the edit distance, so time
and memory stay bounded whatever the input."""

REPEATED = 2
"""A word misheard in this many sentences or more gets a suggested lexicon entry."""

NORMALIZER_NAME = "whisper-normalizer EnglishTextNormalizer"
"""How both sides are normalized (recorded in the report)."""

_DIGITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


@lru_cache(maxsize=1)
def _normalizer():
    from whisper_normalizer.english import EnglishTextNormalizer

    return EnglishTextNormalizer()


def normalize(text: str) -> list[str]:
    """``text`` as the words a Whisper evaluation compares."""
    # The normalizer turns "a thousand" into "a 1000" but "1,000" into "1000": read "a" as "one" first.
    text = re.sub(r"\b[Aa] (hundred|thousand|million|billion)\b", r"one \1", text)
    return _normalizer()(text).split()


@dataclass(frozen=True)
class LexiconUse:
    """A lexicon respelling found in a spoken sentence."""

    word: str
    """The lexicon's word (what the listener should hear)."""

    respelling: str
    """What the voice was given instead."""

    @property
    def entry(self) -> str:
        """The entry as a TOML line."""
        return f"{toml_key(self.word)} = {toml_string(self.respelling)}"


def toml_key(word: str) -> str:
    """A lexicon word as a TOML key: bare when it can be, quoted otherwise."""
    return word if re.fullmatch(r"[A-Za-z0-9_-]+", word) else toml_string(word)


def toml_string(text: str) -> str:
    """A TOML basic string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def unrespell(spoken: str, lexicon: Mapping[str, str]) -> tuple[str, list[LexiconUse]]:
    """The spoken text with each lexicon respelling put back as its word, and the entries found.

    Respellings are matched as whole words, ignoring case, longest first, never overlapping.
    """
    spans: list[tuple[int, int, LexiconUse]] = []
    for word, respelling in sorted(lexicon.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        if not respelling.strip():
            continue
        for match in re.finditer(rf"(?<!\w){re.escape(respelling.strip())}(?!\w)", spoken, flags=re.IGNORECASE):
            if all(match.end() <= s or match.start() >= e for s, e, _ in spans):
                spans.append((match.start(), match.end(), LexiconUse(word, respelling.strip())))
    spans.sort(key=lambda s: s[0])
    out, last = [], 0
    for start, end, use in spans:
        out += [spoken[last:start], use.word]
        last = end
    out.append(spoken[last:])
    uses = list(dict.fromkeys(use for _, _, use in spans))
    return "".join(out), uses


# --- Alignment ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One step of an alignment: ``ref`` words matched to ``hyp`` words."""

    op: str
    """``equal``, ``substitute``, ``delete`` (expected, not heard) or ``insert`` (heard, not expected)."""

    ref: tuple[str, ...]
    """Expected words in this step."""

    hyp: tuple[str, ...]
    """Heard words in this step."""


def align(ref: list[str], hyp: list[str]) -> list[Step]:
    """The cheapest word alignment of ``hyp`` (heard) to ``ref`` (expected).

    Substitution, deletion and insertion cost 1; equal words, and runs of up to four words whose letters
    join to the same string, cost 0. Ties prefer equal, then substitution, then deletion.
    """
    n, m = len(ref), len(hyp)
    if n * m > _MAX_CELLS:
        return _align_roughly(ref, hyp)
    max_join = _MAX_JOIN if n * m <= _JOIN_CELLS else 1
    inf = n + m + 1
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int, str] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0
    # Letters before each position: runs can only join to the same string if their lengths agree.
    ref_at, hyp_at = [0], [0]
    for word in ref:
        ref_at.append(ref_at[-1] + len(word))
    for word in hyp:
        hyp_at.append(hyp_at[-1] + len(word))
    for i in range(n + 1):
        for j in range(m + 1):
            if i == 0 and j == 0:
                continue
            best, step = inf, None
            joinable = i and j and ref[i - 1][-1] == hyp[j - 1][-1]
            for k in range(1, min(max_join, i) + 1 if joinable else 1):
                for length in range(1, min(max_join, j) + 1):
                    if (cost[i - k][j - length] < best
                            and ref_at[i] - ref_at[i - k] == hyp_at[j] - hyp_at[j - length]
                            and "".join(ref[i - k:i]) == "".join(hyp[j - length:j])):
                        best, step = cost[i - k][j - length], (k, length, "equal")
            if i and j and cost[i - 1][j - 1] + 1 < best:
                best, step = cost[i - 1][j - 1] + 1, (1, 1, "substitute")
            if i and cost[i - 1][j] + 1 < best:
                best, step = cost[i - 1][j] + 1, (1, 0, "delete")
            if j and cost[i][j - 1] + 1 < best:
                best, step = cost[i][j - 1] + 1, (0, 1, "insert")
            cost[i][j], back[i][j] = best, step
    steps: list[Step] = []
    i, j = n, m
    while i or j:
        k, length, op = back[i][j]  # type: ignore[misc]
        steps.append(Step(op, tuple(ref[i - k:i]), tuple(hyp[j - length:j])))
        i, j = i - k, j - length
    return steps[::-1]


def _align_roughly(ref: list[str], hyp: list[str]) -> list[Step]:
    """difflib's alignment as steps: not always the cheapest, but near-linear for long inputs."""
    steps: list[Step] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, ref, hyp, autojunk=False).get_opcodes():
        if tag == "equal":
            steps += [Step("equal", (w,), (w,)) for w in ref[i1:i2]]
            continue
        pairs = min(i2 - i1, j2 - j1)
        steps += [Step("substitute", (ref[i1 + k],), (hyp[j1 + k],)) for k in range(pairs)]
        steps += [Step("delete", (w,), ()) for w in ref[i1 + pairs:i2]]
        steps += [Step("insert", (), (w,)) for w in hyp[j1 + pairs:j2]]
    return steps


@dataclass
class Comparison:
    """One sentence compared: counts and the differences."""

    expected: list[str]
    """Expected words, normalized."""

    heard: list[str]
    """Heard words, normalized."""

    steps: list[Step]
    """The alignment."""

    missed: int = 0
    """Expected words substituted or left out."""

    inserted: int = 0
    """Heard words not expected."""

    changes: list[Change] = field(default_factory=list)
    """Consecutive differing steps joined into one change each."""

    missed_words: list[tuple[str, str]] = field(default_factory=list)
    """Each missed expected word with what was heard in its place (may be empty)."""

    @property
    def errors(self) -> int:
        """Missed plus inserted words: what the boundary repair minimizes."""
        return self.missed + self.inserted


def compare(expected_text: str, heard_text: str) -> Comparison:
    """Normalize both sides, align them and count what was missed and inserted."""
    ref, hyp = normalize(expected_text), normalize(heard_text)
    steps = align(ref, hyp)
    result = Comparison(ref, hyp, steps)
    run: list[Step] = []
    for step in [*steps, Step("equal", (), ())]:
        if step.op != "equal":
            run.append(step)
            continue
        if run:
            expected = " ".join(w for s in run for w in s.ref)
            heard = " ".join(w for s in run for w in s.hyp)
            result.changes.append(Change(expected, heard))
            for s in run:
                result.missed += len(s.ref)
                result.inserted += len(s.hyp) if s.op == "insert" else 0
                result.missed_words += [(w, heard) for w in s.ref]
            run = []
    return result


# --- Suggestions --------------------------------------------------------------------------------------------


def _guess_respelling(word: str) -> str:
    """How to make the voice say ``word``, when that can be guessed: acronyms letter by letter, numbers digit
    by digit (as a service number is read); otherwise "..." for the author to fill in."""
    if word.isdigit():
        return " ".join(_DIGITS[int(d)] for d in word)
    letters = word.replace(".", "")
    if len(letters) >= 2 and letters.isalpha() and letters.isupper():
        return " ".join(letters)
    return "..."


def _original_word(token: str, spoken_texts: list[str]) -> str:
    """The word as written in the spoken text whose normalized form is ``token`` (``token`` if none)."""
    for text in spoken_texts:
        for word in re.findall(r"[\w.'’-]+", text):
            word = word.strip(".'’-")
            if word and normalize(word) == [token]:
                return word
    return token


def suggest(misses: list[tuple[str, str, str]], uses: list[tuple[str, LexiconUse]],
            occurrences: Mapping[str, set[str]], spoken_texts: list[str]) -> list[Suggestion]:
    """Lexicon entries to add or check, most misheard first.

    ``misses`` holds (sentence key, missed word, heard instead) for every missed word, normalized; ``uses``
    (sentence key, lexicon entry) for every entry applied; ``occurrences`` the sentence keys each expected word
    occurs in. An existing entry whose word was missed even once gets a note to check it. A word missed in
    :data:`REPEATED` sentences or more gets an entry to add, written as in ``spoken_texts`` (``LMFT``, not
    ``lmft``, so the entry matches), when the mishearing is consistent: missed everywhere it occurs, or heard
    as the same thing twice. A voice that says a word wrong says it the same wrong way each time, while a
    recognizer's slips on a common word vary.
    """
    by_word: dict[str, set[str]] = defaultdict(set)
    heard: dict[str, Counter[str]] = defaultdict(Counter)
    for key, word, instead in misses:
        by_word[word].add(key)
        heard[word][instead or "(nothing)"] += 1
    found: list[Suggestion] = []
    entry_words: set[str] = set()
    for use in dict.fromkeys(use for _, use in uses):
        tokens = normalize(use.word)
        entry_words.update(tokens)
        keys = {key for key, u in uses if u == use} & set().union(*(by_word.get(t, set()) for t in tokens))
        if keys:
            instead = sum((heard[t] for t in tokens), Counter())
            found.append(Suggestion(use.word, "check", use.entry,
                                    f"its word was misheard in {plural(len(keys), 'sentence')} it applies to",
                                    len(keys), [h for h, _ in instead.most_common()]))
    for word, keys in by_word.items():
        consistent = keys >= occurrences.get(word, keys) or heard[word].most_common(1)[0][1] >= REPEATED
        if len(keys) < REPEATED or word in entry_words or not consistent:
            continue
        written = _original_word(word, spoken_texts)
        entry = f"{toml_key(written)} = {toml_string(_guess_respelling(written))}"
        found.append(Suggestion(written, "add", entry, f"misheard in {plural(len(keys), 'sentence')}", len(keys),
                                [h for h, _ in heard[word].most_common()]))
    return sorted(found, key=lambda s: (-s.sentences, s.word.lower()))
