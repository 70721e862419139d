"""The author's lexicon: TOML and W3C PLS, read safely, exported, and applied last over every rule."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest
from gentle_steps.audio.lexicon import (
    MAX_LEXICON_BYTES,
    LexiconError,
    export_pls,
    load_lexicon,
    main,
    read_pls,
    read_toml,
    to_pls,
)
from gentle_steps.audio.speech import speakable
from lxml import etree

NS = "http://www.w3.org/2005/01/pronunciation-lexicon"


def pls(body: str, root_attrs: str = 'alphabet="ipa"') -> str:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<lexicon version="1.0" xmlns="{NS}" {root_attrs} '
            f'xml:lang="en-US">\n{body}\n</lexicon>\n')


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_pls_aliases_and_ipa_phonemes(tmp_path: Path):
    path = write(tmp_path / "lexicon.pls", pls("""
      <lexeme><grapheme>Gottman</grapheme><alias>Gott man</alias></lexeme>
      <lexeme><grapheme>Esther</grapheme><phoneme>ˈɛstɚ</phoneme></lexeme>
      <lexeme><grapheme>Perel</grapheme><grapheme>PEREL</grapheme><alias>Per ell</alias></lexeme>
      <lexeme><grapheme>Brené</grapheme><phoneme alphabet="x-sampa">br@"neI</phoneme><alias>Bren ay</alias></lexeme>
      <lexeme><grapheme>Sue</grapheme><alias>Sue</alias><phoneme prefer="true">suː</phoneme></lexeme>
      <!-- a comment --><lexeme><grapheme> Kurz </grapheme><alias> Koorts </alias><example>Kurz found</example></lexeme>
    """))
    assert read_pls(path) == {"Gottman": "Gott man", "Esther": "[[ ˈɛstɚ ]]", "Perel": "Per ell",
                              "PEREL": "Per ell", "Brené": "Bren ay", "Sue": "[[ suː ]]", "Kurz": "Koorts"}


def test_the_root_alphabet_is_the_default_for_phonemes(tmp_path: Path):
    path = write(tmp_path / "l.pls", pls('<lexeme><grapheme>Esther</grapheme><phoneme>"Est@`</phoneme>'
                                         '<alias>Ester</alias></lexeme>', 'alphabet="x-sampa"'))
    assert read_pls(path) == {"Esther": "Ester"}


@pytest.mark.parametrize(("body", "problem"), [
    ('<lexeme><grapheme>Esther</grapheme><phoneme alphabet="x-sampa">"Est@`</phoneme></lexeme>',
     r"'Esther' has only phonemes in x-sampa \(ipa is supported\)"),
    ("<lexeme><grapheme>Esther</grapheme></lexeme>", r"'Esther' has no <alias> or <phoneme>"),
    ("<lexeme><alias>Ester</alias></lexeme>", r"lexeme 1 has no <grapheme>"),
    ("<lexeme><grapheme>Esther</grapheme><alias>  </alias></lexeme>", r"'Esther' has no <alias> or <phoneme>"),
])
def test_a_lexeme_without_a_usable_pronunciation_is_one_clear_error(tmp_path: Path, body: str, problem: str):
    path = write(tmp_path / "lexicon.pls", pls(body))
    with pytest.raises(LexiconError, match=r"lexicon\.pls: " + problem):
        read_pls(path)


@pytest.mark.parametrize(("text", "problem"), [
    ("<lexicon", "not valid XML"),
    ('<lexicon xmlns="urn:other" version="1.0"/>', "the root must be <lexicon"),
    (f'<lexicon xmlns="{NS}" version="2.0"/>', "PLS version '2.0' is not supported"),
])
def test_malformed_pls_is_one_clear_error(tmp_path: Path, text: str, problem: str):
    path = write(tmp_path / "lexicon.pls", text)
    with pytest.raises(LexiconError, match=r"lexicon\.pls: " + problem):
        read_pls(path)


def test_no_external_entities_are_read(tmp_path: Path):
    secret = write(tmp_path / "secret.txt", "TOP-SECRET")
    path = write(tmp_path / "lexicon.pls", f"""<?xml version="1.0"?>
<!DOCTYPE lexicon [<!ENTITY xxe SYSTEM "file://{secret}">]>
<lexicon version="1.0" xmlns="{NS}" alphabet="ipa" xml:lang="en-US">
  <lexeme><grapheme>Esther</grapheme><alias>&xxe;</alias></lexeme>
</lexicon>""")
    with pytest.raises(LexiconError, match=r"lexicon\.pls: a DOCTYPE is not allowed") as caught:
        read_pls(path)
    assert "TOP-SECRET" not in str(caught.value)


def test_an_entity_bomb_is_refused_at_once(tmp_path: Path):
    entities = '<!ENTITY a0 "lol">' + "".join(
        f'<!ENTITY a{i} "{("&a" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    path = write(tmp_path / "lexicon.pls", f"""<?xml version="1.0"?>
<!DOCTYPE lexicon [{entities}]>
<lexicon version="1.0" xmlns="{NS}"><lexeme><grapheme>x</grapheme><alias>&a9;</alias></lexeme></lexicon>""")
    started = time.monotonic()
    with pytest.raises(LexiconError, match="lexicon.pls: "):
        read_pls(path)
    assert time.monotonic() - started < 2


def test_a_huge_lexicon_is_refused_without_reading_it_all(tmp_path: Path):
    path = tmp_path / "lexicon.toml"
    path.write_bytes(b"[words]\n" + b"# padding\n" * (MAX_LEXICON_BYTES // 10 + 1))
    with pytest.raises(LexiconError, match=r"lexicon\.toml: larger than 2 MB"):
        read_toml(path)


def test_a_pls_beside_the_toml_is_read_too(tmp_path: Path):
    toml = write(tmp_path / "lexicon.toml", '[words]\n"Gottman" = "Gott man"\n')
    write(tmp_path / "lexicon.pls", pls("""
      <lexeme><grapheme>Esther</grapheme><phoneme>ˈɛstɚ</phoneme></lexeme>
      <lexeme><grapheme>gottman</grapheme><alias>Gott man</alias></lexeme>"""))
    assert load_lexicon(toml) == {"Gottman": "Gott man", "Esther": "[[ ˈɛstɚ ]]"}


def test_a_word_both_files_pronounce_differently_is_an_error(tmp_path: Path):
    toml = write(tmp_path / "lexicon.toml", '[words]\n"Gottman" = "Gott man"\n')
    write(tmp_path / "lexicon.pls", pls("<lexeme><grapheme>Gottman</grapheme><alias>Got mun</alias></lexeme>"))
    with pytest.raises(LexiconError, match=r"lexicon\.pls: 'Gottman' is also in lexicon\.toml"):
        load_lexicon(toml)


def test_the_show_may_name_a_pls_lexicon_alone(tmp_path: Path):
    path = write(tmp_path / "words.pls", pls("<lexeme><grapheme>Perel</grapheme><alias>Per ell</alias></lexeme>"))
    assert load_lexicon(path) == {"Perel": "Per ell"}
    assert load_lexicon(tmp_path / "missing.pls") == {}
    assert load_lexicon(tmp_path / "missing.toml") == {}


def test_the_show_lexicon_setting_finds_the_pls_beside_it(tmp_path: Path):
    from gentle_steps.audio.settings import load_show

    content = tmp_path / "content"
    shutil.copytree(Path(__file__).resolve().parent.parent / "content", content)
    write(content / "lexicon.pls", pls("<lexeme><grapheme>betrayal</grapheme><alias>bee trayal</alias></lexeme>"))
    show = load_show(content)
    lexicon = load_lexicon(show.path(show.lexicon))  # exactly as the build calls it
    assert lexicon == {"Gottman": "Gott man", "betrayal": "bee trayal"}
    assert speakable("Betrayal doesn’t just break trust.", lexicon) == "bee trayal doesn't just break trust."


def test_export_to_pls_round_trips(tmp_path: Path):
    toml = write(tmp_path / "lexicon.toml",
                 '[words]\n"Gottman" = "Gott man"\n"Esther" = "[[ ˈɛstɚ ]]"\n"R&B" = "R and B"\n')
    out = tmp_path / "out.pls"
    assert export_pls(toml, out) == 3
    root = etree.fromstring(out.read_bytes())
    assert root.tag == f"{{{NS}}}lexicon" and root.get("version") == "1.0" and root.get("alphabet") == "ipa"
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en-US"
    assert [g.text for g in root.iterfind(f"{{{NS}}}lexeme/{{{NS}}}grapheme")] == ["Gottman", "Esther", "R&B"]
    assert root.find(f"{{{NS}}}lexeme[2]/{{{NS}}}phoneme").text == "ˈɛstɚ"
    assert read_pls(out) == read_toml(toml)
    assert to_pls(read_toml(toml)) == out.read_bytes()  # deterministic


def test_export_never_replaces_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    toml = write(tmp_path / "lexicon.toml", '[words]\n"Gottman" = "Gott man"\n')
    existing = write(tmp_path / "lexicon.pls", "mine")
    assert main([str(toml), str(existing)]) == 2
    assert existing.read_text(encoding="utf-8") == "mine"
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "lexicon.pls: already exists" in err
    assert main([str(tmp_path / "nope.toml"), str(tmp_path / "new.pls")]) == 2
    assert not (tmp_path / "new.pls").exists()
    assert main([str(toml), str(tmp_path / "new.pls")]) == 0
    assert read_pls(tmp_path / "new.pls") == {"Gottman": "Gott man"}


@pytest.mark.parametrize(("lexicon", "text", "expected"), [
    ({"988": "nine eighty-eight"}, "Call 988.", "Call nine eighty-eight."),
    ({"CBT": "cognitive behavioral therapy"}, "Try CBT.", "Try cognitive behavioral therapy."),
    ({"Doctor": "Dok tor"}, "Ask Dr. Lee.", "Ask Dok tor Lee."),
    ({"Esther": "[[ ˈɛstɚ ]]"}, "**Esther** Perel", "[[ ˈɛstɚ ]] Perel"),
    ({"Gottman": "Gott man"}, "Ask _Gottman_ (1999).", "Ask Gott man, nineteen ninety-nine."),
    ({"calm": "kahm"}, "Visit calm.org.", "Visit kahm dot org."),
    ({"Gottman": "Gott man", "man": "mun"}, "Gottman, man.", "Gott man, mun."),
])
def test_the_lexicon_is_applied_last_and_wins(lexicon: dict[str, str], text: str, expected: str):
    assert speakable(text, lexicon) == expected


def test_icon_font_glyphs_are_dropped_and_never_confused_with_lexicon_words():
    assert speakable("\uf095 Call Gottman \ue000 now.", {"Gottman": "Gott man"}) == "Call Gott man now."
    many = {f"w{i}": f"r{i}" for i in range(7000)}
    text = " ".join(f"w{i}" for i in range(0, 7000, 7))
    assert speakable(text, many) == " ".join(f"r{i}" for i in range(0, 7000, 7))


@pytest.mark.slow
def test_a_pls_lexicon_reaches_the_built_narration(tmp_path: Path):
    """The build reads lexicon.pls beside lexicon.toml with no change to the pipeline (a whole tone-voice build)."""
    from gentle_steps.deploy.pipeline import BuildOptions, build

    content = tmp_path / "content"
    shutil.copytree(Path(__file__).resolve().parent.parent / "content", content)
    write(content / "lexicon.pls", pls("<lexeme><grapheme>betrayal</grapheme><alias>bee trayal</alias></lexeme>"))
    out = tmp_path / "dist"
    build(BuildOptions(content=content, out=out, voice="tone", jobs=1, cache=tmp_path / "cache", progress=False))
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    sentences = [s for ep in manifest["episodes"] for sec in ep["sections"] for s in sec["sentences"]]
    said = [s["spoken"] for s in sentences if "betrayal" in s["text"].lower()]
    assert said and all("bee trayal" in s and "betrayal" not in s.lower() for s in said)
    assert any("Betrayal" in s["text"] for s in sentences)  # the page keeps the article's words
