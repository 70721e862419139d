"""The Alexa skill package (ASK CLI layout): ``skill.json``, ``interactionModels/custom/<locale>.json`` and the
icons under ``assets/images/``.

The interaction model never depends on the articles: its ``SECTION_NAME`` values are a fixed set
(``skill/entities.py``) and the real section titles reach Alexa per session as dynamic entities, so a new
article changes nothing a live skill would have to re-certify. ``skill.json`` takes its name, description,
keywords and example phrases from show.toml, says the disclaimer once, points at the 108 and 512 px icons the
build writes, and names an endpoint only when one is known (a Lambda ARN, or the public https URL of
``gentle-steps serve``'s ``/alexa``). :func:`build_skill_package` refuses a package that breaks Amazon's rules
(``skill/package_rules.py``).
"""

from __future__ import annotations

import re
from typing import Any

from gentle_steps.skill.catalog import Catalog
from gentle_steps.skill.entities import SECTION_SLOT_TYPE, static_section_values
from gentle_steps.skill.package_rules import (
    check_invocation_name,
    locale_problems,
    manifest_problems,
    model_problems,
)

__all__ = ["SECTION_SLOT_TYPE", "build_skill_package", "check_invocation_name", "check_skill_package",
           "icon_files"]

ICONS = {"smallIconUri": 108, "largeIconUri": 512}
"""Manifest icon fields and their pixel sizes (Amazon: 108 x 108 and 512 x 512 PNG)."""

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
        "i need a crisis line",
        "i feel unsafe",
        "help me i'm not safe",
        "i want to die",
        "i don't want to be alive",
        "i'm scared for my safety",
    ],
    "BreathingIntent": [
        "help me breathe",
        "breathe with me",
        "a breathing exercise",
        "do a breathing exercise",
        "start a breathing exercise",
        "give me a breathing exercise",
        "i need to breathe",
        "guide my breathing",
        "help me slow my breathing",
        "breathe with me for {length}",
        "a {length} breathing exercise",
        "{length} of breathing",
        "help me breathe for {length}",
    ],
    "StopAfterSectionIntent": [
        "stop after this section",
        "stop at the end of this section",
        "stop when this section ends",
        "stop when this section is over",
        "pause after this section",
        "finish this section and stop",
        "just play this section",
        "only play this section",
        "don't play the next section",
        "stop after this one",
    ],
}
"""Sample utterances of the custom intents."""

SLOTS: dict[str, list[dict[str, str]]] = {
    "PlaySectionIntent": [{"name": "section", "type": SECTION_SLOT_TYPE}],
    "BreathingIntent": [{"name": "length", "type": "BREATHING_LENGTH"}],
}
"""Slots of the custom intents."""

BREATHING_LENGTHS = [
    {"id": "short", "name": {"value": "one minute", "synonyms": ["a minute", "a short one", "short", "quick"]}},
    {"id": "long", "name": {"value": "three minutes", "synonyms": ["a few minutes", "a long one", "long",
                                                                    "longer", "a longer one"]}},
]
"""Values of the ``BREATHING_LENGTH`` slot type (the skill reads the words: "three minutes", "longer")."""

ENGLISH_LOCALES = ("en-US", "en-GB", "en-CA", "en-AU", "en-IN")
"""Alexa's English locales the skill can be published in."""

BUILT_IN_INTENTS = ("AMAZON.HelpIntent", "AMAZON.StopIntent", "AMAZON.CancelIntent", "AMAZON.FallbackIntent",
                    "AMAZON.NavigateHomeIntent", "AMAZON.PauseIntent", "AMAZON.ResumeIntent", "AMAZON.NextIntent",
                    "AMAZON.PreviousIntent", "AMAZON.StartOverIntent", "AMAZON.RepeatIntent", "AMAZON.LoopOnIntent",
                    "AMAZON.LoopOffIntent", "AMAZON.ShuffleOnIntent", "AMAZON.ShuffleOffIntent",
                    "AMAZON.YesIntent", "AMAZON.NoIntent")
"""Amazon's intents the skill declares (the AudioPlayer interface requires the playback ones)."""

EXAMPLE_UTTERANCES = ("", "a grounding message", "what sections are there")
"""Utterances behind the three example phrases ("" is the launch phrase), in order."""

_DISCLAIMER_HINTS = ("not a substitute", "not emergency", "not therapy", "not medical", "isn't therapy",
                     "not a replacement")


def icon_files(locale: str) -> dict[int, str]:
    """Icon size -> path inside ``skill-package/`` (the ASK CLI's ``assets/images`` layout)."""
    return {size: f"assets/images/{locale}_{field}.png" for field, size in ICONS.items()}


def build_interaction_model(catalog: Catalog) -> dict[str, Any]:
    """The interaction model for ``catalog``'s invocation name; the same for any set of articles."""
    intents: list[dict[str, Any]] = []
    for name, samples in SAMPLES.items():
        intent: dict[str, Any] = {"name": name, "samples": list(samples)}
        if name in SLOTS:
            intent["slots"] = [dict(slot) for slot in SLOTS[name]]
        intents.append(intent)
    intents += [{"name": name, "samples": []} for name in BUILT_IN_INTENTS]
    return {
        "interactionModel": {
            "languageModel": {
                "invocationName": catalog.show.invocation_name,
                "intents": intents,
                "types": [{"name": SECTION_SLOT_TYPE, "values": static_section_values()},
                          {"name": "BREATHING_LENGTH", "values": BREATHING_LENGTHS}],
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


def description_with_disclaimer(description: str, disclaimer: str) -> str:
    """The store description: the show's own, without sentences that already say "not a substitute" or
    "not emergency help" (the disclaimer says it), then the disclaimer once."""
    sentences = re.split(r"(?<=[.!?])\s+", " ".join(description.split()))
    kept = [s for s in sentences if not any(hint in s.lower() for hint in _DISCLAIMER_HINTS)]
    body = " ".join(kept).strip()
    return f"{body}\n\n{disclaimer}".strip() if disclaimer else body


def keywords_for(show: dict[str, Any], title: str) -> list[str]:
    """Store keywords: show.toml's ``keywords``, else the title and the Apple categories, lowercased."""
    words = list(show.get("keywords") or [])
    if not words:
        words = [title] + [name for category in show.get("categories", []) for name in category] + ["grounding"]
    unique: dict[str, str] = {}
    for word in words:
        unique.setdefault(" ".join(word.lower().replace("&", "and").split()), word)
    return list(unique)[:30]


def skill_locales(catalog: Catalog, show: dict[str, Any]) -> list[str]:
    """The locales the skill is published in: show.toml's ``locales``, else its ``language``; the show's own
    language first, each once."""
    language = show.get("language") or catalog.show.language
    listed = list(show["locales"] if "locales" in show else catalog.show.locales)
    return list(dict.fromkeys([language, *listed]))


def locale_info(catalog: Catalog, show: dict[str, Any]) -> dict[str, Any]:
    """One locale's store listing (the same words in every English locale)."""
    title = show.get("title") or catalog.show.title
    disclaimer = show.get("disclaimer") or catalog.show.disclaimer
    description = description_with_disclaimer(show.get("description") or title, disclaimer)
    summary = (show.get("subtitle") or description.split("\n")[0]).strip()
    info: dict[str, Any] = {
        "name": title[:50],
        "summary": summary if len(summary) <= 160 else summary[:159].rsplit(" ", 1)[0] + "\u2026",
        "description": description[:4000],
        "examplePhrases": example_phrases(catalog.show.invocation_name),
        "keywords": keywords_for(show, title),
    }
    # Every locale shows the icons the build writes for the show's own language.
    language = show.get("language") or catalog.show.language
    for (field, _size), path in zip(ICONS.items(), icon_files(language).values(), strict=True):
        # On https the store fetches the icon from dist/; otherwise the ASK CLI uploads it from the package.
        info[field] = f"{catalog.base_url}skill-package/{path}" if catalog.https else f"file://{path}"
    return info


def build_manifest(catalog: Catalog, show: dict[str, Any], endpoint: str | None = None) -> dict[str, Any]:
    """``skill.json`` for the show; ``endpoint`` is a Lambda ARN or an https URL, and left out when unknown."""
    locales = skill_locales(catalog, show)
    interfaces = [{"type": "AUDIO_PLAYER"}, {"type": "CAN_FULFILL_INTENT_REQUEST"},
                  {"type": "ALEXA_PRESENTATION_APL"}]
    custom: dict[str, Any] = {"interfaces": interfaces}
    if endpoint:
        custom["endpoint"] = {"uri": endpoint}
        if not endpoint.startswith("arn:"):
            custom["endpoint"]["sslCertificateType"] = "Trusted"
    urls = {field: show[key] for key, field in (("privacy_url", "privacyPolicyUrl"), ("terms_url", "termsOfUseUrl"))
            if show.get(key)}
    countries = [show.get("country") or (locales[0].split("-")[1] if "-" in locales[0] else "US")]
    countries += [loc.split("-")[1] for loc in locales[1:]]
    privacy: dict[str, Any] = {"allowsPurchases": False, "usesPersonalInfo": False, "isChildDirected": False,
                               "isExportCompliant": True, "containsAds": False}
    if urls:
        privacy["locales"] = {locale: dict(urls) for locale in locales}
    info = locale_info(catalog, show)
    return {
        "manifest": {
            "manifestVersion": "1.0",
            "publishingInformation": {
                "locales": {locale: dict(info) for locale in locales},
                "category": show.get("skill_category") or "HEALTH_AND_FITNESS",
                "distributionCountries": list(dict.fromkeys(countries)),
                "isAvailableWorldwide": False,
                "testingInstructions": (
                    f"Say 'open {catalog.show.invocation_name}'. Ask for a grounding message, a breathing exercise, "
                    "what sections are there, or to play the episode; use pause, resume, next and 'stop after this "
                    "section' while audio plays. Say 'I need help now' for crisis resources (each locale hears its "
                    "own country's numbers). The skill stores only a playback position per device and the last "
                    "grounding prompt per user."),
            },
            "privacyAndCompliance": privacy,
            "apis": {"custom": custom},
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
    """The skill package's JSON files (relative path -> JSON-ready object; deterministic) for a catalog and the
    show: ``skill.json`` and one interaction model per locale. The icons (:func:`icon_files`) are images the
    build writes beside them.

    Raises ``ValueError`` naming every problem :func:`check_skill_package` finds.
    """
    model = _sorted(build_interaction_model(catalog))
    files: dict[str, Any] = {"skill.json": _sorted(build_manifest(catalog, show, endpoint))}
    for locale in skill_locales(catalog, show):
        files[f"interactionModels/custom/{locale}.json"] = model
    problems = check_skill_package(files)
    if problems:
        raise ValueError("skill package is not valid: " + "; ".join(problems))
    return files


def check_skill_package(files: dict[str, Any]) -> list[str]:
    """Every problem with a built package under Amazon's rules (``skill/package_rules.py``)."""
    models = {p.rsplit("/", 1)[1].removesuffix(".json"): files[p] for p in files
              if p.startswith("interactionModels/custom/")}
    if not models:
        return ["expected an interaction model"]
    manifest = files["skill.json"]["manifest"]
    listed = list(manifest["publishingInformation"]["locales"])
    # The show's own language (listed first) is its author's choice; the others must be English locales.
    problems = locale_problems(list(models), listed, (*ENGLISH_LOCALES, listed[0]))
    for locale, data in models.items():
        found = model_problems(data["interactionModel"]["languageModel"])
        problems += [f"{locale}: {p}" if len(models) > 1 else p for p in found]
    first = next(iter(models.values()))["interactionModel"]["languageModel"]
    return problems + manifest_problems(manifest, first)
