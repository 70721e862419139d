"""Amazon's rules for a skill package, written as code: what ``build_skill_package`` and ``check`` enforce.

Sources (Alexa Skills Kit documentation): "Skill Manifest Schema" and "Skill Manifest Examples" (fields,
108 x 108 and 512 x 512 PNG icons, three example phrases taken from the sample utterances), "Interaction Model
Schema" and "Create Intents, Utterances, and Slots" (sample utterance characters, slots declared, no utterance
in two intents, custom slot types with values), "Invocation Name Requirements" (lowercase letters, spaces,
possessive apostrophes, periods in abbreviations; two or more words; no wake or launch words; a two-word name
without articles or connectors), and the AudioPlayer interface reference (Pause and Resume intents required).
The tests also read the package back through ``ask_smapi_model``, Amazon's own SMAPI model classes.
"""

from __future__ import annotations

import re
from typing import Any

FORBIDDEN_INVOCATION_WORDS = frozenset({"alexa", "amazon", "echo", "computer", "skill", "skills", "app", "ask",
                                        "tell", "open", "launch", "load", "begin", "enable", "play", "start", "run",
                                        "resume"})
"""Wake words and launch phrases Amazon refuses in invocation names."""

TWO_WORD_CONNECTORS = frozenset({"the", "a", "an", "for", "to", "of"})
"""Words a two-word invocation name may not contain."""

AUDIO_PLAYER_INTENTS = ("AMAZON.PauseIntent", "AMAZON.ResumeIntent")
"""Built-in intents a skill with the AudioPlayer interface must declare."""

_SAMPLE_RE = re.compile(r"^(?:[a-z']+|[a-z]\.|\{[A-Za-z_]+\})(?: (?:[a-z']+|[a-z]\.|\{[A-Za-z_]+\}))*$")
_CONNECTORS = ("to", "for", "about", "if", "whether", "that")


def check_invocation_name(name: str) -> list[str]:
    """Problems with an invocation name under Amazon's invocation name requirements."""
    problems = []
    words = name.split()
    if name != name.lower() or not all(re.fullmatch(r"[a-z]+(?:'s)?|(?:[a-z]\.)+", w) for w in words):
        problems.append(f"invocation name {name!r} must be lowercase letters only (numbers spelled out; an "
                        "apostrophe only in a possessive, a period only in an abbreviation like 'a. b. c.')")
    if len(words) < 2:
        problems.append(f"invocation name {name!r} must have at least two words")
    if forbidden := sorted(set(words) & FORBIDDEN_INVOCATION_WORDS):
        problems.append(f"invocation name {name!r} uses a word Amazon forbids: {', '.join(forbidden)}")
    if len(words) == 2 and (connectors := sorted(set(words) & TWO_WORD_CONNECTORS)):
        problems.append(f"invocation name {name!r} has two words, one of them {', '.join(connectors)!s}; "
                        "add a word or choose another")
    return problems


def model_problems(language: dict[str, Any]) -> list[str]:
    """Problems with an interaction model's ``languageModel``."""
    problems = check_invocation_name(language.get("invocationName", ""))
    seen: dict[str, str] = {}
    types = {t["name"]: t for t in language.get("types", [])}
    for slot_type in types.values():
        if not re.fullmatch(r"[A-Za-z_]+", slot_type["name"]):
            problems.append(f"slot type {slot_type['name']!r} may use letters and underscores only")
        values = [v["name"]["value"] for v in slot_type.get("values", [])]
        if not values:
            problems.append(f"slot type {slot_type['name']} has no values")
        if len(values) != len(set(values)):
            problems.append(f"slot type {slot_type['name']} lists a value twice")
    for intent in language.get("intents", []):
        name = intent["name"]
        samples = intent.get("samples", [])
        slots = {s["name"] for s in intent.get("slots", [])}
        if not name.startswith("AMAZON.") and not re.fullmatch(r"[A-Za-z_]+", name):
            problems.append(f"intent name {name!r} may use letters and underscores only")
        if not name.startswith("AMAZON.") and len(set(samples)) < 8:
            problems.append(f"{name} has fewer than eight sample utterances")
        for slot in intent.get("slots", []):
            if not slot["type"].startswith("AMAZON.") and slot["type"] not in types:
                problems.append(f"{name}: slot type {slot['type']} is not defined")
        for sample in samples:
            key = " ".join(sample.lower().split())
            if key in seen:
                where = f"in both {seen[key]} and {name}" if seen[key] != name else f"repeated in {name}"
                problems.append(f"sample {sample!r} is {where}")
            seen[key] = name
            if not _SAMPLE_RE.match(sample):
                problems.append(f"{name}: sample {sample!r} has characters Alexa does not accept")
            if re.fullmatch(r"(?:\{[A-Za-z_]+\}\s*)+", sample):
                problems.append(f"{name}: sample {sample!r} is only a slot; it would catch almost any request")
            for ref in re.findall(r"\{([A-Za-z_]+)\}", sample):
                if ref not in slots:
                    problems.append(f"{name}: sample {sample!r} names an undeclared slot {ref}")
    return problems


def manifest_problems(manifest: dict[str, Any], language: dict[str, Any]) -> list[str]:
    """Problems with ``skill.json``'s ``manifest`` for a skill with the interaction model ``language``."""
    problems = []
    publishing = manifest["publishingInformation"]
    samples = {" ".join(s.lower().split()) for i in language.get("intents", []) for s in i.get("samples", [])}
    invocation = language.get("invocationName", "")
    if manifest.get("manifestVersion") != "1.0":
        problems.append("manifestVersion must be '1.0'")
    for locale, info in publishing["locales"].items():
        if not 2 <= len(info.get("name", "")) <= 50:
            problems.append(f"{locale}: name must be 2-50 characters")
        if not info.get("summary") or len(info["summary"]) > 160:
            problems.append(f"{locale}: summary must be 1-160 characters")
        if not info.get("description") or len(info["description"]) > 4000:
            problems.append(f"{locale}: description must be 1-4000 characters")
        phrases = info.get("examplePhrases", [])
        if not 1 <= len(phrases) <= 3:
            problems.append(f"{locale}: give one to three example phrases")
        for phrase in phrases:
            if not _phrase_matches(phrase, invocation, samples):
                problems.append(f"example phrase {phrase!r} does not match a sample utterance")
        keywords = info.get("keywords", [])
        if len(keywords) > 30 or len(keywords) != len({k.lower() for k in keywords}) or not all(keywords):
            problems.append(f"{locale}: keywords must be at most 30 distinct phrases")
        for key, size in (("smallIconUri", 108), ("largeIconUri", 512)):
            uri = info.get(key, "")
            if uri and not (re.match(r"^(https|file)://", uri) and uri.endswith(".png")):
                problems.append(f"{locale}: {key} must be an https:// or file:// address of a {size} px PNG")
    if not re.fullmatch(r"[A-Z_]+", publishing.get("category", "")):
        problems.append("category must be one of Amazon's category names, e.g. HEALTH_AND_FITNESS")
    if not publishing.get("isAvailableWorldwide") and not all(
            re.fullmatch(r"[A-Z]{2}", c) for c in publishing.get("distributionCountries") or ["?"]):
        problems.append("distributionCountries must be ISO 3166-1 alpha-2 codes")
    for locale, urls in manifest.get("privacyAndCompliance", {}).get("locales", {}).items():
        for key, url in urls.items():
            if not url.startswith("https://"):
                problems.append(f"{locale}: {key} must be an https URL")
    custom = manifest["apis"]["custom"]
    uri = custom.get("endpoint", {}).get("uri", "")
    if "endpoint" in custom and not re.fullmatch(r"https://\S+|arn:aws:lambda:[a-z0-9-]+:\d{12}:function:\S+", uri):
        problems.append(f"endpoint {uri!r} must be an https URL or a Lambda ARN")
    if uri.startswith("https://") and custom["endpoint"].get("sslCertificateType") not in (
            "Trusted", "Wildcard", "SelfSigned"):
        problems.append("an https endpoint needs sslCertificateType Trusted, Wildcard or SelfSigned")
    declared = {i["name"] for i in language.get("intents", [])}
    if {"type": "AUDIO_PLAYER"} in custom.get("interfaces", []):
        for required in AUDIO_PLAYER_INTENTS:
            if required not in declared:
                problems.append(f"the AudioPlayer interface requires {required}")
    return problems


def locale_problems(models: list[str], listed: list[str], allowed: tuple[str, ...]) -> list[str]:
    """Problems with the package's locales: each interaction model has a store listing and the other way round,
    and each is one of ``allowed`` (the English locales the skill's lines are written for)."""
    problems = [f"locale {locale} has an interaction model but no store listing in skill.json"
                for locale in models if locale not in listed]
    problems += [f"locale {locale} is listed in skill.json but has no interaction model"
                 for locale in listed if locale not in models]
    problems += [f"locale {locale} is not one of the skill's English locales ({', '.join(allowed)})"
                 for locale in dict.fromkeys([*models, *listed]) if locale not in allowed]
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


def show_problems(show: dict[str, Any], base_url: str) -> list[dict[str, str]]:
    """Skill-side findings about the show's settings (``check``): each a dict with code, level, key, message and
    fix, for ``deploy/check.py`` to name the file."""
    found = []

    def add(code: str, level: str, key: str, message: str, fix: str) -> None:
        found.append({"code": code, "level": level, "key": key, "message": message, "fix": fix})

    for problem in check_invocation_name(show.get("invocation_name", "")):
        add("invocation-name-invalid", "error", "invocation_name", problem,
            "choose two or more plain lowercase words that say what the show is")
    endpoint = show.get("skill_endpoint", "")
    if not endpoint:
        add("skill-endpoint-not-set", "warning", "skill_endpoint", "not set, so skill-package/skill.json names no "
            "endpoint", "set skill_endpoint (or build with --skill-endpoint) to your Lambda ARN or https address "
            "before deploying the skill")
    if not base_url.lower().startswith("https://"):
        if endpoint:
            add("base-url-not-https", "error", "--base-url", f"{base_url!r} is not https, and Alexa streams audio "
                "only from https", "build with --base-url https://... (your public address)")
        else:
            add("base-url-not-https", "warning", "--base-url", f"{base_url!r} is not https: fine for listening "
                "on this machine, not for publishing", "build with --base-url https://... to publish")
    for key, what in (("privacy_url", "privacy policy"), ("terms_url", "terms of use")):
        if not show.get(key):
            add(f"{key.replace('_', '-')}-not-set", "warning", key, f"not set; the skill manifest has no {what}",
                f'add {key} = "https://..." (your {what} page) before submitting the skill')
    return found
