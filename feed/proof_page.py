"""The proof-listening report page, ``dist/proof/index.html``: where the recognizer heard something different.

Rendered from the proof report and the manifest with Jinja2 (autoescaped) in the listening pages' layout and
styles. Each flagged sentence has a link that opens exactly that sentence of the section file (a ``#t=start,end``
media fragment); ``proof.js`` turns each into a button that plays the sentence in the page's own player and
stops at its end.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from gentle_steps.audio.model import Manifest
from gentle_steps.audio.proof_report import ProofReport, SectionProof, SentenceProof
from gentle_steps.feed.pages import relative, seconds_attr, split_decoration, support_block
from gentle_steps.feed.rss import clock
from markupsafe import Markup

PAGE_DIR = "proof"
"""Where the report lives in ``dist/``."""

ASSETS = ("proof.js", "proof.css")
"""The page's small script and the few styles style.css has no rule for, written beside it."""


@dataclass
class _SectionView:
    proof: SectionProof
    title: str
    label: str
    anchor: str
    number: int
    href: str
    flagged: list[SentenceProof]


@dataclass
class _EpisodeView:
    title: str
    anchor: str
    sections: list[_SectionView]


@lru_cache(maxsize=1)
def _environment():
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    return Environment(loader=PackageLoader("gentle_steps.feed", "templates"),
                       autoescape=select_autoescape(["html"]), undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def percent(value: float, places: int = 1) -> str:
    """A share as a percentage: 0.0166 -> "1.7%"."""
    return f"{value * 100:.{places}f}%"


def quoted(items: list[str]) -> str:
    """Heard variants as a readable list: “fills”, “(nothing)”."""
    return ", ".join(f"“{item}”" for item in items)


def decorated(text: str) -> Markup:
    """Article text with a leading emoji hidden from screen readers, as on the listening pages."""
    emoji, words = split_decoration(text)
    if emoji and words:
        return Markup('<span class="emoji" aria-hidden="true">{}</span> {}').format(emoji, words)
    return Markup("{}").format(text)


def ranked(sentences: list[SentenceProof]) -> list[SentenceProof]:
    """Flagged sentences, least certain first (then in reading order)."""
    return sorted((s for s in sentences if s.flagged), key=lambda s: (s.confidence, s.index))


def _views(report: ProofReport, manifest: Manifest) -> list[_EpisodeView]:
    titles = {ep.id: ep.title for ep in manifest.episodes}
    episodes, number = [], 0
    for ep in report.episodes:
        sections = []
        episode_title = titles.get(ep.id, ep.title)
        for sec in ep.sections:
            number += 1
            title = sec.title or "Introduction"
            # In the summary table, sections of several episodes (each with an "Introduction") need the episode.
            label = f"{episode_title}: {title}" if len(report.episodes) > 1 else title
            sections.append(_SectionView(sec, title, label, f"section-{ep.id}-{sec.id}", number,
                                         relative(sec.audio, PAGE_DIR), ranked(sec.sentences)))
        episodes.append(_EpisodeView(episode_title, f"episode-{ep.id}", sections))
    return episodes


def render_proof_page(report: ProofReport, manifest: Manifest) -> str:
    """The report page's HTML."""
    show = manifest.show
    episodes = _views(report, manifest)
    return _environment().get_template("proof.html").render(
        lang=show.language,
        show_title=show.title,
        root=relative(".", PAGE_DIR) + "/",
        report=report,
        episodes=episodes,
        sections=[sec for ep in episodes for sec in ep.sections],
        lexicon_file=show.lexicon,
        support=Markup(support_block(show)),  # built with escape() in pages.py: the shared support block
        percent=percent,
        quoted=quoted,
        decorated=decorated,
        seconds=seconds_attr,
        clock=clock,
    )


def proof_files(report: ProofReport, manifest: Manifest) -> dict[str, bytes]:
    """The files of ``dist/proof/`` other than ``report.json``: the page, its script and its styles."""
    files = {f"{PAGE_DIR}/index.html": render_proof_page(report, manifest).encode()}
    for name in ASSETS:
        files[f"{PAGE_DIR}/{name}"] = resources.files("gentle_steps.feed").joinpath(f"static/{name}").read_bytes()
    return files
