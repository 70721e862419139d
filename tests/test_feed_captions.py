"""Captions that read well: no pictographs, at most two lines of 42 characters, at most 7 s, cut at clause
boundaries, every cue inside its own sentence's time.

Checked on the files as players read them (WebVTT parsed strictly by webvtt-py, SRT by webvtt-py's SubRip
reader), for the hand-made manifest, for an episode written to break every rule, and for the real build of
content/ (the ``tone_dist`` fixture). Unicode's Extended_Pictographic property comes from the ``regex``
module's Unicode tables, independent of the code under test.
"""

from __future__ import annotations

import copy
import dataclasses
import html
import json
import re
import tempfile
from pathlib import Path

import pytest
import regex
import webvtt
from gentle_steps.audio.model import Episode, Manifest
from gentle_steps.feed.captions import split_sentence
from gentle_steps.feed.transcripts import to_json_transcript, to_srt, to_vtt
from hypothesis import given, settings
from hypothesis import strategies as st

GOLDEN = Path(__file__).parent / "golden"
PICTOGRAPHIC = regex.compile(r"\p{Extended_Pictographic}")
# What remains of an emoji sequence when only its pictograph is removed: these must go too.
EMOJI_PARTS = regex.compile(r"[\uFE0F\u200D\u20E3\p{Emoji_Modifier}\p{Regional_Indicator}]")

LONG = ("It is okay to take your time with all of this, and it is okay to ask for help along the way, "
        "even when it feels hard to say out loud.")
HOSTILE = {
    # kind, text, duration in ms
    "heading": ("🧨 Trust Isn’t Rebuilt With Apologies Alone ⭐️", 2500),
    "paragraph": ("Whether the betrayal was infidelity, lies, emotional affairs, secrecy, or something else "
                  "entirely, the impact is deep 💔 and real 👩🏽‍⚕️ 🇺🇸 1️⃣ © ™.", 11_000),
    "item": (LONG, 8_000),
    "quote": ("Supercalifragilisticexpialidocious-and-then-some-more-letters-than-a-line-holds, said nobody.",
              4_000),
}


def load() -> Manifest:
    return Manifest.from_dict(json.loads((GOLDEN / "manifest.json").read_text(encoding="utf-8")))


def hostile_episode() -> Episode:
    """The golden episode with sentences that break every caption rule if passed through as they are."""
    episode = copy.deepcopy(load().episodes[0])
    section = episode.sections[1]
    start = section.sentences[-1].episode_end_ms + 300
    extra = []
    for kind, (text, duration) in HOSTILE.items():
        extra.append(dataclasses.replace(section.sentences[-1], text=text, kind="paragraph" if kind == "quote" else kind,
                                         episode_start_ms=start, episode_end_ms=start + duration))
        start += duration + 300
    shift = start - section.sentences[-1].episode_end_ms
    section.sentences += extra
    for later in episode.sections[2:]:
        for s in later.sentences:
            s.episode_start_ms += shift
            s.episode_end_ms += shift
    episode.audio.duration_ms += shift
    return episode


@pytest.fixture(scope="module")
def built_episodes(tone_dist) -> list[Episode]:
    return Manifest.from_dict(json.loads((Path(tone_dist) / "manifest.json").read_text(encoding="utf-8"))).episodes


def episodes_under_test(request) -> list[Episode]:
    chosen = request.param
    if chosen == "golden":
        return load().episodes
    if chosen == "hostile":
        return [hostile_episode()]
    return request.getfixturevalue("built_episodes")


@pytest.fixture(params=["golden", "hostile", "built"])
def episodes(request) -> list[Episode]:
    return episodes_under_test(request)


def seconds_ms(ts: str) -> int:
    h, m, s = ts.replace(",", ".").split(":")
    return round((int(h) * 3600 + int(m) * 60 + float(s)) * 1000)


def shown_lines(raw: str) -> list[str]:
    """A cue's lines as a player shows them: tags removed, character references decoded."""
    return [html.unescape(re.sub(r"<[^>]*>", "", line)) for line in raw.split("\n")]


def parsed(episode: Episode) -> list[tuple[int, int, list[str], str]]:
    """(start ms, end ms, lines, raw text) of every WebVTT cue."""
    return [(seconds_ms(c.start), seconds_ms(c.end), shown_lines(c.raw_text), c.raw_text)
            for c in webvtt.from_string(to_vtt(episode), strict=True).captions]


def parsed_srt(episode: Episode) -> list[tuple[int, int, list[str]]]:
    with tempfile.NamedTemporaryFile("w", suffix=".srt", encoding="utf-8", delete=False) as f:
        f.write(to_srt(episode))
    try:
        return [(seconds_ms(c.start), seconds_ms(c.end), c.text.split("\n")) for c in webvtt.from_srt(f.name).captions]
    finally:
        Path(f.name).unlink()


def test_captions_have_no_pictographs(episodes):
    for ep in episodes:
        for name, text in (("vtt", to_vtt(ep)), ("srt", to_srt(ep))):
            assert not PICTOGRAPHIC.search(text), (ep.id, name, PICTOGRAPHIC.findall(text))
            assert not EMOJI_PARTS.search(text), (ep.id, name, EMOJI_PARTS.findall(text))


def test_the_json_transcript_keeps_the_articles_text():
    ep = hostile_episode()
    bodies = [seg["body"] for seg in to_json_transcript(ep)["segments"]]
    assert HOSTILE["heading"][0] in bodies and HOSTILE["paragraph"][0] in bodies


def test_every_cue_keeps_the_limits(episodes):
    for ep in episodes:
        cues = parsed(ep)
        assert cues, ep.id
        for start, end, lines, _raw in cues:
            assert 1 <= len(lines) <= 2, (ep.id, lines)
            assert all(0 < len(line) <= 42 for line in lines), (ep.id, lines)
            assert 0 < end - start <= 7000, (ep.id, start, end, lines)
        assert [(s, e, lines) for s, e, lines, _raw in cues] == parsed_srt(ep), "SRT has the same cues"


def test_every_cue_lies_inside_its_sentence_and_covers_it(episodes):
    for ep in episodes:
        spans = [(s.episode_start_ms, s.episode_end_ms, s.text) for sec in ep.sections for s in sec.sentences
                 if PICTOGRAPHIC.sub("", s.text).strip()]
        cues = parsed(ep)
        for start, end, text in spans:
            inside = [c for c in cues if start <= c[0] and c[1] <= end]
            assert inside, f"no cue for {text!r}"
            # The sentence's cues follow one another without gaps, from its start to its end (clamped to the audio).
            assert inside[0][0] == start and inside[-1][1] == min(end, ep.audio.duration_ms), text
            assert all(a[1] == b[0] for a, b in zip(inside, inside[1:], strict=False)), text
            # Every letter of the sentence is shown, in order, once: nothing lost, nothing repeated.
            expected = re.sub(r"\s", "", EMOJI_PARTS.sub("", PICTOGRAPHIC.sub("", text)))
            assert "".join("".join(c[2]) for c in inside).replace(" ", "") == expected, text
        assert sum(1 for c in cues if not any(s <= c[0] and c[1] <= e for s, e, _t in spans)) == 0


def test_long_sentences_are_cut_at_clause_boundaries():
    cues = split_sentence(LONG, 10_000, 18_000)
    # Two cues would fit the characters, but only by cutting a clause in two: three whole clauses read better.
    assert [" ".join(lines) for _s, _e, lines in cues] == [
        "It is okay to take your time with all of this,", "and it is okay to ask for help along the way,",
        "even when it feels hard to say out loud."]
    assert cues[0][0] == 10_000 and cues[-1][1] == 18_000
    # A list of words is cut after a comma, into as few cues as fit.
    listing = split_sentence("You’re allowed to feel everything: rage, sadness, numbness, hope, disgust, love, fear, "
                             "confusion.", 0, 6000)
    assert len(listing) == 2 and listing[0][2][-1].endswith(",")
    assert listing[0][2] == ["You’re allowed to feel everything:", "rage, sadness,"], "lines break at the clause too"


def test_cue_times_follow_the_syllables_not_the_letters():
    # Five one-syllable words of 9 letters, then twelve short words of several syllables (about as many
    # letters): the voice spends far longer on the second half, and so does its cue.
    cues = split_sentence("Strengths strengths strengths strengths strengths, "
                          "a idea area a idea area a idea area a idea area", 0, 8000)
    assert len(cues) == 2
    (a_start, a_end, a_lines), (b_start, b_end, _b_lines) = cues
    assert a_lines[-1].endswith(",")
    assert 2 * (a_end - a_start) < b_end - b_start, cues


def test_heading_cues_are_marked_for_players():
    ep = hostile_episode()
    raw = [c[3] for c in parsed(ep)]
    headings = [r for r in raw if r.startswith("<c.heading>")]
    assert all(r.endswith("</c>") for r in headings)
    assert len(headings) == sum(1 for sec in ep.sections for s in sec.sentences if s.kind == "heading")
    assert "<c.heading>Trust Isn’t Rebuilt With Apologies Alone</c>" in headings


WORD = st.text(alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyzé’'0123456789"), min_size=1, max_size=14)
PUNCT = st.sampled_from(["", "", "", ",", ";", ":", "—", ".", "…", "?", " 🧨", " 👩🏽‍⚕️"])


@settings(max_examples=150, deadline=None)
@given(words=st.lists(st.tuples(WORD, PUNCT), min_size=1, max_size=60),
       start=st.integers(0, 3_600_000), duration=st.integers(300, 60_000))
def test_any_sentence_splits_within_the_limits(words, start, duration):
    from gentle_steps.feed.captions import caption_text

    text = caption_text(" ".join(w + p for w, p in words))
    if not text:
        return
    cues = split_sentence(text, start, start + duration)
    assert cues[0][0] == start and cues[-1][1] <= start + duration
    for (s, e, lines), nxt in zip(cues, cues[1:] + [None], strict=True):
        assert 0 < e - s <= 7000 and 1 <= len(lines) <= 2 and all(0 < len(x) <= 42 for x in lines)
        if nxt is not None:
            assert nxt[0] >= e
    assert "".join("".join(lines) for _s, _e, lines in cues).replace(" ", "") == text.replace(" ", "")
