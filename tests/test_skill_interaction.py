"""The skill package: interaction model and manifest built from the catalog, and checked the way Amazon would."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest
from gentle_steps.skill.catalog import parse_catalog, spoken_form
from gentle_steps.skill.interaction import (
    BUILT_IN_INTENTS,
    PLACEHOLDER_ENDPOINT,
    SECTION_SLOT_TYPE,
    build_skill_package,
    check_invocation_name,
    check_skill_package,
)

ROOT = Path(__file__).parent.parent
CATALOG = json.loads((Path(__file__).parent / "fixtures" / "skill" / "catalog.json").read_text(encoding="utf-8"))


def show_dict() -> dict:
    """The show as the manifest stores it (``ShowSettings.to_dict``), read straight from content/show.toml."""
    raw = tomllib.loads((ROOT / "content" / "show.toml").read_text(encoding="utf-8"))
    raw.setdefault("skill_category", "HEALTH_AND_FITNESS")
    return raw


@pytest.fixture(scope="module")
def package():
    return build_skill_package(parse_catalog(CATALOG), show_dict())


def model(package) -> dict:
    return package["interactionModels/custom/en-US.json"]["interactionModel"]["languageModel"]


def manifest(package) -> dict:
    return package["skill.json"]["manifest"]


def test_the_package_has_the_ask_cli_layout_and_is_deterministic(package):
    assert set(package) == {"skill.json", "interactionModels/custom/en-US.json"}
    again = build_skill_package(parse_catalog(json.loads(json.dumps(CATALOG))), show_dict())
    assert again == package
    for data in package.values():
        assert isinstance(data, dict)


def test_no_utterance_is_in_two_intents(package):
    owner: dict[str, str] = {}
    for intent in model(package)["intents"]:
        for sample in intent["samples"]:
            key = " ".join(sample.lower().split())
            assert key not in owner, f"{sample!r} in {owner.get(key)} and {intent['name']}"
            owner[key] = intent["name"]


def test_custom_intents_have_eight_varied_samples_phrased_as_people_talk(package):
    intents = {i["name"]: i for i in model(package)["intents"]}
    for name in ("GroundingIntent", "PlayEpisodeIntent", "PlaySectionIntent", "ListSectionsIntent", "SupportIntent"):
        samples = intents[name]["samples"]
        assert len(set(samples)) >= 8, name
        assert len({s.split()[0] for s in samples}) >= 4, f"{name} samples all start alike"
        for sample in samples:
            assert re.fullmatch(r"[a-z' {}]+", sample), sample
    assert "give me a grounding message" in intents["GroundingIntent"]["samples"]
    assert "i need something calming" in intents["GroundingIntent"]["samples"]
    assert "what sections are there" in intents["ListSectionsIntent"]["samples"]
    assert "play the part about {section}" in intents["PlaySectionIntent"]["samples"]
    assert {"i am in crisis", "i'm not safe"} <= set(intents["SupportIntent"]["samples"])
    assert intents["PlaySectionIntent"]["slots"] == [{"name": "section", "type": SECTION_SLOT_TYPE}]


def test_every_amazon_intent_the_skill_handles_is_declared(package):
    names = {i["name"] for i in model(package)["intents"]}
    assert set(BUILT_IN_INTENTS) <= names
    for required in ("AMAZON.PauseIntent", "AMAZON.ResumeIntent", "AMAZON.LoopOnIntent", "AMAZON.ShuffleOffIntent",
                     "AMAZON.StartOverIntent", "AMAZON.NavigateHomeIntent", "AMAZON.FallbackIntent"):
        assert required in names


def test_every_section_is_a_slot_value_with_its_synonyms(package):
    types = {t["name"]: t for t in model(package)["types"]}
    values = {v["id"]: v["name"] for v in types[SECTION_SLOT_TYPE]["values"]}
    episode = CATALOG["episodes"][0]
    for section in episode["sections"]:
        value = values[f"{episode['id']}.{section['id']}"]
        assert value["value"] == spoken_form(section["title"])
        assert set(value.get("synonyms", [])) == set(section["synonyms"]) - {value["value"]}
    spoken = [n for v in values.values() for n in [v["value"], *v.get("synonyms", [])]]
    assert len(spoken) == len(set(spoken))
    assert values[f"{episode['id']}.but-i-dont-know-if-i-can-stay"]["value"] == "but i don't know if i can stay"


def test_example_phrases_match_sample_utterances_exactly(package):
    samples = {s for i in model(package)["intents"] for s in i["samples"]}
    phrases = manifest(package)["publishingInformation"]["locales"]["en-US"]["examplePhrases"]
    assert phrases[0] == "Alexa, open gentle steps"
    for phrase in phrases[1:]:
        rest = phrase.removeprefix("Alexa, ask gentle steps ")
        assert rest in samples or rest.split(" ", 1)[1] in samples


def test_the_manifest_declares_audio_player_category_urls_and_the_disclaimer(package):
    data = manifest(package)
    assert data["apis"]["custom"]["interfaces"] == [{"type": "AUDIO_PLAYER"}]
    assert data["apis"]["custom"]["endpoint"]["uri"] == PLACEHOLDER_ENDPOINT
    assert data["publishingInformation"]["category"] == "HEALTH_AND_FITNESS"
    urls = data["privacyAndCompliance"]["locales"]["en-US"]
    assert urls == {"privacyPolicyUrl": "https://example.org/privacy", "termsOfUseUrl": "https://example.org/terms"}
    assert show_dict()["disclaimer"] in data["publishingInformation"]["locales"]["en-US"]["description"]
    assert data["privacyAndCompliance"]["usesPersonalInfo"] is False


def test_the_endpoint_can_be_a_lambda_arn():
    arn = "arn:aws:lambda:us-east-1:123456789012:function:gentle-steps"
    data = build_skill_package(parse_catalog(CATALOG), show_dict(), endpoint=arn)["skill.json"]
    assert data["manifest"]["apis"]["custom"]["endpoint"] == {"uri": arn}


@pytest.mark.parametrize("name, ok", [
    ("gentle steps", True), ("gentle", False), ("Gentle Steps", False), ("gentle steps skill", False),
    ("open gentle steps", False), ("gentle steps 2", False), ("ask gentle", False),
])
def test_invocation_name_rules(name, ok):
    assert (check_invocation_name(name) == []) is ok


def test_an_invalid_package_is_refused_with_every_problem_named():
    data = json.loads(json.dumps(CATALOG))
    data["show"]["invocation_name"] = "alexa"
    with pytest.raises(ValueError) as raised:
        build_skill_package(parse_catalog(data), {**show_dict(), "invocation_name": "alexa"})
    assert "two words" in str(raised.value) and "forbids" in str(raised.value)


def test_the_checker_catches_duplicates_missing_values_and_bad_phrases(package):
    broken_model = json.loads(json.dumps(package["interactionModels/custom/en-US.json"]))
    language = broken_model["interactionModel"]["languageModel"]
    intents = {i["name"]: i for i in language["intents"]}
    intents["PlayEpisodeIntent"]["samples"].append("give me a grounding message")
    language["types"][0]["values"].pop()
    broken_manifest = json.loads(json.dumps(package["skill.json"]))
    broken_manifest["manifest"]["publishingInformation"]["locales"]["en-US"]["examplePhrases"].append(
        "Alexa, ask gentle steps to sing")
    problems = check_skill_package({"skill.json": broken_manifest,
                                    "interactionModels/custom/en-US.json": broken_model},
                                   parse_catalog(CATALOG))
    text = " | ".join(problems)
    assert "is in both GroundingIntent and PlayEpisodeIntent" in text
    assert "is not a value of SECTION_NAME" in text
    assert "to sing" in text


def test_a_section_title_shared_by_two_episodes_is_one_value():
    data = json.loads(json.dumps(CATALOG))
    second = json.loads(json.dumps(data["episodes"][0]))
    second.update(id="another-article", number=2, title="Another Article")
    data["episodes"].append(second)
    files = build_skill_package(parse_catalog(data), show_dict())
    values = files["interactionModels/custom/en-US.json"]["interactionModel"]["languageModel"]["types"][0]
    assert len(values["values"]) == len(second["sections"])


def test_a_synonym_never_pushes_out_another_sections_title():
    data = json.loads(json.dumps(CATALOG))
    data["episodes"][0]["sections"][0]["synonyms"].append("betrayal is a trauma")
    files = build_skill_package(parse_catalog(data), show_dict())
    values = files["interactionModels/custom/en-US.json"]["interactionModel"]["languageModel"]["types"][0]
    by_id = {v["id"].split(".", 1)[1]: v["name"] for v in values["values"]}
    assert by_id["betrayal-is-a-trauma"]["value"] == "betrayal is a trauma"
    assert "betrayal is a trauma" not in by_id["introduction"].get("synonyms", [])


def test_a_title_shared_by_two_episodes_is_one_value_and_the_package_stays_valid():
    import copy

    catalog = copy.deepcopy(CATALOG)
    second = copy.deepcopy(catalog["episodes"][0])
    second["id"], second["number"], second["title"] = "another-episode", 2, "Another Episode"
    catalog["episodes"].append(second)
    files = build_skill_package(parse_catalog(catalog), show_dict())
    values = files["interactionModels/custom/en-US.json"]["interactionModel"]["languageModel"]["types"][0]["values"]
    ids = [v["id"] for v in values]
    assert len(ids) == len(set(ids))
    assert "another-episode.introduction" in ids  # the newest episode's section wins a shared title
