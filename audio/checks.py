"""Content and settings checks: what ``gentle-steps check`` reports about show.toml, artwork, prompts and articles.

Each finding names the file and the key (or line) and says how to fix it. Errors stop a build; warnings are
printed (``--strict`` makes them failures). Feed-side checks live in ``feed/checks.py``, skill-side ones in
``skill/package_rules.py``; ``deploy/check.py`` runs them all.
"""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from gentle_steps.audio.crisis import countries
from gentle_steps.audio.invocation import invocation_name_from
from gentle_steps.audio.safe_messaging import lint
from gentle_steps.audio.settings import ShowSettings

ERROR = "error"
"""A finding that stops a build."""

WARNING = "warning"
"""A finding a build prints and ``--strict`` turns into a failure."""

MAX_PROMPT_WORDS = 25
"""A grounding prompt is one breath: about 25 words at most."""

SAMPLE_TITLE = "Gentle Steps"
"""The sample show's title: its name, invocation name or wording in another show is a leftover."""

PLACEHOLDER_DOMAINS = ("example.com", "example.org", "example.net", "example.edu", "example", "test", "invalid",
                       "yourdomain.com", "your-domain.com", "domain.com")
"""Domains that are never anyone's real address (RFC 2606 and RFC 6761 reserve the first seven)."""


@dataclass(frozen=True)
class Finding:
    """One problem ``check`` reports."""

    code: str
    """Stable identifier, e.g. ``website-not-set`` (the README lists every code and its fix)."""

    level: str
    """``error`` or ``warning``."""

    file: str
    """The file to edit (absolute), or the command-line option (``--base-url``)."""

    key: str
    """The key in that file, or ``line N``."""

    message: str
    """What is wrong."""

    fix: str
    """What to do about it."""

    line: int = 0
    """1-based line in ``file``, 0 when the finding is about a key."""

    def text(self) -> str:
        """One line: ``warning: /path/show.toml: website: not set. Fix: ...``."""
        where = f"{self.file}:{self.line}" if self.line else self.file
        key = f" {self.key}:" if self.key else ""
        return f"{self.level}: {where}:{key} {self.message}. Fix: {self.fix}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (``check --json``)."""
        return asdict(self)


def is_placeholder(address: str) -> bool:
    """Whether a URL, ARN-less endpoint or email points at a reserved example domain."""
    if not address:
        return False
    host = address.rsplit("@", 1)[1] if "@" in address and "://" not in address else urlsplit(address).hostname
    host = (host or "").lower().rstrip(".")
    return any(host == d or host.endswith("." + d) for d in PLACEHOLDER_DOMAINS)


def check_settings(show: ShowSettings, base_url: str = "") -> list[Finding]:
    """Addresses, leftovers of the sample, crisis resources and artwork."""
    path = str(Path(show.content_dir) / "show.toml")
    found: list[Finding] = []

    def add(code: str, level: str, key: str, message: str, fix: str, file: str = path) -> None:
        found.append(Finding(code, level, file, key, message, fix))

    for key in ("website", "privacy_url", "terms_url", "skill_endpoint", "owner_email"):
        if is_placeholder(getattr(show, key)):
            add("placeholder-address", ERROR, key, f"{getattr(show, key)!r} is an example address, not yours",
                "put your own address here, or remove the key (empty means not set)")
    if is_placeholder(base_url):
        add("placeholder-address", ERROR, "", f"{base_url!r} is an example address, not where the show is served",
            "build with --base-url set to your public https address", file="--base-url")
    if not show.website:
        add("website-not-set", WARNING, "website", "not set; the feed links the listening pages instead and "
            "podcast:person has no link", 'add website = "https://..." (your practice\'s site)')

    sample = invocation_name_from(SAMPLE_TITLE)
    if invocation_name_from(show.title) != sample:
        if show.invocation_name == sample:
            add("sample-invocation-name", ERROR, "invocation_name", f"is still the sample's {sample!r}",
                f'set invocation_name = "{invocation_name_from(show.title)}", or remove the key to derive it '
                "from the title")
        for key in ("author", "owner_name", "subtitle", "description", "copyright", "disclaimer", "disclosure"):
            if SAMPLE_TITLE.lower() in str(getattr(show, key)).lower():
                add("sample-identity", ERROR, key, f"still names the sample show {SAMPLE_TITLE!r}",
                    f"write your own {key.replace('_', ' ')}")

    if not show.crisis_resources:
        add("crisis-resources-missing", ERROR, "crisis_resources",
            f"none listed, and the shipped table has no lines for language {show.language!r}"
            + (f" / country {show.country!r}" if show.country else ""),
            "add [[crisis_resources]] tables (name, contact, spoken) for your listeners' country, or set country "
            f"to one the table covers ({', '.join(countries())}; see audio/data/crisis.toml)")
    if show.artwork:
        from gentle_steps.audio.artwork import artwork_problems

        for problem in artwork_problems(show.path(show.artwork)):
            add("artwork-invalid", ERROR, "artwork", f"{show.artwork}: {problem}",
                "export a square RGB JPEG or PNG of 1400-3000 px, or remove the key to generate one")
    return found


def read_prompt_lines(show: ShowSettings) -> tuple[list[tuple[str, int]], list[Finding]]:
    """The prompts with their line numbers in the prompts file, and the findings about the file itself."""
    path = show.path(show.prompts)
    if not path.is_file():
        return [], [Finding("prompts-file-missing", WARNING, str(path), "", "no prompts file; the skill answers "
                            "a request for a grounding message with a kind line instead of a prompt",
                            'create it with prompts = ["...", "..."], one breath each (gentle-steps init writes '
                            "a commented one)")]
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        return [], [Finding("prompts-invalid", ERROR, str(path), "", f"not valid TOML ({exc})",
                            'write prompts = ["...", "..."]')]
    prompts = data.get("prompts", [])
    if not isinstance(prompts, list) or not all(isinstance(p, str) and p.strip() for p in prompts):
        return [], [Finding("prompts-invalid", ERROR, str(path), "prompts", "must be a list of non-empty strings",
                            'write prompts = ["...", "..."]')]
    lines = text.splitlines()
    placed = []
    for prompt in prompts:
        probe = prompt.strip()[:30]
        number = next((i for i, line in enumerate(lines, 1) if probe and probe in line), 0)
        placed.append((prompt.strip(), number))
    if not placed:
        return [], [Finding("prompts-empty", WARNING, str(path), "prompts", "lists no prompts; the skill answers "
                            "a request for a grounding message with a kind line instead",
                            "add a few short lines from your articles")]
    return placed, []


def check_prompts(show: ShowSettings) -> list[Finding]:
    """The prompts file: present, valid, one breath per prompt, and safe wording."""
    placed, found = read_prompt_lines(show)
    path = str(show.path(show.prompts))
    for prompt, number in placed:
        words = len(prompt.split())
        if words > MAX_PROMPT_WORDS:
            found.append(Finding("prompt-too-long", WARNING, path, f"line {number}" if number else "prompts",
                                 f"prompt '{prompt[:40]}...' has {words} words, more than one breath; the build "
                                 "leaves it out", f"cut it to {MAX_PROMPT_WORDS} words or fewer", number))
        for concern in lint(prompt):
            found.append(_concern(path, number, concern))
    return found


def check_articles(content: Path, skip_reading: bool = False) -> list[Finding]:
    """Every article readable, and its wording checked against safe-messaging guidance."""
    from gentle_steps.audio.readers import EXTENSIONS, ArticleError, read_article

    folder = content.absolute() / "articles"
    if not folder.is_dir():
        return [Finding("no-articles", ERROR, str(folder), "", "articles folder not found",
                        "create it and add an article (.md, .txt or .html)")]
    paths = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in EXTENSIONS
                   and not p.name.startswith("."))
    if not paths:
        return [Finding("no-articles", ERROR, str(folder), "", "no articles (.md, .txt or .html files)",
                        "add an article")]
    found = []
    for path in paths:
        if not skip_reading:
            try:
                read_article(path, content)
            except ArticleError as exc:
                found.append(Finding("article-unreadable", ERROR, str(path), "", str(exc).removeprefix(f"{path}: "),
                                     "fix or remove the file"))
                continue
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        found += [_concern(str(path), c.line, c) for c in lint(text)]
    return found


def check_lexicon(show: ShowSettings) -> list[Finding]:
    """The pronunciation lexicon parses."""
    from gentle_steps.audio.speech import LexiconError, load_lexicon

    try:
        load_lexicon(show.path(show.lexicon))
    except LexiconError as exc:
        path = str(show.path(show.lexicon))
        return [Finding("lexicon-invalid", ERROR, path, "", str(exc).split(": ", 1)[-1],
                        'write [words] entries as word = "respelling"')]
    return []


def check_voice(show: ShowSettings) -> list[Finding]:
    """The voice show.toml names is on disk, whole, with the speaker asked for; phoneme entries fit it.

    Reads only the disk (sizes, not a full re-hash); a voice that is not installed is reported with the exact
    ``gentle-steps voices add`` command.
    """
    from gentle_steps.audio.voices.installed import (
        VoiceNotInstalled,
        VoiceStoreError,
        resolve,
        show_voices_dir,
    )

    path = str(Path(show.content_dir) / "show.toml")
    if show.voice == "gtts":
        found = []
        if show.speaker:
            found.append(Finding("voice-speaker-unknown", ERROR, path, "speaker", "is set, but gtts has no speakers",
                                 "remove speaker, or choose a multi-speaker Piper voice"))
        return found + _phoneme_findings(show)
    content = Path(show.content_dir)
    try:
        installed = resolve(show.voice, content, show_voices_dir(show.voices_dir, content))
    except VoiceNotInstalled as exc:
        return [Finding("voice-not-installed", ERROR, path, "voice", f"{show.voice!r} is not installed",
                        f"install it once with: {exc.command}")]
    except VoiceStoreError as exc:
        return [Finding("voice-unusable", ERROR, path, "voice", str(exc),
                        "put the .onnx and its .onnx.json there, reinstall it, or choose another voice "
                        "(gentle-steps voices list)")]
    try:
        installed.speaker_setting(show.speaker)
    except VoiceStoreError as exc:
        return [Finding("voice-speaker-unknown", ERROR, path, "speaker", str(exc),
                        "choose one of the voice's speakers, or remove speaker")]
    return [] if installed.reads_phonemes() else _phoneme_findings(show)


def _phoneme_findings(show: ShowSettings) -> list[Finding]:
    from gentle_steps.audio.lexicon import LexiconError, is_phonemes, load_lexicon

    try:
        lexicon = load_lexicon(show.path(show.lexicon))
    except LexiconError:
        return []  # check_lexicon reports it
    words = [word for word, value in lexicon.items() if is_phonemes(value)]
    if not words:
        return []
    return [Finding("lexicon-phonemes-unused", WARNING, str(show.path(show.lexicon)), "",
                    f"{', '.join(words[:5])}: [[ phonemes ]] that the {show.voice} voice cannot read; the build "
                    "leaves them out and those words are read as written",
                    "give a respelling instead (it works for every voice)")]


def _concern(path: str, line: int, concern) -> Finding:
    return Finding("safe-messaging", WARNING, path, f"line {line}" if line else "",
                   f'"{concern.found}": {concern.problem}', concern.suggestion, line)
