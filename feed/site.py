"""The feed stage's entry point: everything ``feed/`` adds to ``dist/``, computed from the manifest alone.

:func:`render_site` is pure and deterministic: it reads no clock, no file but its own packaged static assets
and templates, and returns the same bytes for the same manifest. The build writes what it returns.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources

from gentle_steps.audio.model import Manifest
from gentle_steps.feed.pages import episode_dir, render_episode, render_index
from gentle_steps.feed.rss import FEED_PATH, FeedError, build_feed, page_url
from gentle_steps.feed.transcripts import to_json_chapters, to_json_transcript, to_srt, to_vtt

STATIC_FILES = ("style.css", "player.js")
"""Shared assets copied to ``dist/static/``."""

__all__ = ["FeedError", "STATIC_FILES", "render_site"]


def _check_ids(manifest: Manifest) -> None:
    seen: set[str] = set()
    for ep in manifest.episodes:
        if ep.id in seen:
            raise FeedError(f"two episodes share the id {ep.id!r}; episode ids must be unique")
        seen.add(ep.id)
        section_ids = [s.id for s in ep.sections]
        if len(set(section_ids)) != len(section_ids):
            raise FeedError(f"episode {ep.id}: two sections share an id ({', '.join(section_ids)})")
        if not ep.sections:
            raise FeedError(f"episode {ep.id}: has no sections")


def render_site(manifest: Manifest, epubs: Mapping[str, int] | None = None) -> dict[str, bytes]:
    """Every file the feed stage adds to ``dist/``, as relative POSIX path -> bytes.

    ``feed.xml``, ``index.html``, ``static/*``, and per episode ``episodes/<id>/index.html``, ``transcript.vtt``,
    ``transcript.srt``, ``transcript.json`` and ``chapters.json``. ``epubs`` (``dist/`` path -> size) are EPUB 3
    talking books the build writes beside them (:mod:`gentle_steps.feed.epub`): the pages link the ones at
    :func:`~feed.pages.episode_epub_path` and :func:`~feed.pages.show_epub_path`. Raises :class:`FeedError` naming the
    problem when the manifest cannot make a valid feed.
    """
    if not manifest.base_url.endswith("/"):
        raise FeedError(f"base_url {manifest.base_url!r} must end with '/'")
    _check_ids(manifest)
    show = manifest.show
    sizes = dict(epubs or {})
    files: dict[str, bytes] = {FEED_PATH: build_feed(manifest), "index.html": render_index(manifest, sizes).encode()}
    for name in STATIC_FILES:
        files[f"static/{name}"] = resources.files("gentle_steps.feed").joinpath(f"static/{name}").read_bytes()
    for ep in manifest.episodes:
        folder = episode_dir(ep)
        files[f"{folder}/index.html"] = render_episode(manifest, ep, sizes).encode()
        files[f"{folder}/transcript.vtt"] = to_vtt(ep).encode()
        files[f"{folder}/transcript.srt"] = to_srt(ep).encode()
        files[f"{folder}/transcript.json"] = to_json_transcript(ep)
        files[f"{folder}/chapters.json"] = to_json_chapters(ep, show.title, page_url(manifest, ep))
    return dict(sorted(files.items()))
