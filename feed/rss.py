"""The podcast feed: RSS 2.0 with iTunes, Podcasting 2.0 and Podlove Simple Chapters tags, built with feedgen.

feedgen 1.0.0 traps handled here (each has a test): ``itunes:explicit`` only as yes/no/clean (written by
:class:`feed.extensions.ItunesExtraExtension` instead); ``add_entry`` prepends unless ``order="append"``;
``lastBuildDate`` defaults to now (set from the newest episode date, so unchanged content gives the same bytes);
a channel ``itunes:image`` not ending in .jpg/.png is silently dropped (refused here with a clear error);
``enclosure`` needs its type and length; the channel ``link`` is the last ``fg.link`` set, not the first.
"""

from __future__ import annotations

import html
import re
import uuid
from datetime import UTC, datetime

from feedgen.feed import FeedGenerator
from gentle_steps.audio.model import Episode, Manifest
from gentle_steps.audio.settings import ShowSettings
from gentle_steps.feed import extensions
from gentle_steps.feed.checks import category_problem
from gentle_steps.feed.extensions import Person, SoundbiteTag, Transcript
from gentle_steps.feed.transcripts import chapters

FEED_PATH = "feed.xml"
"""Where the feed lives in ``dist/``."""


class FeedError(ValueError):
    """The manifest cannot make a valid feed; the message names what is wrong."""


def feed_url(manifest: Manifest) -> str:
    """Absolute URL of the feed."""
    return manifest.base_url + FEED_PATH


def page_url(manifest: Manifest, episode: Episode) -> str:
    """Absolute URL of an episode's listening page."""
    return f"{manifest.base_url}episodes/{episode.id}/"


def episode_file_url(manifest: Manifest, episode: Episode, name: str) -> str:
    """Absolute URL of a file next to an episode's page (transcripts, chapters)."""
    return f"{page_url(manifest, episode)}{name}"


def publication_time(date: str) -> datetime:
    """An article date (``YYYY-MM-DD``) as the moment the feed publishes it: noon UTC that day.

    Noon rather than midnight keeps the same calendar day in every time zone from UTC-11 to UTC+11.
    """
    try:
        day = datetime.strptime(date, "%Y-%m-%d")
    except ValueError:
        raise FeedError(f"episode date {date!r} is not YYYY-MM-DD") from None
    return day.replace(hour=12, tzinfo=UTC)


def episode_guid(show: ShowSettings, episode: Episode, base_url: str = "") -> str:
    """The item guid: a UUIDv5 of the show's website and the episode id, so it never changes for the episode.

    Independent of ``--base-url``, so moving the audio to another host does not make apps download it again.
    A show without a website falls back to ``base_url`` (so the guid then follows the host).
    """
    home = show.website or base_url
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{home.rstrip('/')}/#episode:{episode.id}"))


def clock(ms: int) -> str:
    """A timestamp as show notes write it: ``M:SS`` or ``H:MM:SS``."""
    hours, rest = divmod(ms // 1000, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def show_notes_text(episode: Episode) -> str:
    """The item description: summary, then one ``(M:SS) Title`` line per section, which apps turn into chapters."""
    lines = [episode.description.strip(), "", "Sections:"] if episode.description.strip() else ["Sections:"]
    lines += [f"({clock(start)}) {title}" for start, _end, title in chapters(episode)]
    if episode.canonical_url:
        lines += ["", f"Read the original article: {episode.canonical_url}"]
    return "\n".join(lines)


def show_notes_html(episode: Episode, page: str) -> str:
    """The same show notes as HTML for ``content:encoded``, with a link to the listening page and transcript."""
    parts = [f"<p>{html.escape(episode.description.strip())}</p>"] if episode.description.strip() else []
    parts.append("<p>Sections:</p><ul>")
    parts += [f"<li>({clock(start)}) {html.escape(title)}</li>" for start, _end, title in chapters(episode)]
    parts.append("</ul>")
    parts.append(f'<p><a href="{html.escape(page)}">Read along with the full transcript</a></p>')
    if episode.canonical_url:
        parts.append(f'<p><a href="{html.escape(episode.canonical_url)}">Read the original article</a></p>')
    return "".join(parts)


def _check_image(url: str) -> str:
    if not url:
        raise FeedError("manifest has no artwork url; the build must provide show artwork (itunes:image)")
    # feedgen silently drops an itunes:image whose URL does not end like this, and Apple requires it.
    if not url.endswith((".jpg", ".png")):
        raise FeedError(f"artwork url {url!r} must end in .jpg or .png (Apple's rule; feedgen drops it otherwise)")
    return url


def build_feed(manifest: Manifest) -> bytes:
    """The feed for ``manifest`` as UTF-8 XML bytes, byte-identical for an unchanged manifest."""
    show = manifest.show
    if not manifest.episodes:
        raise FeedError("manifest has no episodes; a podcast feed needs at least one")
    if len(show.description.encode()) > 4000:
        raise FeedError("show description is longer than 4000 bytes (Apple's limit)")
    self_url = feed_url(manifest)
    image = _check_image(manifest.artwork.url if manifest.artwork else "")
    for category in show.categories:
        if problem := category_problem(tuple(category)):
            raise FeedError(f"categories: {problem}")
    home = show.website or manifest.base_url  # no website yet: the listening pages are the show's home

    fg = FeedGenerator()
    fg.load_extension("podcast")
    extensions.register(fg)

    fg.title(show.title)
    # feedgen uses the *last* link as the RSS channel link, so the self link goes first.
    fg.link(href=self_url, rel="self", type="application/rss+xml")
    fg.link(href=home, rel="alternate")
    fg.description(show.description)
    fg.language(show.language)
    if show.copyright:
        fg.copyright(show.copyright)
    fg.generator("gentle-steps")
    fg.image(url=image, title=show.title, link=home)
    newest = max(publication_time(ep.date) for ep in manifest.episodes)
    # feedgen defaults lastBuildDate to now; the content's own newest date keeps the bytes stable.
    fg.lastBuildDate(newest)
    fg.pubDate(newest)

    fg.podcast.itunes_author(show.author)
    if show.owner_email:  # feedgen refuses an owner without an email; `check` warns that it is missing
        fg.podcast.itunes_owner(name=show.owner_name or show.author, email=show.owner_email)
    fg.podcast.itunes_image(image)
    if fg.podcast.itunes_image() != image:
        raise FeedError(f"feedgen refused the artwork url {image!r}")
    fg.podcast.itunes_category([{"cat": c[0], "sub": c[1] if len(c) > 1 else None} for c in show.categories])
    fg.podcast.itunes_type("episodic")
    if show.subtitle:
        fg.podcast.itunes_subtitle(show.subtitle)
    fg.itunes_extra.explicit(show.explicit)

    fg.podcastindex.guid(extensions.podcast_guid(self_url))
    fg.podcastindex.locked(show.locked, show.owner_email)
    fg.podcastindex.medium(show.podcast_medium)
    fg.podcastindex.person(Person(show.author, role="author", group="writing", href=show.website))
    for funding in show.funding:
        fg.podcastindex.funding(funding.url, funding.text)
    if show.license:
        fg.podcastindex.license(show.license.id, show.license.url)
    for txt in show.txt:
        fg.podcastindex.txt(txt.value, txt.purpose)

    bites = soundbites(manifest)
    for ep in manifest.episodes:
        _add_item(fg, manifest, show, ep, image, bites.get(ep.id, []))
    return fg.rss_str(pretty=True, encoding="UTF-8", xml_declaration=True)


def _words(text: str) -> str:
    # Compared without case, punctuation, emoji or spacing: "It’s easy" and "its  EASY" name the same sentence.
    return " ".join(re.sub(r"[^\w\s]", "", text.casefold()).split())


def _find(sentences: list, words: str, what: str, where: str) -> int:
    wanted = _words(words)
    found = [i for i, s in enumerate(sentences) if wanted and _words(s.text).startswith(wanted)]
    if len(found) != 1:
        problem = "matches no sentence" if not found else f"matches {len(found)} sentences; quote more words"
        raise FeedError(f"show.toml {where}: {what} {words!r} {problem} of the episode")
    return found[0]


def soundbites(manifest: Manifest) -> dict[str, list[SoundbiteTag]]:
    """The ``[[soundbite]]`` passages of show.toml, found in their episodes: episode id -> soundbites.

    Each runs from the start of the sentence ``start`` names to the end of the sentence ``end`` names (or of
    the section). Raises :class:`FeedError` naming the table when an episode or sentence is not found.
    """
    episodes = {ep.id: ep for ep in manifest.episodes}
    found: dict[str, list[SoundbiteTag]] = {}
    for i, bite in enumerate(manifest.show.soundbite):
        where = f"soundbite[{i}]"
        episode = episodes.get(bite.episode)
        if episode is None:
            raise FeedError(f"show.toml {where}: no episode has the id {bite.episode!r} "
                            f"(ids: {', '.join(sorted(episodes))})")
        sentences = [s for sec in episode.sections for s in sec.sentences]
        # Where each section's sentences end in that list, to run a passage without an end to its section's end.
        section_ends = [sum(len(sec.sentences) for sec in episode.sections[:k + 1]) - 1
                        for k in range(len(episode.sections))]
        first = _find(sentences, bite.start, "start", where)
        if bite.end:
            last = _find(sentences, bite.end, "end", where)
            if last < first:
                raise FeedError(f"show.toml {where}: end {bite.end!r} comes before start {bite.start!r}")
        else:
            last = next(end for end in section_ends if end >= first)
        start, end = sentences[first].episode_start_ms, sentences[last].episode_end_ms
        found.setdefault(episode.id, []).append(SoundbiteTag(start, end - start, bite.title))
    return found


def _add_item(fg: FeedGenerator, manifest: Manifest, show: ShowSettings, ep: Episode, image: str,
              bites: list[SoundbiteTag]) -> None:
    page = page_url(manifest, ep)
    # Without order="append" feedgen prepends, which would reverse the episodes.
    fe = fg.add_entry(order="append")
    fe.title(ep.title)
    fe.link(href=page)
    fe.guid(episode_guid(show, ep, manifest.base_url), permalink=False)
    fe.pubDate(publication_time(ep.date))
    fe.description(show_notes_text(ep))
    fe.content(show_notes_html(ep, page), type="CDATA")
    if ep.audio.bytes <= 0:
        raise FeedError(f"episode {ep.id}: audio byte size {ep.audio.bytes} is not a real file size")
    fe.enclosure(url=ep.audio.url, length=str(ep.audio.bytes), type="audio/mpeg")

    fe.podcast.itunes_author(ep.author or show.author)
    fe.podcast.itunes_duration(str(round(ep.audio.duration_ms / 1000)))
    fe.podcast.itunes_episode(ep.number)
    fe.podcast.itunes_episode_type("full")
    fe.podcast.itunes_image(image)
    fe.itunes_extra.explicit(show.explicit)

    lang = show.language
    fe.podcastindex.transcript(Transcript(episode_file_url(manifest, ep, "transcript.vtt"), "text/vtt", lang,
                                          "captions"))
    fe.podcastindex.transcript(Transcript(episode_file_url(manifest, ep, "transcript.srt"),
                                          "application/x-subrip", lang, "captions"))
    fe.podcastindex.transcript(Transcript(episode_file_url(manifest, ep, "transcript.json"),
                                          "application/json", lang))
    fe.podcastindex.chapters(episode_file_url(manifest, ep, "chapters.json"))
    for start, _end, title in chapters(ep):
        fe.psc.chapter(start, title)
    for bite in bites:
        fe.podcastindex.soundbite(bite)
