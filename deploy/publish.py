"""``gentle-steps publish``: upload ``dist/`` to an S3 bucket (behind CloudFront), changed files only.

Order matters to readers who fetch while we upload: media and assets go first, then pages and the
manifest, then ``catalog.json`` (the skill), and ``feed.xml`` last, so neither the feed nor the skill ever
points at audio that is not there yet.

What changed is decided by sha256: every object we upload carries its content hash in its metadata
(``x-amz-meta-sha256``), and a file whose hash, Content-Type and Cache-Control match the object already in
the bucket is skipped. Nothing is ever deleted: an old feed or page cached by a podcast app may still point
at an object that is no longer in ``dist/``.

Cache-Control. The build writes audio under stable names (``episodes/<id>/sections/01-<section>.mp3``),
not content-hashed ones, so a re-narrated section overwrites its old file under the same URL. Marking it
``immutable`` for a year would pin the old take in listeners' caches. Instead:

- a file whose name carries a content hash (``name.<12+ hex digits>.ext``) is ``max-age=31536000, immutable``;
- stable-named audio and images are ``max-age=86400`` (a day: re-narration is rare, and every changed path
  is invalidated in CloudFront at once, so only a browser's or app's own copy can lag, by a day at most);
- transcripts, chapters, styles and scripts are ``max-age=3600`` (they change with the text);
- the feed, catalog, manifest, pages and the skill package are ``max-age=300`` (what points at everything
  else must be seen fresh soon; five minutes keeps CloudFront's cache useful).
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gentle_steps.skill.mime import mime_type

SHORT = "public, max-age=300"
"""Cache-Control of what points at everything else: feed, catalog, manifest, pages."""

TEXT_ASSET = "public, max-age=3600"
"""Cache-Control of transcripts, chapters, styles and scripts."""

MEDIA = "public, max-age=86400"
"""Cache-Control of audio and images under stable names (overwritten in place when they change)."""

IMMUTABLE = "public, max-age=31536000, immutable"
"""Cache-Control of files whose name carries their content hash."""

LAST = ("catalog.json", "feed.xml")
"""Written after everything else, in this order: the skill's catalog, then the podcast feed."""

INVALIDATE_ALL_OVER = 25
"""More changed paths than this are invalidated with one wildcard (CloudFront bills per path)."""

_HASHED_NAME = re.compile(r"[.-][0-9a-f]{12,64}\.[A-Za-z0-9]+$")
_SHORT_NAMES = {"feed.xml", "catalog.json", "manifest.json"}


class PublishError(Exception):
    """A problem the user can fix, reported as one line."""


@dataclass(frozen=True)
class Upload:
    """One file of ``dist/`` and how it is stored."""

    path: Path
    """The local file."""

    key: str
    """Its object key (prefix included)."""

    rel: str
    """Its path relative to ``dist/``, with ``/`` separators."""

    sha256: str
    """Hex sha256 of its bytes."""

    content_type: str
    """Content-Type header."""

    cache_control: str
    """Cache-Control header."""


@dataclass
class PublishReport:
    """What :func:`publish` did (or, with ``dry_run``, would do)."""

    uploaded: list[str] = field(default_factory=list)
    """Keys written, in the order they were written."""

    unchanged: list[str] = field(default_factory=list)
    """Keys already in the bucket with the same content and headers."""

    stale: list[str] = field(default_factory=list)
    """Keys under the prefix that are no longer in ``dist/`` (left in place)."""

    invalidated: list[str] = field(default_factory=list)
    """CloudFront paths invalidated."""

    invalidation_id: str | None = None
    """Id of the CloudFront invalidation created, if any."""


def content_type(rel: str) -> str:
    """The Content-Type for a file at ``rel`` in ``dist/``: the same table ``serve`` answers with."""
    return mime_type(rel)


def cache_control(rel: str) -> str:
    """The Cache-Control for a file at ``rel`` in ``dist/`` (see the module docstring for why)."""
    name = rel.rsplit("/", 1)[-1]
    suffix = Path(name).suffix.lower()
    if _HASHED_NAME.search(name):
        return IMMUTABLE
    if name in _SHORT_NAMES or suffix == ".html" or rel.startswith("skill-package/"):
        return SHORT
    if suffix in (".mp3", ".m4a", ".png", ".jpg", ".jpeg", ".webp", ".svg", ".ico"):
        return MEDIA
    return TEXT_ASSET


def _rank(rel: str) -> tuple[int, str]:
    """Upload order: media and assets, then pages and manifest, then the catalog, then the feed."""
    if rel in LAST:
        return (3 + LAST.index(rel), rel)
    if rel.endswith(".html") or rel == "manifest.json" or rel.startswith("skill-package/"):
        return (1, rel)
    return (0, rel)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def normalise_prefix(prefix: str | None) -> str:
    """``prefix`` as a key prefix: no leading slash, one trailing slash, or empty."""
    prefix = (prefix or "").strip().strip("/")
    return f"{prefix}/" if prefix else ""


def check_dist(dist: Path) -> None:
    """Refuse a missing or partial build with :class:`PublishError` (one line naming the path)."""
    if not dist.is_dir():
        raise PublishError(f"{dist}: no such folder (run gentle-steps build first)")
    for required in LAST:
        if not (dist / required).is_file():
            raise PublishError(f"{dist / required}: missing; {dist} is not a complete build")


def _check_link(path: Path, rel: str, root: Path) -> None:
    """Refuse a symbolic link whose target is outside ``root`` (the resolved ``dist/``)."""
    try:
        target = path.resolve()
    except (OSError, RuntimeError):  # a loop of links
        raise PublishError(f"{rel}: a symbolic link that cannot be resolved; nothing was uploaded") from None
    if target != root and root not in target.parents:
        raise PublishError(f"{rel}: a symbolic link to {target}, outside {root}; nothing was uploaded "
                           "(copy the file into dist/ or remove the link)")


def plan(dist: Path, prefix: str = "") -> list[Upload]:
    """Every file of ``dist`` as an :class:`Upload`, in upload order. Raises :class:`PublishError`.

    A symbolic link is published as the file it points to only when that file is inside ``dist``; a link
    (to a file or a folder) leading out of ``dist`` refuses the whole publish before anything is uploaded.
    Folders linked from inside ``dist`` are not walked twice.
    """
    check_dist(dist)
    root = dist.resolve()
    prefix = normalise_prefix(prefix)
    uploads = []
    for path in dist.rglob("*"):  # does not descend into symlinked folders
        rel = path.relative_to(dist).as_posix()
        if any(part.startswith(".") for part in rel.split("/")):
            continue  # dot files: editor and OS litter (.DS_Store), never part of a build
        if path.is_symlink():
            _check_link(path, rel, root)
        if not path.is_file():
            continue
        uploads.append(Upload(path, prefix + rel, rel, _sha256(path), content_type(rel), cache_control(rel)))
    return sorted(uploads, key=lambda u: _rank(u.rel))


def _remote_state(client: Any, bucket: str, prefix: str) -> dict[str, int]:
    """Keys under ``prefix`` in ``bucket`` with their sizes."""
    found: dict[str, int] = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for obj in page.get("Contents", []):
            found[obj["Key"]] = obj["Size"]
    return found


def _unchanged(client: Any, bucket: str, upload: Upload, sizes: dict[str, int]) -> bool:
    """Whether the bucket already holds ``upload`` with the same sha256 and headers."""
    if sizes.get(upload.key) != upload.path.stat().st_size:
        return False
    head = client.head_object(Bucket=bucket, Key=upload.key)
    return (head.get("Metadata", {}).get("sha256") == upload.sha256
            and head.get("ContentType") == upload.content_type
            and head.get("CacheControl") == upload.cache_control)


def _invalidation_paths(changed: list[Upload], prefix: str) -> list[str]:
    """CloudFront paths to invalidate for ``changed`` (an index page also under its folder's URL)."""
    paths: list[str] = []
    for upload in changed:
        paths.append("/" + upload.key)
        if upload.key.endswith("index.html"):
            paths.append("/" + upload.key[: -len("index.html")])
    paths = sorted(set(paths))
    if len(paths) > INVALIDATE_ALL_OVER:
        return [f"/{prefix}*"]
    return paths


def publish(
    dist: Path,
    bucket: str,
    *,
    client: Any,
    prefix: str = "",
    dry_run: bool = False,
    cloudfront: Any = None,
    distribution_id: str | None = None,
    echo: Callable[[str], None] = print,
) -> PublishReport:
    """Upload what changed in ``dist`` to ``bucket`` with the S3 ``client``; feed and catalog last.

    With ``dry_run`` nothing is written (the bucket is still read, to tell what changed). With
    ``distribution_id`` and a CloudFront ``cloudfront`` client, the changed paths are invalidated.
    """
    prefix = normalise_prefix(prefix)
    uploads = plan(dist, prefix)
    sizes = _remote_state(client, bucket, prefix)
    report = PublishReport()
    verb = "would upload" if dry_run else "upload"
    changed: list[Upload] = []
    for upload in uploads:
        if _unchanged(client, bucket, upload, sizes):
            report.unchanged.append(upload.key)
            continue
        echo(f"{verb} s3://{bucket}/{upload.key} ({upload.content_type}; {upload.cache_control})")
        if not dry_run:
            with upload.path.open("rb") as body:
                client.put_object(Bucket=bucket, Key=upload.key, Body=body, ContentType=upload.content_type,
                                  CacheControl=upload.cache_control, Metadata={"sha256": upload.sha256})
        report.uploaded.append(upload.key)
        changed.append(upload)
    local = {u.key for u in uploads}
    report.stale = sorted(k for k in sizes if k not in local)
    for key in report.stale:
        echo(f"keep s3://{bucket}/{key} (no longer in {dist}; not deleted)")
    if distribution_id and changed:
        report.invalidated = _invalidation_paths(changed, prefix)
        echo(f"{'would invalidate' if dry_run else 'invalidate'} {len(report.invalidated)} path(s) "
             f"in CloudFront {distribution_id}: {' '.join(report.invalidated)}")
        if not dry_run:
            response = cloudfront.create_invalidation(
                DistributionId=distribution_id,
                InvalidationBatch={
                    "Paths": {"Quantity": len(report.invalidated), "Items": report.invalidated},
                    "CallerReference": f"gentle-steps-{time.time_ns()}",
                },
            )
            report.invalidation_id = response["Invalidation"]["Id"]
    echo(f"{'dry run: would upload' if dry_run else 'uploaded'} {len(report.uploaded)}, "
         f"{len(report.unchanged)} unchanged, {len(report.stale)} left in place")
    return report


def run(args: argparse.Namespace) -> int:
    """Entry point of ``gentle-steps publish``; returns the exit status."""
    if not getattr(args, "bucket", None):
        print("publish: no bucket given (--bucket NAME)", file=sys.stderr)
        return 2
    try:
        import boto3
        from botocore.config import Config
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:
        print("publish: boto3 is not installed (pip install boto3)", file=sys.stderr)
        return 2
    dist = Path(args.dist)
    try:
        check_dist(dist)  # before touching the network
        session = boto3.session.Session(region_name=args.region or None)
        config = Config(retries={"max_attempts": 5, "mode": "standard"})
        client = session.client("s3", endpoint_url=args.endpoint_url or None, config=config)
        cloudfront = None
        if args.distribution_id:
            # CloudFront is a global service; its API lives in us-east-1 whatever the bucket's region.
            cloudfront = session.client("cloudfront", region_name="us-east-1",
                                        endpoint_url=args.endpoint_url or None, config=config)
        publish(dist, args.bucket, client=client, prefix=args.prefix, dry_run=args.dry_run,
                cloudfront=cloudfront, distribution_id=args.distribution_id)
    except PublishError as exc:
        print(f"publish: {exc}", file=sys.stderr)
        return 2
    except ClientError as exc:
        error = exc.response.get("Error", {})
        print(f"publish: s3://{args.bucket}: {error.get('Code', 'error')}: {error.get('Message', exc)}",
              file=sys.stderr)
        return 1
    except BotoCoreError as exc:
        print(f"publish: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"publish: {exc.filename or dist}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    return 0
