"""From a SOURCE argument to articles offered to the sync: fetch or open it, recognise what it is (RSS/Atom feed,
WordPress export, sitemap, article page), read it, follow pages where needed, and apply --since and --limit.

Conditional requests make a scheduled run cheap: a feed, sitemap or page that answers 304 is not read again;
what it gave last time (kept in the state file) counts as unchanged.
"""

from __future__ import annotations

import gzip
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from gentle_steps.audio.importing.entries import Entry, SourceError
from gentle_steps.audio.importing.feeds import parse_feed
from gentle_steps.audio.importing.fetch import Fetched, Fetcher, FetchError
from gentle_steps.audio.importing.pages import decode_html, fill_from_page, read_page
from gentle_steps.audio.importing.sitemaps import MAX_URLS, is_sitemap_root, parse_sitemap
from gentle_steps.audio.importing.sync import Sync, UrlRecord
from gentle_steps.audio.importing.wxr import Skipped, is_wxr, parse_wxr
from gentle_steps.audio.importing.xmlstream import root_name

MAX_SITEMAPS = 50
"""Most child sitemaps read from one sitemap index."""

CAP_REASON = "over the page cap"
"""Why a page was left for a later run (the command prints these as one line)."""

_FEEDISH = re.compile(r"(/feed/?|/rss/?|/atom/?|\.xml|\.rss|\.atom|[?&]format=rss)$", re.I)
_HTML = re.compile(rb"^\s*(<!--.*?-->\s*)*(<!doctype\s+html|<html[\s>])", re.I | re.S)


@dataclass
class Loaded:
    """A source's bytes and where they came from."""

    label: str
    """The SOURCE as given."""

    url: str
    """Where it was read from in the end (after redirects; a file: URL for a local file)."""

    data: bytes
    """Its bytes (for a large local export or sitemap, only the first part; ``path`` is then read)."""

    content_type: str = ""
    """Content-Type of the response."""

    path: Path | None = None
    """The local file, when the source is one."""

    fetched: Fetched | None = None
    """The response, when the source was fetched."""


def sniff(data: bytes, content_type: str = "") -> str:
    """``feed``, ``wxr``, ``sitemap``, ``page`` or "" from the first bytes (and the Content-Type)."""
    head = data[:65536].lstrip(b"\xef\xbb\xbf \t\r\n")
    if _HTML.match(head):
        return "page"
    name = root_name(head) if head.startswith(b"<") else ""
    if name in ("rss", "feed", "RDF"):
        return "wxr" if is_wxr(head) else "feed"
    if is_sitemap_root(name):
        return "sitemap"
    if "html" in content_type and "xml" not in content_type:
        return "page"
    return ""


class Importer:
    """Runs every source against one fetcher and one sync, honouring --since and --limit."""

    def __init__(self, fetcher: Fetcher, sync: Sync, *, since: str = "", limit: int | None = None) -> None:
        self.fetcher = fetcher
        self.sync = sync
        self.since = since
        self.remaining = limit
        self.state = sync.state

    def run(self, source: str) -> None:
        """Import one SOURCE; raises :class:`SourceError` when the source itself cannot be read."""
        self._gave: list[str] = []
        loaded = self._load(source)
        if loaded is None:
            return  # answered 304: what it gave last time is unchanged
        kind = sniff(loaded.data, loaded.content_type)
        if kind == "feed":
            self._feed(loaded)
        elif kind == "wxr":
            self._wxr(loaded)
        elif kind == "sitemap":
            self._sitemap(loaded)
        elif kind == "page" and (_FEEDISH.search(loaded.label) or "xml" in loaded.content_type):
            raise SourceError(f"{loaded.label}: not an RSS or Atom feed (the address answers with an HTML page)")
        elif kind == "page":
            self._single_page(loaded)
        elif _FEEDISH.search(loaded.url) or "xml" in loaded.content_type:
            raise SourceError(f"{loaded.label}: not an RSS or Atom feed, a sitemap or a WordPress export")
        else:
            raise SourceError(f"{loaded.label}: not a feed, sitemap, WordPress export or HTML page")

    # --- loading --------------------------------------------------------------------------------------------

    def _load(self, source: str) -> Loaded | None:
        if source.startswith(("http://", "https://")):
            fetched = self._fetch(source)
            if fetched.status == 304:
                self._replay(source)
                return None
            return Loaded(source, fetched.final_url, _gunzip(fetched.body, source, self.fetcher.policy.max_bytes),
                          fetched.content_type, fetched=fetched)
        path = Path(source).expanduser()
        if not path.is_file():
            raise SourceError(f"{source}: no such file, and not an http(s) address")
        with open(path, "rb") as handle:
            head = handle.read(self.fetcher.policy.max_bytes + 1)
        if head[:2] == b"\x1f\x8b" or len(head) > self.fetcher.policy.max_bytes:
            # Exports and sitemaps may be large: parsed as a stream from the file; others must fit the cap.
            data = _gunzip(head, source, self.fetcher.policy.max_bytes) if head[:2] == b"\x1f\x8b" else head
            if sniff(data) not in ("wxr", "sitemap"):
                raise SourceError(f"{source}: over {self.fetcher.policy.max_bytes // 1048576} MB; only WordPress "
                                  "exports and sitemaps may be that large")
            return Loaded(source, path.resolve().as_uri(), data, path=None if head[:2] == b"\x1f\x8b" else path)
        return Loaded(source, path.resolve().as_uri(), head, path=path)

    def _fetch(self, url: str, *, conditional: bool = True) -> Fetched:
        try:
            return self.fetcher.get(url, conditional=conditional)
        except FetchError as exc:
            raise SourceError(str(exc), network=exc.network) from None

    def _replay(self, url: str) -> None:
        record = self.state.urls.get(url, UrlRecord())
        for article in record.articles:
            self._gave.append(article)
            if not self.sync.seen(article):
                self.sync.unchanged(article)

    def _remember(self, fetched: Fetched, articles: list[str], skipped: str = "", lastmod: str = "") -> None:
        if fetched.status == 200 and (fetched.etag or fetched.last_modified or lastmod):
            self.state.urls[fetched.url] = UrlRecord(fetched.etag, fetched.last_modified, articles, skipped, lastmod)
        elif fetched.status == 200:
            self.state.urls.pop(fetched.url, None)

    def _settle(self, url: str, lastmod: str | None = None) -> bool:
        """Settle a page from what the last run learnt (it answered 304, or its sitemap lastmod is the same):
        its article is unchanged, or it is skipped again for the same reason. False when nothing is known."""
        record = self.state.urls.get(url)
        if record is None or (lastmod is not None and (not lastmod or record.lastmod != lastmod)):
            return False
        if record.articles:
            self._replay(url)
            if self.remaining is not None:
                self.remaining -= 1  # an unchanged article counts toward --limit like any other
            return True
        if record.skipped:
            self.sync.skip(url, record.skipped)
            return True
        return False

    # --- kinds ----------------------------------------------------------------------------------------------

    def _feed(self, loaded: Loaded) -> None:
        entries = parse_feed(loaded.data, loaded.url, loaded.content_type)
        complete = self._offer_all(sorted(entries, key=lambda e: e.published, reverse=True), loaded.label)
        self._remember_source(loaded, complete)

    def _wxr(self, loaded: Loaded) -> None:
        source = loaded.path or loaded.data
        wanted = None
        if self.remaining is not None:  # the newest N need every date first; a light pass, nothing kept
            dated = [(e.published, e.url) for e in parse_wxr(source, loaded.label)
                     if isinstance(e, Entry) and self._in_range(e)]
            wanted = {url for _, url in sorted(dated, reverse=True)[:self.remaining]}
        complete = True
        for item in parse_wxr(source, loaded.label):
            if isinstance(item, Skipped):
                self.sync.skip(item.url, item.reason)
            elif wanted is None or item.url in wanted or not self._in_range(item):
                complete = self._offer(item, loaded.label) and complete
            else:
                self._over_limit(item.url)
                complete = False
        self._remember_source(loaded, complete)

    def _sitemap(self, loaded: Loaded) -> None:
        listing = parse_sitemap(loaded.path or loaded.data, loaded.label)
        pages = list(listing.pages)
        for child in listing.children[:MAX_SITEMAPS]:
            try:
                fetched = self.fetcher.get(child, conditional=False)
            except FetchError as exc:
                raise SourceError(f"{loaded.label}: {exc}", network=exc.network) from None
            pages += parse_sitemap(_gunzip(fetched.body, child, self.fetcher.policy.max_bytes), child).pages
            if len(pages) >= MAX_URLS:
                break
        pages = sorted(pages[:MAX_URLS], key=lambda page: page[1], reverse=True)
        complete = True
        for url, lastmod in pages:
            if self.since and lastmod and lastmod[:10] < self.since:
                self.sync.skip(url, f"before {self.since}")
                complete = False
                continue
            entry = Entry(url=url, origin=loaded.label)
            complete = self._offer(entry, loaded.label, sitemap=True, lastmod=lastmod) and complete
        # An index is read afresh every time: WordPress's own index does not change when a child gains a post.
        self._remember_source(loaded, complete and not listing.children)

    def _single_page(self, loaded: Loaded) -> None:
        page = read_page(decode_html(loaded.data, loaded.content_type), loaded.url, loaded.label)
        if not page.url.startswith(("http://", "https://")):
            raise SourceError(f"{loaded.label}: the saved page names no canonical URL (<link rel=\"canonical\"> or "
                              "og:url); import it by its address instead")
        if self._offer(page, loaded.label) and loaded.path is None:
            self._remember_source(loaded, True)

    # --- offering articles ----------------------------------------------------------------------------------

    def _offer_all(self, entries: Iterable[Entry], label: str) -> bool:
        complete = True
        for entry in entries:
            complete = self._offer(entry, label) and complete
        return complete

    def _offer(self, entry: Entry, label: str, *, sitemap: bool = False, lastmod: str | None = None) -> bool:
        """Offer one entry (reading its page first when needed); False when it was left out for now."""
        if self.sync.seen(entry.url):
            self._gave.append(entry.url)
            return True
        if entry.body_html is None:
            if self._settle(entry.url, lastmod if lastmod is not None else ""):
                return True
            if self.fetcher.requests_made >= self.fetcher.policy.max_pages:
                self.sync.skip(entry.url, CAP_REASON)
                return False
            resolved = self._follow(entry, sitemap, lastmod or "")
            if resolved is None:
                return True  # unchanged (304) or a page that is not an article: settled
            if isinstance(resolved, str):
                self.sync.skip(entry.url, resolved)
                return False
            entry = resolved
            if self.sync.seen(entry.url):
                self._gave.append(entry.url)
                return True
        if not self._in_range(entry):
            self.sync.skip(entry.url, f"before {self.since}" if entry.date() else "no date to compare with --since")
            return False
        if self.remaining is not None and self.remaining <= 0:
            self._over_limit(entry.url)
            return False
        if self.remaining is not None:
            self.remaining -= 1
        self._gave.append(entry.url)
        return self.sync.offer(entry).kind != "skipped"

    def _follow(self, entry: Entry, sitemap: bool, lastmod: str) -> Entry | str | None:
        """The entry completed from its page; a reason string when it must be skipped; None when settled."""
        if self.remaining is not None and self.remaining <= 0:
            return "over --limit"
        try:
            fetched = self.fetcher.get(entry.url)
            if fetched.status == 304:
                if self._settle(entry.url):
                    return None
                fetched = self.fetcher.get(entry.url, conditional=False)
        except FetchError as exc:
            return CAP_REASON if exc.cap else str(exc).removeprefix(f"{entry.url}: ")
        try:
            page = read_page(decode_html(fetched.body, fetched.content_type), fetched.final_url, entry.url,
                             require_article_markup=sitemap)
        except SourceError as exc:
            reason = str(exc).removeprefix(f"{entry.url}: ")
            self._remember(fetched, [], reason, lastmod)
            self.sync.skip(entry.url, reason)
            return None
        self._remember(fetched, [page.url], lastmod=lastmod)
        return fill_from_page(entry, page)

    def _in_range(self, entry: Entry) -> bool:
        return not self.since or (bool(entry.date()) and entry.date() >= self.since)

    def _over_limit(self, url: str) -> None:
        self.sync.skip(url, "over --limit")

    def _remember_source(self, loaded: Loaded, complete: bool) -> None:
        """Keep a feed's or sitemap's validators only when every article it lists was settled this run, so a
        304 next time stands for all of them."""
        if loaded.fetched is None:
            return
        if complete:
            self._remember(loaded.fetched, sorted(set(self._gave)))
        else:
            self.state.urls.pop(loaded.fetched.url, None)


def _gunzip(data: bytes, label: str, limit: int) -> bytes:
    """A gzip-compressed sitemap or export (``.xml.gz``), decompressed up to ``limit`` bytes."""
    if data[:2] != b"\x1f\x8b":
        return data
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as handle:
            out = handle.read(limit + 1)
    except (OSError, EOFError) as exc:
        raise SourceError(f"{label}: damaged gzip data ({exc})") from None
    if len(out) > limit:
        raise SourceError(f"{label}: over {limit // 1048576} MB once decompressed")
    return out
