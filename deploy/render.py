"""Everything computed from the manifest: the manifest file itself, the skill's catalog and package, the feed
and the pages; and a placeholder manifest to try them on before any audio exists."""

from __future__ import annotations

import tempfile
from pathlib import Path

from gentle_steps.audio.assemble import episode_path, section_path
from gentle_steps.audio.cache import Cache, digest
from gentle_steps.audio.model import (
    ArtworkInfo,
    AudioFile,
    Episode,
    Manifest,
    Prompt,
    Section,
    Sentence,
    VoiceInfo,
)
from gentle_steps.audio.plan import NarrationPlan
from gentle_steps.audio.settings import ShowSettings
from gentle_steps.deploy.catalog import catalog_for
from gentle_steps.deploy.output import encode
from gentle_steps.feed.site import render_site
from gentle_steps.skill.interaction import build_skill_package

EPUB_VERSION = 1
"""Part of every cached book's key: bump it when the books' layout changes."""


def render_books(manifest: Manifest, sources: dict[str, Path], artwork: bytes, cache: Cache) -> dict[str, Path]:
    """The EPUB 3 talking books (``dist/`` path -> finished file in the cache), made only when their manifest
    changed; the audio is streamed from the cache, never held in memory."""
    from gentle_steps.feed.epub import books, write_book

    made = {}
    for spec in books(manifest):
        key = digest("epub", EPUB_VERSION, spec.path, manifest.to_dict())
        path = cache.file_path(key)
        if path is None:
            cache.root.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryDirectory(prefix=".epub-", dir=cache.root) as tmp:
                target = Path(tmp) / "book.epub"
                with target.open("wb") as handle:
                    write_book(manifest, spec, handle, lambda rel: artwork if rel == manifest.artwork.path
                               else sources[rel])
                cache.put_file_from(key, target, {})
            path = cache.file_path(key)
        made[spec.path] = path
    return made


def render_outputs(manifest: Manifest, books: dict[str, int] | None = None) -> dict[str, bytes]:
    """Manifest, catalog, skill package, feed and pages (relative path -> bytes); ``books`` are the EPUBs'
    ``dist/`` paths and sizes, which the pages link."""
    files: dict[str, object] = {"manifest.json": manifest.to_dict()}
    catalog = catalog_for(manifest)
    files["catalog.json"] = catalog.to_dict()
    endpoint = manifest.show.skill_endpoint or None
    for path, data in build_skill_package(catalog, manifest.show.to_dict(), endpoint).items():
        files[f"skill-package/{path}"] = data
    files.update(render_site(manifest, books))
    return encode(files)


def _placeholder_audio(path: str, base_url: str) -> AudioFile:
    return AudioFile(path=path, url=base_url + path, profile="podcast", duration_ms=1000, bytes=1, sha256="0" * 64,
                     loudness_lufs=-16.0, true_peak_dbtp=-1.0, sample_rate=44100, bitrate_kbps=96)


def placeholder_manifest(plan: NarrationPlan, show: ShowSettings, base_url: str) -> Manifest:
    """The manifest the plan will give, with placeholder audio: rendering it finds every problem the feed,
    pages and skill package would meet, before minutes of narration."""
    episodes = []
    for ep in plan.episodes:
        sections = [Section(id=s.id, index=i, title=s.title, heading=s.heading,
                            sentences=[Sentence(text=ln.utterance.text, spoken=ln.utterance.spoken,
                                                kind=ln.utterance.kind, start_ms=0, end_ms=1,
                                                paragraph=ln.utterance.paragraph) for ln in s.lines],
                            audio=_placeholder_audio(section_path(ep, i, s), base_url),
                            episode_start_ms=i * 1000, episode_end_ms=(i + 1) * 1000)
                    for i, s in enumerate(ep.sections)]
        a = ep.article
        episodes.append(Episode(id=a.id, number=ep.number, title=a.title, date=a.date, description=a.description,
                                author=a.author, source=a.source, sections=sections,
                                audio=_placeholder_audio(episode_path(ep), base_url), references=a.references,
                                previous_title=a.previous_title, next_title=a.next_title,
                                canonical_url=a.canonical_url))
    prompts = [Prompt(id=p.id, text=p.text, spoken=p.line.utterance.spoken,
                      audio=_placeholder_audio(f"prompts/{p.id}.mp3", base_url)) for p in plan.prompts]
    return Manifest(base_url=base_url, show=show, voice=VoiceInfo("placeholder", "placeholder", "0"),
                    episodes=episodes, prompts=prompts,
                    artwork=ArtworkInfo("artwork.png", base_url + "artwork.png", "image/png", 3000, 3000, 1, "0" * 64))
