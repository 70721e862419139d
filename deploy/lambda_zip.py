"""``gentle-steps package-lambda``: the skill, its runtime dependencies and the catalog, zipped for AWS Lambda.

The zip is assembled from what is installed in the current environment (``importlib.metadata``), so it
needs no network and no pip. Every runtime dependency is pure Python, so a zip made on x86_64 runs on the
arm64 function. boto3 and botocore are left out: the Lambda Python runtime provides them.

The zip is deterministic: entries sorted, fixed timestamps and permissions, so an unchanged skill and
catalog give a byte-identical zip (and ``sam deploy`` sees nothing to upload).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path, PurePosixPath

RUNTIME_DISTRIBUTIONS = (
    "ask-sdk-core",
    "ask-sdk-model",
    "ask-sdk-runtime",
    "ask-sdk-dynamodb-persistence-adapter",
)
"""The skill's direct runtime dependencies; their own requirements are followed from the installed metadata."""

PROVIDED_BY_LAMBDA = frozenset({"boto3", "botocore", "s3transfer", "jmespath"})
"""Distributions the Lambda Python runtime already holds (AWS SDK for Python and its own dependencies)."""

FORBIDDEN_TOP_LEVEL = frozenset({
    "numpy", "scipy", "onnxruntime", "piper", "pydub", "imageio_ffmpeg", "feedgen", "lxml",
    "boto3", "botocore",
})
"""Top-level names that must never be in the zip: the build's stack (too big, and not for the skill) and the SDK."""

FORBIDDEN_PACKAGES = frozenset({"gentle_steps/audio", "gentle_steps/feed", "gentle_steps/deploy"})
"""Our own packages the skill never imports: only ``gentle_steps/skill`` goes into the zip."""

LAMBDA_PYTHON = (3, 12)
"""Python version of the function (``Runtime: python3.12`` in deploy/template.yaml)."""

MAX_BYTES = 15 * 1024 * 1024
"""Refuse to write a zip larger than this (the skill must stay small and start fast)."""

ZIP_DATE = (1980, 1, 1, 0, 0, 0)
"""Timestamp of every entry (the earliest a zip can hold), for a byte-identical zip."""

_SKIP_METADATA = {"RECORD", "INSTALLER", "REQUESTED", "direct_url.json"}


class PackagingError(Exception):
    """A problem the user can fix, reported as one line."""


@dataclass(frozen=True)
class PackageResult:
    """What :func:`build_zip` wrote."""

    path: Path
    """The zip."""

    size: int
    """Its size in bytes."""

    entries: tuple[str, ...]
    """Archive names, in the zip's order."""

    distributions: tuple[str, ...]
    """``name version`` of every dependency bundled."""

    bytecode: str | None
    """Cache tag of the bundled ``.pyc`` files (``cpython-312``), or None when only sources are bundled."""


def _canonical(name: str) -> str:
    """A distribution name normalised as PEP 503 does (``Charset_Normalizer`` -> ``charset-normalizer``)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_names(dist: metadata.Distribution) -> list[str]:
    """Names of the distributions ``dist`` needs in this environment (extras and unmet markers skipped)."""
    names = []
    for req in dist.requires or []:
        spec, _, marker = req.partition(";")
        if "extra" in marker:
            continue
        if marker.strip() and not _marker_holds(marker):
            continue
        match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", spec)
        if match:
            names.append(match.group(1))
    return names


def _marker_holds(marker: str) -> bool:
    """Whether an environment marker holds for Python 3.12 on Linux (the Lambda runtime)."""
    try:
        from packaging.markers import Marker
    except ImportError:  # pragma: no cover - packaging comes with pip's environments
        return "2.7" not in marker
    return Marker(marker).evaluate({"python_version": "3.12", "python_full_version": "3.12.0",
                                    "sys_platform": "linux", "platform_system": "Linux",
                                    "implementation_name": "cpython", "platform_python_implementation": "CPython"})


def runtime_distributions() -> list[metadata.Distribution]:
    """The installed distributions the skill needs at run time on Lambda, sorted by name."""
    found: dict[str, metadata.Distribution] = {}
    queue = list(RUNTIME_DISTRIBUTIONS)
    while queue:
        name = _canonical(queue.pop())
        if name in found or name in PROVIDED_BY_LAMBDA:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            raise PackagingError(f"{name} is not installed in this environment; install the project first "
                                 f"(pip install -e .)") from None
        found[name] = dist
        queue.extend(_requirement_names(dist))
    return [found[k] for k in sorted(found)]


def _distribution_files(dist: metadata.Distribution) -> dict[str, Path]:
    """Archive name -> installed file for one distribution: its modules, data and licence, no bytecode."""
    files: dict[str, Path] = {}
    for entry in dist.files or []:
        parts = PurePosixPath(entry.as_posix()).parts
        if not parts or parts[0] == ".." or "__pycache__" in parts or entry.suffix in (".pyc", ".pyo"):
            continue  # console scripts live outside site-packages; bytecode is version-specific
        if parts[0].endswith(".dist-info") and parts[-1] in _SKIP_METADATA:
            continue
        if parts[-1].endswith(".pth"):
            raise PackagingError(f"{dist.metadata['Name']} is installed in editable mode; install it normally")
        path = Path(dist.locate_file(entry))
        if path.is_file():
            files[entry.as_posix()] = path
    for name in [n for n in files if n.endswith((".so", ".pyd"))]:
        # An optional accelerator compiled for this machine (charset-normalizer ships mypyc builds): useless
        # on arm64 Python 3.12, where the pure-Python module beside it is imported instead.
        pure = f"{name.rsplit('/', 1)[0]}/{name.rsplit('/', 1)[-1].split('.')[0]}.py" if "/" in name else ""
        if pure not in files:
            raise PackagingError(f"{dist.metadata['Name']}: {name} is compiled code with no pure-Python "
                                 "fallback; it would not run on the arm64 function")
        del files[name]
    return files


def _skill_files(skill_dir: Path) -> dict[str, Path]:
    """Archive name -> file for ``gentle_steps.skill``: its Python modules, nothing cached.

    ``gentle_steps`` is a namespace package (no ``__init__.py``), so the zip needs only the skill's folder.
    """
    files = {}
    for path in sorted(skill_dir.rglob("*.py")):
        rel = path.relative_to(skill_dir)
        if "__pycache__" in rel.parts:
            continue
        files[f"gentle_steps/skill/{rel.as_posix()}"] = path
    return files


def _check_catalog(dist_dir: Path) -> Path:
    """``dist/catalog.json``, refused with a one-line reason when missing or not a catalog."""
    if not dist_dir.is_dir():
        raise PackagingError(f"{dist_dir}: no such folder (run gentle-steps build first)")
    catalog = dist_dir / "catalog.json"
    if not catalog.is_file():
        raise PackagingError(f"{catalog}: missing (run gentle-steps build first)")
    try:
        data = json.loads(catalog.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PackagingError(f"{catalog}: not valid JSON ({exc})") from None
    if not isinstance(data, dict) or "schema_version" not in data:
        raise PackagingError(f"{catalog}: not a skill catalog (no schema_version)")
    return catalog


_COMPILE = """
import json, py_compile, sys
for name, source, target in json.load(sys.stdin):
    py_compile.compile(source, cfile=target, dfile=name, doraise=True,
                       invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
"""


def _compile_bytecode(files: dict[str, Path], workdir: Path) -> dict[str, Path]:
    """Archive name -> ``.pyc`` for every module in ``files``, compiled by this interpreter.

    Lambda's code folder is read-only, so without these every cold start compiles every module it imports
    again. The files are unchecked-hash pycs (PEP 552): valid whatever the timestamps in the zip, and free
    of build times. They are compiled in a child interpreter with a fixed hash seed, so that the bytes do not
    depend on string hashing (reproducible-builds practice; marshal sorts frozensets since Python 3.11).
    """
    tag = sys.implementation.cache_tag
    jobs, compiled = [], {}
    for i, name in enumerate(sorted(n for n in files if n.endswith(".py"))):
        folder, _, stem = name.rpartition("/")
        arcname = f"{folder}/__pycache__/{stem[:-3]}.{tag}.pyc" if folder else f"__pycache__/{stem[:-3]}.{tag}.pyc"
        target = workdir / f"{i}.pyc"
        jobs.append((name, str(files[name]), str(target)))
        compiled[arcname] = target
    result = subprocess.run([sys.executable, "-c", _COMPILE], input=json.dumps(jobs), capture_output=True,
                            text=True, check=False, env={"PYTHONHASHSEED": "0", "PATH": os.defpath})
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["unknown error"])[-1]
        raise PackagingError(f"cannot compile the bundled modules: {last}")
    return compiled


def build_zip(dist_dir: Path, out: Path, *, bytecode: bool | None = None) -> PackageResult:
    """Write the Lambda zip for the skill and ``dist_dir/catalog.json`` to ``out`` (atomically).

    ``bytecode`` bundles ``.pyc`` files for this interpreter; by default only when it is the function's
    Python version (:data:`LAMBDA_PYTHON`), since bytecode for another version would be ignored.
    """
    if bytecode is None:
        bytecode = sys.version_info[:2] == LAMBDA_PYTHON
    catalog = _check_catalog(dist_dir)
    import gentle_steps.skill

    skill_dir = Path(gentle_steps.skill.__file__).resolve().parent
    dists = runtime_distributions()
    files: dict[str, Path] = {}
    for dist in dists:
        files.update(_distribution_files(dist))
    files.update(_skill_files(skill_dir))
    files["catalog.json"] = catalog

    bad = sorted(({name.split("/")[0] for name in files} & FORBIDDEN_TOP_LEVEL)
                 | {"/".join(name.split("/")[:2]) for name in files} & FORBIDDEN_PACKAGES)
    if bad:
        raise PackagingError(f"refusing to package: {', '.join(bad)} would be inside the zip")

    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".lambda-", suffix=".zip", dir=out.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        with tempfile.TemporaryDirectory(prefix="gentle-steps-pyc-") as workdir:
            if bytecode:
                files.update(_compile_bytecode(files, Path(workdir)))
            _write_zip(tmp, files)
        size = tmp.stat().st_size
        if size > MAX_BYTES:
            raise PackagingError(f"{out}: {size / 1e6:.1f} MB is over the {MAX_BYTES / 1e6:.0f} MB limit")
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return PackageResult(
        path=out,
        size=size,
        entries=tuple(sorted(files)),
        distributions=tuple(f"{d.metadata['Name']} {d.version}" for d in dists),
        bytecode=sys.implementation.cache_tag if bytecode else None,
    )


def _write_zip(path: Path, files: dict[str, Path]) -> None:
    """A deterministic zip of ``files`` (archive name -> file): sorted, fixed dates and permissions."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            # Regular file, rw-r--r--: Lambda runs the code as another user than the one who zipped it.
            info.external_attr = (0o100644 & 0xFFFF) << 16
            info.create_system = 3
            zf.writestr(info, files[name].read_bytes(), compresslevel=9)


def run(args: argparse.Namespace) -> int:
    """Entry point of ``gentle-steps package-lambda``; returns the exit status."""
    try:
        result = build_zip(Path(args.dist), Path(args.out))
    except PackagingError as exc:
        print(f"package-lambda: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"package-lambda: {exc.filename or args.out}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    print(f"bundled: {', '.join(result.distributions)}")
    if result.bytecode:
        print(f"bytecode: {result.bytecode}, compiled ahead (Lambda cannot cache it)")
    else:
        print(f"bytecode: none; cold starts compile the modules (package under Python "
              f"{'.'.join(map(str, LAMBDA_PYTHON))} to bundle it)")
    print(f"wrote {result.path}: {result.size / 1e6:.2f} MB ({result.size} bytes, {len(result.entries)} files)")
    return 0
