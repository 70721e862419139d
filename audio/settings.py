"""Show settings: ``content/show.toml``, loaded and validated once into one typed object.

Every error names the file and the key, the way MkDocs reports configuration. Missing optional keys take the
defaults written under each field.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from gentle_steps.audio.crisis import lines_for
from gentle_steps.audio.feed_extras import TABLES, Funding, License, Soundbite, Txt, parse_feed_extras
from gentle_steps.audio.invocation import FORBIDDEN_INVOCATION_WORDS, invocation_name_from
from gentle_steps.audio.voice_settings import (
    DEFAULT_LENGTH_SCALE,
    PAUSES,
    Pauses,
    parse_voice_settings,
    pauses_from_dict,
)

_VOICE_KEYS = ("voice", "speaker", "voices_dir", "length_scale", "pauses")

SKILL_LOCALES = ("en-US", "en-GB", "en-CA", "en-AU", "en-IN")
"""Alexa locales ``locales`` accepts: the English ones the skill's lines are written for."""


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

    country: str = ""
    """ISO 3166-1 country of the listeners (e.g. ``NZ``); empty: the region of ``language``. Picks the default
    crisis lines."""

    owner_name: str = ""
    """itunes:owner name (defaults to the author). Optional here; ``check`` reports it missing."""

    owner_email: str = ""
    """itunes:owner email; also podcast:locked's owner. Directories need it to let you claim the show; empty
    leaves itunes:owner out of the feed (``check`` warns)."""

    website: str = ""
    """The practice's website (channel link, podcast:person). Empty: not set; the feed links the listening
    pages instead and ``check`` reports it."""

    categories: tuple[tuple[str, ...], ...] = (("Health & Fitness", "Mental Health"),)
    """Apple categories, each ``[category]`` or ``[category, subcategory]``."""

    explicit: bool = False
    """itunes:explicit, written as true/false."""

    copyright: str = ""
    """Copyright line."""

    artwork: str = ""
    """Path of square artwork (JPEG or PNG, 1400-3000 px) relative to the content folder; generated if empty."""

    voice: str = "piper"
    """The narrating voice: ``piper`` (the shipped en_US joe voice, offline), ``piper:NAME`` (a Piper voice
    installed once with ``gentle-steps voices add NAME``), a path to a Piper ``.onnx`` model (its ``.onnx.json``
    beside it) relative to the content folder, or ``gtts`` (Google's voice; needs internet). The build never
    downloads a voice."""

    speaker: str = ""
    """For a multi-speaker voice: the speaker's name (e.g. ``p225``) or number; empty: the voice's default.
    Applies to the voice above (a different ``--voice`` speaks with its own default)."""

    voices_dir: str = ""
    """Where installed voices live, relative to the content folder; empty: ``$GENTLE_STEPS_VOICES_DIR``, else
    the per-user data folder (``~/.local/share/gentle-steps/voices``)."""

    length_scale: float = DEFAULT_LENGTH_SCALE
    """Pace of a Piper voice: 1 is the voice's own pace, larger is slower (0.5 to 2)."""

    pauses: Pauses = PAUSES
    """``[pauses]``: silences in milliseconds (``before_heading``, ``after_heading``, ``sentence``,
    ``paragraph``, ``item``, ``edge``); any left out keep their defaults."""

    disclosure: str = "This is a synthetic voice reading the article."
    """One spoken line at the start of each episode saying the voice is synthetic."""

    disclaimer: str = ("This audio is not a substitute for professional care, diagnosis or treatment, "
                       "and it is not emergency help.")
    """Shown on every page and said by the skill's help."""

    crisis_resources: tuple[CrisisResource, ...] = ()
    """Emergency contacts for the show's region; when the key is absent, the shipped table's lines for the
    show's country (``audio/data/crisis.toml``)."""

    lexicon: str = "lexicon.toml"
    """Pronunciation lexicon relative to the content folder (word -> respelling or ``[[ phonemes ]]``)."""

    prompts: str = "prompts.toml"
    """Grounding prompts relative to the content folder."""

    read_citations: bool = False
    """Narrate inline citations such as "(Kurz et al., 2023)" and "[1]"; off, they stay on the page only."""

    invocation_name: str = ""
    """Alexa invocation name: lowercase, two or more words, none of Amazon's forbidden words. Empty: derived
    from the title (:func:`invocation_name_from`)."""

    keywords: tuple[str, ...] = ()
    """Skill store keywords (a few words each). Empty: the title's words and the categories."""

    privacy_url: str = ""
    """Privacy policy URL for the Alexa skill manifest; empty: not set (``check`` reports it)."""

    terms_url: str = ""
    """Terms of use URL for the Alexa skill manifest; empty: not set (``check`` reports it)."""

    skill_endpoint: str = ""
    """Where Alexa sends requests: a Lambda ARN or an https URL; empty: skill.json names no endpoint and
    ``check`` says so."""

    locales: tuple[str, ...] = ()
    """More Alexa locales to publish the skill in besides ``language``: any of en-US, en-GB, en-CA, en-AU, en-IN.
    The skill answers each with its own country's crisis lines and date format."""

    breathing: bool = False
    """Build the paced-breathing exercise (a 1-minute and a 3-minute track, NHS relaxed breathing) and offer it
    in the skill ("help me breathe")."""

    breathing_script: str = ""
    """A breathing script of your own (TOML, relative to the content folder) in place of the shipped one; empty:
    the shipped script (``audio/data/breathing.toml`` describes the keys)."""

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
        data["keywords"] = list(self.keywords)
        data["locales"] = list(self.locales)
        data["crisis_resources"] = [asdict(c) for c in self.crisis_resources]
        for key in TABLES:
            data[key] = [asdict(t) for t in getattr(self, key)]
        data["license"] = asdict(self.license) if self.license else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ShowSettings:
        """Rebuild from :meth:`to_dict` output (as the manifest stores it)."""
        data = dict(data)
        data["categories"] = tuple(tuple(c) for c in data.get("categories", ()))
        data["keywords"] = tuple(data.get("keywords", ()))
        data["locales"] = tuple(data.get("locales", ()))
        data["crisis_resources"] = tuple(CrisisResource(**c) for c in data.get("crisis_resources", ()))
        for key, kind in TABLES.items():
            data[key] = tuple(kind(**t) for t in data.get(key) or ())
        data["license"] = License(**data["license"]) if data.get("license") else None
        data["pauses"] = pauses_from_dict(data.get("pauses"))
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    def with_values(self, **changes: Any) -> ShowSettings:
        """A copy with ``changes`` applied, validated like the file (e.g. ``--skill-endpoint``)."""
        return _validate(replace(self, **changes), Path(self.content_dir) / "show.toml", Path(self.content_dir))

    def path(self, relative: str) -> Path:
        """A path from the file, resolved against the content folder."""
        return Path(self.content_dir) / relative


_REQUIRED = ("title", "author", "description")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_URL = re.compile(r"^https?://[^\s/]+(/\S*)?$")

def load_show(content_dir: Path) -> ShowSettings:
    """Read and validate ``show.toml`` in ``content_dir``; raises :class:`SettingsError` naming file and key."""
    path = content_dir.absolute() / "show.toml"
    if not path.is_file():
        raise SettingsError(f"{path}: show settings file is missing (run `gentle-steps init` to make one)")
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
        if key in ("categories", "crisis_resources", "keywords", "locales", "license", *TABLES, *_VOICE_KEYS):
            continue
        if isinstance(default, bool):
            if not isinstance(value, bool):
                raise bad(key, "must be true or false")
        elif not isinstance(value, str):
            raise bad(key, "must be a string")
        elif key in _REQUIRED and not value.strip():
            raise bad(key, "is empty")
        values[key] = value.strip() if isinstance(value, str) else value

    values.update(_parse_lists(raw, bad))
    if not values.get("invocation_name"):
        values["invocation_name"] = invocation_name_from(values["title"])
    values.update(parse_feed_extras(raw, bad))
    values.update(parse_voice_settings(raw, bad))

    settings = ShowSettings(**values, content_dir=str(content_dir.resolve()), notes=tuple(notes))
    if not raw.get("invocation_name") and len(settings.invocation_name.split()) < 2:
        raise bad("invocation_name", f"is not set, and the title gives {settings.invocation_name!r}, fewer than "
                                     "two words; set invocation_name to two or more words, e.g. "
                                     f"\"{(settings.invocation_name or 'my')} readings\"")
    return _validate(settings, path, content_dir)


def _parse_lists(raw: dict[str, Any], bad) -> dict[str, Any]:
    """``categories``, ``crisis_resources`` (or the country table's lines) and ``keywords``."""
    values: dict[str, Any] = {}
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
    else:
        values["crisis_resources"] = tuple(CrisisResource(line.name, line.contact, line.spoken) for line in
                                           lines_for(str(raw.get("language", "en-US")), str(raw.get("country", ""))))
    if "keywords" in raw:
        words = raw["keywords"]
        if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
            raise bad("keywords", 'must be a list of short phrases, like ["grounding", "calm"]')
        values["keywords"] = tuple(w.strip() for w in words)
    if "locales" in raw:
        values["locales"] = _locales(raw["locales"], bad)
    return values


def _locales(value: Any, bad) -> tuple[str, ...]:
    """``locales``: Alexa's English locales, each once."""
    if not isinstance(value, list) or not all(isinstance(x, str) and x in SKILL_LOCALES for x in value):
        raise bad("locales", f"must be a list of Alexa's English locales: {', '.join(SKILL_LOCALES)}")
    return tuple(dict.fromkeys(value))


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

    if len(settings.description.encode()) > 4000:
        raise bad("description", "is longer than 4000 bytes (Apple's limit)")
    if settings.owner_email and not _EMAIL.match(settings.owner_email):
        raise bad("owner_email", "is not an email address")
    for key in ("website", "privacy_url", "terms_url"):
        if getattr(settings, key) and not _URL.match(getattr(settings, key)):
            raise bad(key, "must be an http(s) URL (or empty: not set)")
    if not re.fullmatch(r"[a-z]{2,3}(-[A-Z]{2})?", settings.language):
        raise bad("language", "must look like en-US")
    if settings.country and not re.fullmatch(r"[A-Z]{2}", settings.country):
        raise bad("country", "must be a two-letter country code like NZ")
    words = settings.invocation_name.split()
    if (settings.invocation_name != settings.invocation_name.lower() or len(words) < 2
            or not all(re.fullmatch(r"[a-z.']+", w) for w in words)):
        raise bad("invocation_name", "must be two or more lowercase words, letters only")
    if forbidden := sorted(set(words) & FORBIDDEN_INVOCATION_WORDS):
        raise bad("invocation_name", f"uses a word Amazon forbids: {', '.join(forbidden)}")
    if settings.skill_endpoint and not re.fullmatch(r"https://\S+|arn:aws:lambda:[a-z0-9-]+:\d{12}:function:\S+",
                                                    settings.skill_endpoint):
        raise bad("skill_endpoint", "must be an https URL or a Lambda function ARN")
    if settings.breathing_script and not settings.path(settings.breathing_script).is_file():
        raise bad("breathing_script", f"names {settings.breathing_script}, which does not exist in {content_dir}")
    if settings.artwork and not settings.path(settings.artwork).is_file():
        raise bad("artwork", f"names {settings.artwork}, which does not exist in {content_dir}")
    return settings
