"""Emails, web addresses, citations, footnote markers, stray symbols and emoji in the spoken text."""

from __future__ import annotations

from pathlib import Path

import pytest
from gentle_steps.audio.model import ArticleSection, Block
from gentle_steps.audio.settings import SettingsError, parse_show
from gentle_steps.audio.speech import plan_section, speakable


def check(rows: list[tuple[str, str]]):
    return pytest.mark.parametrize(("text", "expected"), rows, ids=[r[0] for r in rows])


@check([
    ("Email hello@calm.org today.", "Email hello at calm dot org today."),
    ("Write to jane.doe@clinic.com.", "Write to jane dot doe at clinic dot com."),
    ("Write to jane.doe_smith@new-hope.org.", "Write to jane dot doe underscore smith at new dash hope dot org."),
    ("Write to mailto:hello@calm.org now.", "Write to hello at calm dot org now."),
    ("Visit calm.org.", "Visit calm dot org."),
    ("Visit Calm.com today.", "Visit Calm dot com today."),
    ("See https://www.calm.org/help for more.", "See calm dot org for more."),
    ("See http://calm.org/a?b=c#d for more.", "See calm dot org for more."),
    ("Go to www.988lifeline.org.", "Go to nine eight eight lifeline dot org."),
    ("Go to nhs.uk for help.", "Go to N.H.S dot U.K for help."),
    ("See https://adaa.example.org/find-help for a directory.", "See A.D.A.A dot example dot org for a directory."),
    ("Read nimh.nih.gov today.", "Read N.I.M.H dot N.I.H dot gov today."),
    ("Visit nami.org or samhsa.gov.", "Visit Nahmee dot org or Samsa dot gov."),
    ("Visit apa.org.", "Visit A.P.A dot org."),
    ("Visit headspace.com and www.cedarpath.example/help.", "Visit headspace dot com and cedarpath dot example."),
    ("More (https://example.org).", "More, example dot org."),
    ("Read [this guide](https://example.org/guide) today.", "Read this guide today."),
    ("Found in a study https://doi.org/10.1037/abc123.", "Found in a study."),
    # must not change
    ("For example, this.", "For example, this."),
    ("Open notes.txt now.", "Open notes.txt now."),
    ("The end.Next time.", "The end.Next time."),
])
def test_emails_and_web_addresses(text: str, expected: str):
    assert speakable(text) == expected


def test_a_sentence_that_loses_its_url_never_says_see_for_more():
    for text in ("See https://calm.org for more.", "See www.calm.org/resources for more.",
                 "See calm.org/help for more."):
        spoken = speakable(text)
        assert spoken == "See calm dot org for more.", text


@check([
    ("Couples improve (Kurz et al., 2023).", "Couples improve."),
    ("Couples improve (Smith & Jones, 2019, p. 4).", "Couples improve."),
    ("Couples improve (Smith and Jones 2019).", "Couples improve."),
    ("Couples improve (APA, 2013; Lee, 2020).", "Couples improve."),
    ("Couples improve (see Gottman, 1999, pp. 12–14).", "Couples improve."),
    ("Couples improve (World Health Organization, 2022).", "Couples improve."),
    ("Couples improve (Smith, n.d.).", "Couples improve."),
    ("Couples improve [1].", "Couples improve."),
    ("Couples improve [12, 14].", "Couples improve."),
    ("Couples improve [3-5].", "Couples improve."),
    ("Kurz et al. (2023) found it.", "Kurz and colleagues found it."),
    ("Gottman and Silver (1999) wrote it.", "Gottman and Silver wrote it."),
    # footnote markers are never spoken
    ("Trauma lives in the body.¹", "Trauma lives in the body."),
    ("Trauma lives in the body[^1].", "Trauma lives in the body."),
    ("Trauma lives† in the body.", "Trauma lives in the body."),
    # must not change: parentheses that are not citations
    ("We moved (in 2023, after a wait).", "We moved, in twenty twenty-three, after a wait."),
    ("Breathe slowly (about 20 minutes).", "Breathe slowly, about twenty minutes."),
    ("It hurts (even if you hide it).", "It hurts, even if you hide it."),
    ("In the Summer (2019) we met.", "In the Summer, twenty nineteen, we met."),
    ("We met (Summer 2019).", "We met, Summer twenty nineteen."),
    ("Since then (Since 2019).", "Since then, Since twenty nineteen."),
    ("Choose one [or two].", "Choose one or two."),
])
def test_citations_are_not_narrated(text: str, expected: str):
    assert speakable(text) == expected


@check([
    ("Couples improve (Kurz et al., 2023).", "Couples improve, Kurz and colleagues, twenty twenty-three."),
    ("Couples improve (Smith & Jones, 2019, pp. 12–14).",
     "Couples improve, Smith and Jones, twenty nineteen, pages twelve to fourteen."),
    ("Couples improve [1].", "Couples improve, reference one."),
    ("Couples improve [12, 14].", "Couples improve, references twelve and fourteen."),
    ("Kurz et al. (2023) found it.", "Kurz and colleagues, twenty twenty-three, found it."),
    ("Trauma lives in the body.¹", "Trauma lives in the body."),
])
def test_citations_read_when_the_show_asks(text: str, expected: str):
    assert speakable(text, read_citations=True) == expected


def test_plan_section_passes_read_citations_through():
    section = ArticleSection(id="s", title="Repair", heading="Repair (Kurz et al., 2023)",
                             blocks=[Block("paragraph", "Repair helps (Kurz et al., 2023). It takes time.")])
    quiet = [u.spoken for u in plan_section(section, {})]
    read = [u.spoken for u in plan_section(section, {}, read_citations=True)]
    assert quiet == ["Repair", "Repair helps.", "It takes time."]
    assert read == ["Repair", "Repair helps, Kurz and colleagues, twenty twenty-three.", "It takes time."]


def test_read_citations_is_a_show_setting(tmp_path: Path):
    base = {"title": "Two Words", "author": "A", "description": "D"}
    assert parse_show(base, tmp_path / "show.toml", tmp_path).read_citations is False
    assert parse_show({**base, "read_citations": True}, tmp_path / "show.toml", tmp_path).read_citations is True
    with pytest.raises(SettingsError, match=r"show\.toml: key 'read_citations' must be true or false"):
        parse_show({**base, "read_citations": "yes"}, tmp_path / "show.toml", tmp_path)


@check([
    ("Ask he/she first.", "Ask he or she first."),
    ("Call and/or text.", "Call and or text."),
    ("Home | About", "Home, About"),
    ("Rest ~20 minutes.", "Rest about twenty minutes."),
    ("This is *important*.", "This is important."),
    ("Try mind+body work.", "Try mind and body work."),
    ("Calm = safe.", "Calm is safe."),
    ("Rest <5 minutes.", "Rest less than five minutes."),
    ("Rest >5 minutes.", "Rest more than five minutes."),
    ("Use #selfcare daily.", "Use selfcare daily."),
    ("Follow @gentlesteps today.", "Follow gentlesteps today."),
    ("Meet @ noon.", "Meet at noon."),
    ("Step one -> step two.", "Step one, step two."),
    ("Step one → step two.", "Step one, step two."),
    ("Read § 4.", "Read section four."),
    ("A \\ B ^ C", "A B C"),
    ("Tom &amp; Ana", "Tom and Ana"),
    ("© 2024 Gentle Steps", "copyright twenty twenty-four Gentle Steps"),
    # must not change
    ("Plus, it helps.", "Plus, it helps."),
    ("It equals calm.", "It equals calm."),
])
def test_stray_symbols_are_never_read_by_name(text: str, expected: str):
    assert speakable(text) == expected


@check([
    ("🧨 Trust Isn’t Rebuilt", "Trust Isn't Rebuilt"),
    ("I love it 💛", "I love it"),
    ("👍🏽 yes", "yes"),
    ("Flags 🇺🇸 too.", "Flags too."),
    ("Family 👨‍👩‍👧 time.", "Family time."),
    ("Done ✅.", "Done."),
    ("Sparkles ✨ and ❤️ hearts.", "Sparkles and hearts."),
])
def test_emoji_are_never_spoken(text: str, expected: str):
    assert speakable(text) == expected


@check([
    ("The Greeks had a word, σχολή, for leisure.", "The Greeks had a word, scholi, for leisure."),
    ("Say привет to them.", "Say privet to them."),
    ("Psyche, Ψυχή, means soul.", "Psyche, Psychi, means soul."),
    # must not change: Latin letters with accents are read by the voice as they are
    ("Hold ahimsā and café close.", "Hold ahimsā and café close."),
    ("A naïve hope.", "A naïve hope."),
])
def test_other_scripts_are_given_to_the_voice_in_latin_letters(text: str, expected: str):
    # The voice would read each Greek letter by name ("sigma chi omicron..."); the reader warns the author.
    assert speakable(text) == expected


def test_the_lexicon_still_says_a_word_of_another_script_its_way():
    assert speakable("A word, σχολή, for rest.", {"σχολή": "skho lay"}) == "A word, skho lay, for rest."
