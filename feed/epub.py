"""EPUB 3 talking books: each episode, and the whole show, as its text with the narration synchronized to it.

Every spoken sentence is a ``<span id>`` in an XHTML content document and one SMIL ``<par>`` in that document's
Media Overlay, pointing at the span and at its clip of the episode MP3 (the same file podcast apps play). The
times come from the manifest, which knows them exactly from synthesis: a clip begins at its sentence's
``episode_start_ms`` and ends where the next sentence begins, so the pauses the build put between sentences are
played (a reading system plays only what lies between ``clipBegin`` and ``clipEnd``); the last clip ends at its
sentence's ``episode_end_ms``, inside the file, so no clip ever runs past the audio. Only the silent lead-in
and tail of each file are outside every clip.

Books are written with :mod:`gentle_steps.feed.ocf` (a deterministic ZIP) from Jinja2 templates in
``templates/epub/``; the audio and the cover are streamed from ``dist/`` (or given as bytes), never decoded.
"""

from __future__ import annotations

import io
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import BinaryIO

from gentle_steps.audio.model import Episode, Manifest, Section, Sentence
from gentle_steps.feed.ocf import Entry, write_container
from gentle_steps.feed.pages import (
    duration_words,
    episode_epub_path,
    long_date,
    show_epub_path,
    split_decoration,
    support_block,
)
from gentle_steps.feed.transcripts import section_title
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

DistFile = Callable[[str], "Path | bytes"]
"""How the writer reaches a file of ``dist/`` by its manifest path: a path to stream it from, or its bytes."""

ACTIVE_CLASS = "-epub-media-overlay-active"
"""``media:active-class``: the class a reading system puts on the sentence being read (styled in style.css)."""

PLAYBACK_ACTIVE_CLASS = "-epub-media-overlay-playing"
"""``media:playback-active-class``: the class put on the document element while the narration plays."""

_ENV = Environment(loader=PackageLoader("gentle_steps.feed", "templates/epub"), autoescape=True,
                   trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, undefined=StrictUndefined)


class EpubError(ValueError):
    """An EPUB cannot be made; the message names the episode or file and the problem."""


# --- What goes into a book ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """A sentence as the content document shows it: its element id and its words (a heading's emoji apart)."""

    id: str
    """The element's id, which the SMIL ``<text src>`` points at."""

    text: str
    """The article's words, whitespace collapsed."""

    emoji: str = ""
    """A heading's leading emoji, shown but hidden from assistive technology."""


@dataclass(frozen=True)
class Clip:
    """One SMIL ``<par>``: the sentence element it highlights and its clip of the episode audio, in ms."""

    id: str
    """The sentence element's id."""

    begin_ms: int
    """``clipBegin``: the sentence's start in the episode audio."""

    end_ms: int
    """``clipEnd``: the next sentence's start, or for the last sentence its own end."""


@dataclass
class Part:
    """One section of an episode as the templates need it."""

    id: str
    """The ``<section>`` element's id (``sec-`` and the section's slug)."""

    title: str
    """The section's title ("Introduction" for text before the first heading)."""

    heading: list[Span]
    """The spoken heading, if the section has one."""

    blocks: list[dict]
    """Paragraphs (``{"list": False, "spans": [...]}``) and lists (``{"list": True, "items": [[...], ...]}``)."""

    clips: list[Clip] = field(default_factory=list)
    """The section's clips in order, heading first."""


@dataclass
class Chapter:
    """One episode inside a book: a content document, its Media Overlay and its audio file."""

    episode: Episode
    title: list[Span]
    disclosure: list[Span]
    parts: list[Part]
    lead_clips: list[Clip]

    @property
    def name(self) -> str:
        """Base name of the episode's files inside the book."""
        return self.episode.id

    @property
    def clips(self) -> list[Clip]:
        """Every clip in reading order."""
        return self.lead_clips + [c for p in self.parts for c in p.clips]

    @property
    def duration_ms(self) -> int:
        """Playing time of the overlay: the sum of its clips (they touch, so first begin to last end)."""
        return sum(c.end_ms - c.begin_ms for c in self.clips)


def sentence_id(section: Section, n: int) -> str:
    """The id of the ``n``-th sentence of ``section`` in its content document (and, with ``p``, of its par)."""
    return f"s{section.index}-{n}"


def _blocks(body: list[tuple[str, Sentence]]) -> list[dict]:
    """Sentences sharing a block index form one paragraph or one list item; consecutive items form one list."""
    groups: list[tuple[tuple[int, bool], list[Span]]] = []
    for sid, s in body:
        key = (s.paragraph, s.kind == "item")
        span = Span(sid, " ".join(s.text.split()))
        if groups and groups[-1][0] == key:
            groups[-1][1].append(span)
        else:
            groups.append((key, [span]))
    blocks: list[dict] = []
    for (_, is_item), spans in groups:
        if is_item and blocks and blocks[-1]["list"]:
            blocks[-1]["items"].append(spans)
        elif is_item:
            blocks.append({"list": True, "items": [spans]})
        else:
            blocks.append({"list": False, "spans": spans})
    return blocks


def _heading(section: Section, sentences: list[tuple[str, Sentence]]) -> list[Span]:
    """The heading as spoken sentences; its emoji kept apart so the page can hide it from screen readers."""

    def split(sid: str, text: str) -> Span:
        emoji, words = split_decoration(text)
        return Span(sid, " ".join((words or text).split()), emoji if words else "")

    if len(sentences) == 1:
        sid, s = sentences[0]
        return [split(sid, section.heading or s.text)]
    return [split(sid, s.text) for sid, s in sentences]


def _timings(episode: Episode) -> dict[str, tuple[int, int]]:
    """Each sentence's clip: from its start to the next sentence's start; the last ends where its speech ends."""
    ordered = [(sentence_id(sec, n), s) for sec in episode.sections for n, s in enumerate(sec.sentences)]
    if not ordered:
        raise EpubError(f"episode {episode.id}: has no sentences to narrate")
    found: dict[str, tuple[int, int]] = {}
    for (sid, s), following in zip(ordered, ordered[1:] + [None], strict=True):
        end = following[1].episode_start_ms if following else s.episode_end_ms
        if not 0 <= s.episode_start_ms < s.episode_end_ms <= end:
            raise EpubError(f"episode {episode.id}: sentence {s.text[:40]!r} has timings out of order "
                            f"({s.episode_start_ms}-{s.episode_end_ms} ms, next begins at {end} ms)")
        found[sid] = (s.episode_start_ms, end)
    last_end = ordered[-1][1].episode_end_ms
    if last_end > episode.audio.duration_ms:
        raise EpubError(f"episode {episode.id}: narration ends at {last_end} ms, after the audio "
                        f"({episode.audio.duration_ms} ms)")
    return found


def chapter(episode: Episode) -> Chapter:
    """An episode's content, grouped for the templates, with its clips."""
    times = _timings(episode)
    title: list[Span] = []
    disclosure: list[Span] = []
    lead_clips: list[Clip] = []
    parts: list[Part] = []
    for sec in episode.sections:
        heading, body, clips = [], [], []
        for n, s in enumerate(sec.sentences):
            sid = sentence_id(sec, n)
            clip = Clip(sid, *times[sid])
            if s.kind in ("title", "disclosure"):
                (title if s.kind == "title" else disclosure).append(Span(sid, " ".join(s.text.split())))
                lead_clips.append(clip)
                continue
            clips.append(clip)
            (heading if s.kind == "heading" else body).append((sid, s))
        parts.append(Part(f"sec-{sec.id}", section_title(sec), _heading(sec, heading) if heading else [],
                          _blocks(body), clips))
    return Chapter(episode, title, disclosure, parts, lead_clips)


# --- Rendering ----------------------------------------------------------------------------------------------


def clock(ms: int) -> str:
    """Milliseconds as a SMIL full clock value, exact to the millisecond: ``0:02:51.400``."""
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours}:{minutes:02d}:{seconds:02d}.{millis:03d}"


_ENV.filters["clock"] = clock


@dataclass(frozen=True)
class BookSpec:
    """One EPUB the build makes: where it goes, what it is called, which episodes it holds."""

    path: str
    title: str
    episodes: tuple[Episode, ...]
    key: str
    """What the identifier is derived from: stable while the show's title and the episode ids are."""


def books(manifest: Manifest) -> list[BookSpec]:
    """Every EPUB of the build: one per episode, then the whole show (episodes in publication order)."""
    specs = [BookSpec(episode_epub_path(ep), ep.title, (ep,), f"episode/{ep.id}") for ep in manifest.episodes]
    if manifest.episodes:
        specs.append(BookSpec(show_epub_path(manifest), manifest.show.title, tuple(manifest.episodes), "show"))
    return specs


def _summary(chapters: list[Chapter]) -> str:
    unspoken = "the episode details and the support information at the end of each episode"
    if any(ch.episode.references for ch in chapters):
        unspoken = "the references, " + unspoken
    return ("The full text, with a narration by a synthetic voice that highlights each sentence as it is read "
            "(EPUB Media Overlays). Headings mark every section, and the table of contents lists them. "
            f"Text only, not narrated: {unspoken}.")


def _package(manifest: Manifest, spec: BookSpec, chapters: list[Chapter], cover: str | None) -> str:
    show, voice = manifest.show, manifest.voice
    newest = max(ch.episode.date for ch in chapters)
    authors = sorted({ch.episode.author or show.author for ch in chapters})
    return _ENV.get_template("package.opf").render(
        identifier=f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'urn:gentle-steps:{show.title}:{spec.key}')}",
        title=spec.title, language=show.language, authors=authors, publisher=show.author,
        date=newest,
        # From the content, not the clock: an unchanged show gives the same bytes.
        modified=f"{newest}T00:00:00Z",
        description=chapters[0].episode.description if len(chapters) == 1 else show.description,
        rights=show.copyright, chapters=chapters, cover=cover, artwork=manifest.artwork,
        total_ms=sum(ch.duration_ms for ch in chapters),
        # Auditory alone suffices when everything essential is narrated; references are not.
        auditory=not any(ch.episode.references for ch in chapters), summary=_summary(chapters),
        narrator=f"{voice.voice} (synthetic voice)", active_class=ACTIVE_CLASS,
        playback_active_class=PLAYBACK_ACTIVE_CLASS)


def _text_files(manifest: Manifest, spec: BookSpec, chapters: list[Chapter], cover: str | None) -> dict[str, bytes]:
    show = manifest.show
    files = {
        "META-INF/container.xml": _ENV.get_template("container.xml").render(),
        "EPUB/package.opf": _package(manifest, spec, chapters, cover),
        "EPUB/nav.xhtml": _ENV.get_template("nav.xhtml").render(title=spec.title, language=show.language,
                                                                 chapters=chapters),
    }
    support = Markup(support_block(show))  # the pages' own block: identical wording everywhere
    for ch in chapters:
        ep = ch.episode
        files[f"EPUB/{ch.name}.xhtml"] = _ENV.get_template("episode.xhtml").render(
            chapter=ch, episode=ep, language=show.language, date=long_date(ep.date),
            duration=duration_words(ep.audio.duration_ms), support=support)
        files[f"EPUB/{ch.name}.smil"] = _ENV.get_template("overlay.smil").render(
            chapter=ch, doc=f"{ch.name}.xhtml", audio=f"audio/{ch.name}.mp3")
    encoded = {name: text.encode("utf-8") for name, text in files.items()}
    encoded["EPUB/style.css"] = resources.files("gentle_steps.feed").joinpath("templates/epub/style.css").read_bytes()
    return encoded


def _media(dist_file: DistFile, rel: str, expected_bytes: int, book: str) -> Path | bytes:
    """A file of dist/ to package, checked against the manifest's size so stale audio is never packaged."""
    source = dist_file(rel)
    try:
        size = len(source) if isinstance(source, bytes) else Path(source).stat().st_size
    except OSError as exc:
        raise EpubError(f"{book}: cannot read {rel} ({exc.strerror or exc})") from None
    if size != expected_bytes:
        raise EpubError(f"{book}: {rel} is {size} bytes but the manifest says {expected_bytes}; build again")
    return source if isinstance(source, bytes) else Path(source)


def write_book(manifest: Manifest, spec: BookSpec, target: BinaryIO, dist_file: DistFile) -> None:
    """Write one EPUB to ``target`` (a seekable binary file). Raises :class:`EpubError` naming the problem."""
    chapters = [chapter(ep) for ep in spec.episodes]
    entries: list[Entry] = []
    cover = None
    if manifest.artwork:
        cover = "cover" + Path(manifest.artwork.path).suffix.lower()
        entries.append(Entry(f"EPUB/{cover}", _media(dist_file, manifest.artwork.path, manifest.artwork.bytes,
                                                      spec.path)))
    for ch in chapters:
        audio = ch.episode.audio
        entries.append(Entry(f"EPUB/audio/{ch.name}.mp3", _media(dist_file, audio.path, audio.bytes, spec.path)))
    entries += [Entry(name, data) for name, data in _text_files(manifest, spec, chapters, cover).items()]
    write_container(target, entries)


def write_epubs(manifest: Manifest, dist_file: DistFile, out: Path) -> list[str]:
    """Write every EPUB (:func:`books`) under ``out``; returns their paths relative to it.

    Each is written to a temporary file beside it and renamed into place, so a failure leaves no partial book.
    Memory stays bounded: audio and artwork given as paths are streamed.
    """
    written = []
    for spec in books(manifest):
        target = out / spec.path
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.partial")
        try:
            with partial.open("wb") as fh:
                write_book(manifest, spec, fh, dist_file)
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
        written.append(spec.path)
    return written


def render_epubs(manifest: Manifest, dist_file: DistFile) -> dict[str, bytes]:
    """Every EPUB as path -> bytes, for a build that holds its outputs in memory (prefer :func:`write_epubs`)."""
    books_out = {}
    for spec in books(manifest):
        buffer = io.BytesIO()
        write_book(manifest, spec, buffer, dist_file)
        books_out[spec.path] = buffer.getvalue()
    return books_out
