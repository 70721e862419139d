"""The house's own rules, checked: which stage may import which, module and function sizes, and one namespace.

- ``audio/`` (reading, narration, encoding) never imports ``feed/``, ``skill/`` or ``deploy/``;
- ``feed/`` never imports ``skill/`` or ``deploy/`` (a stage never imports a later one);
- ``skill/`` never imports ``audio/``, ``feed/`` or ``deploy/`` (the Lambda zip holds only the skill);
- no module over 400 lines, no function over 60;
- the installed distribution holds nothing but the ``gentle_steps`` namespace.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("audio", "feed", "skill", "deploy")
FORBIDDEN = {"audio": {"feed", "skill", "deploy"}, "feed": {"skill", "deploy"}, "skill": {"audio", "feed", "deploy"},
             "deploy": set()}
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def modules() -> list[Path]:
    return sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py") if "__pycache__" not in p.parts)


def imported_packages(path: Path) -> set[str]:
    """Our packages a module imports, at any depth (top-level or inside functions)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [node.module]
        for name in names:
            parts = name.split(".")
            if parts[0] == "gentle_steps" and len(parts) > 1:
                found.add(parts[1])
            elif parts[0] in PACKAGES:
                found.add(f"bare {parts[0]}")  # `import audio` would bypass the namespace
    return found


@pytest.mark.parametrize("path", modules(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_stage_imports_a_later_one(path: Path):
    package = path.relative_to(ROOT).parts[0]
    imported = imported_packages(path)
    assert not {name for name in imported if name.startswith("bare ")}, f"{path}: import through gentle_steps."
    assert not imported & FORBIDDEN[package], f"{path} imports {sorted(imported & FORBIDDEN[package])}"


def test_the_import_rule_catches_a_forbidden_import(tmp_path: Path):
    sneaky = tmp_path / "x.py"
    sneaky.write_text("def f():\n    from gentle_steps.feed.site import render_site\n", encoding="utf-8")
    assert imported_packages(sneaky) == {"feed"}


def test_modules_and_functions_stay_small():
    big_modules, big_functions = [], []
    for path in modules():
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(ROOT).as_posix()
        if text.count("\n") > MAX_MODULE_LINES:
            big_modules.append(f"{rel}: {text.count(chr(10))} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    big_functions.append(f"{rel}:{node.lineno} {node.name}: {length} lines")
    assert not big_modules, big_modules
    assert not big_functions, big_functions


def test_the_installed_distribution_is_one_namespace(tmp_path: Path):
    source = tmp_path / "source"  # a copy, so the build's own build/ folder lands there, not in the repo
    for name in (*PACKAGES, "pyproject.toml", "README.md"):
        copy = shutil.copytree if (ROOT / name).is_dir() else shutil.copy2
        copy(ROOT / name, source / name, **({"ignore": shutil.ignore_patterns("__pycache__")}
                                           if (ROOT / name).is_dir() else {}))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                    str(tmp_path), str(source)], check=True, capture_output=True, timeout=300)
    (wheel,) = tmp_path.glob("gentle_steps-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    tops = {name.split("/")[0] for name in names}
    assert {t for t in tops if not t.endswith(".dist-info")} == {"gentle_steps"}, tops
    assert not any(name == "gentle_steps/__init__.py" for name in names), "gentle_steps is a namespace package"
    # Every module and data file of the source folders is in it.
    for path in modules():
        rel = path.relative_to(ROOT)
        assert f"gentle_steps/{rel.as_posix()}" in names, f"{rel} is missing from the wheel"
    for data in ("feed/templates/page.html", "feed/static/player.js", "audio/data/crisis.toml",
                 "feed/data/apple_categories.json", "feed/templates/epub/package.opf"):
        if (ROOT / data).exists():
            assert f"gentle_steps/{data}" in names, f"{data} is missing from the wheel"
    # And an installed copy cannot be imported as `audio`.
    check = subprocess.run([sys.executable, "-I", "-c", "import audio"], cwd=tmp_path, capture_output=True,
                           text=True, check=False)
    assert check.returncode != 0 and "No module named 'audio'" in check.stderr
