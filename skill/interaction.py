"""The Alexa skill package (ASK CLI layout): ``skill.json`` and ``interactionModels/custom/<locale>.json``.

Built from the catalog, so the section slot's values and synonyms always match what the skill can play, and
checked by :func:`check_skill_package`: at least eight varied samples per custom intent, no sample in two intents,
every section a slot value, example phrases that match samples exactly, and a valid invocation name.

The endpoint in ``skill.json`` is a placeholder unless one is given: point it at a Lambda ARN
(``arn:aws:lambda:REGION:ACCOUNT:function:NAME``) or at the public https URL of ``gentle-steps serve``'s
``/alexa`` (then ``sslCertificateType`` says how that URL's certificate is issued).
"""

from __future__ import annotations

import re
from typing import Any

from gentle_steps.skill.catalog import Catalog, spoken_form

SECTION_SLOT_TYPE = "SECTION_NAME"
"""Custom slot type listing the sections."""

PLACEHOLDER_ENDPOINT = "https://skill.example.org/alexa"
"""Endpoint written when none is given; replace it before deploying (see the module docstring)."""

# Amazon refuses these words in invocation names (Alexa Skills Kit, "Choose the invocation name").
FORBIDDEN_INVOCATION_WORDS = frozenset({"alexa", "amazon", "echo", "skill", "app", "launch", "ask", "tell", "open",
                                        "load", "begin", "enable", "computer", "skills"})

# Phrased as people talk, several per need. Lowercase, no punctuation but apostrophes (Amazon's sample rules).
SAMPLES: dict[str, list[str]] = {
    "GroundingIntent": [
        "a grounding message",
        "give me a grounding message",
        "i need a grounding message",
        "i need something calming",
        "say something calming",
        "help me calm down",
        "help me feel grounded",
        "ground me",
        "tell me something kind",
        "give me something gentle",
        "i need a moment",
        "another grounding message",
        "something to steady me",
    ],
    "PlayEpisodeIntent": [
        "play the episode",
        "play the article",
        "read the article",
        "read me the article",
        "read it to me",
        "play the whole thing",
        "play everything",
        "play the latest episode",
        "start the episode",
        "i want to listen to the article",
    ],
    "PlaySectionIntent": [
        "{section}",
        "play {section}",
        "play the part about {section}",
        "play the section about {section}",
        "play the section called {section}",
        "read {section}",
        "read the part about {section}",
        "i want to hear {section}",
        "i'd like to hear {section}",
        "go to {section}",
        "skip to {section}",
        "take me to {section}",
    ],
    "ListSectionsIntent": [
        "what sections are there",
        "what parts are there",
        "list the sections",
        "list the parts",
        "tell me the sections",
        "what are the parts",
        "what's in the episode",
        "what's in this article",
        "what can i listen to",
        "read me the list of sections",
    ],
    "SupportIntent": [
        "i am in crisis",
        "i'm in crisis",
        "i'm not safe",
        "i don't feel safe",
        "i need help now",
        "i need urgent help",
        "i need emergency help",
        "i'm in danger",
        "i want to hurt myself",
        "i'm thinking about suicide",
        "i need to talk to someone",
        "who can i call",
        "give me a crisis line",
    ],
}
"""Sample utterances of the custom intents."""

BUILT_IN_INTENTS = ("AMAZON.HelpIntent", "AMAZON.StopIntent", "AMAZON.CancelIntent", "AMAZON.FallbackIntent",
                    "AMAZON.NavigateHomeIntent", "AMAZON.PauseIntent", "AMAZON.ResumeIntent", "AMAZON.NextIntent",
                    "AMAZON.PreviousIntent", "AMAZON.StartOverIntent", "AMAZON.RepeatIntent", "AMAZON.LoopOnIntent",
                    "AMAZON.LoopOffIntent", "AMAZON.ShuffleOnIntent", "AMAZON.ShuffleOffIntent",
                    "AMAZON.YesIntent", "AMAZON.NoIntent")
"""Amazon's intents the skill declares (the AudioPlayer interface requires the playback ones)."""

EXAMPLE_UTTERANCES = ("", "a grounding message", "what sections are there")
"""Utterances behind the three example phrases ("" is the launch phrase), in order."""

_SAMPLE_RE = re.compile(r"^(?:[a-z']+|[a-z]\.|\{[A-Za-z_]+\})(?: (?:[a-z']+|[a-z]\.|\{[A-Za-z_]+\}))*$")
_CONNECTORS = ("to", "for", "about", "if", "whether", "that")


def check_invocation_name(name: str) -> list[str]:
    """Problems with an invocation name (Amazon's rules: lowercase letters, two or more words, none forbidden)."""
    problems = []
    words = name.split()
    if name != name.lower() or not all(re.fullmatch(r"[a-z.']+", w) for w in words):
        problems.append(f"invocation name {name!r} must be lowercase letters only")
    if len(words) < 2:
        problems.append(f"invocation name {name!r} must have at least two words")
    if forbidden := sorted(set(words) & FORBIDDEN_INVOCATION_WORDS):
        problems.append(f"invocation name {name!r} uses a word Amazon forbids: {', '.join(forbidden)}")
    return problems


def section_values(catalog: Catalog) -> list[dict[str, Any]]:
    """Slot type values: one per section (newest episode first wins a shared title), synonyms never repeated.

    Names are placed before any synonym, so one section's synonym can never push out another's title.
    """
    chosen = []
    taken: set[str] = set()
    for episode in reversed(catalog.episodes):
        for section in episode.sections:
            name = spoken_form(section.title)
            if name and name not in taken:
                taken.add(name)
                chosen.append((episode, section, name))
    values: list[dict[str, Any]] = []
    for episode, section, name in chosen:
        synonyms = []
        for synonym in section.synonyms:
            if synonym not in taken:
                taken.add(synonym)
                synonyms.append(synonym)
        # Section ids are unique within an episode only ("introduction" recurs), so the value id names both.
        value: dict[str, Any] = {"id": f"{episode.id}.{section.id}", "name": {"value": name}}
        if synonyms:
            value["name"]["synonyms"] = synonyms
        values.append(value)
    return values


def build_interaction_model(catalog: Catalog) -> dict[str, Any]:
    """The interaction model for ``catalog``'s invocation name and sections."""
    intents: list[dict[str, Any]] = []
    for name, samples in SAMPLES.items():
        intent: dict[str, Any] = {"name": name, "samples": list(samples)}
        if name == "PlaySectionIntent":
            intent["slots"] = [{"name": "section", "type": SECTION_SLOT_TYPE}]
        intents.append(intent)
    intents += [{"name": name, "samples": []} for name in BUILT_IN_INTENTS]
    return {
        "interactionModel": {
            "languageModel": {
                "invocationName": catalog.show.invocation_name,
                "intents": intents,
                "types": [{"name": SECTION_SLOT_TYPE, "values": section_values(catalog)}],
                "modelConfiguration": {"fallbackIntentSensitivity": {"level": "LOW"}},
            }
        }
    }


def example_phrases(invocation_name: str) -> list[str]:
    """The manifest's example phrases; each matches a sample utterance exactly."""
    phrases = []
    for utterance in EXAMPLE_UTTERANCES:
        if not utterance:
            phrases.append(f"Alexa, open {invocation_name}")
        elif utterance.startswith("a "):
            phrases.append(f"Alexa, ask {invocation_name} for {utterance}")
        else:
            phrases.append(f"Alexa, ask {invocation_name} {utterance}")
    return phrases


def build_manifest(catalog: Catalog, show: dict[str, Any], endpoint: str | None = None) -> dict[str, Any]:
    """``skill.json`` for the show; ``endpoint`` is a Lambda ARN or an https URL (default: a placeholder)."""
    locale = show.get("language") or catalog.show.language
    disclaimer = show.get("disclaimer") or catalog.show.disclaimer
    description = (show.get("description") or catalog.show.title).strip()
    if disclaimer and disclaimer not in description:
        description = f"{description}\n\n{disclaimer}"
    summary = (show.get("subtitle") or show.get("description") or catalog.show.title).strip()[:160]
    info: dict[str, Any] = {
        "name": show.get("title") or catalog.show.title,
        "summary": summary,
        "description": description[:4000],
        "examplePhrases": example_phrases(catalog.show.invocation_name),
        "keywords": ["grounding", "calm", "relationships", "trust", "betrayal", "readings"],
    }
    artwork = catalog.show.artwork_url
    if artwork.lower().startswith("https://"):
        info["smallIconUri"] = artwork
        info["largeIconUri"] = artwork
    uri = endpoint or PLACEHOLDER_ENDPOINT
    endpoint_spec: dict[str, Any] = {"uri": uri}
    if not uri.startswith("arn:"):
        endpoint_spec["sslCertificateType"] = "Trusted"
    country = locale.split("-")[1] if "-" in locale else "US"
    return {
        "manifest": {
            "manifestVersion": "1.0",
            "publishingInformation": {
                "locales": {locale: info},
                "category": show.get("skill_category") or "HEALTH_AND_FITNESS",
                "distributionCountries": [country],
                "isAvailableWorldwide": False,
                "testingInstructions": (
                    f"Say 'open {catalog.show.invocation_name}'. Ask for a grounding message, what sections are "
                    "there, or to play the episode; use pause, resume and next while audio plays. Say 'I need help "
                    "now' for crisis resources. The skill stores only a playback position per device and the last "
                    "grounding prompt per user."),
            },
            "privacyAndCompliance": {
                "allowsPurchases": False,
                "usesPersonalInfo": False,
                "isChildDirected": False,
                "isExportCompliant": True,
                "containsAds": False,
                "locales": {locale: {"privacyPolicyUrl": show.get("privacy_url", ""),
                                     "termsOfUseUrl": show.get("terms_url", "")}},
            },
            "apis": {"custom": {"endpoint": endpoint_spec, "interfaces": [{"type": "AUDIO_PLAYER"}]}},
        }
    }


def _sorted(data: Any) -> Any:
    """``data`` with every object's keys in sorted order (the ASK CLI's own files are written that way)."""
    if isinstance(data, dict):
        return {key: _sorted(data[key]) for key in sorted(data)}
    if isinstance(data, list):
        return [_sorted(item) for item in data]
    return data


def build_skill_package(catalog: Catalog, show: dict[str, Any], endpoint: str | None = None) -> dict[str, Any]:
    """The skill package files (relative path -> JSON-ready object; deterministic) for a catalog and the show.

    Raises ``ValueError`` naming every problem :func:`check_skill_package` finds.
    """
    locale = show.get("language") or catalog.show.language
    files = {
        "skill.json": _sorted(build_manifest(catalog, show, endpoint)),
        f"interactionModels/custom/{locale}.json": _sorted(build_interaction_model(catalog)),
    }
    problems = check_skill_package(files, catalog)
    if problems:
        raise ValueError("skill package is not valid: " + "; ".join(problems))
    return files


def check_skill_package(files: dict[str, Any], catalog: Catalog) -> list[str]:
    """Every problem with a built package: samples, slot values, example phrases, invocation name."""
    problems: list[str] = []
    manifest = files["skill.json"]["manifest"]
    models = [p for p in files if p.startswith("interactionModels/custom/")]
    if len(models) != 1:
        return ["expected exactly one interaction model"]
    language = files[models[0]]["interactionModel"]["languageModel"]
    invocation = language["invocationName"]
    problems += check_invocation_name(invocation)

    seen: dict[str, str] = {}
    all_samples: set[str] = set()
    slot_types = {t["name"]: t for t in language.get("types", [])}
    for intent in language["intents"]:
        samples = intent.get("samples", [])
        slot_names = {s["name"] for s in intent.get("slots", [])}
        if not intent["name"].startswith("AMAZON.") and len(set(samples)) < 8:
            problems.append(f"{intent['name']} has fewer than eight sample utterances")
        for slot in intent.get("slots", []):
            if not slot["type"].startswith("AMAZON.") and slot["type"] not in slot_types:
                problems.append(f"{intent['name']}: slot type {slot['type']} is not defined")
        for sample in samples:
            key = " ".join(sample.lower().split())
            if key in seen and seen[key] != intent["name"]:
                problems.append(f"sample {sample!r} is in both {seen[key]} and {intent['name']}")
            elif key in seen:
                problems.append(f"sample {sample!r} is repeated in {intent['name']}")
            seen[key] = intent["name"]
            all_samples.add(key)
            if not _SAMPLE_RE.match(sample):
                problems.append(f"{intent['name']}: sample {sample!r} has characters Alexa does not accept")
            for ref in re.findall(r"\{([A-Za-z_]+)\}", sample):
                if ref not in slot_names:
                    problems.append(f"{intent['name']}: sample {sample!r} names an undeclared slot {ref}")

    values = slot_types.get(SECTION_SLOT_TYPE, {}).get("values", [])
    names = {v["name"]["value"] for v in values}
    spoken: list[str] = [n for v in values for n in [v["name"]["value"], *v["name"].get("synonyms", [])]]
    if len(spoken) != len(set(spoken)):
        problems.append("a section name or synonym is listed twice")
    for episode in catalog.episodes:
        for section in episode.sections:
            if spoken_form(section.title) not in names:
                problems.append(f"section {section.title!r} is not a value of {SECTION_SLOT_TYPE}")

    for info in manifest["publishingInformation"]["locales"].values():
        for phrase in info.get("examplePhrases", []):
            if not _phrase_matches(phrase, invocation, all_samples):
                problems.append(f"example phrase {phrase!r} does not match a sample utterance")
    return problems


def _phrase_matches(phrase: str, invocation: str, samples: set[str]) -> bool:
    """Whether an example phrase is "Alexa, open <name>" or "Alexa, ask <name> [connector] <sample>"."""
    if not phrase.startswith("Alexa, "):
        return False
    rest = phrase[len("Alexa, "):]
    if rest in (f"open {invocation}", f"start {invocation}", f"launch {invocation}"):
        return True
    for verb in ("ask", "tell"):
        prefix = f"{verb} {invocation} "
        if rest.startswith(prefix):
            utterance = rest[len(prefix):]
            if utterance in samples:
                return True
            first, _, remainder = utterance.partition(" ")
            return first in _CONNECTORS and remainder in samples
    return False
