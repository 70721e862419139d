"""A new show made with ``init``: it builds, nothing of the sample reaches it, its skill package is one Amazon
accepts, and a second article needs no interaction-model change (one-shot and in-session requests both find it).
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import pytest
from ask_sdk_model_runtime.serializer import DefaultSerializer
from gentle_steps.deploy.cli import main
from gentle_steps.skill.catalog import load_catalog, spoken_form
from gentle_steps.skill.interaction import check_skill_package
from gentle_steps.skill.runtime import SkillRuntime
from gentle_steps.skill.state import SqlitePersistenceAdapter
from PIL import Image

FIXTURES = Path(__file__).parent / "fixtures" / "skill"
sys.path.insert(0, str(FIXTURES))

import envelopes as E  # noqa: E402

SAMPLE_IDENTITY = ("Gentle Steps", "gentle steps", "betrayal", "hello@example.org", "example.org", "example.com",
                   "skill.example.org")
MODEL = "skill-package/interactionModels/custom/en-US.json"

SECOND = """---
title: When Evenings Feel Long
date: 2031-03-02
description: A second reading.
---

# When Evenings Feel Long

## Lighting a Small Lamp

Soft light helps the room feel smaller and safer.

## Counting Slow Breaths

Four in, six out, as many times as you like.
"""


@pytest.fixture(scope="module")
def show(tmp_path_factory):
    """init with flags in an empty folder, then a build with the fast test voice; returns (content, dist, cache)."""
    root = tmp_path_factory.mktemp("new-show")
    content = root / "quiet-hours"
    assert main(["init", str(content), "--title", "Quiet Hours", "--author", "Ana Ruiz",
                 "--email", "ana@anaruiz-readings.net", "--language", "en-US"]) == 0
    dist, cache = root / "dist", root / "cache"
    assert main(["build", "--content", str(content), "--out", str(dist), "--voice", "tone", "--jobs", "1",
                 "--cache", str(cache)]) == 0
    return content, dist, cache


def _text_forms(needle: str) -> list[bytes]:
    # MP3 ID3 frames may hold UTF-16 text; everything else is UTF-8.
    return [needle.encode("utf-8"), needle.encode("utf-16-le"), needle.encode("utf-16-be")]


def test_init_writes_every_file_and_never_overwrites(show, capsys):
    content, _, _ = show
    for name in ("show.toml", "prompts.toml", "lexicon.toml", "articles/welcome.md"):
        assert (content / name).is_file()
    text = (content / "show.toml").read_text(encoding="utf-8")
    assert 'invocation_name = "quiet hours"' in text and 'website = ""' in text
    for key in ("subtitle", "owner_email", "privacy_url", "terms_url", "skill_endpoint", "keywords", "country"):
        assert f"\n{key} = " in text, key
    before = (content / "show.toml").read_bytes()
    assert main(["init", str(content), "--title", "Other Hours", "--author", "Someone Else"]) == 0
    assert (content / "show.toml").read_bytes() == before
    assert "kept" in capsys.readouterr().out


def test_nothing_of_the_sample_reaches_the_new_show(show):
    _, dist, _ = show
    files = [p for p in dist.rglob("*") if p.is_file()]
    assert len(files) > 20
    for path in files:
        data = path.read_bytes()
        for needle in SAMPLE_IDENTITY:
            for form in _text_forms(needle):
                assert form.lower() not in data.lower(), f"{needle!r} in {path.relative_to(dist)}"
    skill = json.loads((dist / "skill-package" / "skill.json").read_text(encoding="utf-8"))["manifest"]
    info = skill["publishingInformation"]["locales"]["en-US"]
    assert not {"trust", "betrayal", "relationships"} & set(info["keywords"])
    assert info["examplePhrases"][0] == "Alexa, open quiet hours"
    assert "endpoint" not in skill["apis"]["custom"]
    feed = (dist / "feed.xml").read_text(encoding="utf-8")
    assert "<itunes:email>ana@anaruiz-readings.net</itunes:email>" in feed
    page = (dist / "index.html").read_text(encoding="utf-8")
    assert "988" in page and "Alexa, open Quiet Hours" in page  # default crisis lines for en-US


def test_the_skill_icons_have_amazons_sizes(show):
    _, dist, _ = show
    for size, name in ((108, "en-US_smallIconUri.png"), (512, "en-US_largeIconUri.png")):
        with Image.open(dist / "skill-package" / "assets" / "images" / name) as icon:
            assert (icon.format, icon.size, icon.mode) == ("PNG", (size, size), "RGB")


def test_the_skill_package_passes_amazons_rules_and_model(show):
    _, dist, _ = show
    files = {"skill.json": json.loads((dist / "skill-package" / "skill.json").read_text(encoding="utf-8")),
             "interactionModels/custom/en-US.json": json.loads((dist / MODEL).read_text(encoding="utf-8"))}
    assert check_skill_package(files) == []
    serializer = DefaultSerializer()
    manifest = json.loads(json.dumps(files["skill.json"]))
    # Amazon's generated classes have no class for the CAN_FULFILL_INTENT_REQUEST interface (it has no fields;
    # tests/test_skill_interaction.py checks its name against Amazon's enum): read the rest back.
    interfaces = manifest["manifest"]["apis"]["custom"]["interfaces"]
    interfaces.remove({"type": "CAN_FULFILL_INTENT_REQUEST"})
    obj = serializer.deserialize(json.dumps(manifest),
                                 "ask_smapi_model.v1.skill.manifest.skill_manifest_envelope.SkillManifestEnvelope")
    assert serializer.serialize(obj) == manifest


def test_a_second_article_changes_nothing_in_the_model_and_plays_by_name(show, tmp_path):
    content, dist, cache = show
    model_before = (dist / MODEL).read_bytes()
    manifest_before = (dist / "skill-package" / "skill.json").read_bytes()
    (content / "articles" / "evenings.md").write_text(SECOND, encoding="utf-8")
    try:
        assert main(["build", "--content", str(content), "--out", str(dist), "--voice", "tone", "--jobs", "1",
                     "--cache", str(cache)]) == 0
    finally:
        (content / "articles" / "evenings.md").unlink()
    assert (dist / MODEL).read_bytes() == model_before
    assert (dist / "skill-package" / "skill.json").read_bytes() == manifest_before

    catalog = load_catalog(dist / "catalog.json")
    episode = next(ep for ep in catalog.episodes if ep.title == "When Evenings Feel Long")
    lamp = next(s for s in episode.sections if s.title == "Lighting a Small Lamp")
    runtime = SkillRuntime(catalog, SqlitePersistenceAdapter(tmp_path / "state.sqlite3"), rng=random.Random(1))

    def play_token(answer: dict) -> str:
        (play,) = [d for d in answer["response"]["directives"] if d["type"] == "AudioPlayer.Play"]
        return play["audioItem"]["stream"]["token"]

    # One-shot ("Alexa, ask quiet hours to play lighting a small lamp"): no session yet, so no dynamic entities;
    # the static slot type cannot resolve it and the skill matches the raw value itself.
    one_shot = E.intent("PlaySectionIntent", E.section_slot("lighting a small lamp", None), new=True)
    assert play_token(runtime.answer(one_shot)).startswith(f"{episode.id}|{lamp.id}|")

    # In a session: the launch response hands Alexa this session's section names, the new ones included.
    launch = runtime.answer(E.launch())
    (entities,) = [d for d in launch["response"]["directives"] if d["type"] == "Dialog.UpdateDynamicEntities"]
    assert entities["updateBehavior"] == "REPLACE"
    (slot_type,) = entities["types"]
    values = {v["name"]["value"]: v for v in slot_type["values"]}
    assert slot_type["name"] == "SECTION_NAME" and spoken_form(lamp.title) in values
    value = values[spoken_form(lamp.title)]
    # Alexa resolves what it heard against them; the id alone must find the section (the words were misheard).
    heard = E.section_slot("light in a smell lamb", (value["id"], value["name"]["value"]), dynamic=True)
    answer = runtime.answer(E.intent("PlaySectionIntent", heard, attributes=launch.get("sessionAttributes")))
    assert play_token(answer).startswith(f"{episode.id}|{lamp.id}|")
    assert all(d["type"] != "Dialog.UpdateDynamicEntities" for d in answer["response"]["directives"])


def test_help_with_no_prompts_is_kind_not_silent(show, tmp_path):
    _, dist, _ = show
    runtime = SkillRuntime(load_catalog(dist / "catalog.json"), SqlitePersistenceAdapter(tmp_path / "s.sqlite3"))
    answer = runtime.answer(E.intent("GroundingIntent"))
    speech = answer["response"]["outputSpeech"]["ssml"]
    assert speech.startswith("<speak>") and "slow breath" in speech
    assert answer["response"]["shouldEndSession"] is False
