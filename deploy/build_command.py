"""``gentle-steps build`` and ``gentle-steps cache``: arguments in, one line per problem out, an exit status.

Exit statuses: 0 built; 1 the build failed (encoder, voice, disk); 2 bad input (nothing written);
130 interrupted (Ctrl-C); 143 stopped by SIGTERM. The previous ``dist/`` is untouched by every failure.
"""

from __future__ import annotations

import errno
import os
import signal
import sys
from pathlib import Path
from typing import Any


class Stopped(BaseException):
    """SIGTERM arrived: stop as Ctrl-C would."""


def _on_sigterm(signum: int, frame: Any) -> None:
    raise Stopped


def _fail(line: str, code: int) -> int:
    print(f"gentle-steps build: {line}", file=sys.stderr)
    return code


def _disk_problem(exc: OSError) -> str:
    where = exc.filename or "the output or cache folder"
    if exc.errno == errno.ENOSPC:
        return f"{where}: the disk is full; free some space and build again; the previous output is untouched"
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return (f"{where}: cannot write there ({exc.strerror}); choose another --out or --cache; "
                "the previous output is untouched")
    return f"{where}: {exc.strerror or exc}; the previous output is untouched"


def run(args: Any) -> int:
    """``gentle-steps build``: print one line per problem and exit non-zero, or a closing summary (or, when
    nothing changed since the last build of the same output, say so and stop: see :mod:`fingerprint`)."""
    if not args.out.strip():  # Path("") would be the current folder
        return _fail("--out is empty; name the output folder, e.g. --out dist", 2)
    # The build runs one thread per core; numpy's BLAS (the true-peak interpolator is a matrix product) would
    # start as many threads again to compete with them. Read once, when numpy is first imported: that is later.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from gentle_steps.deploy import fingerprint as fp
    from gentle_steps.deploy.output import default_cache

    content, out = Path(args.content), Path(args.out)
    cache = Path(args.cache) if args.cache else default_cache(content)
    inputs = {"content": str(content.resolve()), "out": str(out.resolve()), "base_url": args.base_url,
              "voice": args.voice, "strict": args.strict, "skill_endpoint": args.skill_endpoint,
              "cache": str(cache.resolve())}
    print_ = fp.fingerprint(inputs, content) if content.is_dir() and not out.is_symlink() else ""
    if print_ and fp.unchanged(cache, out, print_):
        print(f"Nothing changed since the last build of {out.resolve()} (content, settings, options, voice, "
              "code); nothing to do.")
        return 0
    status = _build(args)
    if status == 0 and print_:
        fp.remember(cache, out, print_)
    return status


def _build(args: Any) -> int:
    from gentle_steps.audio.encoding import EncodeError
    from gentle_steps.audio.voices import VoiceError
    from gentle_steps.deploy.pipeline import BuildError, BuildOptions, build

    options = BuildOptions(content=Path(args.content), out=Path(args.out), base_url=args.base_url,
                           voice=args.voice, jobs=max(1, args.jobs), strict=args.strict,
                           cache=Path(args.cache) if args.cache else None, skill_endpoint=args.skill_endpoint)
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        report = build(options)
    except BuildError as exc:
        for line in str(exc).splitlines():
            print(f"gentle-steps build: {line}", file=sys.stderr)
        return 2
    except (EncodeError, VoiceError) as exc:
        return _fail(f"{exc}; the previous output is untouched", 1)
    except OSError as exc:
        return _fail(_disk_problem(exc), 1)
    except KeyboardInterrupt:
        return _fail("interrupted; the previous output is untouched", 130)
    except Stopped:
        return _fail("stopped (SIGTERM); the previous output is untouched", 143)
    finally:
        signal.signal(signal.SIGTERM, previous)
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for note in report.notes:
        print(f"note: {note}")
    print(report.summary())
    print(f"Output: {options.out.resolve()}")
    _trace(report)
    return 0


def _trace(report: Any) -> None:
    """With GENTLE_STEPS_TRACE=FILE, write the CPU seconds per stage as JSON (scripts/bench reads it)."""
    path = os.environ.get("GENTLE_STEPS_TRACE")
    if path:
        import json

        with open(path, "w", encoding="utf-8") as handle:
            json.dump({"cpu_seconds": report.cpu_seconds, "seconds": report.seconds, "marks": report.marks,
                       "tasks": report.tasks}, handle, indent=2)


def parse_size(text: str) -> int:
    """``500M``, ``2G``, ``1.5GB`` or a number of bytes."""
    units = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4}
    value = text.strip().upper().removesuffix("B").removesuffix("I")
    unit = value[-1] if value and value[-1] in units else ""
    return int(float(value[: len(value) - len(unit)] or "nan") * units[unit])


def run_cache(args: Any) -> int:
    """``gentle-steps cache size|prune``: how big the synthesis cache is, and trimming it."""
    from gentle_steps.audio.cache import DEFAULT_MAX_BYTES, Cache
    from gentle_steps.deploy.output import default_cache

    cache = Cache(Path(args.cache) if args.cache else default_cache(Path(args.content)))
    if not cache.root.is_dir():
        print(f"gentle-steps cache: {cache.root}: no cache there yet", file=sys.stderr)
        return 0 if args.action == "size" else 2
    if args.action == "size":
        print(f"{cache.root}: {cache.size() / 1024**2:.1f} MB")
        return 0
    try:
        limit = parse_size(args.max_size) if args.max_size else DEFAULT_MAX_BYTES
    except ValueError:
        print(f"gentle-steps cache: --max-size {args.max_size!r}: not a size like 500M or 2G", file=sys.stderr)
        return 2
    removed, freed = cache.prune(limit)
    print(f"{cache.root}: removed {removed} file(s), {freed / 1024**2:.1f} MB; now {cache.size() / 1024**2:.1f} MB")
    return 0
