"""Show settings: ``content/show.toml``, loaded and validated once into one typed object.

Every error names the file and the key, the way MkDocs reports configuration. Missing optional keys take the
defaults written under each field.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import MISSING, asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

VOICES = ("piper", "gtts")
"""Narration engines ``--voice`` and ``voice`` accept."""

# Amazon refuses these in invocation names (Alexa Skills Kit, "Choose the invocation name").
_FORBIDDEN_INVOCATION_WORDS = {"alexa", "amazon", "echo", "skill", "app", "launch", "ask", "tell", "open",
                               "load", "begin", "enable", "computer", "skills"}


class SettingsError(ValueError):
    """show.toml is missing or invalid; the message names the file and the key."""


@dataclass(frozen=True)
class CrisisResource:
    """One place to turn to in an emergency, shown on every page and spoken by the skill's support intent."""

    name: str
    """Who they are, e.g. "988 Suicide & Crisis Lifeline"."""

    contact: str
    """How to reach them, e.g. "Call or text 988"."""

    spoken: str
    """One calm sentence for the voice, e.g. "You can call or text 9 8 8, the Suicide and Crisis Lifeline."."""


@dataclass(frozen=True)
class Funding:
    """A way to support the show (``podcast:funding``): apps show the text next to the link."""

    url: str
    """Where the link goes; https, as the Podcasting 2.0 namespace requires."""

    text: str
    """What apps show next to the link, at most 128 characters, e.g. "Support the practice"."""


@dataclass(frozen=True)
class License:
    """The licence of the audio (``podcast:license``)."""

    id: str
    """A well-known licence identifier (e.g. ``CC-BY-NC-ND-4.0``) or the short name of your own, at most 128
    characters."""

    url: str = ""
    """https link to the licence's full text; needed for a licence of your own."""


@dataclass(frozen=True)
class Txt:
    """Free-form text for a service (``podcast:txt``), e.g. the code a directory gives you to verify ownership."""

    value: str
    """The text itself, at most 4000 characters."""

    purpose: str = ""
    """What it is for, at most 128 characters: ``verify`` for an ownership-verification code,
    ``applepodcastsverify`` for Apple's."""


@dataclass(frozen=True)
class Soundbite:
    """A passage apps may play as a preview (``podcast:soundbite``), chosen by its first and last sentences."""

    episode: str
    """The episode's id: the folder name of its page, ``episodes/<id>/``."""

    start: str
    """The first words of the sentence the passage starts with, as the article writes them (enough words to
    match one sentence of the episode; case, curly quotes and spacing are ignored)."""

    end: str = ""
    """The first words of the passage's last sentence; empty: the passage runs to the end of its section.
    Apps recommend 15 to 120 seconds."""

    title: str = ""
    """A title for the passage, at most 128 characters; empty lets apps use the episode title."""


@dataclass(frozen=True)
class ShowSettings:
    """The show, as ``content/show.toml`` declares it."""

    title: str
    """Show title (feed channel, ID3 album, pages)."""

    author: str
    """Show author (ID3 artist, itunes:author)."""

    description: str
    """Show description (feed channel, at most 4000 bytes)."""

    language: str = "en-US"
    """BCP 47 language of the show; the Alexa locale and page ``lang``."""

    subtitle: str = ""
    """One-line subtitle."""

    owner_name: str = ""
    """itunes:owner name (defaults to the author)."""

    owner_email: str = ""
    """itunes:owner email; also podcast:locked's owner. Required by Apple."""

    website: str = "https://example.org/"
    """The practice's website (channel link)."""

    categories: tuple[tuple[str, ...], ...] = (("Health & Fitness", "Mental Health"),)
    """Apple categories, each ``[category]`` or ``[category, subcategory]``."""

    explicit: bool = False
    """itunes:explicit, written as true/false."""

    copyright: str = ""
    """Copyright line."""

    artwork: str = ""
    """Path of square artwork (JPEG or PNG, 1400-3000 px) relative to the content folder; generated if empty."""

    voice: str = "piper"
    """Default narration engine: ``piper`` (offline) or ``gtts`` (needs internet)."""

    disclosure: str = "This is a synthetic voice reading the article."
    """One spoken line at the start of each episode saying the voice is synthetic."""

    disclaimer: str = ("This audio is not a substitute for professional care, diagnosis or treatment, "
                       "and it is not emergency help.")
    """Shown on every page and said by the skill's help."""

    crisis_resources: tuple[CrisisResource, ...] = ()
    """Emergency contacts for the show's region."""

    lexicon: str = "lexicon.toml"
    """Pronunciation lexicon relative to the content folder (word -> respelling or ``[[ phonemes ]]``)."""

    prompts: str = "prompts.toml"
    """Grounding prompts relative to the content folder."""

    read_citations: bool = False
    """Narrate inline citations such as "(Kurz et al., 2023)" and "[1]"; off, they stay on the page only."""

    invocation_name: str = "gentle steps"
    """Alexa invocation name: lowercase, two or more words, none of Amazon's forbidden words."""

    privacy_url: str = "https://example.org/privacy"
    """Privacy policy URL for the Alexa skill manifest."""

    terms_url: str = "https://example.org/terms"
    """Terms of use URL for the Alexa skill manifest."""

    skill_endpoint: str = ""
    """Where Alexa sends requests: a Lambda ARN or an https URL; empty writes a placeholder to replace."""

    skill_category: str = "HEALTH_AND_FITNESS"
    """Alexa skill category."""

    podcast_medium: str = "podcast"
    """podcast:medium."""

    locked: bool = True
    """podcast:locked: yes means other platforms may not import the feed without the owner's consent."""

    funding: tuple[Funding, ...] = ()
    """``[[funding]]`` tables (``url``, ``text``): podcast:funding links on the feed's channel."""

    license: License | None = None
    """A ``[license]`` table (``id``, optional ``url``): podcast:license of the show's audio."""

    txt: tuple[Txt, ...] = ()
    """``[[txt]]`` tables (``value``, optional ``purpose``): podcast:txt on the channel, e.g. ``purpose =
    "verify"`` with the code a directory asks you to publish to prove you own the feed."""

    soundbite: tuple[Soundbite, ...] = ()
    """``[[soundbite]]`` tables (``episode``, ``start``, optional ``end`` and ``title``): podcast:soundbite
    passages, each named by its episode id and the first words of its first (and last) sentence."""

    content_dir: str = field(default="", compare=False)
    """Absolute content folder the file was read from (not a TOML key)."""

    notes: tuple[str, ...] = field(default=(), compare=False)
    """What reading the file changed and the build reports (control characters removed); not a TOML key."""

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict (the manifest's ``show``), without the local content folder."""
        data = asdict(self)
        data.pop("content_dir")
        data.pop("notes")
        data["categories"] = [list(c) for c in self.categories]
        data["crisis_resources"] = [asdict(c) for c in self.crisis_resources]
        for key in _TABLES:
            data[key] = [asdict(t) for t in getattr(self, key)]
        data["license"] = asdict(self.license) if self.license else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ShowSettings:
        """Rebuild from :meth:`to_dict` output (as the manifest stores it)."""
        data = dict(data)
        data["categories"] = tuple(tuple(c) for c in data.get("categories", ()))
        data["crisis_resources"] = tuple(CrisisResource(**c) for c in data.get("crisis_resources", ()))
        for key, kind in _TABLES.items():
            data[key] = tuple(kind(**t) for t in data.get(key) or ())
        data["license"] = License(**data["license"]) if data.get("license") else None
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    def with_values(self, **changes: Any) -> ShowSettings:
        """A copy with ``changes`` applied, validated like the file (e.g. ``--skill-endpoint``)."""
        return _validate(replace(self, **changes), Path(self.content_dir) / "show.toml", Path(self.content_dir))

    def path(self, relative: str) -> Path:
        """A path from the file, resolved against the content folder."""
        return Path(self.content_dir) / relative


_REQUIRED = ("title", "author", "description")
_TABLES: dict[str, type] = {"funding": Funding, "txt": Txt, "soundbite": Soundbite}
# Limits of the Podcasting 2.0 namespace (podcastindex.org/namespace/1.0): aggregators truncate longer values.
_SHORT_TEXT = 128
_TXT_VALUE = 4000
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_URL = re.compile(r"^https?://[^\s/]+(/\S*)?$")


def load_show(content_dir: Path) -> ShowSettings:
    """Read and validate ``show.toml`` in ``content_dir``; raises :class:`SettingsError` naming file and key."""
    path = content_dir / "show.toml"
    if not path.is_file():
        raise SettingsError(f"{path}: show settings file is missing")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise SettingsError(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path}: not valid TOML ({exc})") from None
    return parse_show(raw, path, content_dir)


def parse_show(raw: dict[str, Any], path: Path, content_dir: Path) -> ShowSettings:
    """Validate a parsed show.toml mapping."""

    def bad(key: str, problem: str) -> SettingsError:
        return SettingsError(f"{path}: key '{key}' {problem}")

    raw, notes = _without_control_characters(raw, path)
    known = {f.name for f in fields(ShowSettings)} - {"content_dir", "notes"}
    for key in raw:
        if key not in known:
            raise bad(key, "is not a known setting")
    for key in _REQUIRED:
        if key not in raw:
            raise bad(key, "is missing")

    defaults = {f.name: f.default for f in fields(ShowSettings)}
    values: dict[str, Any] = {}
    for key, value in raw.items():
        default = defaults[key]
        if key in ("categories", "crisis_resources", "license", *_TABLES):
            continue
        if isinstance(default, bool):
            if not isinstance(value, bool):
                raise bad(key, "must be true or false")
        elif not isinstance(value, str):
            raise bad(key, "must be a string")
        elif key in _REQUIRED and not value.strip():
            raise bad(key, "is empty")
        values[key] = value.strip() if isinstance(value, str) else value

    if "categories" in raw:
        cats = raw["categories"]
        if (not isinstance(cats, list) or not cats
                or not all(isinstance(c, list) and 1 <= len(c) <= 2 and all(isinstance(x, str) and x for x in c)
                           for c in cats)):
            raise bad("categories", 'must be a list like [["Health & Fitness", "Mental Health"]]')
        values["categories"] = tuple(tuple(c) for c in cats)
    if "crisis_resources" in raw:
        items = raw["crisis_resources"]
        if not isinstance(items, list):
            raise bad("crisis_resources", "must be a list of tables with name, contact and spoken")
        resources = []
        for i, item in enumerate(items):
            if not isinstance(item, dict) or set(item) != {"name", "contact", "spoken"} or not all(
                isinstance(v, str) and v.strip() for v in item.values()
            ):
                raise bad(f"crisis_resources[{i}]", "must have exactly name, contact and spoken (non-empty strings)")
            resources.append(CrisisResource(**{k: v.strip() for k, v in item.items()}))
        values["crisis_resources"] = tuple(resources)
    values.update(_parse_feed_extras(raw, bad))

    settings = ShowSettings(**values, content_dir=str(content_dir.resolve()), notes=tuple(notes))
    return _validate(settings, path, content_dir)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def _without_control_characters(raw: Any, path: Path, key: str = "") -> tuple[Any, list[str]]:
    """``raw`` with control characters removed from every string (they break XML, captions and speech),
    and one note per key that had any."""
    if isinstance(raw, str):
        found = sorted({f"U+{ord(c):04X}" for c in _CONTROL.findall(raw)})
        note = [f"{path}: key '{key}' had control characters ({', '.join(found)}); they were removed"] if found else []
        return _CONTROL.sub("", raw), note
    if isinstance(raw, dict):
        pairs = [(k, _without_control_characters(v, path, f"{key}.{k}" if key else k)) for k, v in raw.items()]
        return {k: v for k, (v, _) in pairs}, [n for _, (_, notes) in pairs for n in notes]
    if isinstance(raw, list):
        pairs = [_without_control_characters(v, path, f"{key}[{i}]") for i, v in enumerate(raw)]
        return [v for v, _ in pairs], [n for _, notes in pairs for n in notes]
    return raw, []


def _validate(settings: ShowSettings, path: Path, content_dir: Path) -> ShowSettings:
    """Checks across keys, each error naming the file and the key."""

    def bad(key: str, problem: str) -> SettingsError:
        return SettingsError(f"{path}: key '{key}' {problem}")

    if settings.voice not in VOICES:
        raise bad("voice", f"is '{settings.voice}'; choose one of: {', '.join(VOICES)}")
    if len(settings.description.encode()) > 4000:
        raise bad("description", "is longer than 4000 bytes (Apple's limit)")
    if settings.owner_email and not _EMAIL.match(settings.owner_email):
        raise bad("owner_email", "is not an email address")
    for key in ("website", "privacy_url", "terms_url"):
        if not _URL.match(getattr(settings, key)):
            raise bad(key, "must be an http(s) URL")
    if not re.fullmatch(r"[a-z]{2,3}(-[A-Z]{2})?", settings.language):
        raise bad("language", "must look like en-US")
    words = settings.invocation_name.split()
    if (settings.invocation_name != settings.invocation_name.lower() or len(words) < 2
            or not all(re.fullmatch(r"[a-z.']+", w) for w in words)):
        raise bad("invocation_name", "must be two or more lowercase words, letters only")
    if forbidden := sorted(set(words) & _FORBIDDEN_INVOCATION_WORDS):
        raise bad("invocation_name", f"uses a word Amazon forbids: {', '.join(forbidden)}")
    if settings.skill_endpoint and not re.fullmatch(r"https://\S+|arn:aws:lambda:[a-z0-9-]+:\d{12}:function:\S+",
                                                    settings.skill_endpoint):
        raise bad("skill_endpoint", "must be an https URL or a Lambda function ARN")
    if settings.artwork and not settings.path(settings.artwork).is_file():
        raise bad("artwork", f"names {settings.artwork}, which does not exist in {content_dir}")
    return settings


def _parse_table(item: Any, name: str, kind: type, bad) -> Any:
    """One TOML table as ``kind``: only its fields, strings, the required ones not empty."""
    if not isinstance(item, dict):
        raise bad(name, "must be a table")
    names = {f.name: f for f in fields(kind)}
    for key, value in item.items():
        if key not in names:
            raise bad(f"{name}.{key}", "is not a known setting")
        if not isinstance(value, str):
            raise bad(f"{name}.{key}", "must be a string")
    for key, f in names.items():
        if f.default is MISSING and not str(item.get(key, "")).strip():
            raise bad(f"{name}.{key}", "is missing" if key not in item else "is empty")
    return kind(**{k: v.strip() for k, v in item.items()})


def _check_https(url: str, name: str, bad) -> None:
    if url and not re.match(r"^https://[^\s/]+(/\S*)?$", url):
        raise bad(name, "must be an https URL (the Podcasting 2.0 namespace allows no other)")


def _check_length(text: str, limit: int, name: str, bad) -> None:
    if len(text) > limit:
        raise bad(name, f"is longer than {limit} characters (podcast apps cut it)")


def _parse_feed_extras(raw: dict[str, Any], bad) -> dict[str, Any]:
    """The optional Podcasting 2.0 extras: ``[[funding]]``, ``[license]``, ``[[txt]]``, ``[[soundbite]]``."""
    values: dict[str, Any] = {}
    for key, kind in _TABLES.items():
        if key not in raw:
            continue
        if not isinstance(raw[key], list):
            raise bad(key, f"must be a list of tables: [[{key}]]")
        values[key] = tuple(_parse_table(item, f"{key}[{i}]", kind, bad) for i, item in enumerate(raw[key]))
    if "license" in raw:
        values["license"] = _parse_table(raw["license"], "license", License, bad)
        _check_length(values["license"].id, _SHORT_TEXT, "license.id", bad)
        _check_https(values["license"].url, "license.url", bad)
    for i, f in enumerate(values.get("funding", ())):
        _check_https(f.url, f"funding[{i}].url", bad)
        _check_length(f.text, _SHORT_TEXT, f"funding[{i}].text", bad)
    for i, t in enumerate(values.get("txt", ())):
        _check_length(t.value, _TXT_VALUE, f"txt[{i}].value", bad)
        _check_length(t.purpose, _SHORT_TEXT, f"txt[{i}].purpose", bad)
    for i, b in enumerate(values.get("soundbite", ())):
        _check_length(b.title, _SHORT_TEXT, f"soundbite[{i}].title", bad)
    return values
