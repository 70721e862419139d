"""Listening pages: the show's ``index.html`` and one ``episodes/<id>/index.html`` per episode.

Static HTML with plain CSS; ``static/player.js`` only enhances (the compact player that stays in view, in-page
seeking, the current sentence highlight and "follow along", a copy button). Without it every page still plays
with the browser's own controls, and the section links open the audio at the section's start through a media
fragment (``episode.mp3#t=SECONDS``).

The HTML lives in Jinja2 templates (``feed/templates/``, autoescaped, as Pelican and MkDocs render theirs);
this module prepares what they show. Every page extends ``base.html``, so the support block sits in the same
place everywhere (WCAG 3.2.6).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gentle_steps.audio.model import Episode, Manifest, Section, Sentence
from gentle_steps.audio.settings import ShowSettings
from gentle_steps.audio.text import is_emoji, slugify
from gentle_steps.feed.rss import FEED_PATH, clock, feed_url
from gentle_steps.feed.transcripts import section_title
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

SPEEDS = ("0.75", "1", "1.25", "1.5", "1.75", "2")
"""Playback rates the speed control offers (the issue asks for 0.75x to 2x)."""

SKIP_SECONDS = 15
"""How far the compact player's "Back" and "Forward" buttons move (``data-skip`` on each button)."""

"""Where the whole show's EPUB 3 talking book goes in ``dist/``, once the build writes one."""

FILES = (
    ("transcript.vtt", "Captions (WebVTT)"),
    ("transcript.srt", "Captions (SRT)"),
    ("transcript.json", "Transcript (JSON)"),
    ("chapters.json", "Chapters (JSON)"),
)
"""The files beside each episode page that the transcript links to, with their labels."""

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
_PHONE = re.compile(r"\b\d(?:[\d-]*\d)?\b")


def episode_dir(episode: Episode) -> str:
    """The folder of an episode's page in ``dist/``."""
    return f"episodes/{episode.id}"


def show_epub_path(manifest: Manifest) -> str:
    """``<slug of the show's title>.epub`` at the top of ``dist/``: every episode in one book."""
    return f"{slugify(manifest.show.title, 'show')}.epub"


def episode_epub_path(episode: Episode) -> str:
    """Where an episode's EPUB 3 talking book goes in ``dist/``, once the build writes one."""
    return f"{episode_dir(episode)}/{episode.id}.epub"


@dataclass(frozen=True)
class Download:
    """A file a page links to for download, with its size for the link text."""

    href: str
    """Link relative to the page."""

    bytes: int
    """Size of the file."""


def relative(target: str, from_dir: str) -> str:
    """A POSIX path in ``dist/`` as a link relative to a page in ``from_dir``, so dist/ works under any base."""
    return posixpath.relpath(target, from_dir or ".")


def long_date(date: str) -> str:
    """``2026-01-15`` as "January 15, 2026" (fixed English month names: no locale, same bytes everywhere)."""
    year, month, day = (int(x) for x in date.split("-"))
    return f"{_MONTHS[month - 1]} {day}, {year}"


def duration_words(ms: int) -> str:
    """A duration as people say it: "under a minute", "1 minute", "12 minutes"."""
    minutes = round(ms / 60000)
    if minutes < 1:
        return "under a minute"
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def megabytes(size: int) -> str:
    """A file size for a download link."""
    return f"{size / 1_000_000:.1f} MB"


def seconds_attr(ms: int) -> str:
    """Milliseconds as a compact decimal number of seconds (``18.48``), for data attributes and ``#t=``."""
    text = f"{ms / 1000:.3f}".rstrip("0").rstrip(".")
    return text or "0"


def squash(text: str) -> str:
    """Runs of whitespace (line breaks from the article included) as single spaces."""
    return " ".join(text.split())


def _is_decoration(ch: str) -> bool:
    return is_emoji(ch) or ch.isspace()  # the one emoji rule (audio.text.EMOJI)


def split_decoration(heading: str) -> tuple[str, str]:
    """A heading as (leading emoji, words): "🧨 Trust..." -> ("🧨", "Trust..."). Pages hide the emoji from
    screen readers, which would otherwise announce "firecracker" before every heading."""
    i = 0
    while i < len(heading) and _is_decoration(heading[i]):
        i += 1
    return heading[:i].strip(), heading[i:].strip()


@dataclass(frozen=True)
class ContactParts:
    """A crisis contact line cut around its phone number, for a ``tel:``/``sms:`` link."""

    before: str
    """Text before the number (the whole line when there is no number)."""

    number: str = ""
    """The number as written, e.g. ``1-800-799-7233``; empty when the line has none."""

    after: str = ""
    """Text after the number."""

    scheme: str = "tel"
    """``sms`` for a text-only line ("Text HOME to 741741"), else ``tel``."""

    @property
    def dial(self) -> str:
        """The number without dashes, as the link dials it."""
        return self.number.replace("-", "")


def contact_parts(contact: str) -> ContactParts:
    """The contact line with its number picked out: one tap on a phone."""
    match = _PHONE.search(contact)
    if not match:
        return ContactParts(contact)
    lowered = contact.lower()
    # "Text HOME to 741741" is a text-only line; "Call or text 988" can be called.
    scheme = "sms" if "text" in lowered and "call" not in lowered else "tel"
    return ContactParts(contact[:match.start()], match.group(0), contact[match.end():], scheme)


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("gentle_steps.feed", "templates"),
        autoescape=select_autoescape(["html"], default_for_string=True, default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        seconds=seconds_attr, clock=clock, long_date=long_date, duration_words=duration_words,
        megabytes=megabytes, squash=squash, split_decoration=split_decoration, contact_parts=contact_parts,
        episode_dir=episode_dir,
    )
    return env


_ENV = _environment()


def render_page(template: str, show: ShowSettings, page_dir: str, **context: Any) -> str:
    """``template`` (one of base.html's pages) for a page in ``page_dir`` of dist/ ("" for the top)."""
    root = relative(".", page_dir) + "/" if page_dir else ""
    return _ENV.get_template(template).render(show=show, root=root, **context)


def support_block(show: ShowSettings) -> str:
    """The disclaimer and crisis resources, identical on every page."""
    return _ENV.get_template("support.html").render(show=show)


# --- Episode page -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HeadingPart:
    """One piece of a section heading: a narrated heading sentence (timed), or the heading text (untimed)."""

    text: str
    timed: bool = False
    start_ms: int = 0
    end_ms: int = 0


@dataclass(frozen=True)
class Block:
    """One paragraph (a single item) or one list (an item per list entry) of narrated sentences."""

    is_list: bool
    items: list[list[Sentence]]


@dataclass(frozen=True)
class SectionView:
    """What the episode template shows of one section."""

    title: str
    anchor: str
    start_ms: int
    heading_parts: list[HeadingPart]
    blocks: list[Block]


def _heading_parts(section: Section) -> list[HeadingPart]:
    headings = [s for s in section.sentences if s.kind == "heading"]
    if len(headings) == 1:
        h = headings[0]
        return [HeadingPart(section.heading or h.text, True, h.episode_start_ms, h.episode_end_ms)]
    # A heading the narration split into several sentences: each keeps its own timing.
    return ([HeadingPart(h.text, True, h.episode_start_ms, h.episode_end_ms) for h in headings]
            or [HeadingPart(section.heading or section_title(section))])


def _blocks(section: Section) -> list[Block]:
    # Sentences sharing a block index (and kind) form one paragraph or one list item; consecutive items one list.
    groups: list[tuple[tuple[int, str], list[Sentence]]] = []
    for s in section.sentences:
        if s.kind == "heading":
            continue
        key = (s.paragraph, s.kind if s.kind in ("title", "disclosure", "item") else "paragraph")
        if groups and groups[-1][0] == key:
            groups[-1][1].append(s)
        else:
            groups.append((key, [s]))
    blocks: list[Block] = []
    for _key, sentences in groups:
        is_item = sentences[0].kind == "item"
        if is_item and blocks and blocks[-1].is_list:
            blocks[-1].items.append(sentences)
        else:
            blocks.append(Block(is_item, [sentences]))
    return blocks


def section_view(section: Section) -> SectionView:
    """The section as the template shows it."""
    return SectionView(section_title(section), f"section-{section.id}", section.episode_start_ms,
                       _heading_parts(section), _blocks(section))


def _download(path: str, sizes: Mapping[str, int] | None, here: str) -> Download | None:
    if not sizes or path not in sizes:
        return None
    return Download(relative(path, here), sizes[path])


def render_episode(manifest: Manifest, episode: Episode, epubs: Mapping[str, int] | None = None) -> str:
    """The listening page of one episode.

    ``epubs`` maps ``dist/`` paths of EPUB files the build wrote to their sizes; the page links
    :func:`episode_epub_path` only when it is there, so no page links a book that does not exist.
    """
    show = manifest.show
    here = episode_dir(episode)
    return render_page(
        "episode.html", show, here,
        title=f"{episode.title} · {show.title}",
        description=episode.description or show.description,
        episode=episode,
        audio=relative(episode.audio.path, here),
        feed_href=relative(FEED_PATH, here),
        speeds=SPEEDS,
        skip_seconds=SKIP_SECONDS,
        sections=[section_view(s) for s in episode.sections],
        files=FILES,
        epub=_download(episode_epub_path(episode), epubs, here),
        canonical=episode.canonical_url,
    )


# --- Show page ----------------------------------------------------------------------------------------------


def render_index(manifest: Manifest, epubs: Mapping[str, int] | None = None) -> str:
    """The show's home page: episodes (newest first), how to subscribe, how to ask the Alexa skill.

    Links :func:`show_epub_path` only when ``epubs`` (``dist/`` path -> size) has it.
    """
    show = manifest.show
    return render_page(
        "index.html", show, "",
        title=f"{show.title}: listen to the articles",
        description=show.description,
        episodes=list(reversed(manifest.episodes)),
        feed_url=feed_url(manifest),
        # Written as people see it; Alexa matches the spoken words whatever their case.
        skill_name=show.invocation_name.title(),
        epub=_download(show_epub_path(manifest), epubs, ""),
    )
