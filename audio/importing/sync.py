"""The idempotent write into ``content/articles/``: which imported article is new, changed or unchanged, and
never losing a file the author touched.

``content/.import-state.json`` remembers, per canonical URL, the file the article lives in and the sha256 of
the bytes last imported, and per fetched URL its ETag / Last-Modified. A file whose bytes differ from what was
last imported was edited by hand: it is kept, and a changed article is written beside it as
``<stem>.imported.html``. Everything to be written is first staged in a private folder inside ``content/``
and moved into place with renames, the state file last, so a failed run leaves the folder as it was.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from gentle_steps.audio.cache import atomic_write
from gentle_steps.audio.importing.entries import Entry, SourceError
from gentle_steps.audio.importing.render import render_article
from gentle_steps.audio.readers import EXTENSIONS, MAX_BYTES
from gentle_steps.audio.text import unique_slug

STATE_FILE = ".import-state.json"
"""Name of the state file inside the content folder."""

STATE_SCHEMA = 1
"""Version of the state file's layout."""

_STAGING_PREFIX = ".import-staging-"
_CANONICAL = re.compile(rb"<link\b[^>]*\brel=[\"']?canonical[\"']?[^>]*>", re.I)
_HREF = re.compile(rb"\bhref=[\"']([^\"']+)[\"']", re.I)


@dataclass
class UrlRecord:
    """What the last run learnt from one fetched URL."""

    etag: str = ""
    """ETag to send as If-None-Match."""

    last_modified: str = ""
    """Last-Modified to send as If-Modified-Since."""

    articles: list[str] = field(default_factory=list)
    """Canonical URLs of the articles this URL gave (a feed's items, a page's own article)."""

    skipped: str = ""
    """For a page that gave no article: why, so an unchanged page is passed over without reading it."""

    lastmod: str = ""
    """For a page listed in a sitemap: its ``lastmod`` then; while the sitemap says the same, it is not read."""


@dataclass
class ArticleRecord:
    """Where one imported article lives and what was last imported for it."""

    file: str
    """File name inside ``articles/``."""

    sha256: str
    """Digest of the bytes last imported (written to ``file``, or beside it when the author had edited it)."""


@dataclass
class ImportState:
    """The contents of ``content/.import-state.json``."""

    urls: dict[str, UrlRecord] = field(default_factory=dict)
    articles: dict[str, ArticleRecord] = field(default_factory=dict)

    @classmethod
    def load(cls, content: Path) -> ImportState:
        """Read the state file (an empty state when there is none); :class:`SourceError` when it is unreadable."""
        path = content / STATE_FILE
        if not path.exists():
            return cls()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("schema_version") != STATE_SCHEMA:
                raise ValueError(f"schema_version {data.get('schema_version')!r} is not {STATE_SCHEMA}")
            return cls(urls={k: UrlRecord(**v) for k, v in data["urls"].items()},
                       articles={k: ArticleRecord(**v) for k, v in data["articles"].items()})
        except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError) as exc:
            raise SourceError(f"{path}: unreadable import state ({exc}); move it aside to import afresh") from None

    def to_bytes(self) -> bytes:
        """Deterministic JSON: sorted keys, no timestamps, so an unchanged sync leaves the same bytes."""
        data = {"schema_version": STATE_SCHEMA,
                "urls": {k: asdict(v) for k, v in sorted(self.urls.items())},
                "articles": {k: asdict(v) for k, v in sorted(self.articles.items())}}
        return (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


@dataclass
class Action:
    """What the sync does with one article."""

    kind: str
    """``new``, ``changed``, ``unchanged``, ``kept-both`` or ``skipped``."""

    url: str
    """The article's canonical URL (or the page that gave no article)."""

    file: str = ""
    """File written or kept, relative to the content folder."""

    reason: str = ""
    """For ``skipped`` and ``kept-both``: why, in a few words."""


class Sync:
    """Plans and stages the write of imported articles; :meth:`commit` puts them in place."""

    def __init__(self, content: Path, state: ImportState, *, dry_run: bool) -> None:
        self.content = content
        self.articles_dir = content / "articles"
        self.state = state
        self.dry_run = dry_run
        self.actions: list[Action] = []
        self._staged: list[tuple[Path, Path]] = []
        self._staging: Path | None = None
        self._files = sorted(p for p in self.articles_dir.iterdir() if p.is_file()) \
            if self.articles_dir.is_dir() else []
        self._taken = {_stem(p.name) for p in self._files} | {_stem(r.file) for r in state.articles.values()}
        self._by_canonical = self._index_canonicals()
        self._seen: set[str] = set()

    def seen(self, url: str) -> bool:
        """True when this canonical URL was already offered in this run (a second source naming it)."""
        return url in self._seen

    def offer(self, entry: Entry) -> Action:
        """Decide what to do with one article and stage its bytes when it is to be written."""
        self._seen.add(entry.url)
        data = render_article(entry)
        if len(data) > MAX_BYTES:
            return self._record(Action("skipped", entry.url, reason=f"over {MAX_BYTES // 1048576} MB"))
        digest = hashlib.sha256(data).hexdigest()
        record = self.state.articles.get(entry.url)
        home = self._home(entry, record)
        if home is None:
            if record is not None:
                return self._record(Action("skipped", entry.url, f"articles/{record.file}", "removed by hand"))
            stem = unique_slug(entry.slug or "article", self._taken)
            home = self.articles_dir / f"{stem}.html"
            self._stage(home, data)
            self.state.articles[entry.url] = ArticleRecord(home.name, digest)
            return self._record(Action("new", entry.url, _rel(home, self.content)))
        current = hashlib.sha256(home.read_bytes()).hexdigest()
        last = record.sha256 if record else None
        self.state.articles[entry.url] = ArticleRecord(home.name, digest)
        if current == digest or last == digest:
            return self._record(Action("unchanged", entry.url, _rel(home, self.content)))
        if last is not None and current == last:
            self._stage(home, data)
            return self._record(Action("changed", entry.url, _rel(home, self.content)))
        beside = home.with_name(f"{_stem(home.name)}.imported.html")
        self._stage(beside, data)
        why = "edited by hand" if record else "not made by the importer"
        return self._record(Action("kept-both", entry.url, _rel(home, self.content),
                                   f"{_rel(home, self.content)} was {why}; kept it, the import is "
                                   f"{_rel(beside, self.content)}"))

    def skip(self, url: str, reason: str) -> Action:
        """Record an article or page that is not imported, and why."""
        return self._record(Action("skipped", url, reason=reason))

    def unchanged(self, url: str) -> Action:
        """Record an article known unchanged without reading it (its feed or page answered 304)."""
        self._seen.add(url)
        record = self.state.articles.get(url)
        return self._record(Action("unchanged", url, f"articles/{record.file}" if record else ""))

    def commit(self) -> bool:
        """Move staged files into place, then write the state; returns whether anything changed on disk."""
        if self.dry_run:
            return False
        changed = bool(self._staged)
        try:
            self.articles_dir.mkdir(parents=True, exist_ok=True)
            for staged, target in self._staged:
                os.replace(staged, target)
            state_bytes = self.state.to_bytes()
            state_path = self.content / STATE_FILE
            if not state_path.exists() or state_path.read_bytes() != state_bytes:
                atomic_write(state_path, state_bytes)
                changed = True
        finally:
            self.abort()
        return changed

    def abort(self) -> None:
        """Drop everything staged; nothing in ``articles/`` has been touched."""
        if self._staging is not None:
            shutil.rmtree(self._staging, ignore_errors=True)
            self._staging = None
        self._staged.clear()

    # --- internals ------------------------------------------------------------------------------------------

    def _record(self, action: Action) -> Action:
        self.actions.append(action)
        return action

    def _stage(self, target: Path, data: bytes) -> None:
        if self.dry_run:
            return
        if self._staging is None:
            remove_stale_staging(self.content)
            self._staging = Path(tempfile.mkdtemp(prefix=_STAGING_PREFIX, dir=self.content))
        staged = self._staging / f"{len(self._staged):05d}-{target.name}"
        with open(staged, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        self._staged = [(s, t) for s, t in self._staged if t != target] + [(staged, target)]

    def _home(self, entry: Entry, record: ArticleRecord | None) -> Path | None:
        """The file that holds this article now: the one whose canonical link names it, else the recorded
        file, else an author's file of the same name that names no canonical URL (a pasted copy)."""
        if entry.url in self._by_canonical:
            return self._by_canonical[entry.url]
        if record is not None and (self.articles_dir / record.file).is_file():
            return self.articles_dir / record.file
        if record is None:
            for path in self._files:
                if _stem(path.name) == entry.slug and not path.name.endswith(".imported.html") and \
                        path.suffix.lower() in EXTENSIONS and path not in self._by_canonical.values():
                    return path
        return None

    def _index_canonicals(self) -> dict[str, Path]:
        index: dict[str, Path] = {}
        for path in self._files:
            if path.suffix.lower() not in (".html", ".htm") or path.name.endswith(".imported.html"):
                continue
            with open(path, "rb") as handle:
                head = handle.read(64 * 1024)
            link = _CANONICAL.search(head)
            href = _HREF.search(link.group(0)) if link else None
            if href:
                index.setdefault(href.group(1).decode("utf-8", "replace").replace("&amp;", "&"), path)
        return index


def remove_stale_staging(content: Path) -> None:
    """Remove staging folders a killed run left behind (they only ever hold copies of imported articles)."""
    for leftover in content.glob(f"{_STAGING_PREFIX}*"):
        if leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)


def _stem(name: str) -> str:
    return name.split(".", 1)[0]


def _rel(path: Path, content: Path) -> str:
    return path.relative_to(content).as_posix()
