"""``gentle-steps check``: one test per finding, each from a show that triggers it; the JSON report; exit codes;
the sample content passes except what the README names as expected; the build stops on check errors."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from gentle_steps.deploy.check import run_checks
from gentle_steps.deploy.cli import main
from gentle_steps.deploy.pipeline import BuildError, BuildOptions, build
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
HTTPS = "https://listen.quiet-hours-readings.net/"
ARN = "arn:aws:lambda:us-east-1:123456789012:function:quiet-hours"

COMPLETE = """title = "Quiet Hours"
author = "Ana Ruiz"
description = "Short readings for hard evenings."
language = "en-GB"
owner_name = "Ana Ruiz"
owner_email = "ana@quiet-hours-readings.net"
website = "https://quiet-hours-readings.net/"
privacy_url = "https://quiet-hours-readings.net/privacy"
terms_url = "https://quiet-hours-readings.net/terms"
skill_endpoint = "ARN"
categories = [["Health & Fitness", "Mental Health"]]
""".replace("ARN", ARN)

ARTICLE = "# Evenings\n\n## Slowing Down\n\nThe day can end gently.\n\n## Resting\n\nRest is allowed.\n"


def make_show(folder: Path, show: str = COMPLETE, prompts: str | None = 'prompts = ["Breathe out slowly."]\n',
              article: str | None = ARTICLE) -> Path:
    (folder / "articles").mkdir(parents=True)
    (folder / "show.toml").write_text(show, encoding="utf-8")
    if prompts is not None:
        (folder / "prompts.toml").write_text(prompts, encoding="utf-8")
    if article is not None:
        (folder / "articles" / "evenings.md").write_text(article, encoding="utf-8")
    return folder


def edited(**keys: str | None) -> str:
    """COMPLETE with keys replaced (a TOML value as text) or removed (None)."""
    lines = [line for line in COMPLETE.splitlines() if line.split(" = ")[0] not in keys]
    lines += [f"{key} = {value}" for key, value in keys.items() if value is not None]
    return "\n".join(lines) + "\n"


def codes(findings) -> list[str]:
    return [f.code for f in findings]


def only(findings, code: str):
    matching = [f for f in findings if f.code == code]
    assert matching, f"no {code} in {[f.text() for f in findings]}"
    return matching[0]


def test_a_complete_show_has_no_findings(tmp_path):
    assert run_checks(make_show(tmp_path / "c"), HTTPS) == []


@pytest.mark.parametrize("key, value, level", [
    ("website", '"https://example.org/"', "error"),
    ("privacy_url", '"https://www.example.com/privacy"', "error"),
    ("skill_endpoint", '"https://skill.example.org/alexa"', "error"),
    ("owner_email", '"hello@example.org"', "error"),
])
def test_placeholder_addresses_are_errors_naming_the_key(tmp_path, key, value, level):
    finding = only(run_checks(make_show(tmp_path / "c", edited(**{key: value})), HTTPS), "placeholder-address")
    assert (finding.level, finding.key) == (level, key)
    assert finding.file == str(tmp_path / "c" / "show.toml")
    assert "your own address" in finding.fix


def test_a_placeholder_base_url_names_the_option(tmp_path):
    finding = only(run_checks(make_show(tmp_path / "c"), "https://listen.example.net/"), "placeholder-address")
    assert finding.file == "--base-url"


@pytest.mark.parametrize("key, code, level", [
    ("website", "website-not-set", "warning"),
    ("owner_email", "owner-email-not-set", "warning"),
    ("owner_name", "owner-name-not-set", "warning"),
    ("privacy_url", "privacy-url-not-set", "warning"),
    ("terms_url", "terms-url-not-set", "warning"),
    ("skill_endpoint", "skill-endpoint-not-set", "warning"),
])
def test_keys_not_set_are_warnings_with_the_key_named(tmp_path, key, code, level):
    findings = run_checks(make_show(tmp_path / "c", edited(**{key: None})), HTTPS)
    assert codes(findings) == [code]
    assert (findings[0].level, findings[0].key) == (level, key)


def test_http_base_url_is_a_warning_without_an_endpoint_and_an_error_with_one(tmp_path):
    content = make_show(tmp_path / "c")
    error = only(run_checks(content, "http://127.0.0.1:8080/"), "base-url-not-https")
    assert error.level == "error" and "Alexa streams audio only from https" in error.message
    other = make_show(tmp_path / "d", edited(skill_endpoint=None))
    warning = only(run_checks(other, "http://127.0.0.1:8080/"), "base-url-not-https")
    assert warning.level == "warning" and warning.file == "--base-url"


def test_the_sample_invocation_name_and_wording_are_leftovers(tmp_path):
    show = edited(invocation_name='"gentle steps"', disclaimer='"Gentle Steps is not emergency help."')
    findings = run_checks(make_show(tmp_path / "c", show), HTTPS)
    assert only(findings, "sample-invocation-name").fix.startswith('set invocation_name = "quiet hours"')
    assert only(findings, "sample-identity").key == "disclaimer"


def test_an_invocation_name_amazon_refuses(tmp_path):
    finding = only(run_checks(make_show(tmp_path / "c", edited(invocation_name='"the hours"')), HTTPS),
                   "invocation-name-invalid")
    assert finding.level == "error" and "two words" in finding.message


@pytest.mark.parametrize("categories, said", [
    ('[["Health & Fitness", "Therapy"]]', "'Therapy' is not a subcategory of 'Health & Fitness'"),
    ('[["Helth & Fitness"]]', "did you mean 'Health & Fitness'?"),
    ('[["Mental Health"]]', "subcategory of 'Health & Fitness'"),
    ('[["Education", "Mental Health"]]', "is under 'Health & Fitness', not 'Education'"),
])
def test_categories_are_checked_against_apples_list(tmp_path, categories, said):
    finding = only(run_checks(make_show(tmp_path / "c", edited(categories=categories)), HTTPS), "category-unknown")
    assert finding.level == "error" and finding.key == "categories[0]" and said in finding.message


def test_missing_crisis_resources_name_the_table(tmp_path):
    findings = run_checks(make_show(tmp_path / "c", edited(language='"de-DE"')), HTTPS)
    finding = only(findings, "crisis-resources-missing")
    assert finding.level == "error" and "US, CA, GB, IE, AU, NZ, IN" in finding.fix
    assert codes(run_checks(make_show(tmp_path / "d", edited(language='"de-DE"', country='"NZ"')), HTTPS)) == []
    listed_empty = make_show(tmp_path / "e", edited(crisis_resources="[]"))
    assert "crisis-resources-missing" in codes(run_checks(listed_empty, HTTPS))


def test_artwork_that_breaks_apples_rules(tmp_path):
    content = make_show(tmp_path / "c", edited(artwork='"cover.png"'))
    Image.new("RGBA", (1000, 800)).save(content / "cover.png")
    messages = [f.message for f in run_checks(content, HTTPS) if f.code == "artwork-invalid"]
    assert len(messages) == 2
    assert "square, 1400-3000 px; it is 1000x800" in messages[0] and "must be RGB" in messages[1]


def test_prompts_file_missing_invalid_empty_and_too_long(tmp_path):
    missing = only(run_checks(make_show(tmp_path / "a", prompts=None), HTTPS), "prompts-file-missing")
    assert missing.file == str(tmp_path / "a" / "prompts.toml") and missing.level == "warning"
    assert only(run_checks(make_show(tmp_path / "b", prompts="prompts = [1]"), HTTPS), "prompts-invalid").level == "error"
    assert only(run_checks(make_show(tmp_path / "c", prompts="prompts = []"), HTTPS), "prompts-empty")
    long = " ".join(["slowly"] * 30)
    finding = only(run_checks(make_show(tmp_path / "d", prompts=f'prompts = [\n  "Rest.",\n  "{long}",\n]\n'), HTTPS),
                   "prompt-too-long")
    assert (finding.line, finding.key) == (3, "line 3") and "30 words" in finding.message


def test_articles_missing_or_unreadable(tmp_path):
    assert codes(run_checks(make_show(tmp_path / "a", article=None), HTTPS)) == ["no-articles"]
    content = make_show(tmp_path / "b")
    (content / "articles" / "empty.txt").write_text("", encoding="utf-8")
    finding = only(run_checks(content, HTTPS), "article-unreadable")
    assert finding.file.endswith("empty.txt") and "empty" in finding.message


def test_safe_messaging_lint_names_the_line_and_the_wording(tmp_path):
    article = ARTICLE + "\nHer brother committed suicide.\n\nHe jumped from the bridge and died by suicide.\n"
    content = make_show(tmp_path / "c", article=article,
                        prompts='prompts = ["That was career suicide for me."]\n')
    concerns = [f for f in run_checks(content, HTTPS) if f.code == "safe-messaging"]
    assert all(f.level == "warning" for f in concerns)
    by_line = {(Path(f.file).name, f.line): f for f in concerns}
    assert by_line[("evenings.md", 11)].fix == 'say "died by suicide" or "took their own life"'
    assert "how and where" in by_line[("evenings.md", 13)].fix
    assert '"career suicide"' in by_line[("prompts.toml", 1)].message


def test_lexicon_and_settings_errors(tmp_path):
    content = make_show(tmp_path / "a")
    (content / "lexicon.toml").write_text("[words]\nx = 3\n", encoding="utf-8")
    assert only(run_checks(content, HTTPS), "lexicon-invalid").level == "error"
    bad = only(run_checks(make_show(tmp_path / "b", edited(explicit='"no"')), HTTPS), "settings-invalid")
    assert (bad.key, bad.message) == ("explicit", "must be true or false")
    assert codes(run_checks(tmp_path / "nowhere", HTTPS)) == ["content-not-found"]
    assert codes(run_checks(content, "ftp://x")) == ["base-url-invalid"]


def test_cli_lines_exit_codes_and_json(tmp_path, capsys):
    content = make_show(tmp_path / "c", edited(owner_email=None))
    assert main(["check", "--content", str(content), "--base-url", HTTPS]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"warning: {content / 'show.toml'}: owner_email: not set;") and "Fix: add owner_email" in out
    assert main(["check", "--content", str(content), "--base-url", HTTPS, "--strict"]) == 1
    capsys.readouterr()
    assert main(["check", "--content", str(content), "--base-url", HTTPS, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["schema_version"] == 1 and (report["errors"], report["warnings"]) == (0, 1)
    assert report["findings"][0] == {"code": "owner-email-not-set", "level": "warning",
                                     "file": str(content / "show.toml"), "key": "owner_email", "line": 0,
                                     "message": report["findings"][0]["message"], "fix": report["findings"][0]["fix"]}
    broken = make_show(tmp_path / "d", edited(categories='[["Therapy"]]'))
    assert main(["check", "--content", str(broken), "--base-url", HTTPS, "--json"]) == 2
    assert json.loads(capsys.readouterr().out)["exit_status"] == 2


def test_the_sample_passes_strict_except_what_the_readme_names(capsys):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    line = next(line for line in readme.splitlines() if "expected until it is published" in line)
    expected = set(re.findall(r"`([a-z-]+)`", line))
    found = run_checks(ROOT / "content", "http://127.0.0.1:8080/")
    assert {f.code for f in found} == expected
    assert all(f.level == "warning" for f in found)
    documented = set(re.findall(r"^\| `([a-z-]+)` \|", readme, re.MULTILINE))
    assert {"placeholder-address", "category-unknown", "safe-messaging", "crisis-resources-missing"} <= documented


def test_every_finding_code_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([a-z-]+)` \|", readme, re.MULTILINE))
    sources = "".join((ROOT / p).read_text(encoding="utf-8") for p in
                      ("audio/checks.py", "feed/checks.py", "skill/package_rules.py", "deploy/check.py"))
    used = set(re.findall(r'(?:Finding\(|add\()"([a-z]+(?:-[a-z]+)+)"', sources))
    used |= {f"{key}-not-set" for key in ("privacy-url", "terms-url")}
    assert used and used <= documented, used - documented


def test_the_build_stops_on_check_errors_before_narrating(tmp_path):
    content = make_show(tmp_path / "c", edited(categories='[["Health & Fitness", "Therapy"]]'))
    shutil.copy(ROOT / "content" / "lexicon.toml", content / "lexicon.toml")
    with pytest.raises(BuildError, match=r"show.toml: categories\[0\]: 'Therapy' is not a subcategory"):
        build(BuildOptions(content=content, out=tmp_path / "dist", voice="tone", jobs=1, cache=tmp_path / "cache",
                           base_url=HTTPS, progress=False))
    assert not (tmp_path / "dist").exists() and not (tmp_path / "cache").exists()
