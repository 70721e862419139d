"""The proof report page without a browser: escaping, links that play exactly one sentence without
JavaScript, one player per section with something to hear, sentences least certain first."""

from __future__ import annotations

import json
from pathlib import Path

import lxml.html
import pytest
from gentle_steps.audio.model import Manifest
from gentle_steps.audio.proof_report import (
    Change,
    EpisodeProof,
    ProofReport,
    SectionProof,
    SentenceProof,
    Suggestion,
)
from gentle_steps.feed.proof_page import proof_files, render_proof_page

GOLDEN = Path(__file__).parent / "golden"
HOSTILE = 'Tom & "Jerry" <b>bold</b> <script>alert(1)</script>'


def _sentence(index: int, sentence, heard: str, confidence: float, changes: list[Change]) -> SentenceProof:
    return SentenceProof(index=index, kind=sentence.kind, text=sentence.text, spoken=sentence.spoken,
                         expected=sentence.spoken.lower(), heard=heard, start_ms=sentence.start_ms,
                         end_ms=sentence.end_ms, words=4, missed=len(changes), inserted=0,
                         miss_rate=len(changes) / 4, confidence=confidence, flagged=bool(changes), changes=changes)


@pytest.fixture
def manifest() -> Manifest:
    return Manifest.from_dict(json.loads((GOLDEN / "manifest.json").read_text(encoding="utf-8")))


@pytest.fixture
def report(manifest) -> ProofReport:
    """A hand-made report over the golden manifest: in the first section, sentence 1 flagged at 0.9 and
    sentence 2 at 0.5 (with hostile text); every other sentence heard as written."""
    episodes = []
    for ep in manifest.episodes:
        sections = []
        for sec in ep.sections:
            sentences = [_sentence(i, s, s.spoken, 0.95, []) for i, s in enumerate(sec.sentences)]
            if not episodes and not sections:
                sentences[1] = _sentence(1, sec.sentences[1], "something else", 0.9, [Change("a", "b")])
                sentences[2] = _sentence(2, sec.sentences[2], HOSTILE, 0.5, [Change(HOSTILE, "")])
                sentences[2].text = HOSTILE
            sections.append(SectionProof(ep.id, sec.id, sec.index, sec.title, sec.audio.path,
                                         sec.audio.duration_ms, 40, 2, 0, 0.05, sentences))
        episodes.append(EpisodeProof(ep.id, ep.title, 40 * len(sections), 2, 0.05, sections))
    return ProofReport(recognizer={"engine": "faster-whisper", "engine_version": "1", "model": "tiny.en",
                                   "compute_type": "int8", "beam_size": 2},
                       normalizer="n", words=200, missed=2, inserted=0, miss_rate=0.01, sentences=20, flagged=2,
                       audio_ms=1000, episodes=episodes,
                       suggestions=[Suggestion("LMFT", "add", 'LMFT = "L M F T"', "misheard in 2 sentences", 2,
                                               [HOSTILE])])


def test_page_escapes_article_and_heard_text(report, manifest):
    html = render_proof_page(report, manifest)
    assert "<script>alert" not in html and "<b>bold" not in html
    doc = lxml.html.fromstring(html)
    assert not doc.xpath("//main//script | //main//b")
    assert HOSTILE in doc.text_content()


def test_each_flagged_sentence_links_to_exactly_its_span(report, manifest):
    doc = lxml.html.fromstring(render_proof_page(report, manifest))
    first = manifest.episodes[0].sections[0]
    links = doc.xpath("//a[contains(@class, 'play-sentence')]")
    expected = [first.sentences[2], first.sentences[1]]  # least certain first
    assert [a.get("href") for a in links] == [
        f"../{first.audio.path}#t={s.start_ms / 1000:g},{s.end_ms / 1000:g}" for s in expected]
    players = doc.xpath("//audio")
    assert [p.get("src") for p in players] == [f"../{first.audio.path}"]
    assert {a.get("data-audio") for a in links} == {players[0].get("id")}
    assert players[0].get("preload") == "none" and players[0].get("autoplay") is None


def test_page_structure_and_suggestions(report, manifest):
    doc = lxml.html.fromstring(render_proof_page(report, manifest))
    assert doc.get("lang") == manifest.show.language
    levels = [int(h.tag[1]) for h in doc.xpath("//main//h1 | //main//h2 | //main//h3")]
    assert levels[0] == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))
    rows = doc.xpath("//table/tbody/tr")
    assert len(rows) == sum(len(ep.sections) for ep in manifest.episodes)
    assert doc.xpath("//section[@aria-labelledby='fixes-heading']//li/code/text()") == ['LMFT = "L M F T"']
    # Two episodes both have an "Introduction": the table names the episode too.
    assert doc.xpath("//table/tbody/tr/th/a/text()")[0] == "Can You Rebuild Trust After Betrayal?: Introduction"
    assert doc.xpath("//section[@id='support']")


def test_proof_files_are_the_page_and_its_assets(report, manifest):
    files = proof_files(report, manifest)
    assert sorted(files) == ["proof/index.html", "proof/proof.css", "proof/proof.js"]
    assert b"play-sentence" in files["proof/proof.js"]
