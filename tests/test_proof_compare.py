"""Proof-listening's comparison, table by table: normalization, word alignment, lexicon respellings read back,
placing heard words in sentences, and the lexicon suggestions. No audio: the recognizer's output is given."""

from __future__ import annotations

import pytest
from gentle_steps.audio.model import Sentence
from gentle_steps.audio.proof import HeardWord, place_words, repair_boundaries
from gentle_steps.audio.proof_compare import LexiconUse, align, compare, suggest, unrespell

# (expected, heard, missed, inserted, changes as (expected, heard))
COMPARISONS = [
    ("Be gentle with yourself.", "be gentle with yourself", 0, 0, []),
    ("It's easy to say \"I'm sorry.\"", "It is easy to say, I am sorry", 0, 0, []),
    ("You can call or text nine eight eight.", "You can call or text 988.", 0, 0, []),
    ("It's a thousand tiny ones, over time.", "It's 1,000 tiny ones over time.", 0, 0, []),
    ("That's not overreacting.", "That's not over reacting.", 0, 0, []),
    ("See an L M F T.", "See an LMFT.", 0, 0, []),
    ("Feeling deep guilt but unsure how to repair.", "feeling deep gill but ensure how to repair", 2, 0,
     [("guilt", "gill"), ("unsure", "ensure")]),
    ("Toward what feels safe.", "toward what safe", 1, 0, [("feels", "")]),
    ("To earn back safety.", "turn back safety", 2, 0, [("to earn", "turn")]),
    ("Be gentle.", "be very gentle", 0, 1, [("", "very")]),
    ("Be gentle with yourself.", "", 4, 0, [("be gentle with yourself", "")]),
]


@pytest.mark.parametrize(("expected", "heard", "missed", "inserted", "changes"), COMPARISONS)
def test_compare_counts_missed_and_inserted_words(expected, heard, missed, inserted, changes):
    result = compare(expected, heard)
    assert (result.missed, result.inserted) == (missed, inserted)
    assert [(c.expected, c.heard) for c in result.changes] == changes


@pytest.mark.parametrize(("ref", "hyp", "ops"), [
    ("a b c", "a b c", ["equal"] * 3),
    ("a b c", "a x c", ["equal", "substitute", "equal"]),
    ("a b c", "a c", ["equal", "delete", "equal"]),
    ("a c", "a b c", ["equal", "insert", "equal"]),
    ("l m f t said", "lmft said", ["equal", "equal"]),
    ("anyone", "any one", ["equal"]),
    ("", "a", ["insert"]),
    ("a", "", ["delete"]),
])
def test_align_steps(ref, hyp, ops):
    steps = align(ref.split(), hyp.split())
    assert [s.op for s in steps] == ops
    assert [w for s in steps for w in s.ref] == ref.split()
    assert [w for s in steps for w in s.hyp] == hyp.split()


@pytest.mark.parametrize("size", [150, 300, 1500])
def test_long_sentences_align_in_bounded_time(size):
    ref = [f"w{i}" for i in range(size)]
    hyp = ref[:size // 3] + ["x"] + ref[size // 3 + 1:-5]
    steps = align(ref, hyp)
    assert [w for s in steps for w in s.ref] == ref and [w for s in steps for w in s.hyp] == hyp
    assert sum(s.op != "equal" for s in steps) == 6  # one substitution, five deletions


@pytest.mark.parametrize(("spoken", "lexicon", "expected", "entries"), [
    ("Ask Dr. Gott man about it.", {"Gottman": "Gott man"}, "Ask Dr. Gottman about it.", ['Gottman = "Gott man"']),
    ("An L M F T can help.", {"LMFT": "L M F T"}, "An LMFT can help.", ['LMFT = "L M F T"']),
    ("Say [[ nˈuːɪn ]] twice.", {"Nguyen": "[[ nˈuːɪn ]]"}, "Say Nguyen twice.", ['Nguyen = "[[ nˈuːɪn ]]"']),
    ("The gott manual.", {"Gottman": "Gott man"}, "The gott manual.", []),
    ("Nothing here.", {}, "Nothing here.", []),
])
def test_unrespell_reads_lexicon_respellings_back_as_their_word(spoken, lexicon, expected, entries):
    text, uses = unrespell(spoken, lexicon)
    assert text == expected
    assert [u.entry for u in uses] == entries


def test_a_wrong_lexicon_entry_is_a_missed_word():
    text, _ = unrespell("Let your zorp blee drop a little.", {"shoulders": "zorp blee"})
    result = compare(text, "Let your zorp blee drop a little.")
    assert [(c.expected, c.heard) for c in result.changes] == [("shoulders", "zorp blee")]


def _misses(word: str, heard: list[str]) -> list[tuple[str, str, str]]:
    return [(f"s{i}", word, h) for i, h in enumerate(heard)]


def test_suggest_an_entry_for_an_acronym_misheard_the_same_way_twice():
    found = suggest(_misses("lmft", ["elemefty", "elemefty"]), [],
                    {"lmft": {"s0", "s1", "s2"}}, ["See an LMFT today.", "An LMFT listens."])
    assert [(s.word, s.action, s.entry, s.sentences, s.heard) for s in found] == [
        ("LMFT", "add", 'LMFT = "L M F T"', 2, ["elemefty"])]


def test_suggest_a_number_digit_by_digit_when_missed_everywhere():
    found = suggest(_misses("988", ["900 88", "900 88"]), [], {"988": {"s0", "s1"}}, ["Call 988.", "Text 988."])
    assert [s.entry for s in found] == ['988 = "nine eight eight"']


def test_suggest_leaves_the_respelling_to_the_author_for_a_word_it_cannot_guess():
    found = suggest(_misses("gottman", ["got men", "got men"]), [], {"gottman": {"s0", "s1"}},
                    ["Gottman said.", "Gottman wrote."])
    assert [s.entry for s in found] == ['Gottman = "..."']


def test_no_suggestion_for_a_common_word_the_recognizer_slipped_on_now_and_then():
    # "feels" occurs in four sentences and was heard differently each of the two times it was missed.
    found = suggest(_misses("feels", ["fills", ""]), [], {"feels": {"s0", "s1", "s2", "s3"}}, ["It feels."])
    assert found == []


def test_no_suggestion_for_a_word_missed_once():
    assert suggest(_misses("trauma", ["drama"]), [], {"trauma": {"s0"}}, ["A trauma."]) == []


def test_suggest_checking_a_lexicon_entry_whose_word_was_missed():
    use = LexiconUse("shoulders", "zorp blee")
    found = suggest(_misses("shoulders", ["zord bleed"]), [("s0", use)], {"shoulders": {"s0"}}, [])
    assert [(s.action, s.entry, s.sentences) for s in found] == [("check", 'shoulders = "zorp blee"', 1)]
    assert found[0].reason == "its word was misheard in 1 sentence it applies to"


# --- Placing heard words -----------------------------------------------------------------------------------


def _sentence(text: str, start: int, end: int) -> Sentence:
    return Sentence(text=text, spoken=text, kind="paragraph", start_ms=start, end_ms=end)


def _words(*spec: tuple[str, int, int]) -> list[HeardWord]:
    return [HeardWord(f" {text}", start, end, 0.9) for text, start, end in spec]


def test_place_words_by_centre_nearest_sentence_and_not_far_silence():
    sentences = [_sentence("One two.", 1000, 2000), _sentence("Three.", 3000, 3500)]
    words = _words(("one", 900, 1300), ("two", 1700, 2300), ("three", 2600, 3100), ("ghost", 6000, 6200))
    placed, unplaced = place_words(words, sentences)
    assert [[w.text.strip() for w in p] for p in placed] == [["one", "two"], ["three"]]
    assert [w.text.strip() for w in unplaced] == ["ghost"]


def test_repair_moves_a_drifted_word_back_across_the_boundary():
    words = _words(("one", 0, 100), ("two", 100, 200), ("three", 200, 300), ("four", 300, 400))
    placed = [words[:1], words[1:]]  # "two" drifted into the second sentence
    results = repair_boundaries(["one two", "three four"], placed)
    assert [[w.text.strip() for w in p] for p in placed] == [["one", "two"], ["three", "four"]]
    assert [r.errors for r in results] == [0, 0]
