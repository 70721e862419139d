"""``gentle-steps build``: articles in, narrated and mastered audio, manifest, catalog, feed and pages out.

Two phases, as in Pelican: first compute everything (read, plan, synthesize, master, render the feed and pages
from the finished manifest), then write it all into a temporary folder that replaces ``dist/`` in one step.
A failed or killed build leaves the previous ``dist/`` untouched.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import re
import subprocess
import sys
import time
import tomllib
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from gentle_steps.audio import __version__
from gentle_steps.audio.artwork import Artwork, load_artwork
from gentle_steps.audio.cache import Cache, digest
from gentle_steps.audio.mastering import (
    ALEXA,
    ALEXA_MAX_SECONDS,
    PODCAST,
    EncodeError,
    Profile,
    Tags,
    declick,
    master,
    prepare,
)
from gentle_steps.audio.model import (
    Article,
    ArtworkInfo,
    AudioFile,
    Episode,
    Manifest,
    Prompt,
    Section,
    Sentence,
    VoiceInfo,
)
from gentle_steps.audio.readers import EXTENSIONS, ArticleError, read_article
from gentle_steps.audio.settings import SettingsError, ShowSettings, load_show, parse_show
from gentle_steps.audio.speech import (
    PAUSES,
    LexiconError,
    Utterance,
    lead_in,
    load_lexicon,
    plan_section,
    speakable,
    split_long,
)
from gentle_steps.audio.text import slugify, unique_slug
from gentle_steps.audio.voices import VoiceError, describe, load_voice, preflight, voice_module
from gentle_steps.deploy.output import (
    OutputError,
    check_out,
    default_cache,
    encode,
    write_atomically,
)

MAX_PROMPT_WORDS = 25
"""A grounding prompt is one breath: longer ones are refused with a warning."""

SPLIT_PAUSE_MS = 150
"""Silence between the pieces of a sentence that was too long for the voice."""


class BuildError(RuntimeError):
    """The build cannot go on; the message names the file or setting and the problem."""


@dataclass
class BuildOptions:
    """What ``gentle-steps build`` was asked to do."""

    content: Path = Path("content")
    """Content folder: show.toml, articles/, lexicon and prompts."""

    out: Path = Path("dist")
    """Output folder, replaced atomically."""

    base_url: str = "http://127.0.0.1:8080/"
    """Public URL the output is served from."""

    voice: str | None = None
    """Engine name; None takes show.toml's ``voice``."""

    jobs: int = 1
    """Worker processes (1: everything in this process)."""

    strict: bool = False
    """Warnings fail the build."""

    cache: Path | None = None
    """Cache folder; None: ``.cache/gentle-steps`` beside the content folder."""

    skill_endpoint: str | None = None
    """Overrides show.toml's ``skill_endpoint`` (a Lambda ARN or https URL)."""

    progress: bool | None = None
    """Show a progress bar; None: only when stderr is a terminal."""


@dataclass
class BuildReport:
    """What a build did, for the closing summary and for tests."""

    manifest: Manifest
    episodes: int = 0
    sections: int = 0
    audio_seconds: float = 0.0
    sentences: int = 0
    synthesized: int = 0
    files_encoded: int = 0
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Facts worth knowing that are not problems (a section too long for Alexa's SSML audio still streams)."""

    def summary(self) -> str:
        """One closing line, like Pelican's "Processed N articles"."""
        hits = self.sentences - self.synthesized
        return (f"Built {self.episodes} episode(s), {self.sections} section(s), {self.audio_seconds / 60:.1f} min "
                f"of audio in {self.seconds:.1f} s; cache: {hits} of {self.sentences} sentences reused, "
                f"{self.files_encoded} file(s) encoded; {len(self.warnings)} warning(s).")


# --- Narration plan -----------------------------------------------------------------------------------------


@dataclass
class Piece:
    """One synthesis call: spoken text and its cache key."""

    key: str
    spoken: str


@dataclass
class PlannedUtterance:
    """An utterance with the pieces it is synthesized from."""

    utterance: Utterance
    pieces: list[Piece]


@dataclass
class PlannedSection:
    """A section of an episode before synthesis."""

    id: str
    title: str
    heading: str
    items: list[PlannedUtterance]


@dataclass
class PlannedEpisode:
    """An article ready to narrate."""

    article: Article
    number: int
    sections: list[PlannedSection]


def _piece_key(voice: dict[str, str], settings: dict[str, object], spoken: str) -> str:
    return digest("sentence", voice["engine"], voice["voice"], voice["version"], settings, spoken)


def _plan_items(utterances: list[Utterance], voice: dict[str, str], settings: dict[str, object]) -> list[PlannedUtterance]:
    return [PlannedUtterance(u, [Piece(_piece_key(voice, settings, s), s) for s in split_long(u.spoken)])
            for u in utterances]


# --- Worker processes ---------------------------------------------------------------------------------------

_WORKER: dict[str, object] = {}


def _worker_init(voice_name: str, threads: int, cache_root: str) -> None:
    _WORKER.update(voice_name=voice_name, threads=threads, cache=Cache(Path(cache_root)), voice=None)


def _trace(task: str, started: float) -> None:
    """With GENTLE_STEPS_TRACE=FILE, append one line per worker task (scripts/bench reads it)."""
    path = os.environ.get("GENTLE_STEPS_TRACE")
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps({"task": task, "pid": os.getpid(), "start": started,
                                     "end": time.time()}) + "\n")


def _synthesize(key: str, spoken: str) -> int:
    """Synthesize one piece into the cache (the voice loads on first use, once per process)."""
    started = time.time()
    if _WORKER.get("voice") is None:
        _WORKER["voice"] = load_voice(str(_WORKER["voice_name"]), int(_WORKER["threads"]))
    voice = _WORKER["voice"]
    samples = declick(voice.synthesize(spoken), voice.sample_rate)
    _WORKER["cache"].put_sentence(key, samples)
    _trace("synthesize", started)
    return len(samples)


@dataclass(frozen=True)
class Layout:
    """A file's narration as cache keys and silences: ``("k", key)`` or ``("s", samples)``."""

    parts: tuple[tuple[str, str | int], ...]
    rate: int


def _assemble(layout: Layout) -> np.ndarray:
    cache: Cache = _WORKER["cache"]
    chunks = [cache.get_sentence(str(v)) if kind == "k" else np.zeros(int(v), dtype=np.float32)
              for kind, v in layout.parts]
    return np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.float32)


def _premaster(key: str, layout: Layout, profile: Profile) -> int:
    """Master one section's narration for ``profile`` (not encoded) into the cache, under ``key``."""
    started = time.time()
    mastered = prepare(_assemble(layout), layout.rate, profile)
    _WORKER["cache"].put_sentence(key, mastered)
    _trace("premaster", started)
    return len(mastered)


def _master(key: str, layout: Layout, profile: Profile, tags: Tags, cover: bytes | None,
            release_voice: bool = False, premastered: bool = False) -> tuple[bytes, dict]:
    """Assemble, master and encode one file into the file cache."""
    started = time.time()
    if release_voice and _WORKER.get("voice") is not None:
        _WORKER["voice"] = None  # every sentence exists: free the model's memory for mastering
        import gc

        gc.collect()
    encoded = master(_assemble(layout), layout.rate, profile, tags, cover, premastered=premastered)
    meta = {"duration_ms": encoded.duration_ms, "loudness_lufs": encoded.loudness_lufs,
            "true_peak_dbtp": encoded.true_peak_dbtp}
    _WORKER["cache"].put_file(key, encoded.data, meta)
    _trace(f"master {profile.name} {len(encoded.data) // 1024} KB", started)
    return encoded.data, meta


class _Runner:
    """Runs tasks in worker processes (``jobs`` > 1) or in this process, with an optional progress bar."""

    def __init__(self, jobs: int, voice_name: str, cache: Cache, progress: bool) -> None:
        self.jobs, self.pool = max(1, jobs), None
        self.init_args = (voice_name, max(1, (os.cpu_count() or 1) // self.jobs), str(cache.root))
        _worker_init(voice_name, 0, str(cache.root))
        self.bar = None
        if progress:
            from tqdm import tqdm

            self.bar = tqdm(total=0, unit="task", desc="narrating", file=sys.stderr, leave=False)

    def submit(self, fn, *args) -> Future:
        if self.bar is not None:
            self.bar.total += 1
            self.bar.refresh()
        if self.jobs > 1 and self.pool is None:
            # Started on first use: a warm rebuild with nothing to do starts no process and loads no model.
            # spawn, not fork: onnxruntime's threads do not survive a fork, and workers start clean.
            self.pool = ProcessPoolExecutor(self.jobs, mp_context=multiprocessing.get_context("spawn"),
                                            initializer=_worker_init, initargs=self.init_args)
        if self.pool is not None:
            future = self.pool.submit(fn, *args)
        else:
            future = Future()
            try:
                future.set_result(fn(*args))
            except BaseException as exc:  # noqa: BLE001 - re-raised by future.result()
                future.set_exception(exc)
        if self.bar is not None:
            future.add_done_callback(lambda _: self.bar.update(1))
        return future

    def close(self, cancel: bool = False) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=cancel)
        if self.bar is not None:
            self.bar.close()


# --- Inputs -------------------------------------------------------------------------------------------------


def _git_date(path: Path) -> str:
    """Date of the last commit touching ``path`` (stable across clones), or ""."""
    try:
        out = subprocess.run(["git", "log", "-1", "--format=%cs", "--", path.name], cwd=path.parent,
                             capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    return out.stdout.strip() if out.returncode == 0 else ""


def _article_date(article: Article, path: Path) -> str:
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", article.date or ""):
        return article.date
    return _git_date(path) or datetime.fromtimestamp(path.stat().st_mtime, UTC).strftime("%Y-%m-%d")


def read_articles(content: Path, show: ShowSettings) -> tuple[list[Article], list[str]]:
    """Every article in ``content/articles`` in date-then-title order; all errors at once."""
    folder = content / "articles"
    if not folder.is_dir():
        raise BuildError(f"{folder}: articles folder not found")
    files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    candidates = [p for p in files if p.suffix.lower() in EXTENSIONS]
    if not candidates:
        raise BuildError(f"{folder}: no articles (.txt, .md or .html files)")
    articles, errors, warnings = [], [], []
    for path in candidates:
        try:
            article = read_article(path, content)
        except ArticleError as exc:
            errors.append(str(exc))
            continue
        article.date = _article_date(article, path)
        article.author = article.author or show.author
        warnings += article.warnings
        articles.append(article)
    if errors:
        raise BuildError("\n".join(errors))
    ids: set[str] = set()
    for article in articles:
        if article.id in ids:
            raise BuildError(f"{article.source}: episode id '{article.id}' is used by another article; set an id")
        ids.add(article.id)
    articles.sort(key=lambda a: (a.date, a.title.lower()))
    return articles, warnings


def read_prompts(show: ShowSettings) -> tuple[list[str], list[str]]:
    """Grounding prompts from the prompts file; too-long prompts are left out with a warning."""
    path = show.path(show.prompts)
    if not path.is_file():
        return [], [f"{path}: no prompts file; the skill will have no grounding prompts"]
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise BuildError(f"{path}: not valid TOML ({exc})") from None
    prompts = data.get("prompts")
    if not isinstance(prompts, list) or not all(isinstance(p, str) and p.strip() for p in prompts):
        raise BuildError(f"{path}: key 'prompts' must be a list of non-empty strings")
    kept, warnings = [], []
    for prompt in prompts:
        words = len(prompt.split())
        if words > MAX_PROMPT_WORDS:
            warnings.append(f"{path}: prompt '{prompt[:40]}...' has {words} words (at most {MAX_PROMPT_WORDS}); left out")
        else:
            kept.append(prompt.strip())
    return kept, warnings


# --- The build ----------------------------------------------------------------------------------------------


def _ms(samples: int, rate: int) -> int:
    return round(samples * 1000 / rate)


def _silence(ms: int, rate: int) -> tuple[str, int]:
    return ("s", round(ms * rate / 1000))


def build(options: BuildOptions) -> BuildReport:
    """Run a whole build; raises :class:`BuildError` (nothing written) on bad input."""
    started = time.monotonic()
    content = options.content
    if not content.is_dir():
        raise BuildError(f"{content}: content folder not found")
    try:
        check_out(options.out, content, options.cache or default_cache(content))
    except OutputError as exc:
        raise BuildError(str(exc)) from None
    base_url = options.base_url if options.base_url.endswith("/") else options.base_url + "/"
    if not re.match(r"^https?://[^\s/]+/\S*$", base_url):
        raise BuildError(f"--base-url {options.base_url!r}: must be an http(s) URL")
    try:
        show = load_show(content)
        if options.skill_endpoint:
            show = parse_show({**_raw_show(content), "skill_endpoint": options.skill_endpoint},
                              content / "show.toml", content)
        voice_name = options.voice or show.voice
        voice_module(voice_name)
        lexicon = load_lexicon(show.path(show.lexicon))
        if show.artwork:
            artwork = load_artwork(show)  # the show's own: check it before anything else
    except (SettingsError, LexiconError, VoiceError) as exc:
        raise BuildError(str(exc)) from None
    articles, warnings = read_articles(content, show)
    prompt_texts, prompt_warnings = read_prompts(show)
    warnings += prompt_warnings
    # --- issue 11: `gentle-steps check` at the start of every build (to re-home in the pipeline rewrite) ---
    from gentle_steps.deploy.check import findings_for_build

    check_errors, check_warnings = findings_for_build(show, content, base_url)
    if check_errors:
        raise BuildError("\n".join(check_errors))
    warnings += check_warnings
    # --- end of the check block ---
    if options.strict and warnings:
        raise BuildError("\n".join(f"{w} (--strict)" for w in warnings))
    try:
        preflight(voice_name)
    except VoiceError as exc:
        raise BuildError(str(exc)) from None

    voice = describe(voice_name)
    engine = voice_module(voice_name)
    settings, rate = engine.settings(), engine.sample_rate()
    cache = Cache(options.cache or default_cache(content))

    planned = [_plan_episode(a, i + 1, show, lexicon, voice, settings) for i, a in enumerate(articles)]
    prompt_plans = [(p, _plan_items([Utterance(p, speakable(p, lexicon), "paragraph", 0, 0)], voice, settings))
                    for p in prompt_texts]

    # Phase 1a: synthesize what the cache lacks, and master each file as soon as its own sentences exist.
    pieces = {pc.key: pc.spoken for _, items in prompt_plans for it in items for pc in it.pieces}
    pieces.update({pc.key: pc.spoken for ep in planned for s in ep.sections for it in s.items for pc in it.pieces})
    missing = {k: v for k, v in pieces.items() if not cache.has_sentence(k)}
    progress = sys.stderr.isatty() if options.progress is None else options.progress
    runner = _Runner(options.jobs, voice_name, cache, progress)
    report = BuildReport(manifest=None, sentences=len(pieces), synthesized=len(missing))  # type: ignore[arg-type]
    jobs: list[tuple[str, Future | tuple[bytes, dict]]] = []
    episodes_out, prompts_out, files = [], [], {}
    try:
        # Reading order (prompts first, they are short), fed to the pool a few at a time: each file is
        # mastered as soon as its own sentences exist, its task queued just behind the sentences in flight
        # rather than behind all of them, so mastering overlaps narration and both cores stay busy.
        order = list(missing)
        position = {k: i for i, k in enumerate(order)}
        synth: dict[str, Future] = {}
        lookahead = 2 * max(1, options.jobs)

        def pump(upto: int) -> None:
            for key in order[len(synth): min(upto, len(order))]:
                synth[key] = runner.submit(_synthesize, key, missing[key])

        def ready(items: list[PlannedUtterance]) -> None:
            keys = [p.key for item in items for p in item.pieces if p.key in position]
            pump(max((position[k] for k in keys), default=-1) + 1 + lookahead)
            for key in keys:
                synth[key].result()

        pump(lookahead)
        if not show.artwork:
            artwork = _generated_artwork(show, cache)  # made while the first sentences are narrated
        cover = artwork.thumbnail

        def encode(path: str, layout: Layout, profile: Profile, tags: Tags, premastered: bool = False) -> None:
            key = digest("file", __version__, layout.parts, layout.rate, profile.__dict__, tags.__dict__,
                         hashlib.sha256(cover).hexdigest())
            hit = cache.get_file(key)
            if hit is None:
                report.files_encoded += 1
                # Once every sentence exists, workers can drop the voice model before the big masters.
                done = len(synth) == len(order) and all(f.done() for f in synth.values())
                jobs.append((path, runner.submit(_master, key, layout, profile, tags, cover, done, premastered)))
            else:
                jobs.append((path, hit))

        def premaster(body: Layout) -> tuple[str, Future | None]:
            """The section's podcast-profile narration, mastered on its own (see mastering.prepare)."""
            key = digest("premaster", __version__, body.parts, body.rate, PODCAST.__dict__)
            if cache.has_sentence(key):
                return key, None
            return key, runner.submit(_premaster, key, body, PODCAST)

        prompt_layouts = []
        prompt_ids: set[str] = set()
        for text, items in prompt_plans:
            ready(items)
            pid = unique_slug(_short_slug(text), prompt_ids)
            layout = Layout(tuple([_silence(PAUSES.edge, rate)] + _parts(items[0], cache, rate)
                                  + [_silence(PAUSES.edge, rate)]), rate)
            prompt_layouts.append((pid, text, items[0]))
            encode(f"prompts/{pid}.mp3", layout, ALEXA, Tags(text, show.author, show.title, "", ""))

        layouts = []
        for ep in planned:
            year = ep.article.date[:4]
            premasters = []
            for i, section in enumerate(ep.sections):
                ready(section.items)
                layout = _section_layout(section, cache, rate)[0]
                encode(_section_path(ep, i, section), layout, ALEXA,
                       Tags(f"{ep.article.title}: {section.title}", ep.article.author, show.title,
                            f"{i + 1}/{len(ep.sections)}", year))
                premasters.append(premaster(Layout(layout.parts[1:-1], rate)))  # the narration, no edges
            for _, future in premasters:
                if future is not None:
                    future.result()
            episode_layout, timings = _layout_episode(ep, cache, rate, [key for key, _ in premasters])
            layouts.append(timings)
            chapters = tuple((s.title, start, end) for s, (start, end) in zip(ep.sections, timings["chapters"], strict=True))
            encode(_episode_path(ep), episode_layout, PODCAST,
                   Tags(ep.article.title, ep.article.author, show.title, str(ep.number), year, chapters),
                   premastered=True)

        for path, job in jobs:
            data, meta = job.result() if isinstance(job, Future) else job
            files[path] = (data, meta)
    except BaseException:
        runner.close(cancel=True)
        raise
    runner.close()

    def audio_file(path: str, profile: Profile) -> AudioFile:
        data, meta = files[path]
        return AudioFile(path=path, url=base_url + path, profile=profile.name, duration_ms=meta["duration_ms"],
                         bytes=len(data), sha256=hashlib.sha256(data).hexdigest(),
                         loudness_lufs=meta["loudness_lufs"], true_peak_dbtp=meta["true_peak_dbtp"],
                         sample_rate=profile.sample_rate, bitrate_kbps=profile.bitrate_kbps)

    for ep, timings in zip(planned, layouts, strict=True):
        sections = []
        for i, section in enumerate(ep.sections):
            audio = audio_file(_section_path(ep, i, section), ALEXA)
            if audio.duration_ms > ALEXA_MAX_SECONDS * 1000:
                report.notes.append(f"{ep.article.source}: section '{section.title}' is {audio.duration_ms / 1000:.0f} s, "
                                    f"over Alexa's {ALEXA_MAX_SECONDS} s for SSML audio; it still streams")
            start, end = timings["chapters"][i]
            sections.append(Section(id=section.id, index=i, title=section.title, heading=section.heading,
                                    sentences=timings["sentences"][i], audio=audio,
                                    episode_start_ms=start, episode_end_ms=end))
        episodes_out.append(Episode(id=ep.article.id, number=ep.number, title=ep.article.title, date=ep.article.date,
                                    description=ep.article.description, author=ep.article.author,
                                    source=ep.article.source, sections=sections,
                                    audio=audio_file(_episode_path(ep), PODCAST), references=ep.article.references,
                                    previous_title=ep.article.previous_title, next_title=ep.article.next_title))
    for pid, text, item in prompt_layouts:
        prompts_out.append(Prompt(id=pid, text=text, spoken=item.utterance.spoken,
                                  audio=audio_file(f"prompts/{pid}.mp3", ALEXA)))

    art_path = f"artwork.{artwork.extension}"
    manifest = Manifest(base_url=base_url, show=show, voice=VoiceInfo(**voice), episodes=episodes_out,
                        prompts=prompts_out,
                        artwork=ArtworkInfo(path=art_path, url=base_url + art_path, mime=artwork.mime,
                                            width=artwork.width, height=artwork.height, bytes=len(artwork.data),
                                            sha256=hashlib.sha256(artwork.data).hexdigest()))

    # Phase 1c: everything derived from the finished manifest.
    outputs: dict[str, bytes] = {path: data for path, (data, _) in files.items()}
    outputs[art_path] = artwork.data
    from gentle_steps.deploy.icons import skill_icon_files  # issue 11: the skill's 108/512 px icons

    outputs.update(skill_icon_files(artwork.data, cache, show.language))
    try:
        outputs.update(render_outputs(manifest))
    except ValueError as exc:  # FeedError, an invalid skill package: content problems, named in the message
        raise BuildError(f"cannot write the feed, pages or skill package: {exc}") from None

    # Phase 2: write, then swap into place.
    write_atomically(options.out, outputs)
    report.manifest = manifest
    report.episodes = len(episodes_out)
    report.sections = sum(len(e.sections) for e in episodes_out)
    report.audio_seconds = sum(e.audio.duration_ms for e in episodes_out) / 1000
    report.warnings = warnings
    report.seconds = time.monotonic() - started
    return report


def _raw_show(content: Path) -> dict:
    return tomllib.loads((content / "show.toml").read_text(encoding="utf-8"))


def render_outputs(manifest: Manifest) -> dict[str, bytes]:
    """Manifest, catalog, skill package, feed and pages: everything computed from the manifest."""
    from gentle_steps.deploy.catalog import catalog_for
    from gentle_steps.feed.site import render_site
    from gentle_steps.skill.interaction import build_skill_package

    files: dict[str, object] = {"manifest.json": manifest.to_dict()}
    catalog = catalog_for(manifest)
    files["catalog.json"] = catalog.to_dict()
    endpoint = manifest.show.skill_endpoint or None
    for path, data in build_skill_package(catalog, manifest.show.to_dict(), endpoint).items():
        files[f"skill-package/{path}"] = data
    files.update(render_site(manifest))
    return encode(files)


def _plan_episode(article: Article, number: int, show: ShowSettings, lexicon: dict[str, str],
                  voice: dict[str, str], settings: dict[str, object]) -> PlannedEpisode:
    sections = []
    for i, section in enumerate(article.sections):
        lead = lead_in(article.title, show.disclosure, lexicon) if i == 0 else None
        utterances = plan_section(section, lexicon, lead)
        sections.append(PlannedSection(section.id, section.title, section.heading,
                                       _plan_items(utterances, voice, settings)))
    return PlannedEpisode(article, number, sections)


def _generated_artwork(show: ShowSettings, cache: Cache) -> Artwork:
    """Generated artwork, cached by what it is drawn from (drawing a 3000 px PNG takes most of a warm build)."""
    from PIL import __version__ as pillow_version

    key = digest("artwork", show.title, show.subtitle, pillow_version, __version__)
    hit = cache.get_file(key)
    if hit is not None:
        data, meta = hit
        return Artwork(data, meta["mime"], meta["extension"], meta["width"], meta["height"],
                       bytes.fromhex(meta["thumbnail"]))
    artwork = load_artwork(show)
    cache.put_file(key, artwork.data, {"mime": artwork.mime, "extension": artwork.extension, "width": artwork.width,
                                       "height": artwork.height, "thumbnail": artwork.thumbnail.hex()})
    return artwork


def _short_slug(text: str, limit: int = 48) -> str:
    """A slug cut at a word boundary."""
    slug = slugify(text, "prompt")
    return slug if len(slug) <= limit else slug[:limit].rsplit("-", 1)[0]


def _episode_path(ep: PlannedEpisode) -> str:
    return f"episodes/{ep.article.id}/{ep.article.id}.mp3"


def _section_path(ep: PlannedEpisode, index: int, section: PlannedSection) -> str:
    return f"episodes/{ep.article.id}/sections/{index:02d}-{section.id}.mp3"


def _parts(item: PlannedUtterance, cache: Cache, rate: int) -> list[tuple[str, str | int]]:
    parts: list[tuple[str, str | int]] = []
    for n, piece in enumerate(item.pieces):
        if n:
            parts.append(_silence(SPLIT_PAUSE_MS, rate))
        parts.append(("k", piece.key))
    return parts


def _length(parts: list[tuple[str, str | int]], cache: Cache) -> int:
    return sum(cache.sentence_length(str(v)) if kind == "k" else int(v) for kind, v in parts)


def _section_layout(section: PlannedSection, cache: Cache, rate: int):
    """A section file: edge silence, its narration with pauses, edge silence.

    Returns the layout, each utterance with its start and length in samples, and the narration's length.
    """
    edge = _silence(PAUSES.edge, rate)
    parts: list[tuple[str, str | int]] = [edge]
    pos = int(edge[1])
    placed = []
    for item in section.items:
        item_parts = _parts(item, cache, rate)
        length = _length(item_parts, cache)
        placed.append((item.utterance, pos, length))
        body = item_parts + ([_silence(item.utterance.pause_ms, rate)] if item.utterance.pause_ms else [])
        parts += body
        pos += _length(body, cache)
    parts.append(edge)
    return Layout(tuple(parts), rate), placed, pos - int(edge[1])


def _layout_episode(ep: PlannedEpisode, cache: Cache, rate: int, premastered: list[str]):
    """The episode layout and every sentence's timings in its section file and in the episode.

    The episode is edge silence, the sections' narrations (``premastered``: each section's narration mastered
    on its own, cached under these keys, the same length as the raw narration) joined by the longer pause
    before a heading, edge silence. Chapter i starts where section i's narration starts (the first at 0) and
    ends where the next begins.
    """
    edge = _silence(PAUSES.edge, rate)
    episode_parts: list[tuple[str, str | int]] = [edge]
    episode_pos = int(edge[1])
    sentences_by_section, starts = [], []
    for i, section in enumerate(ep.sections):
        if i:
            gap = _silence(PAUSES.before_heading, rate)
            episode_parts.append(gap)
            episode_pos += int(gap[1])
        starts.append(episode_pos if i else 0)
        layout, placed, length = _section_layout(section, cache, rate)
        shift = episode_pos - int(edge[1])  # section file position -> episode position
        sentences_by_section.append([
            Sentence(text=u.text, spoken=u.spoken, kind=u.kind, start_ms=_ms(pos, rate), end_ms=_ms(pos + n, rate),
                     episode_start_ms=_ms(pos + shift, rate), episode_end_ms=_ms(pos + shift + n, rate),
                     paragraph=u.paragraph)
            for u, pos, n in placed])
        episode_parts.append(("k", premastered[i]))
        episode_pos += length
    episode_parts.append(edge)
    ends = starts[1:] + [episode_pos + int(edge[1])]
    chapters = [(_ms(a, rate), _ms(b, rate)) for a, b in zip(starts, ends, strict=True)]
    return Layout(tuple(episode_parts), rate), {"sentences": sentences_by_section, "chapters": chapters}


# --- Command ------------------------------------------------------------------------------------------------


def run(args) -> int:
    """``gentle-steps build``: print one line per problem and exit non-zero, or a closing summary."""
    if not args.out.strip():  # Path("") would be the current folder
        print("gentle-steps build: --out is empty; name the output folder, e.g. --out dist", file=sys.stderr)
        return 2
    options = BuildOptions(content=Path(args.content), out=Path(args.out), base_url=args.base_url, voice=args.voice,
                           jobs=max(1, args.jobs), strict=args.strict,
                           cache=Path(args.cache) if args.cache else None, skill_endpoint=args.skill_endpoint)
    try:
        report = build(options)
    except BuildError as exc:
        for line in str(exc).splitlines():
            print(f"gentle-steps build: {line}", file=sys.stderr)
        return 2
    except (EncodeError, VoiceError) as exc:
        print(f"gentle-steps build: {exc}", file=sys.stderr)
        return 1
    except BrokenProcessPool:
        print("gentle-steps build: a worker process stopped unexpectedly (out of memory?); try --jobs 1; "
              "the previous output is untouched", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("gentle-steps build: interrupted; the previous output is untouched", file=sys.stderr)
        return 130
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for note in report.notes:
        print(f"note: {note}")
    print(report.summary())
    print(f"Output: {options.out.resolve()}")
    return 0
