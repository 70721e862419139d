"""Spoken text: what the voice is given never contains emoji, markup, glyphs or URLs, and reads naturally."""

from __future__ import annotations

from pathlib import Path

import pytest
from gentle_steps.audio.readers import read_article
from gentle_steps.audio.speech import (
    PAUSES,
    LexiconError,
    lead_in,
    load_lexicon,
    plan_section,
    speakable,
    split_long,
    split_sentences,
    year_words,
)
from gentle_steps.audio.text import is_emoji

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "content" / "articles" / "can-you-rebuild-trust-after-betrayal.txt"


def seed_plan():
    article = read_article(SEED, ROOT / "content")
    lexicon = load_lexicon(ROOT / "content" / "lexicon.toml")
    plans = []
    for i, section in enumerate(article.sections):
        lead = lead_in(article.title, "This is a synthetic voice.", lexicon) if i == 0 else None
        plans.append(plan_section(section, lexicon, lead))
    return article, plans


def test_no_emoji_markup_glyphs_or_navigation_in_any_spoken_text():
    _, plans = seed_plan()
    spoken = [u.spoken for plan in plans for u in plan]
    assert spoken, "the seed must produce narration"
    for line in spoken:
        assert not any(is_emoji(ch) for ch in line), line
        assert not any(glyph in line for glyph in "•*#_`<>[]"), line
        assert "Previous" not in line and "Blueprints" not in line
    assert "firecracker" not in " ".join(spoken)


def test_each_section_opens_with_its_heading_spoken_once():
    article, plans = seed_plan()
    for section, plan in zip(article.sections[1:], plans[1:], strict=True):
        headings = [u for u in plan if u.kind == "heading"]
        assert len(headings) == 1 and plan[0].kind == "heading"
        assert plan[0].text == section.heading and not is_emoji(plan[0].spoken[0])
    assert [u.kind for u in plans[0][:2]] == ["title", "disclosure"]


def test_bullets_are_sentences_and_pauses_give_rhythm():
    _, plans = seed_plan()
    items = [u for u in plans[2] if u.kind == "item"]
    assert len(items) == 8 and all(u.spoken.endswith(".") for u in items)
    assert all(u.pause_ms == PAUSES.item for u in items[:-1])
    heading = plans[2][0]
    assert heading.pause_ms == PAUSES.after_heading > PAUSES.sentence
    paragraph_ends = [u for u in plans[1] if u.kind == "paragraph" and u.pause_ms == PAUSES.paragraph]
    assert paragraph_ends, "paragraphs are separated by a longer pause"
    assert plans[1][-1].pause_ms == 0  # the file's own edge silence follows


@pytest.mark.parametrize(("text", "expected"), [
    ("Am I stupid for staying—or weak if I leave?", "Am I stupid for staying, or weak if I leave?"),
    ("rebuild trust after something like that… you’re not alone.",
     "rebuild trust after something like that, you're not alone."),
    ("If You’re Navigating Betrayal Right Now…", "If You're Navigating Betrayal Right Now."),
    ("Tom &amp; Ana & friends", "Tom and Ana and friends"),
    ("Some help, e.g. naming it, i.e. out loud, et al. agree", "Some help, for example, naming it, that is, out loud, and colleagues agree"),
    ("About 50% of couples", "About fifty percent of couples"),
    ("In 1994 and the 1990s and 2005 and 2024", "In nineteen ninety-four and the nineteen nineties and two thousand five and twenty twenty-four"),
    ("Read more at https://example.org/page now", "Read more at example dot org now"),
    ("🧨 Trust Isn’t Rebuilt", "Trust Isn't Rebuilt"),
    ("**bold** and `code`", "bold and code"),
])
def test_speakable(text: str, expected: str):
    assert speakable(text) == expected


def test_years():
    assert year_words(1900) == "nineteen hundred"
    assert year_words(2000) == "two thousand"
    assert year_words(1907) == "nineteen oh seven"
    assert year_words(2010) == "twenty ten"


def test_lexicon_respells_whole_words_and_keeps_phonemes(tmp_path: Path):
    path = tmp_path / "lexicon.toml"
    path.write_text('[words]\n"Gottman" = "Gott man"\n"Esther" = "[[ ˈɛstɚ ]]"\n', encoding="utf-8")
    lexicon = load_lexicon(path)
    assert speakable("Ask Gottman, or gottman's book", lexicon) == "Ask Gott man, or Gott man's book"
    assert speakable("Esther Perel", lexicon) == "[[ ˈɛstɚ ]] Perel"
    assert speakable("Gottmanesque", lexicon) == "Gottmanesque"


def test_lexicon_errors_name_the_file_and_entry(tmp_path: Path):
    path = tmp_path / "lexicon.toml"
    path.write_text('[words]\n"Esther" = "[[ ˈɛstɚ"\n', encoding="utf-8")
    with pytest.raises(LexiconError, match=r"lexicon\.toml: entry 'Esther' has unbalanced"):
        load_lexicon(path)


def test_sentences_split_on_punctuation_but_not_abbreviations():
    assert split_sentences("One moment, things felt normal. And the next, nothing feels safe.") == [
        "One moment, things felt normal.", "And the next, nothing feels safe."]
    assert split_sentences("Ask Dr. Lee, e.g. on Monday. Then rest.") == ["Ask Dr. Lee, e.g. on Monday.", "Then rest."]
    assert split_sentences("It’s easy to say “I’m sorry.”\nIt’s harder.") == ["It’s easy to say “I’m sorry.”", "It’s harder."]


def test_a_sentence_too_long_for_the_voice_is_split_not_refused():
    sentence = ", ".join(["a calm and patient clause about slowly rebuilding trust"] * 20) + "."
    pieces = split_long(sentence, 300)
    assert len(pieces) > 1 and all(len(p) <= 300 for p in pieces)
    assert " ".join(pieces).replace(" ", "") == sentence.replace(" ", "")


def test_the_seed_says_exactly_what_it_said_before_the_normalizer():
    """The build caches audio by spoken text: the seed's sentences must keep their spoken form (and their audio).

    tests/golden/seed_spoken.json was recorded with the code before the normalizer (``scripts/spoken_diff.py``
    against main); a rule that changes a seed sentence must fix a real misreading, and update it on purpose.
    """
    import json
    import tomllib

    from gentle_steps.audio.settings import load_show

    golden = json.loads((ROOT / "tests" / "golden" / "seed_spoken.json").read_text(encoding="utf-8"))
    show = load_show(ROOT / "content")
    lexicon = load_lexicon(ROOT / "content" / show.lexicon)
    article = read_article(SEED, ROOT / "content")
    now = []
    for i, section in enumerate(article.sections):
        lead = lead_in(article.title, show.disclosure, lexicon) if i == 0 else None
        now += [{"kind": u.kind, "text": u.text, "spoken": u.spoken} for u in plan_section(section, lexicon, lead)]
    prompts = tomllib.loads((ROOT / "content" / show.prompts).read_text(encoding="utf-8"))["prompts"]
    now += [{"kind": "prompt", "text": p, "spoken": speakable(p, lexicon)} for p in prompts]
    assert len(golden) == 71
    assert now == golden
