"""Proof-listening benchmark: ``gentle-steps proof`` on the sample, as a share of the audio's length.

Builds content/ with the Piper voice into a temporary folder (or takes ``--dist`` of an existing build), then
times the whole ``gentle-steps proof`` command in a fresh process (start-up, model load, decoding, recognition,
comparison, writing the report) and divides by the length of the section files it listened to.
Target on 2 cores: at most 0.35x.

    .venv/bin/python scripts/bench_proof.py [--dist DIST] [--runs N]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = 0.35
GENTLE_STEPS = [sys.executable, "-m", "gentle_steps.deploy.cli"]


def build(tmp: Path) -> Path:
    """The sample built with Piper into ``tmp/dist`` (its own cache, so nothing outside is touched)."""
    content = tmp / "content"
    shutil.copytree(ROOT / "content", content)
    dist = tmp / "dist"
    subprocess.run([*GENTLE_STEPS, "build", "--content", str(content), "--out", str(dist), "--voice", "piper",
                    "--cache", str(tmp / "cache")], check=True, capture_output=True)
    return dist


def time_proof(dist: Path, content: Path) -> tuple[float, float]:
    """Wall-clock seconds of one ``gentle-steps proof`` run, and the CPU seconds it used (user + system, its
    ffmpeg children included): on a shared machine the CPU figure says what the run costs when wall time
    is inflated by others' work."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run([*GENTLE_STEPS, "proof", "--dist", str(dist), "--content", str(content)],
                            capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        sys.exit(f"bench_proof: gentle-steps proof failed: {result.stderr.strip()}")
    return seconds, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> int:
    """Print the figure and whether it meets the target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", default=None, help="an existing build of the sample (default: build one)")
    parser.add_argument("--runs", type=int, default=1, help="proof runs; the median is reported (default: 1)")
    args = parser.parse_args()
    from gentle_steps.audio.proof import ProofError, require_extra

    try:
        require_extra()
    except ProofError as exc:
        print(f"bench_proof: {exc}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="bench-proof-") as tmp:
        dist = Path(args.dist) if args.dist else build(Path(tmp))
        if args.dist:  # never write proof/ into the caller's build
            shutil.copytree(dist, Path(tmp) / "dist")
            dist = Path(tmp) / "dist"
        runs = [time_proof(dist, ROOT / "content") for _ in range(max(1, args.runs))]
        report = json.loads((dist / "proof" / "report.json").read_text(encoding="utf-8"))
    times = [wall for wall, _ in runs]
    seconds = statistics.median(times)
    cpu = statistics.median(cpu for _, cpu in runs)
    audio = report["audio_ms"] / 1000
    ratio = seconds / audio
    rec = report["recognizer"]
    print(f"Proof-listening ({rec['engine']} {rec['engine_version']}, Whisper {rec['model']} "
          f"{rec['compute_type']}, beam {rec['beam_size']}), sample of {audio:.0f} s of audio:")
    print(f"  gentle-steps proof, whole command: {seconds:.1f} s (runs: {', '.join(f'{t:.1f}' for t in times)})")
    print(f"  ratio to the audio's length: {ratio:.2f}x (target <= {TARGET}x, {'met' if ratio <= TARGET else 'NOT met'})")
    print(f"  CPU time: {cpu:.1f} s ({cpu / audio:.2f}x the audio's length; on {os.cpu_count()} core(s) at best "
          f"{cpu / (os.cpu_count() or 1) / audio:.2f}x wall)")
    print(f"  words missed: {report['missed']} of {report['words']} ({report['miss_rate'] * 100:.1f}%), "
          f"sentences flagged: {report['flagged']} of {report['sentences']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
