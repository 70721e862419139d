"""The skill package: interaction model and manifest, checked against Amazon's rules and Amazon's own model classes."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest
from ask_sdk_model_runtime.serializer import DefaultSerializer
from gentle_steps.audio.settings import load_show
from gentle_steps.skill.catalog import parse_catalog
from gentle_steps.skill.entities import SECTION_SLOT_TYPE, section_values, static_section_values
from gentle_steps.skill.interaction import (
    BUILT_IN_INTENTS,
    build_skill_package,
    check_invocation_name,
    check_skill_package,
    description_with_disclaimer,
    icon_files,
)

ROOT = Path(__file__).parent.parent
CATALOG = json.loads((Path(__file__).parent / "fixtures" / "skill" / "catalog.json").read_text(encoding="utf-8"))
MODEL = "interactionModels/custom/en-US.json"
ARN = "arn:aws:lambda:us-east-1:123456789012:function:gentle-steps"


def show_dict(**changes) -> dict:
    """The show as the manifest stores it (``ShowSettings.to_dict``), from content/show.toml."""
    return {**load_show(ROOT / "content").to_dict(), **changes}


def with_second_episode(data: dict) -> dict:
    data = copy.deepcopy(data)
    second = copy.deepcopy(data["episodes"][0])
    second.update(id="when-everything-feels-loud", number=2, title="When Everything Feels Loud")
    for i, section in enumerate(second["sections"]):
        section["title"] = f"Quiet Thing {i}"
        section["id"] = f"quiet-thing-{i}"
    data["episodes"].append(second)
    return data


@pytest.fixture(scope="module")
def package():
    return build_skill_package(parse_catalog(CATALOG), show_dict())


def model(package) -> dict:
    return package[MODEL]["interactionModel"]["languageModel"]


def manifest(package) -> dict:
    return package["skill.json"]["manifest"]


def locale_info(package) -> dict:
    return manifest(package)["publishingInformation"]["locales"]["en-US"]


def test_the_package_has_the_ask_cli_layout_and_is_deterministic(package):
    assert set(package) == {"skill.json", MODEL}  # content/show.toml lists no other locale
    again = build_skill_package(parse_catalog(json.loads(json.dumps(CATALOG))), show_dict())
    assert again == package
    assert icon_files("en-US") == {108: "assets/images/en-US_smallIconUri.png",
                                   512: "assets/images/en-US_largeIconUri.png"}


def test_amazons_own_model_classes_read_the_package_back_unchanged(package):
    # ask_smapi_model is generated from the Skill Management API's schema: a field it does not know is dropped,
    # so a round trip that loses nothing means every field and nesting is one Amazon defines.
    from ask_smapi_model.v1.skill.manifest.interface import Interface
    from ask_smapi_model.v1.skill.manifest.interface_type import InterfaceType

    serializer = DefaultSerializer()
    manifest_data = copy.deepcopy(package["skill.json"])
    interfaces = manifest_data["manifest"]["apis"]["custom"]["interfaces"]
    # CAN_FULFILL_INTENT_REQUEST is one of Amazon's interface types, but the generated classes have no class for
    # it (it carries no fields): check its name against Amazon's enum, and the rest through the classes.
    plain = [i for i in interfaces if i["type"] not in Interface.discriminator_value_class_map]
    assert plain == [{"type": "CAN_FULFILL_INTENT_REQUEST"}] and InterfaceType(plain[0]["type"])
    interfaces.remove(plain[0])
    for data, model_class in ((manifest_data, "skill_manifest_envelope.SkillManifestEnvelope"),
                              (package[MODEL], "interaction_model_data.InteractionModelData")):
        kind = "manifest" if "Manifest" in model_class else "interaction_model"
        obj = serializer.deserialize(json.dumps(data), f"ask_smapi_model.v1.skill.{kind}.{model_class}")
        assert serializer.serialize(obj) == data
    broken = copy.deepcopy(manifest_data)
    broken["manifest"]["publishingInformation"]["locales"]["en-US"]["iconUrl"] = "https://x/y.png"
    obj = serializer.deserialize(json.dumps(broken),
                                 "ask_smapi_model.v1.skill.manifest.skill_manifest_envelope.SkillManifestEnvelope")
    assert serializer.serialize(obj) != broken  # the round trip does catch a field Amazon does not define


def test_no_utterance_is_in_two_intents_and_none_is_a_bare_slot(package):
    owner: dict[str, str] = {}
    for intent in model(package)["intents"]:
        for sample in intent["samples"]:
            key = " ".join(sample.lower().split())
            assert key not in owner, f"{sample!r} in {owner.get(key)} and {intent['name']}"
            owner[key] = intent["name"]
            assert not re.fullmatch(r"\{\w+\}", sample.strip()), sample


def test_custom_intents_have_eight_varied_samples_phrased_as_people_talk(package):
    intents = {i["name"]: i for i in model(package)["intents"]}
    for name in ("GroundingIntent", "PlayEpisodeIntent", "PlaySectionIntent", "ListSectionsIntent", "SupportIntent",
                 "BreathingIntent", "StopAfterSectionIntent"):
        samples = intents[name]["samples"]
        assert len(set(samples)) >= 8, name
        assert len({s.split()[0] for s in samples}) >= 4, f"{name} samples all start alike"
        for sample in samples:
            assert re.fullmatch(r"[a-z' {}]+", sample), sample
    assert "play the part about {section}" in intents["PlaySectionIntent"]["samples"]
    assert {"i am in crisis", "i'm not safe"} <= set(intents["SupportIntent"]["samples"])
    assert {"help me breathe", "stop after this section"} <= {s for i in intents.values() for s in i["samples"]}
    assert intents["PlaySectionIntent"]["slots"] == [{"name": "section", "type": SECTION_SLOT_TYPE}]


def test_every_amazon_intent_the_skill_handles_is_declared(package):
    names = {i["name"] for i in model(package)["intents"]}
    assert set(BUILT_IN_INTENTS) <= names
    for required in ("AMAZON.PauseIntent", "AMAZON.ResumeIntent", "AMAZON.FallbackIntent"):
        assert required in names


def test_the_model_does_not_depend_on_the_articles(package):
    bigger = build_skill_package(parse_catalog(with_second_episode(CATALOG)), show_dict())
    assert bigger[MODEL] == package[MODEL]
    slot_type, lengths = model(package)["types"]
    assert slot_type == {"name": SECTION_SLOT_TYPE, "values": static_section_values()}
    assert lengths["name"] == "BREATHING_LENGTH"
    spoken = {n for v in slot_type["values"] for n in [v["name"]["value"], *v["name"]["synonyms"]]}
    assert {"part three", "the third section", "section twelve"} <= spoken
    assert not any("betrayal" in n or "trust" in n for n in spoken)


def test_dynamic_values_name_every_section_once_preferring_one_episode():
    catalog = parse_catalog(with_second_episode(CATALOG))
    values = section_values(catalog, prefer_episode="can-you-rebuild-trust-after-betrayal")
    ids = [v["id"] for v in values]
    assert ids[0] == "can-you-rebuild-trust-after-betrayal.introduction"
    assert "when-everything-feels-loud.quiet-thing-0" in ids
    spoken = [n for v in values for n in [v["name"]["value"], *v["name"].get("synonyms", [])]]
    assert len(spoken) == len(set(spoken))
    assert len(section_values(catalog, limit=3)) == 3


def test_example_phrases_match_sample_utterances_exactly(package):
    samples = {s for i in model(package)["intents"] for s in i["samples"]}
    phrases = locale_info(package)["examplePhrases"]
    assert phrases[0] == "Alexa, open gentle steps" and len(phrases) == 3
    for phrase in phrases[1:]:
        rest = phrase.removeprefix("Alexa, ask gentle steps ")
        assert rest in samples or rest.split(" ", 1)[1] in samples


def test_the_manifest_names_no_endpoint_or_urls_it_does_not_know(package):
    data = manifest(package)
    assert data["apis"]["custom"] == {"interfaces": [{"type": "AUDIO_PLAYER"}, {"type": "CAN_FULFILL_INTENT_REQUEST"},
                                                     {"type": "ALEXA_PRESENTATION_APL"}]}
    assert "locales" not in data["privacyAndCompliance"]
    assert data["privacyAndCompliance"]["usesPersonalInfo"] is False
    text = json.dumps(package)
    assert "example.org" not in text and "example.com" not in text


def test_the_disclaimer_is_said_once_and_keywords_come_from_the_show(package):
    info = locale_info(package)
    assert info["description"].endswith(show_dict()["disclaimer"])
    assert info["description"].lower().count("not a substitute") == 1
    assert info["description"].lower().count("emergency help") == 1
    assert info["keywords"] == ["gentle steps", "health and fitness", "mental health", "education",
                                "self-improvement", "grounding"]
    own = build_skill_package(parse_catalog(CATALOG), show_dict(keywords=["sleep", "Calm", "calm"]))
    assert locale_info(own)["keywords"] == ["sleep", "calm"]
    assert description_with_disclaimer("Readings. Not therapy, and not emergency help. Calm.", "D.") == \
        "Readings. Calm.\n\nD."


def test_icons_are_the_packaged_files_locally_and_urls_on_https(package):
    info = locale_info(package)
    assert info["smallIconUri"] == "file://assets/images/en-US_smallIconUri.png"
    assert info["largeIconUri"] == "file://assets/images/en-US_largeIconUri.png"
    https = json.loads(json.dumps(CATALOG).replace("http://127.0.0.1:8080/", "https://cdn.example.net/"))
    info = locale_info(build_skill_package(parse_catalog(https), show_dict()))
    assert info["smallIconUri"] == "https://cdn.example.net/skill-package/assets/images/en-US_smallIconUri.png"


def test_endpoint_privacy_and_terms_are_written_when_known():
    show = show_dict(privacy_url="https://my.practice/privacy", terms_url="https://my.practice/terms")
    data = build_skill_package(parse_catalog(CATALOG), show, endpoint=ARN)["skill.json"]["manifest"]
    assert data["apis"]["custom"]["endpoint"] == {"uri": ARN}
    assert data["privacyAndCompliance"]["locales"]["en-US"] == {"privacyPolicyUrl": "https://my.practice/privacy",
                                                                "termsOfUseUrl": "https://my.practice/terms"}
    url = build_skill_package(parse_catalog(CATALOG), show, endpoint="https://my.practice/alexa")["skill.json"]
    assert url["manifest"]["apis"]["custom"]["endpoint"] == {"uri": "https://my.practice/alexa",
                                                            "sslCertificateType": "Trusted"}


@pytest.mark.parametrize("name, ok", [
    ("gentle steps", True), ("sam's calm corner", True), ("a. b. c. readings", True), ("gentle", False),
    ("Gentle Steps", False), ("gentle steps skill", False), ("open gentle steps", False), ("gentle steps 2", False),
    ("ask gentle", False), ("the steps", False), ("steps for calm", True), ("calm's'steps now", False),
])
def test_invocation_name_rules(name, ok):
    assert (check_invocation_name(name) == []) is ok


def test_an_invalid_package_is_refused_with_every_problem_named():
    data = copy.deepcopy(CATALOG)
    data["show"]["invocation_name"] = "alexa"
    with pytest.raises(ValueError) as raised:
        build_skill_package(parse_catalog(data), show_dict(invocation_name="alexa"))
    assert "two words" in str(raised.value) and "forbids" in str(raised.value)


def test_the_checker_catches_what_amazon_refuses(package):
    broken = copy.deepcopy(package)
    language = broken[MODEL]["interactionModel"]["languageModel"]
    intents = {i["name"]: i for i in language["intents"]}
    intents["PlayEpisodeIntent"]["samples"].append("give me a grounding message")
    intents["PlaySectionIntent"]["samples"].append("{section}")
    language["intents"] = [i for i in language["intents"] if i["name"] != "AMAZON.PauseIntent"]
    info = broken["skill.json"]["manifest"]["publishingInformation"]["locales"]["en-US"]
    info["examplePhrases"].append("Alexa, ask gentle steps to sing")
    info["smallIconUri"] = "https://cdn.example.net/artwork.jpg"
    broken["skill.json"]["manifest"]["apis"]["custom"]["endpoint"] = {"uri": "http://skill.local/alexa"}
    text = " | ".join(check_skill_package(broken))
    assert "is in both GroundingIntent and PlayEpisodeIntent" in text
    assert "'{section}' is only a slot" in text
    assert "to sing" in text and "one to three example phrases" in text
    assert "smallIconUri must be an https:// or file:// address of a 108 px PNG" in text
    assert "must be an https URL or a Lambda ARN" in text
    assert "requires AMAZON.PauseIntent" in text
    assert check_skill_package(package) == []


def test_each_english_locale_gets_a_model_and_a_store_listing():
    files = build_skill_package(parse_catalog(CATALOG), show_dict(locales=["en-GB", "en-AU", "en-US"]))
    models = sorted(p for p in files if p.startswith("interactionModels/"))
    assert models == [f"interactionModels/custom/{loc}.json" for loc in ("en-AU", "en-GB", "en-US")]
    assert files["interactionModels/custom/en-GB.json"] == files[MODEL]
    publishing = manifest(files)["publishingInformation"]
    assert list(publishing["locales"]) == ["en-AU", "en-GB", "en-US"]  # sorted keys, every one listed
    assert publishing["distributionCountries"] == ["US", "GB", "AU"]
    assert publishing["locales"]["en-GB"]["smallIconUri"] == publishing["locales"]["en-US"]["smallIconUri"]
    broken = copy.deepcopy(files)
    broken["interactionModels/custom/fr-FR.json"] = broken[MODEL]
    assert "locale fr-FR has an interaction model but no store listing in skill.json" in check_skill_package(broken)
