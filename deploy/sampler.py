"""``gentle-steps voices sample NAME [TEXT]``: hear a voice read a line of the show, beside every installed voice.

Each voice reads the same passage (by default a sentence from the show's own articles) through the build's own
steps: the spoken-text preparation with the show's lexicon, its pace and pauses, synthesis into the same
sentence cache the build uses (a sentence the build has narrated is reused, and the other way round), and the
podcast profile's mastering and encoding. The MP3s and a page to compare them are written to ``dist/voices/``
(replaced whole; the rest of ``dist/`` is untouched). A build replaces ``dist/``: run this again afterwards,
it then takes a moment (everything comes from the cache). Never downloads anything.
"""

from __future__ import annotations

import gc
import os
import re
import shutil
import sys
from dataclasses import dataclass, replace
from pathlib import Path

from gentle_steps.audio.cache import Cache
from gentle_steps.audio.voices.installed import SHIPPED_VOICE

DEFAULT_TEXT = "Take a slow breath in, and let it out gently. There is no rush, and nothing you need to do right now."
"""Read when the show has no sentence that suits (see :func:`default_text`)."""

MAX_TEXT_CHARS = 400
"""Longest passage a sample reads (about 30 seconds at the default pace, within one mastering unit even at the
slowest): enough to judge a voice, short enough to compare many."""

EMPTY_SPEECH_MS = 250
"""Silence standing in for a sentence the voice returns nothing for (as in the build)."""


class SampleError(ValueError):
    """The sample cannot be made; one line naming the voice, file or folder and what to do."""


@dataclass(frozen=True)
class Rendered:
    """One voice's sample in the cache."""

    name: str
    """Voice name."""

    spec: str
    """The voice setting that chose it."""

    source: Path
    """The MP3 in the cache."""

    bytes: int
    duration_ms: int

    spoken: str
    """What the voice was given."""

    details: tuple[str, ...]
    licence: str


def spec_for(name: str) -> str:
    """A name as ``voices list`` shows it, or a voice setting, as a voice setting (``en_US-x`` -> ``piper:en_US-x``)."""
    name = name.strip()
    if name == SHIPPED_VOICE:
        return "piper"
    if name in ("piper", "gtts", "tone") or name.startswith("piper:") or name.endswith(".onnx"):
        return name
    return f"piper:{name}"


def default_text(articles: list) -> str:
    """The first sentence of 8 to 30 words in the show's articles (reading order), else :data:`DEFAULT_TEXT`."""
    from gentle_steps.audio.speech import split_sentences

    for article in articles:
        for section in article.sections:
            for block in section.blocks:
                if block.kind != "paragraph":
                    continue
                for sentence in split_sentences(block.text):
                    if 8 <= len(sentence.split()) <= 30 and len(sentence) <= MAX_TEXT_CHARS:
                        return sentence
    return DEFAULT_TEXT


def _synthesize(voice, cache: Cache, lines) -> None:
    import numpy as np
    from gentle_steps.audio.mastering import declick

    for line in lines:
        for piece in line.pieces:
            if cache.has_sentence(piece.key):
                continue
            samples = voice.synthesize(piece.spoken)
            if not len(samples):
                samples = np.zeros(round(EMPTY_SPEECH_MS * voice.sample_rate / 1000), dtype=np.float32)
            cache.put_sentence(piece.key, declick(samples, voice.sample_rate))


def _master(unit, cache: Cache) -> dict:
    """The unit's MP3 in the cache (mastered now unless it is there), and its facts (as the build keeps them)."""
    import base64

    import numpy as np
    from gentle_steps.audio.mastering import master_unit

    if cache.file_path(unit.key) is not None:
        return cache.file_facts(unit.key)
    chunks = [np.zeros(int(v), dtype=np.float32) if kind == "s" else cache.get_sentence(str(v))
              for kind, v in unit.parts]
    if any(chunk is None for chunk in chunks):
        raise SampleError("a sentence vanished from the cache while sampling; run the command again")
    encoded = master_unit(np.concatenate(chunks), unit.rate, unit.profile)
    return cache.put_file(unit.key, encoded.data, {
        "frame_samples": encoded.frame_samples, "decoded_samples": encoded.decoded_samples,
        "true_peak_dbtp": encoded.true_peak_dbtp,
        "bins": base64.b64encode(encoded.bins.astype("<f8").tobytes()).decode("ascii")})


def render(spec: str, show, text: str, lexicon: dict[str, str], cache: Cache) -> Rendered:
    """``text`` read by voice ``spec`` with ``show``'s settings, mastered for the podcast profile, in ``cache``.

    Raises ``VoiceError`` (the voice cannot be used) or :class:`SampleError`.
    """
    from gentle_steps.audio.assemble import Layout
    from gentle_steps.audio.lexicon import fit_lexicon
    from gentle_steps.audio.mastering import PODCAST
    from gentle_steps.audio.plan import plan_passage
    from gentle_steps.audio.voices import get_voice

    voice = get_voice(spec, show)
    voice.check()
    usable, _ = fit_lexicon(lexicon, voice.phonemes, voice.name, show.lexicon)
    lines = plan_passage(text, show, usable, voice.identity())
    if not lines:
        raise SampleError(f"the passage {text[:40]!r} has nothing to say aloud; give a sentence of words")
    _synthesize(voice, cache, lines)
    lengths = {p.key: cache.sentence_length(p.key) for line in lines for p in line.pieces}
    units = Layout(lengths, voice.sample_rate).units(lines, PODCAST, show.pauses.edge, show.pauses.edge)
    if len(units) != 1:
        raise SampleError(f"the passage is too long to sample at pace {show.length_scale:g}; give a shorter one")
    unit = units[0]
    facts = _master(unit, cache)
    details = _details(voice, show)
    licence = _licence(voice)
    name, rate = voice.name, voice.sample_rate
    del voice
    gc.collect()  # one voice's model at a time: each is 60-120 MB
    return Rendered(name, spec, cache.file_path(unit.key), facts["bytes"],
                    round(facts["decoded_samples"] * 1000 / PODCAST.sample_rate),
                    " ".join(line.utterance.spoken for line in lines), (f"{rate} Hz model", *details), licence)


def _details(voice, show) -> tuple[str, ...]:
    details = []
    installed = getattr(voice, "installed", None)
    if voice.engine == "piper":
        if getattr(voice, "speaker_id", None) is not None:
            details.append(f"speaker {show.speaker}")
        details.append(f"pace {voice.length_scale:g}")
        if installed is not None and installed.shipped:
            details.append("ships with Gentle Steps")
        elif installed is not None and installed.origin.endswith(".onnx"):
            details.append(f"model file {installed.origin}")
        else:
            details.append("installed")
    else:
        details.append(f"{voice.engine} (needs internet)" if voice.engine == "gtts" else voice.engine)
    return tuple(details)


def _licence(voice) -> str:
    from gentle_steps.audio.voices.catalog import load_snapshot

    installed = getattr(voice, "installed", None)
    if installed is not None and (stated := installed.dataset_licence()):
        return stated
    known = load_snapshot().voices.get(voice.name)
    if known is not None and known.licence is not None:
        return known.licence.dataset_licence
    return "see its MODEL_CARD" if voice.engine == "piper" else "Google's terms of service"


def _file_name(name: str, taken: set[str]) -> str:
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip(".-") or "voice"
    candidate, n = f"{stem}.mp3", 2
    while candidate in taken:
        candidate, n = f"{stem}-{n}.mp3", n + 1
    taken.add(candidate)
    return candidate


def write_page(out: Path, content: Path, cache_dir: Path, files: dict[str, bytes], copies: dict[str, Path]) -> Path:
    """Replace ``out/voices/`` whole with ``files`` and ``copies``; the rest of ``out`` is left as it is.

    ``out`` must be new, empty or a previous build's output (the build's own rules); a new one gets the output
    marker, so the next build may replace it.
    """
    from gentle_steps.deploy.output import MARKER_TEXT, OUTPUT_MARKER, check_out, output_lock, recover
    from gentle_steps.feed.voice_page import PAGE_DIR

    check_out(out, content, cache_dir)
    out = out.resolve()
    with output_lock(out):
        recover(out)
        out.mkdir(parents=True, exist_ok=True)
        if not (out / OUTPUT_MARKER).exists():
            (out / OUTPUT_MARKER).write_bytes(MARKER_TEXT)
        target = out / PAGE_DIR
        tmp = out / f".{PAGE_DIR}.tmp-{os.getpid()}"
        shutil.rmtree(tmp, ignore_errors=True)
        try:
            tmp.mkdir()
            for name, data in files.items():
                (tmp / name).write_bytes(data)
            for name, source in copies.items():
                shutil.copyfile(source, tmp / name)
            old = out / f".{PAGE_DIR}.old-{os.getpid()}"
            if target.exists():
                os.rename(target, old)
            os.rename(tmp, target)
            shutil.rmtree(old, ignore_errors=True)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    return target / "index.html"


def sample(name: str, text: str | None, content: Path, out: Path, cache_dir: Path | None = None,
           voices_root: Path | None = None, warn=None) -> tuple[Path, list[Rendered]]:
    """Render voice ``name`` and every other installed voice reading one passage; write ``out/voices/``.

    Raises :class:`SampleError` (bad input, one line), ``VoiceError`` (the voice asked for cannot be used) or
    ``OutputError`` (``out`` may not be written).
    """
    from gentle_steps.audio.content import ContentError, read_content
    from gentle_steps.audio.voices import VoiceError
    from gentle_steps.audio.voices.installed import show_voices_dir
    from gentle_steps.audio.voices.store import VoiceStore
    from gentle_steps.deploy.output import default_cache
    from gentle_steps.feed.voice_page import VoiceSample, voice_page_files

    try:
        show_content = read_content(content)
    except ContentError as exc:
        raise SampleError(str(exc).splitlines()[0]) from None
    show = show_content.show
    if voices_root is not None:
        show = replace(show, voices_dir=str(voices_root.resolve()))
    text = " ".join((text if text is not None else default_text(show_content.articles)).split())
    if not text or len(text) > MAX_TEXT_CHARS:
        raise SampleError(f"the passage to read must be 1 to {MAX_TEXT_CHARS} characters (it is {len(text)})")
    store = VoiceStore(show_voices_dir(show.voices_dir, Path(show.content_dir)))
    chosen = spec_for(name)
    specs = [chosen] + [s for s in dict.fromkeys([spec_for(k) for k in store.installed()] + [spec_for(show.voice)])
                        if s != chosen and s != "gtts"]
    cache = Cache(cache_dir or default_cache(content))
    rendered: list[Rendered] = []
    for spec in specs:
        try:
            rendered.append(render(spec, show, text, show_content.lexicon, cache))
        except VoiceError as exc:
            if spec == chosen:
                raise
            if warn:
                warn(f"left out {spec}: {exc}")
    taken: set[str] = set()
    current = spec_for(show.voice)
    samples, copies = [], {}
    for r in rendered:
        file = _file_name(r.name, taken)
        copies[file] = r.source
        samples.append(VoiceSample(r.name, r.spec, file, r.bytes, r.duration_ms, r.details, r.licence,
                                   current=r.spec == current, chosen=r.spec == chosen))
    files = voice_page_files(show, text, rendered[0].spoken, samples, str(store.root))
    page = write_page(out, content, cache.root, files, copies)
    return page, rendered


def run(args) -> int:
    """``gentle-steps voices sample``: exit 0 with the page's path, 2 for bad input, 1 when writing fails."""
    from gentle_steps.audio.voices import VoiceError
    from gentle_steps.deploy.output import OutputError

    def warn(line: str) -> None:
        print(f"gentle-steps voices sample: {line}", file=sys.stderr)

    try:
        page, rendered = sample(args.name, args.text, Path(args.content), Path(args.out),
                                Path(args.cache) if args.cache else None,
                                Path(args.voices_dir) if args.voices_dir else None, warn)
    except (SampleError, VoiceError, OutputError) as exc:
        warn(str(exc))
        return 2
    except OSError as exc:
        warn(f"{exc.filename or args.out}: {exc.strerror or exc}")
        return 1
    except KeyboardInterrupt:
        warn("interrupted; dist/voices/ is as it was")
        return 130
    print(f"{len(rendered)} voice(s) read “{rendered[0].spoken[:70]}”: {page}")
    return 0
