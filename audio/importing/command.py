"""``gentle-steps import SOURCE...``: bring articles in from a blog and keep ``content/articles/`` in sync.

Every source is read first; if any cannot be read at all (unreachable, not a feed, no article, a redirect
loop), nothing is written and each problem is printed on one line. Otherwise the planned files are moved into
place and one summary line closes the run.
"""

from __future__ import annotations

import os
import re
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from gentle_steps.audio.importing.entries import SourceError
from gentle_steps.audio.importing.fetch import Fetcher, FetchPolicy
from gentle_steps.audio.importing.sources import CAP_REASON, Importer
from gentle_steps.audio.importing.sync import STATE_FILE, Action, ImportState, Sync

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; two overlapping runs are then the user's to avoid
    fcntl = None


@dataclass
class ImportOptions:
    """What ``gentle-steps import`` was asked to do."""

    sources: list[str]
    """Feed, export, sitemap or page: http(s) addresses or local files."""

    content: Path = Path("content")
    """The content folder; articles go to its ``articles/``, the state to its ``.import-state.json``."""

    since: str = ""
    """Only articles published on or after this date (``YYYY-MM-DD``)."""

    limit: int | None = None
    """At most this many articles, newest first."""

    dry_run: bool = False
    """Print the plan, write nothing."""

    policy: FetchPolicy = field(default_factory=FetchPolicy)
    """Timeouts, retries, size and page caps."""


@dataclass
class ImportReport:
    """What a run did (or, in a dry run, would do)."""

    actions: list[Action]
    """One per article or page considered, in order."""

    errors: list[SourceError]
    """Sources that could not be read; when any, nothing was written."""

    dry_run: bool = False
    requests: int = 0
    """HTTP requests made (robots.txt not counted)."""

    not_modified: int = 0
    """Requests answered 304 Not Modified."""

    def count(self, kind: str) -> int:
        """How many actions are of ``kind``."""
        return sum(1 for action in self.actions if action.kind == kind)

    def summary(self) -> str:
        """The closing line: new, changed, unchanged, kept both, skipped with reasons, and requests."""
        reasons = Counter(action.reason for action in self.actions if action.kind == "skipped")
        skipped = sum(reasons.values())
        why = ", ".join(f"{n} {reason}" for reason, n in reasons.most_common(4))
        more = ", ..." if len(reasons) > 4 else ""
        parts = [f"{self.count('new')} new", f"{self.count('changed')} changed", f"{self.count('unchanged')} unchanged"]
        if self.count("kept-both"):
            parts.append(f"{self.count('kept-both')} kept both (edited by hand)")
        parts.append(f"{skipped} skipped" + (f" ({why}{more})" if skipped else ""))
        lead = "Dry run, nothing written: would import" if self.dry_run else "Imported"
        return f"{lead} {', '.join(parts)}; {self.requests} request(s), {self.not_modified} not modified."


def import_sources(options: ImportOptions) -> ImportReport:
    """Read every source, then write (unless a source failed or it is a dry run); see the module docstring."""
    content = options.content
    if not content.is_dir():
        raise SourceError(f"{content}: content folder not found (create it, or name it with --content)")
    with _locked(content):
        state = ImportState.load(content)
        sync = Sync(content, state, dry_run=options.dry_run)
        validators = {url: {"etag": r.etag, "last_modified": r.last_modified} for url, r in state.urls.items()}
        fetcher = Fetcher(options.policy, validators)
        importer = Importer(fetcher, sync, since=options.since, limit=options.limit)
        errors: list[SourceError] = []
        try:
            for source in options.sources:
                try:
                    importer.run(source)
                except SourceError as exc:
                    errors.append(exc)
            if errors:
                sync.abort()
            else:
                sync.commit()
        except BaseException:
            sync.abort()
            raise
        finally:
            fetcher.close()
    return ImportReport(sync.actions, errors, options.dry_run, fetcher.requests_made, fetcher.not_modified)


@contextmanager
def _locked(content: Path) -> Iterator[None]:
    """One import at a time per content folder (a scheduled run overlapping a manual one)."""
    if fcntl is None:
        yield
        return
    fd = os.open(content, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SourceError(f"{content}: another import is running on this folder; try again when it ends") from None
        yield
    finally:
        os.close(fd)


_VERBS = {"new": ("new", "would add"), "changed": ("changed", "would update"),
          "kept-both": ("kept both", "would keep both"), "skipped": ("skipped", "would skip")}


def describe(action: Action, dry_run: bool) -> str | None:
    """One line for an action worth showing (unchanged articles are only counted)."""
    if action.kind not in _VERBS:
        return None
    verb = _VERBS[action.kind][1 if dry_run else 0]
    if action.kind == "skipped":
        return f"{verb}: {action.url}: {action.reason}"
    if action.kind == "kept-both":
        return f"{verb}: {action.reason} ({action.url})"
    return f"{verb}: {action.file} <- {action.url}"


def run(args) -> int:
    """``gentle-steps import``: one line per article written or skipped, then a summary; exit 2 for bad input,
    1 for an unreachable site, and nothing written in either case."""
    if args.since and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", args.since):
        print(f"gentle-steps import: --since {args.since!r} is not a date (YYYY-MM-DD)", file=sys.stderr)
        return 2
    if args.limit is not None and args.limit < 1:
        print("gentle-steps import: --limit must be at least 1", file=sys.stderr)
        return 2
    options = ImportOptions(sources=list(args.sources), content=Path(args.content), since=args.since or "",
                            limit=args.limit, dry_run=args.dry_run,
                            policy=FetchPolicy(max_pages=args.max_pages))
    try:
        report = import_sources(options)
    except SourceError as exc:
        print(f"gentle-steps import: {exc}", file=sys.stderr)
        return 1 if exc.network else 2
    except KeyboardInterrupt:
        print("gentle-steps import: interrupted; nothing was written", file=sys.stderr)
        return 130
    if report.errors:
        if len(report.errors) == 1:
            print(f"gentle-steps import: {report.errors[0]} (nothing written)", file=sys.stderr)
        else:
            for error in report.errors:
                print(f"gentle-steps import: {error}", file=sys.stderr)
            print(f"gentle-steps import: {len(report.errors)} sources failed; nothing written", file=sys.stderr)
        return 2 if any(not error.network for error in report.errors) else 1
    for action in report.actions:
        line = describe(action, options.dry_run) if action.reason != CAP_REASON else None
        if line:
            print(line)
    capped = sum(1 for action in report.actions if action.reason == CAP_REASON)
    if capped:
        print(f"{_VERBS['skipped'][options.dry_run]}: {capped} more pages: the run's cap of {options.policy.max_pages} "
              "requests was reached; run again to continue")
    print(report.summary())
    if not options.dry_run and any(a.kind in ("new", "changed", "kept-both") for a in report.actions):
        print(f"Articles: {(options.content / 'articles').resolve()} (state: {STATE_FILE})")
    return 0
