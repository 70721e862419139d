"""Listening pages: the show's ``index.html`` and one ``episodes/<id>/index.html`` per episode.

Static HTML with plain CSS; ``static/player.js`` only enhances (speed control, in-page seeking, the current
sentence highlight, a copy button). Without it every page still plays, and the section links open the audio
at the section's start through a media fragment (``episode.mp3#t=SECONDS``). Every page shares one layout
(``templates/page.html``), so the support block sits in the same place everywhere (WCAG 3.2.6).
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
from html import escape
from importlib import resources
from string import Template

from gentle_steps.audio.model import Episode, Manifest, Section, Sentence
from gentle_steps.audio.settings import ShowSettings
from gentle_steps.feed.rss import FEED_PATH, clock, feed_url
from gentle_steps.feed.transcripts import section_title

SPEEDS = ("0.75", "1", "1.25", "1.5", "1.75", "2")
"""Playback rates the speed control offers (the issue asks for 0.75x to 2x)."""

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
_PHONE = re.compile(r"\b\d(?:[\d-]*\d)?\b")


def _template() -> Template:
    return Template(resources.files("gentle_steps.feed").joinpath("templates/page.html").read_text(encoding="utf-8"))


def episode_dir(episode: Episode) -> str:
    """The folder of an episode's page in ``dist/``."""
    return f"episodes/{episode.id}"


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


def _is_decoration(ch: str) -> bool:
    # Emoji and pictographs (So), skin-tone and other modifiers (Sk), variation selectors and joiners (Mn/Cf).
    return unicodedata.category(ch) in ("So", "Sk", "Mn", "Cf") or ch.isspace()


def split_decoration(heading: str) -> tuple[str, str]:
    """A heading as (leading emoji, words): "🧨 Trust..." -> ("🧨", "Trust..."). Pages hide the emoji from
    screen readers, which would otherwise announce "firecracker" before every heading."""
    i = 0
    while i < len(heading) and _is_decoration(heading[i]):
        i += 1
    return heading[:i].strip(), heading[i:].strip()


def _heading_html(text: str) -> str:
    emoji, words = split_decoration(text)
    if emoji and words:
        return f'<span class="emoji" aria-hidden="true">{escape(emoji)}</span> {escape(words)}'
    return escape(words or text)


def _contact_html(contact: str) -> str:
    """The contact line with its number as a ``tel:`` (or ``sms:``) link: one tap on a phone."""
    match = _PHONE.search(contact)
    if not match:
        return escape(contact)
    number = match.group(0)
    lowered = contact.lower()
    # "Text HOME to 741741" is a text-only line; "Call or text 988" can be called.
    scheme = "sms" if "text" in lowered and "call" not in lowered else "tel"
    return (f'{escape(contact[:match.start()])}<a href="{scheme}:{number.replace("-", "")}">{escape(number)}</a>'
            f"{escape(contact[match.end():])}")


def support_block(show: ShowSettings) -> str:
    """The disclaimer and crisis resources, identical on every page."""
    lines = [
        '<section class="support" id="support" aria-labelledby="support-heading">',
        '<h2 id="support-heading">If you need help now</h2>',
        f"<p>{escape(show.disclaimer)}</p>",
    ]
    if show.crisis_resources:
        lines.append('<ul class="resources">')
        lines += [f"<li><strong>{escape(r.name)}</strong>: {_contact_html(r.contact)}</li>"
                  for r in show.crisis_resources]
        lines.append("</ul>")
    else:  # never an empty box: `check` reports the missing resources, the page still points somewhere
        lines.append("<p>If you are in danger, call your local emergency number now.</p>")
    lines.append("</section>")
    return "\n".join(lines)


def _page(show: ShowSettings, *, title: str, description: str, body: str, page_dir: str) -> str:
    root = relative(".", page_dir) + "/" if page_dir else ""
    fine = [escape(show.copyright)] if show.copyright else []
    fine.append(f'<a href="{root}{FEED_PATH}">Podcast feed (RSS)</a>')
    return _template().substitute(
        lang=escape(show.language),
        title=escape(title),
        description=escape(" ".join(description.split())),
        root=root,
        home=root or "./",
        show_title=escape(show.title),
        body=body.strip(),
        support=support_block(show),
        fine_print=" · ".join(fine),
    )


# --- Episode page -------------------------------------------------------------------------------------------


def _sentence_span(s: Sentence) -> str:
    return (f'<span class="s" data-start="{seconds_attr(s.episode_start_ms)}" '
            f'data-end="{seconds_attr(s.episode_end_ms)}">{escape(" ".join(s.text.split()))}</span>')


def _section_transcript(section: Section, audio_href: str) -> list[str]:
    title = section_title(section)
    anchor = f"section-{section.id}"
    headings = [s for s in section.sentences if s.kind == "heading"]
    if len(headings) == 1:
        h = headings[0]
        heading_text = (f'<span class="s" data-start="{seconds_attr(h.episode_start_ms)}" '
                        f'data-end="{seconds_attr(h.episode_end_ms)}">{_heading_html(section.heading or h.text)}</span>')
    elif headings:
        # A heading the narration split into several sentences: each keeps its own timing.
        heading_text = " ".join(
            f'<span class="s" data-start="{seconds_attr(h.episode_start_ms)}" '
            f'data-end="{seconds_attr(h.episode_end_ms)}">{_heading_html(h.text)}</span>' for h in headings)
    else:
        heading_text = _heading_html(section.heading or title)
    start = seconds_attr(section.episode_start_ms)
    out = [
        f'<section class="part" aria-labelledby="{anchor}">',
        f'<h3 id="{anchor}">{heading_text}</h3>',
        f'<p class="from-here"><a class="seek" href="{audio_href}#t={start}" data-start="{start}">'
        f'Play from here<span class="visually-hidden">: {escape(title)}</span></a></p>',
    ]
    # Sentences sharing a block index (and kind) form one paragraph or one list item; consecutive items one list.
    blocks: list[tuple[tuple[int, str], list[Sentence]]] = []
    for s in section.sentences:
        if s.kind == "heading":
            continue
        key = (s.paragraph, s.kind if s.kind in ("title", "disclosure", "item") else "paragraph")
        if blocks and blocks[-1][0] == key:
            blocks[-1][1].append(s)
        else:
            blocks.append((key, [s]))
    in_list = False
    for _key, sentences in blocks:
        text = " ".join(_sentence_span(s) for s in sentences)
        is_item = sentences[0].kind == "item"
        if is_item and not in_list:
            out.append("<ul>")
            in_list = True
        elif not is_item and in_list:
            out.append("</ul>")
            in_list = False
        out.append(f"<li>{text}</li>" if is_item else f"<p>{text}</p>")
    if in_list:
        out.append("</ul>")
    out.append("</section>")
    return out


def render_episode(manifest: Manifest, episode: Episode) -> str:
    """The listening page of one episode."""
    show = manifest.show
    here = episode_dir(episode)
    audio = escape(relative(episode.audio.path, here))
    files = [
        ("transcript.vtt", "Captions (WebVTT)"),
        ("transcript.srt", "Captions (SRT)"),
        ("transcript.json", "Transcript (JSON)"),
        ("chapters.json", "Chapters (JSON)"),
    ]
    body = [
        '<article class="episode">',
        f"<h1>{escape(episode.title)}</h1>",
        f'<p class="meta">Episode {episode.number} · <time datetime="{escape(episode.date)}">'
        f"{long_date(episode.date)}</time> · {duration_words(episode.audio.duration_ms)}"
        + (f" · {escape(episode.author)}" if episode.author else "") + "</p>",
    ]
    if episode.description:
        body.append(f'<p class="lede">{escape(episode.description)}</p>')
    body += [
        '<section class="listen" aria-labelledby="listen-heading">',
        '<h2 id="listen-heading">Listen</h2>',
        f'<audio id="player" controls preload="metadata" src="{audio}">',
        f'<a href="{audio}">Play or download the episode (MP3)</a>',
        "</audio>",
        '<div class="speed-control" hidden>',
        '<label for="speed">Playback speed</label>',
        '<select id="speed">',
    ]
    body += [f'<option value="{v}"{" selected" if v == "1" else ""}>{v}×{" (normal)" if v == "1" else ""}</option>'
             for v in SPEEDS]
    body += [
        "</select>",
        "</div>",
        f'<p class="note">{escape(show.disclosure)}</p>',
        '<ul class="links">',
        f'<li><a href="{audio}" download>Download this episode (MP3, {megabytes(episode.audio.bytes)})</a></li>',
        f'<li><a href="{relative(FEED_PATH, here)}">Podcast feed (RSS)</a></li>',
        "</ul>",
        "</section>",
        '<nav class="sections" aria-labelledby="sections-heading">',
        '<h2 id="sections-heading">Sections</h2>',
        '<ol class="section-list">',
    ]
    for sec in episode.sections:
        start = seconds_attr(sec.episode_start_ms)
        body.append(f'<li><a class="seek" href="{audio}#t={start}" data-start="{start}">'
                    f'{escape(section_title(sec))} <span class="time">({clock(sec.episode_start_ms)})</span></a></li>')
    body += [
        "</ol>",
        "</nav>",
        '<section class="transcript" aria-labelledby="transcript-heading">',
        '<h2 id="transcript-heading">Transcript</h2>',
    ]
    for sec in episode.sections:
        body += _section_transcript(sec, audio)
    body += ['<p class="files">Also as: '
             + ", ".join(f'<a href="{name}">{label}</a>' for name, label in files) + "</p>",
             "</section>"]
    if episode.references:
        body += [
            '<section class="references" aria-labelledby="references-heading">',
            '<h2 id="references-heading">References</h2>',
            "<p>Listed here, not read aloud.</p>",
            "<ul>",
        ]
        body += [f"<li>{escape(r)}</li>" for r in episode.references]
        body += ["</ul>", "</section>"]
    body.append("</article>")
    return _page(show, title=f"{episode.title} · {show.title}", description=episode.description or show.description,
                 body="\n".join(body), page_dir=here)


# --- Show page ----------------------------------------------------------------------------------------------


def render_index(manifest: Manifest) -> str:
    """The show's home page: episodes (newest first), how to subscribe, how to ask the Alexa skill."""
    show = manifest.show
    url = feed_url(manifest)
    # Written as people see it; Alexa matches the spoken words whatever their case.
    name = escape(show.invocation_name.title())
    body = [f"<h1>{escape(show.title)}</h1>"]
    if show.subtitle:
        body.append(f'<p class="lede">{escape(show.subtitle)}</p>')
    body += [
        f"<p>{escape(show.description)}</p>",
        '<section aria-labelledby="episodes-heading">',
        '<h2 id="episodes-heading">Episodes</h2>',
        '<ol class="episode-list" reversed>',
    ]
    for ep in reversed(manifest.episodes):
        body += [
            '<li class="episode-card">',
            f'<h3><a href="{escape(episode_dir(ep))}/">{escape(ep.title)}</a></h3>',
            f'<p class="meta">Episode {ep.number} · <time datetime="{escape(ep.date)}">{long_date(ep.date)}</time>'
            f" · {duration_words(ep.audio.duration_ms)}</p>",
        ]
        if ep.description:
            body.append(f"<p>{escape(ep.description)}</p>")
        body.append("</li>")
    body += [
        "</ol>",
        "</section>",
        '<section aria-labelledby="subscribe-heading">',
        '<h2 id="subscribe-heading">Listen in a podcast app</h2>',
        "<p>Copy this feed address, then add it in your podcast app. Most apps call this "
        "“Add by URL” or “Follow a Show by URL”.</p>",
        f'<p class="feed-url"><code id="feed-url">{escape(url)}</code></p>',
        '<p><button type="button" class="copy" data-copy="feed-url" hidden>Copy feed address</button> '
        '<span class="copy-status" role="status"></span></p>',
        "<ul>",
        "<li>Apple Podcasts: open Library, choose the “…” menu, then “Follow a Show by URL”.</li>",
        "<li>Pocket Casts, Overcast or AntennaPod: choose “Add” or “+”, then paste the address.</li>",
        "</ul>",
        f'<p><a href="{FEED_PATH}">Open the podcast feed (RSS)</a></p>',
        "</section>",
        '<section aria-labelledby="alexa-heading">',
        '<h2 id="alexa-heading">Ask Alexa</h2>',
        f"<p>On an Echo or in the Alexa app, say “Alexa, open {name}.”</p>",
        f"<p>For a short calming line, say “Alexa, ask {name} for a grounding message.” Once it is open, "
        "you can say “what sections are there?” or “play the part about …”.</p>",
        "</section>",
    ]
    return _page(show, title=f"{show.title}: listen to the articles", description=show.description,
                 body="\n".join(body), page_dir="")
