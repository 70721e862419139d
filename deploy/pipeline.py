"""``gentle-steps build``: the stages in order, each a function of typed inputs to typed outputs.

    read content -> plan narration -> check -> narrate (synthesize, master, encode) -> manifest
      -> feed and pages, catalog, skill package -> write dist/ (one swap)

Two phases, as in Pelican: everything is computed first (audio lands in the cache), then ``dist/`` is written
into a temporary folder that replaces the previous one in one step. A failed, interrupted or killed build
leaves the previous ``dist/`` untouched. The stages know nothing of each other; only this module calls them.
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from gentle_steps.audio.artwork import Artwork, show_artwork
from gentle_steps.audio.assemble import episode_path, section_path
from gentle_steps.audio.breathing import BreathingError, plan_breathing
from gentle_steps.audio.cache import DEFAULT_MAX_BYTES, Cache
from gentle_steps.audio.content import Content, ContentError, read_content
from gentle_steps.audio.lexicon import fit_lexicon
from gentle_steps.audio.mastering import ALEXA, ALEXA_MAX_SECONDS, PODCAST, Profile
from gentle_steps.audio.model import ArtworkInfo, AudioFile, Episode, Manifest, Prompt, Section, VoiceInfo
from gentle_steps.audio.narrate import FinishedFile, NarratedShow, narrate
from gentle_steps.audio.normalize_words import release_word_list
from gentle_steps.audio.plan import NarrationPlan, check_lengths, plan_narration
from gentle_steps.audio.settings import SettingsError, ShowSettings
from gentle_steps.audio.tracks import BreathingTrack, Cue
from gentle_steps.audio.voices import Voice, VoiceError, get_voice
from gentle_steps.deploy.output import OutputError, check_out, default_cache, output_lock, write_atomically
from gentle_steps.deploy.render import placeholder_manifest, render_books, render_outputs


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
    """Narration threads (one per core is fastest)."""

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

    manifest: Manifest | None = None
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

    cpu_seconds: dict[str, float] = field(default_factory=dict)
    """CPU seconds per stage (the bench prints them)."""

    marks: list[tuple[str, float]] = field(default_factory=list)
    """When each stage ended, in seconds since the process started (the bench prints them)."""

    tasks: list[tuple[str, str, float, float]] = field(default_factory=list)
    """(thread, kind, start, end) of every narration task, seconds since the process started (the bench's idle
    figure)."""

    def summary(self) -> str:
        """One closing line, like Pelican's "Processed N articles"."""
        hits = self.sentences - self.synthesized
        return (f"Built {self.episodes} episode(s), {self.sections} section(s), {self.audio_seconds / 60:.1f} min "
                f"of audio in {self.seconds:.1f} s; cache: {hits} of {self.sentences} sentences reused, "
                f"{self.files_encoded} file(s) encoded; {len(self.warnings)} warning(s).")


def check_base_url(url: str) -> str:
    """The base URL normalised (lowercase scheme and host, a final slash), or :class:`BuildError`."""
    where = f"--base-url {url!r}"
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise BuildError(f"{where}: {exc}") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise BuildError(f"{where}: must be an http(s) URL such as https://listen.example.org/")
    if parts.username is not None or parts.password is not None:
        raise BuildError(f"{where}: must not hold a user name or password (it is published in the feed)")
    if parts.query or parts.fragment or "?" in url or "#" in url:
        raise BuildError(f"{where}: must not have a query (?...) or a fragment (#...)")
    if any(ch.isspace() for ch in url.strip()):
        raise BuildError(f"{where}: must not contain spaces")
    host = parts.hostname.lower() + (f":{port}" if port is not None else "")
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return urlunsplit((scheme, host, path, "", ""))


_PROCESS_START = time.monotonic() - time.process_time()  # close enough to the interpreter's start


class _Stopwatch:
    """CPU seconds per stage of this process's main thread (the narration threads report their own)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.marks: list[tuple[str, float]] = []
        """(stage, seconds since the process started) at the end of each stage, for the bench."""

    def __call__(self, stage: str, fn, *args, **kwargs):
        started = time.thread_time()
        try:
            return fn(*args, **kwargs)
        finally:
            self.seconds[stage] = self.seconds.get(stage, 0.0) + time.thread_time() - started
            self.marks.append((stage, time.monotonic() - _PROCESS_START))


def _warm_imports() -> None:
    """Find the ffmpeg binary on the core the start of a build leaves idle."""
    import imageio_ffmpeg

    imageio_ffmpeg.get_ffmpeg_exe()


def build(options: BuildOptions) -> BuildReport:
    """Run a whole build; raises :class:`BuildError` (nothing written) on bad input."""
    started = time.monotonic()
    threading.Thread(target=_warm_imports, name="imports", daemon=True).start()
    base_url = check_base_url(options.base_url)
    cache_dir = options.cache or default_cache(options.content)
    try:
        check_out(options.out, options.content, cache_dir)
        with output_lock(options.out):
            report = _build(options, base_url, Cache(cache_dir))
    except OutputError as exc:
        raise BuildError(str(exc)) from None
    report.seconds = time.monotonic() - started
    return report


def _build(options: BuildOptions, base_url: str, cache: Cache) -> BuildReport:
    clock, report = _Stopwatch(), BuildReport()
    content, voice = clock("read", read_stage, options, base_url)
    plan = clock("plan", plan_stage, content, voice)
    if any(not cache.has_sentence(key) for key in plan.pieces()):
        voice.preload()  # the model loads on the other core while the outputs are tried out
    clock("preflight", preflight_stage, plan, content, base_url)
    report.warnings = list(content.warnings)
    if options.strict and report.warnings:
        raise BuildError("\n".join(f"{w} (--strict)" for w in report.warnings))
    artwork = show_artwork(content.show, cache)
    try:
        narrated = clock("narrate", narrate, plan, voice, cache, workers=options.jobs, progress=options.progress,
                         cover=artwork.thumbnail, cover_mime="image/jpeg",
                         cover_sha=hashlib.sha256(artwork.thumbnail).hexdigest(), show_title=content.show.title,
                         author=content.show.author)
    except BreathingError as exc:  # a cue the voice cannot say in its time: known only once it is said
        raise BuildError(str(exc)) from None
    manifest = clock("manifest", manifest_stage, plan, narrated, content.show, base_url, voice, artwork, report)
    copies = {f.job.path: f.source for f in [*narrated.prompts, *narrated.episodes]
              + [f for files in narrated.sections for f in files] + [f for f, _ in narrated.breathing]}
    copies.update(clock("books", books_stage, manifest, copies, artwork, cache))
    books = {p: s.stat().st_size for p, s in copies.items() if p.endswith(".epub")}
    outputs = clock("render", render_stage, manifest, artwork, books, cache)
    clock("write", write_atomically, options.out, outputs, copies)
    if cache.size() > DEFAULT_MAX_BYTES:
        cache.prune(int(DEFAULT_MAX_BYTES * 0.8))
    report.manifest = manifest
    report.sentences, report.synthesized = len(plan.pieces()), narrated.synthesized
    report.files_encoded = narrated.files_encoded
    report.warnings += narrated.warnings
    report.episodes = len(manifest.episodes)
    report.sections = sum(len(e.sections) for e in manifest.episodes)
    report.audio_seconds = sum(e.audio.duration_ms for e in manifest.episodes) / 1000
    report.cpu_seconds = {**clock.seconds, **narrated.cpu_seconds}
    report.marks = clock.marks
    report.tasks = [(t, kind, a - _PROCESS_START, b - _PROCESS_START) for t, kind, a, b in narrated.tasks]
    return report


def read_stage(options: BuildOptions, base_url: str) -> tuple[Content, Voice]:
    """The content folder and the voice, checked before anything is written; `gentle-steps check`'s findings
    are the build's errors and warnings."""
    from gentle_steps.deploy.check import findings_for_build

    try:
        content = read_content(options.content)
        if options.skill_endpoint:
            content.show = content.show.with_values(skill_endpoint=options.skill_endpoint)
        voice = get_voice(options.voice or content.show.voice, content.show)
        voice.check()
    except (ContentError, SettingsError, VoiceError) as exc:
        raise BuildError(str(exc)) from None
    content.lexicon, left_out = fit_lexicon(content.lexicon, getattr(voice, "phonemes", False), voice.name,
                                            content.show.path(content.show.lexicon))
    content.warnings += left_out
    errors, warnings = findings_for_build(content.show, options.content, base_url)
    if errors:
        raise BuildError("\n".join(errors))
    content.warnings += warnings
    return content, voice


def plan_stage(content: Content, voice: Voice) -> NarrationPlan:
    """The narration plan, refused before synthesis when an episode would be too long."""
    plan = plan_narration(content.articles, content.prompts, content.show, content.lexicon, voice.identity())
    try:
        plan = replace(plan, breathing=plan_breathing(content.show, content.lexicon, voice.identity()))
    except BreathingError as exc:
        raise BuildError(str(exc)) from None
    release_word_list()  # spoken text is done: its word list need not sit beside the voice in memory
    problems = check_lengths(plan)
    if problems:
        raise BuildError("\n".join(problems))
    return plan


def preflight_stage(plan: NarrationPlan, content: Content, base_url: str) -> None:
    """Refuse before synthesis what the feed, pages or skill package could not be made from (rendered once
    from a manifest with placeholder audio)."""
    try:
        render_outputs(placeholder_manifest(plan, content.show, base_url))
    except ValueError as exc:
        raise BuildError(f"cannot make the feed, pages or skill package: {exc}") from None


def _audio(finished: FinishedFile, profile: Profile, base_url: str) -> AudioFile:
    return AudioFile(path=finished.job.path, url=base_url + finished.job.path, profile=profile.name,
                     duration_ms=finished.duration_ms, bytes=finished.bytes, sha256=finished.sha256,
                     loudness_lufs=finished.loudness_lufs, true_peak_dbtp=finished.true_peak_dbtp,
                     sample_rate=profile.sample_rate, bitrate_kbps=profile.bitrate_kbps)


def manifest_stage(plan: NarrationPlan, narrated: NarratedShow, show: ShowSettings, base_url: str, voice: Voice,
                   artwork: Artwork, report: BuildReport) -> Manifest:
    """The manifest: every episode, section and sentence with its timings, every file with its figures."""
    from gentle_steps.audio.assemble import section_sentences

    episodes = []
    for e, ep in enumerate(plan.episodes):
        whole = narrated.episodes[e]
        firsts = [c.unit for c in whole.job.chapters] + [len(whole.job.units)]
        sections = []
        for s, section in enumerate(ep.sections):
            own = narrated.sections[e][s]
            lo, hi = firsts[s], firsts[s + 1]
            sentences = section_sentences(own.job.units, list(own.starts), whole.job.units[lo:hi],
                                          list(whole.starts[lo:hi]))
            audio = _audio(own, ALEXA, base_url)
            if audio.duration_ms > ALEXA_MAX_SECONDS * 1000:
                report.notes.append(f"{ep.article.source}: section '{section.title}' is "
                                    f"{audio.duration_ms / 1000:.0f} s, over Alexa's {ALEXA_MAX_SECONDS} s for "
                                    "SSML audio; it still streams")
            start, end = whole.chapters[s]
            sections.append(Section(id=section.id, index=s, title=section.title, heading=section.heading,
                                    sentences=sentences, audio=audio, episode_start_ms=start, episode_end_ms=end))
        article = ep.article
        episodes.append(Episode(id=article.id, number=ep.number, title=article.title, date=article.date,
                                description=article.description, author=article.author, source=article.source,
                                sections=sections, audio=_audio(whole, PODCAST, base_url),
                                references=article.references, previous_title=article.previous_title,
                                next_title=article.next_title, canonical_url=article.canonical_url))
    prompts = [Prompt(id=p.id, text=p.text, spoken=p.line.utterance.spoken,
                      audio=_audio(narrated.prompts[i], ALEXA, base_url)) for i, p in enumerate(plan.prompts)]
    breathing = [BreathingTrack(id=track.track.id, title=track.track.title, seconds=track.track.seconds,
                                audio=_audio(finished, ALEXA, base_url), cues=[Cue(text, at) for text, at in cues])
                 for track, (finished, cues) in zip(plan.breathing, narrated.breathing, strict=True)]
    art_path = f"artwork.{artwork.extension}"
    return Manifest(base_url=base_url, show=show, voice=VoiceInfo(voice.engine, voice.name, voice.version),
                    episodes=episodes, prompts=prompts, breathing=breathing,
                    artwork=ArtworkInfo(path=art_path, url=base_url + art_path, mime=artwork.mime,
                                        width=artwork.width, height=artwork.height, bytes=len(artwork.data),
                                        sha256=hashlib.sha256(artwork.data).hexdigest()))


def books_stage(manifest: Manifest, sources: dict[str, Path], artwork: Artwork, cache: Cache) -> dict[str, Path]:
    """The EPUB 3 talking books, made from the audio in the cache."""
    try:
        return render_books(manifest, sources, artwork.data, cache)
    except ValueError as exc:  # EpubError: the audio does not match the manifest
        raise BuildError(f"cannot make the EPUB books: {exc}") from None


def render_stage(manifest: Manifest, artwork: Artwork, books: dict[str, int], cache: Cache) -> dict[str, bytes]:
    """Every file computed from the manifest (linking the EPUB ``books``: path -> size), the artwork and the
    skill's icons."""
    from gentle_steps.deploy.icons import skill_icon_files

    try:
        outputs = render_outputs(manifest, books)
    except ValueError as exc:  # FeedError, an invalid skill package: content problems, named in the message
        raise BuildError(f"cannot make the feed, pages or skill package: {exc}") from None
    outputs[manifest.artwork.path] = artwork.data
    outputs.update(skill_icon_files(artwork.data, cache, manifest.show.language))
    return outputs


__all__ = ["BuildError", "BuildOptions", "BuildReport", "build", "check_base_url", "episode_path", "section_path"]
