"""``gentle-steps init``: flags without a terminal, refusals as one line with exit 2, and nothing overwritten."""

from __future__ import annotations

import tomllib

import pytest
from gentle_steps.audio.settings import load_show
from gentle_steps.deploy.cli import main


@pytest.mark.parametrize("args, said", [
    (["--author", "Ana Ruiz"], "--title is required"),
    (["--title", "Quiet Hours", "--author", "Ana", "--email", "ana@example.org"], "example address"),
    (["--title", "Quiet Hours", "--author", "Ana", "--website", "https://www.example.com/"], "example address"),
    (["--title", "Quiet Hours", "--author", "Ana", "--email", "not-an-email"], "not an email address"),
    (["--title", "Calm", "--author", "Ana"], "--title: invocation name 'calm' must have at least two words"),
    (["--title", "Calm", "--author", "Ana", "--invocation-name", "Ask Calm"], "--invocation-name"),
    (["--title", "Quiet Hours", "--author", "Ana", "--language", "english"], "--language 'english'"),
])
def test_bad_values_are_one_line_exit_2_and_nothing_written(tmp_path, capsys, args, said):
    folder = tmp_path / "show"
    assert main(["init", str(folder), *args]) == 2
    err = capsys.readouterr().err
    assert said in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert not folder.exists()


def test_a_derived_invocation_name_and_crisis_lines_for_the_country(tmp_path, capsys):
    folder = tmp_path / "show"
    assert main(["init", str(folder), "--title", "Sam's 2 Minute Calm", "--author", "Sam Lee",
                 "--language", "en-NZ"]) == 0
    raw = tomllib.loads((folder / "show.toml").read_text(encoding="utf-8"))
    assert raw["invocation_name"] == "sam's two minute calm"
    assert raw["website"] == raw["owner_email"] == raw["privacy_url"] == raw["skill_endpoint"] == ""
    assert "crisis_resources" not in raw
    show = load_show(folder)
    assert [r.name for r in show.crisis_resources] == ["1737, Need to talk?", "Emergency services"]
    assert tomllib.loads((folder / "prompts.toml").read_text(encoding="utf-8")) == {"prompts": []}
    assert "one breath" in (folder / "prompts.toml").read_text(encoding="utf-8").lower()
    assert "gentle-steps check --content" in capsys.readouterr().out


def test_an_existing_file_is_kept(tmp_path, capsys):
    folder = tmp_path / "show"
    (folder / "articles").mkdir(parents=True)
    (folder / "prompts.toml").write_text('prompts = ["Mine."]\n', encoding="utf-8")
    assert main(["init", str(folder), "--title", "Quiet Hours", "--author", "Ana Ruiz"]) == 0
    assert (folder / "prompts.toml").read_text(encoding="utf-8") == 'prompts = ["Mine."]\n'
    assert f"kept {folder / 'prompts.toml'}" in capsys.readouterr().out
    assert (folder / "show.toml").is_file()


def test_show_toml_names_every_setting(tmp_path, capsys):
    # "every key present and commented": each setting load_show knows appears, as a key or a commented example.
    import re
    from dataclasses import fields

    from gentle_steps.audio.settings import ShowSettings

    folder = tmp_path / "show"
    assert main(["init", str(folder), "--title", "Quiet Hours", "--author", "Ana Ruiz"]) == 0
    text = (folder / "show.toml").read_text(encoding="utf-8")
    written = set(re.findall(r"^(?:# )?\[{0,2}([a-z_]+)\]{0,2}(?: =|$)", text, re.M))
    settings = {f.name for f in fields(ShowSettings)} - {"content_dir", "notes"}
    assert settings - written == set()
    load_show(folder)  # and what is not commented out still loads
