"""feedgen extensions for what feedgen 1.0.0 does not write: Podcasting 2.0 tags, Podlove Simple Chapters, and
``itunes:explicit`` as ``true``/``false``.

Each is feedgen's three-method hook (``extend_ns``, ``extend_rss``, ``extend_atom``) and nothing more. Register
them with :func:`register` after ``fg.load_extension("podcast")``; they then appear as ``fg.podcastindex``,
``fg.psc`` and ``fg.itunes_extra`` (and the same names on each entry). The name ``podcast`` is taken by feedgen's
own iTunes extension, so the Podcasting 2.0 one is called ``podcastindex`` while its XML prefix stays ``podcast``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

import lxml.etree  # noqa: F401  feedgen.util uses lxml.etree but imports only lxml
from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.util import xml_elem

PODCAST_NS = "https://podcastindex.org/namespace/1.0"
"""The Podcasting 2.0 namespace."""

ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
"""Apple's podcast namespace (the prefix feedgen's podcast extension declares)."""

PSC_NS = "http://podlove.org/simple-chapters"
"""Podlove Simple Chapters."""

GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
"""UUIDv5 namespace the Podcasting 2.0 spec fixes for ``podcast:guid``."""


def podcast_guid(feed_url: str) -> str:
    """``podcast:guid`` for a feed URL: UUIDv5 of the URL without its scheme and trailing slashes.

    The spec's own example: ``https://podnews.net/rss`` gives ``9b024349-ccf0-5f69-a609-6b82873eab3c``.
    """
    parts = urlsplit(feed_url.strip())
    name = parts.netloc + parts.path + (f"?{parts.query}" if parts.query else "")
    return str(uuid.uuid5(GUID_NAMESPACE, name.rstrip("/")))


@dataclass(frozen=True)
class Transcript:
    """One ``podcast:transcript`` of an item."""

    url: str
    """Absolute URL of the file."""

    type: str
    """MIME type: ``text/vtt``, ``application/x-subrip`` or ``application/json``."""

    language: str = ""
    """BCP 47 language of the text."""

    rel: str = ""
    """``captions`` when the file has timed cues meant as captions (WebVTT, SRT)."""


@dataclass(frozen=True)
class Person:
    """One ``podcast:person``."""

    name: str
    """The person's name (element text)."""

    role: str = "host"
    """Role from the Podcasting 2.0 taxonomy."""

    group: str = "cast"
    """Group from the taxonomy the role belongs to."""

    href: str = ""
    """Their website, if any."""


class PodcastIndexExtension(BaseExtension):
    """Channel tags of the Podcasting 2.0 namespace: guid, locked, medium, person, funding, license, txt."""

    def __init__(self) -> None:
        self._guid: str | None = None
        self._locked: tuple[bool, str] | None = None
        self._medium: str | None = None
        self._persons: list[Person] = []
        self._funding: list[tuple[str, str]] = []
        self._license: tuple[str, str] | None = None
        self._txt: list[tuple[str, str]] = []

    def extend_ns(self) -> dict[str, str]:
        """The namespace prefix this extension writes."""
        return {"podcast": PODCAST_NS}

    def extend_rss(self, rss_feed):
        """Append the channel tags."""
        channel = rss_feed[0]
        if self._guid:
            xml_elem(f"{{{PODCAST_NS}}}guid", channel).text = self._guid
        if self._locked is not None:
            locked, owner = self._locked
            elem = xml_elem(f"{{{PODCAST_NS}}}locked", channel)
            elem.text = "yes" if locked else "no"
            if owner:
                elem.attrib["owner"] = owner
        if self._medium:
            xml_elem(f"{{{PODCAST_NS}}}medium", channel).text = self._medium
        _write_persons(channel, self._persons)
        for url, text in self._funding:
            xml_elem(f"{{{PODCAST_NS}}}funding", channel, url=url).text = text
        if self._license:
            identifier, url = self._license
            elem = xml_elem(f"{{{PODCAST_NS}}}license", channel)
            if url:
                elem.attrib["url"] = url
            elem.text = identifier
        for value, purpose in self._txt:
            elem = xml_elem(f"{{{PODCAST_NS}}}txt", channel)
            if purpose:
                elem.attrib["purpose"] = purpose
            elem.text = value
        return rss_feed

    def extend_atom(self, atom_feed):
        """Atom output is not produced; unchanged."""
        return atom_feed

    def guid(self, value: str) -> None:
        """Set ``podcast:guid`` (see :func:`podcast_guid`)."""
        self._guid = value

    def locked(self, locked: bool, owner: str = "") -> None:
        """Set ``podcast:locked`` and its ``owner`` email."""
        self._locked = (locked, owner)

    def medium(self, value: str) -> None:
        """Set ``podcast:medium`` (``podcast``, ``music``, ``audiobook``...)."""
        self._medium = value

    def person(self, person: Person) -> None:
        """Add a ``podcast:person``."""
        self._persons.append(person)

    def funding(self, url: str, text: str) -> None:
        """Add a ``podcast:funding`` link with the text apps show next to it."""
        self._funding.append((url, text))

    def license(self, identifier: str, url: str = "") -> None:
        """Set ``podcast:license``: a licence identifier, and the URL of its text (needed for a custom one)."""
        self._license = (identifier, url)

    def txt(self, value: str, purpose: str = "") -> None:
        """Add a ``podcast:txt`` (``purpose="verify"`` for an ownership-verification code)."""
        self._txt.append((value, purpose))


@dataclass(frozen=True)
class SoundbiteTag:
    """One ``podcast:soundbite`` of an item: a passage of the enclosure."""

    start_ms: int
    """Where the passage starts in the episode file."""

    duration_ms: int
    """How long it lasts."""

    title: str = ""
    """Its title; empty leaves the element empty, and apps use the episode title."""


class PodcastIndexEntryExtension(BaseEntryExtension):
    """Item tags of the Podcasting 2.0 namespace: transcript, chapters, person, soundbite."""

    def __init__(self) -> None:
        self._transcripts: list[Transcript] = []
        self._chapters: str | None = None
        self._persons: list[Person] = []
        self._soundbites: list[SoundbiteTag] = []

    def extend_ns(self) -> dict[str, str]:
        """The namespace prefix this extension writes."""
        return {"podcast": PODCAST_NS}

    def extend_rss(self, entry):
        """Append the item tags."""
        for t in self._transcripts:
            elem = xml_elem(f"{{{PODCAST_NS}}}transcript", entry, url=t.url, type=t.type)
            if t.language:
                elem.attrib["language"] = t.language
            if t.rel:
                elem.attrib["rel"] = t.rel
        if self._chapters:
            xml_elem(f"{{{PODCAST_NS}}}chapters", entry, url=self._chapters, type="application/json+chapters")
        _write_persons(entry, self._persons)
        for bite in self._soundbites:
            xml_elem(f"{{{PODCAST_NS}}}soundbite", entry, startTime=seconds(bite.start_ms),
                     duration=seconds(bite.duration_ms)).text = bite.title or None
        return entry

    def extend_atom(self, entry):
        """Atom output is not produced; unchanged."""
        return entry

    def transcript(self, transcript: Transcript) -> None:
        """Add a ``podcast:transcript``."""
        self._transcripts.append(transcript)

    def chapters(self, url: str) -> None:
        """Set ``podcast:chapters`` (a JSON chapters file)."""
        self._chapters = url

    def soundbite(self, bite: SoundbiteTag) -> None:
        """Add a ``podcast:soundbite``."""
        self._soundbites.append(bite)

    def person(self, person: Person) -> None:
        """Add a ``podcast:person``."""
        self._persons.append(person)


def _write_persons(parent, persons: list[Person]) -> None:
    for p in persons:
        elem = xml_elem(f"{{{PODCAST_NS}}}person", parent, role=p.role, group=p.group)
        if p.href:
            elem.attrib["href"] = p.href
        elem.text = p.name


class SimpleChaptersExtension(BaseExtension):
    """Declares the ``psc`` namespace on the channel (the chapters themselves are per item)."""

    def extend_ns(self) -> dict[str, str]:
        """The namespace prefix this extension writes."""
        return {"psc": PSC_NS}

    def extend_rss(self, rss_feed):
        """Nothing at channel level."""
        return rss_feed

    def extend_atom(self, atom_feed):
        """Atom output is not produced; unchanged."""
        return atom_feed


class SimpleChaptersEntryExtension(BaseEntryExtension):
    """``psc:chapters`` (Podlove Simple Chapters 1.2) for apps that read only those."""

    def __init__(self) -> None:
        self._chapters: list[tuple[int, str]] = []

    def extend_ns(self) -> dict[str, str]:
        """The namespace prefix this extension writes."""
        return {"psc": PSC_NS}

    def extend_rss(self, entry):
        """Append ``psc:chapters`` with one ``psc:chapter`` per start."""
        if self._chapters:
            chapters = xml_elem(f"{{{PSC_NS}}}chapters", entry, version="1.2")
            for start_ms, title in self._chapters:
                xml_elem(f"{{{PSC_NS}}}chapter", chapters, start=npt(start_ms), title=title)
        return entry

    def extend_atom(self, entry):
        """Atom output is not produced; unchanged."""
        return entry

    def chapter(self, start_ms: int, title: str) -> None:
        """Add a chapter starting at ``start_ms``."""
        self._chapters.append((start_ms, title))


def seconds(ms: int) -> str:
    """Milliseconds as seconds with a decimal point, as podcast:soundbite writes times (``18.48``, ``35.0``)."""
    return f"{ms // 1000}.{ms % 1000:03d}".rstrip("0").rstrip(".") + (".0" if ms % 1000 == 0 else "")


def npt(ms: int) -> str:
    """Normal play time as Podlove Simple Chapters writes it: ``HH:MM:SS.mmm``."""
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


class ItunesExtraExtension(BaseExtension):
    """``itunes:explicit`` as ``true``/``false`` on the channel.

    feedgen 1.0.0 accepts only yes/no/clean, while Apple's current spec asks for true/false; so the podcast
    extension's own explicit is left unset and this one writes it.
    """

    def __init__(self) -> None:
        self._explicit: bool | None = None

    def extend_ns(self) -> dict[str, str]:
        """The same prefix feedgen's podcast extension declares."""
        return {"itunes": ITUNES_NS}

    def extend_rss(self, rss_feed):
        """Append ``itunes:explicit``."""
        if self._explicit is not None:
            xml_elem(f"{{{ITUNES_NS}}}explicit", rss_feed[0]).text = "true" if self._explicit else "false"
        return rss_feed

    def extend_atom(self, atom_feed):
        """Atom output is not produced; unchanged."""
        return atom_feed

    def explicit(self, value: bool) -> None:
        """Set ``itunes:explicit``."""
        self._explicit = bool(value)


class ItunesExtraEntryExtension(BaseEntryExtension):
    """``itunes:explicit`` as ``true``/``false`` on an item (see :class:`ItunesExtraExtension`)."""

    def __init__(self) -> None:
        self._explicit: bool | None = None

    def extend_ns(self) -> dict[str, str]:
        """The same prefix feedgen's podcast extension declares."""
        return {"itunes": ITUNES_NS}

    def extend_rss(self, entry):
        """Append ``itunes:explicit``."""
        if self._explicit is not None:
            xml_elem(f"{{{ITUNES_NS}}}explicit", entry).text = "true" if self._explicit else "false"
        return entry

    def extend_atom(self, entry):
        """Atom output is not produced; unchanged."""
        return entry

    def explicit(self, value: bool) -> None:
        """Set ``itunes:explicit``."""
        self._explicit = bool(value)


def register(fg) -> None:
    """Register the three extensions on a FeedGenerator that already loaded feedgen's ``podcast`` extension."""
    fg.register_extension("podcastindex", PodcastIndexExtension, PodcastIndexEntryExtension)
    fg.register_extension("psc", SimpleChaptersExtension, SimpleChaptersEntryExtension)
    fg.register_extension("itunes_extra", ItunesExtraExtension, ItunesExtraEntryExtension)
