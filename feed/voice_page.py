"""The voice sampler's page, ``dist/voices/index.html``: every installed voice reading the same passage.

Rendered with Jinja2 (autoescaped) in the listening pages' layout, with their stylesheet copied beside it (the
page works before any build and after one). Made by ``gentle-steps voices sample`` for the author, not for
listeners: it is marked ``noindex`` and no other page links to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

from gentle_steps.audio.settings import ShowSettings
from gentle_steps.feed.pages import render_page

PAGE_DIR = "voices"
"""Where the sampler writes in ``dist/``."""


@dataclass(frozen=True)
class VoiceSample:
    """One voice's sample, as the page lists it."""

    key: str
    """Voice name, e.g. ``en_US-lessac-high``."""

    setting: str
    """What show.toml's ``voice`` says to narrate with it, e.g. ``piper:en_US-lessac-high``."""

    file: str
    """The MP3, relative to the page."""

    bytes: int
    """Size of the MP3."""

    duration_ms: int
    """Length of the sample."""

    details: tuple[str, ...]
    """Facts worth comparing: quality, sample rate, speaker, pace, where it came from."""

    licence: str
    """Its training data's licence, as its MODEL_CARD states it (or where to look)."""

    current: bool = False
    """True for the voice show.toml names."""

    chosen: bool = False
    """True for the voice the sampler was asked for."""


def seconds_words(ms: int) -> str:
    """A short length as people say it: "6 seconds", "1 minute 5 seconds"."""
    seconds = max(1, round(ms / 1000))
    minutes, seconds = divmod(seconds, 60)
    parts = [f"{minutes} minute{'s' if minutes != 1 else ''}"] if minutes else []
    if seconds or not parts:
        parts.append(f"{seconds} second{'s' if seconds != 1 else ''}")
    return " ".join(parts)


def render_voice_page(show: ShowSettings, text: str, spoken: str, samples: list[VoiceSample], folder: str) -> str:
    """The page's HTML: ``text`` as the article writes it, ``spoken`` as the voices were given it."""
    return render_page("voices.html", show, PAGE_DIR, title=f"Compare voices · {show.title}",
                       description="Every installed voice reading the same passage, to choose the show's voice.",
                       text=text, spoken=spoken, samples=samples, folder=folder, seconds_words=seconds_words)


def voice_page_files(show: ShowSettings, text: str, spoken: str, samples: list[VoiceSample],
                     folder: str) -> dict[str, bytes]:
    """The page and the stylesheet it uses, as paths inside ``dist/voices/``."""
    return {"index.html": render_voice_page(show, text, spoken, samples, folder).encode(),
            "style.css": resources.files("gentle_steps.feed").joinpath("static/style.css").read_bytes()}
