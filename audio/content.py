"""The content folder read whole: show settings, articles, grounding prompts and the lexicon.

One function per input, each raising :class:`ContentError` with every problem it found, each line naming the
file; warnings are collected for the build's summary (``--strict`` makes them failures).
"""

from __future__ import annotations

import re
import subprocess
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from gentle_steps.audio.model import Article
from gentle_steps.audio.readers import EXTENSIONS, ArticleError, read_article
from gentle_steps.audio.settings import SettingsError, ShowSettings, load_show
from gentle_steps.audio.speech import LexiconError, load_lexicon
from gentle_steps.audio.text import slugify, unique_slug

MAX_PROMPT_WORDS = 25
"""A grounding prompt is one breath: longer ones are left out with a warning."""


class ContentError(ValueError):
    """The content cannot be built; each line names a file (and key) and the problem."""


@dataclass
class Content:
    """Everything the build reads from the content folder."""

    folder: Path
    """The content folder."""

    show: ShowSettings
    """Validated show.toml."""

    articles: list[Article]
    """Articles in date-then-title order, each with a unique id."""

    prompts: list[str]
    """Grounding prompts, each at most :data:`MAX_PROMPT_WORDS` words."""

    lexicon: dict[str, str]
    """Word -> respelling or ``[[ phonemes ]]``."""

    warnings: list[str] = field(default_factory=list)
    """Problems that do not stop the build."""


def read_content(folder: Path) -> Content:
    """Read and validate the whole content folder; raises :class:`ContentError`."""
    if not folder.is_dir():
        raise ContentError(f"{folder.resolve()}: content folder not found")
    try:
        show = load_show(folder)
        lexicon = load_lexicon(show.path(show.lexicon))
    except (SettingsError, LexiconError) as exc:
        raise ContentError(str(exc)) from None
    articles, warnings = read_articles(folder, show)
    prompts, prompt_warnings = read_prompts(show)
    return Content(folder, show, articles, prompts, lexicon, warnings + show_warnings(show) + prompt_warnings)


def show_warnings(show: ShowSettings) -> list[str]:
    """What validating show.toml noted but did not refuse (e.g. control characters removed)."""
    return list(getattr(show, "notes", ()) or ())


def _git_date(path: Path) -> str:
    """Date of the last commit touching ``path`` (stable across clones), or ""."""
    try:
        out = subprocess.run(["git", "log", "-1", "--format=%cs", "--", path.name], cwd=path.parent,
                             capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    return out.stdout.strip() if out.returncode == 0 else ""


def _article_date(article: Article, path: Path) -> str:
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", article.date or ""):
        return article.date
    return _git_date(path) or datetime.fromtimestamp(path.stat().st_mtime, UTC).strftime("%Y-%m-%d")


def read_articles(content: Path, show: ShowSettings) -> tuple[list[Article], list[str]]:
    """Every article in ``content/articles`` in date-then-title order; all errors at once."""
    folder = content / "articles"
    if not folder.is_dir():
        raise ContentError(f"{folder.resolve()}: articles folder not found")
    files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    candidates = [p for p in files if p.suffix.lower() in EXTENSIONS]
    waiting = [p for p in candidates if p.suffixes[-2:-1] == [".imported"]]
    candidates = [p for p in candidates if p not in waiting]
    if not candidates:
        raise ContentError(f"{folder.resolve()}: no articles (.txt, .md or .html files)")
    articles, errors, warnings = [], [], []
    for path in candidates:
        try:
            article = read_article(path, content)
        except ArticleError as exc:
            errors.append(str(exc))
            continue
        article.date = _article_date(article, path)
        article.author = article.author or show.author
        warnings += article.warnings
        articles.append(article)
    if errors:
        raise ContentError("\n".join(errors))
    warnings += _unique_ids(articles)
    warnings += [f"articles/{p.name}: a newer import of an article you edited by hand; it is not built. Compare "
                 f"it with {p.name.replace('.imported', '')} and keep one (rename it over yours to take it)"
                 for p in waiting]
    articles.sort(key=lambda a: (a.date, a.title.lower()))
    return articles, warnings


def _unique_ids(articles: list[Article]) -> list[str]:
    """Give articles that share an id (two files with the same title) their own, in file-name order."""
    taken: set[str] = set()
    warnings = []
    for article in sorted(articles, key=lambda a: a.source):
        wanted = article.id
        article.id = unique_slug(wanted, taken)
        if article.id != wanted:
            warnings.append(f"{article.source}: another article already has the id '{wanted}'; this one is "
                            f"'{article.id}' (rename the title, or set `id` in front matter, to choose)")
    return warnings


def read_prompts(show: ShowSettings) -> tuple[list[str], list[str]]:
    """Grounding prompts from the prompts file; too-long prompts are left out with a warning."""
    path = show.path(show.prompts)
    if not path.is_file():
        return [], [f"{path}: no prompts file; the skill will have no grounding prompts"]
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ContentError(f"{path}: not valid TOML ({exc})") from None
    prompts = data.get("prompts")
    if not isinstance(prompts, list) or not all(isinstance(p, str) and p.strip() for p in prompts):
        raise ContentError(f"{path}: key 'prompts' must be a list of non-empty strings")
    kept, warnings = [], []
    for prompt in prompts:
        words = len(prompt.split())
        if words > MAX_PROMPT_WORDS:
            warnings.append(f"{path}: prompt '{prompt[:40]}...' has {words} words (at most {MAX_PROMPT_WORDS}); "
                            "left out")
        else:
            kept.append(prompt.strip())
    return kept, warnings


def short_slug(text: str, limit: int = 48) -> str:
    """A slug cut at a word boundary (prompt ids)."""
    slug = slugify(text, "prompt")
    return slug if len(slug) <= limit else slug[:limit].rsplit("-", 1)[0]
