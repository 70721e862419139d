"""Reading the catalog: its schema version, clear errors, section lookup and playback tokens."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from gentle_steps.skill import ssml
from gentle_steps.skill.catalog import CatalogError, load_catalog, parse_catalog
from gentle_steps.skill.tokens import make_token, parse_token, resolve

FIXTURE = Path(__file__).parent / "fixtures" / "skill" / "catalog.json"
DATA = json.loads(FIXTURE.read_text(encoding="utf-8"))


def test_the_fixture_loads():
    catalog = load_catalog(FIXTURE)
    assert [s.title for s in catalog.latest.sections][1:3] == ["Trust Isn’t Rebuilt With Apologies Alone",
                                                                "Betrayal Is a Trauma"]
    assert len(catalog.prompts) == 7 and len(catalog.crisis["US"]) == 3
    assert catalog.https is False
    assert [t.id for t in catalog.breathing] == ["one-minute", "three-minutes"]
    assert catalog.show.locales == ("en-US", "en-GB") and catalog.latest.date == "2025-07-02"


def test_crisis_lines_follow_the_requests_locale_and_never_another_countrys():
    catalog = load_catalog(FIXTURE)
    assert [line.number for line in catalog.crisis_lines("en-GB")] == ["116123", "999"]
    assert catalog.crisis_lines("en-US")[2].numbers == ("18007997233",)
    assert catalog.crisis_lines("en-ZA") == () and catalog.crisis_lines("") == catalog.crisis_lines("en-US")


@pytest.mark.parametrize("version", [0, 1, 3, "2", None])
def test_another_schema_version_is_refused_clearly(version):
    with pytest.raises(CatalogError, match="schema_version"):
        parse_catalog(dict(DATA, schema_version=version), "dist/catalog.json")


def test_errors_name_the_file_and_the_field(tmp_path):
    with pytest.raises(CatalogError, match=r"catalog\.json: catalog not found"):
        load_catalog(tmp_path / "catalog.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(CatalogError, match="bad.json: not valid JSON"):
        load_catalog(bad)
    data = json.loads(json.dumps(DATA))
    del data["episodes"][0]["sections"][2]["audio_url"]
    with pytest.raises(CatalogError, match=r"episodes\[0\]\.sections\[2\]\.audio_url"):
        parse_catalog(data, "x.json")
    data = json.loads(json.dumps(DATA))
    data["prompts"] = "none"
    with pytest.raises(CatalogError, match=r"x.json: catalog\.prompts must be a list"):
        parse_catalog(data, "x.json")
    data = json.loads(json.dumps(DATA))
    data["crisis"]["GB"][0]["number"] = "116 123"
    with pytest.raises(CatalogError, match=r"x.json: crisis\.GB\[0\]\.number must be digits only"):
        parse_catalog(data, "x.json")
    data = json.loads(json.dumps(DATA))
    data["episodes"][0]["id"] = "~breathing"
    with pytest.raises(CatalogError, match=r"episodes\[0\]\.id must not start with '~'"):
        parse_catalog(data, "x.json")
    data = json.loads(json.dumps(DATA))
    data["breathing"][1]["id"] = "one-minute"
    with pytest.raises(CatalogError, match="lists a track id twice"):
        parse_catalog(data, "x.json")


def test_the_catalog_round_trips_through_to_dict():
    catalog = load_catalog(FIXTURE)
    assert parse_catalog(json.loads(json.dumps(catalog.to_dict()))) == catalog


def test_a_catalog_without_prompts_is_valid():
    data = json.loads(json.dumps(DATA))
    data["prompts"] = []
    assert parse_catalog(data).prompts == ()
    del data["prompts"]
    assert parse_catalog(data).prompts == ()


def test_find_section_matches_titles_synonyms_and_key_words():
    catalog = load_catalog(FIXTURE)
    assert catalog.find_section("Betrayal Is a Trauma").id == "betrayal-is-a-trauma"
    assert catalog.find_section("the fourth part").id == "what-trust-repair-actually-looks-like"
    assert catalog.find_section("i don't know if i can stay").id == "but-i-dont-know-if-i-can-stay"
    assert catalog.find_section("navigating betrayal").id == "if-youre-navigating-betrayal-right-now"
    assert catalog.find_section("apologies").id == "trust-isnt-rebuilt-with-apologies-alone"
    assert catalog.find_section("the weather tomorrow") is None
    assert catalog.find_section("the") is None


def test_tokens_round_trip_and_are_parsed_defensively():
    catalog = load_catalog(FIXTURE)
    section = catalog.latest.sections[3]
    token = make_token(section)
    assert token == f"can-you-rebuild-trust-after-betrayal|{section.id}|{section.version}"
    assert resolve(catalog, token) == (section, True)
    assert resolve(catalog, token.rsplit("|", 1)[0] + "|oldversion") == (section, False)
    for junk in (None, 5, "", "a|b", "a|b|c|d", "||", "x" * 5000, "unknown|episode|v", ["a|b|c"]):
        assert resolve(catalog, junk) is None
    assert parse_token("a|b|c").section_id == "b"
    track = catalog.breathing[1]
    assert make_token(track) == f"~breathing|three-minutes|{track.version}"
    assert resolve(catalog, make_token(track)) == (track, True)
    assert resolve(catalog, "~breathing|ten-minutes|v") is None


def test_ssml_helpers():
    assert ssml.escape("Tom & <Jerry>") == "Tom &amp; &lt;Jerry&gt;"
    assert ssml.audio('https://x/a.mp3?a=1&b="2"') == '<audio src="https://x/a.mp3?a=1&amp;b=&quot;2&quot;"/>'
    text, cut = ssml.fit("One & two. " * 2000, 500)
    assert cut and len(text) <= 500 and text.endswith("two.")
    assert ssml.fit("Short.", 500) == ("Short.", False)
    assert ssml.pause(20000) == '<break time="10000ms"/>'
    assert ssml.title("Can You Rebuild Trust After Betrayal?") == "Can You Rebuild Trust After Betrayal"
    assert ssml.title("\u201cBut I Don\u2019t Know If I Can Stay\u2026\u201d") == "But I Don\u2019t Know If I Can Stay"
    assert ssml.title("Why? Because & more.") == "Why, Because &amp; more"
