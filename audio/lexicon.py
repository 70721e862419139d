"""The author's pronunciation lexicon: TOML ``[words]`` and W3C PLS 1.0, read, checked and applied last.

A lexicon maps a word of the article to what the voice says instead: a respelling ("Gott man"), or Piper's
espeak-ng phonemes in double brackets ("[[ ˈɛstɚ ]]"). Entries match whole words, ignoring case, in the spoken
text only. :func:`protect` lifts the article's lexicon words out before the normalizer runs (so no rule
rewrites a word the author has spelled out), and :func:`restore` puts the respellings in at the very end.

PLS support (https://www.w3.org/TR/pronunciation-lexicon/): each ``<lexeme>``'s ``<grapheme>`` elements are
its words; of its ``<alias>`` and ``<phoneme>`` children, the one marked ``prefer="true"``, else the first in
document order, is used. An alias is a respelling. A phoneme in ``alphabet="ipa"`` (set on the phoneme or on
``<lexicon>``) becomes ``[[ phonemes ]]``, which Piper takes as espeak-ng IPA; other alphabets (x-sampa,
x-arpabet...) are skipped, and a lexeme left with nothing usable is an error. ``<example>``, ``<meta>`` and
``<metadata>`` are ignored. Documents with a DOCTYPE are refused (no entities, no DTDs, no network).
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from functools import lru_cache
from pathlib import Path

PLS_NAMESPACE = "http://www.w3.org/2005/01/pronunciation-lexicon"
"""The PLS 1.0 namespace every ``<lexicon>`` element is in."""

MAX_LEXICON_BYTES = 2_000_000
"""A lexicon larger than this is refused (memory stays bounded whatever the file)."""

_PLACEHOLDER_BASE = 0xE000  # private-use code points: not word characters; the normalizer strips the article's own
_PLACEHOLDERS = 0xF8FF - 0xE000 + 1
PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
"""Private-use characters (icon-font glyphs in saved pages): never speech, and the lexicon's placeholders."""


class LexiconError(ValueError):
    """The lexicon file is invalid; the message names the file and the entry."""


def load_lexicon(path: Path) -> dict[str, str]:
    """The lexicon at ``path`` (missing file -> empty): TOML ``[words]``, or PLS when ``path`` ends in ``.pls``.

    Beside a TOML lexicon, a PLS file of the same name (``lexicon.pls`` beside ``lexicon.toml``) is read too; a
    word both define differently is an error, since either choice could lose the author's intent.
    """
    if path.suffix.lower() == ".pls":
        return read_pls(path) if path.is_file() else {}
    words = read_toml(path) if path.is_file() else {}
    pls = path.with_suffix(".pls")
    if pls.is_file():
        folded = {k.casefold(): (k, v) for k, v in words.items()}
        for word, value in read_pls(pls).items():
            key, known = folded.get(word.casefold(), (None, None))
            if known is not None and known != value:
                raise LexiconError(f"{pls}: '{word}' is also in {path.name} with a different pronunciation "
                                   f"('{value}' here, '{known}' there); keep one")
            if key is None:
                words[word] = value
    return words


def read_toml(path: Path) -> dict[str, str]:
    """``[words]`` of a TOML lexicon: ``word = "respelling"`` or ``word = "[[ phonemes ]]"``."""
    data = _read_bounded(path)
    try:
        parsed = tomllib.loads(data.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise LexiconError(f"{path}: not valid TOML ({exc})") from None
    words = parsed.get("words", {})
    if not isinstance(words, dict):
        raise LexiconError(f"{path}: [words] must be a table of word = \"respelling\"")
    for word, respelling in words.items():
        _check_entry(path, word, respelling)
    return {k: v.strip() for k, v in words.items()}


def read_pls(path: Path) -> dict[str, str]:
    """The words of a W3C PLS 1.0 lexicon, as ``{grapheme: respelling or "[[ ipa ]]"}``."""
    from lxml import etree

    data = _read_bounded(path)
    # No entity expansion, no DTD loading, no network: a lexicon is data, never a fetch (XXE, billion laughs).
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                             huge_tree=False, remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise LexiconError(f"{path}: not valid XML ({exc})") from None
    if root.getroottree().docinfo.doctype:
        raise LexiconError(f"{path}: a DOCTYPE is not allowed in a lexicon")
    if root.tag != f"{{{PLS_NAMESPACE}}}lexicon":
        raise LexiconError(f"{path}: the root must be <lexicon xmlns=\"{PLS_NAMESPACE}\">")
    if root.get("version", "1.0") != "1.0":
        raise LexiconError(f"{path}: PLS version {root.get('version')!r} is not supported (1.0 is)")
    default_alphabet = root.get("alphabet", "ipa")
    words: dict[str, str] = {}
    for number, lexeme in enumerate(root.iterfind(f"{{{PLS_NAMESPACE}}}lexeme"), start=1):
        graphemes = [_text(g) for g in lexeme.iterfind(f"{{{PLS_NAMESPACE}}}grapheme")]
        graphemes = [g for g in graphemes if g]
        name = graphemes[0] if graphemes else f"lexeme {number}"
        if not graphemes:
            raise LexiconError(f"{path}: {name} has no <grapheme>")
        value = _pronunciation(path, lexeme, name, default_alphabet)
        for grapheme in graphemes:
            _check_entry(path, grapheme, value)
            words[grapheme] = value
    return words


def _pronunciation(path: Path, lexeme, name: str, default_alphabet: str) -> str:
    """The lexeme's preferred usable alias or IPA phoneme (PLS 1.0 section 4.6: ``prefer``, else document order)."""
    usable: list[tuple[bool, str]] = []
    skipped: list[str] = []
    for child in lexeme:
        if not isinstance(child.tag, str):
            continue
        local = child.tag.rpartition("}")[2]
        text = _text(child)
        prefer = child.get("prefer") == "true"
        if local == "alias" and text:
            usable.append((prefer, text))
        elif local == "phoneme" and text:
            alphabet = child.get("alphabet", default_alphabet)
            if alphabet.lower() == "ipa":
                usable.append((prefer, f"[[ {text} ]]"))
            else:
                skipped.append(alphabet)
    if not usable:
        why = f"only phonemes in {', '.join(sorted(set(skipped)))} (ipa is supported)" if skipped else \
            "no <alias> or <phoneme>"
        raise LexiconError(f"{path}: '{name}' has {why}")
    preferred = [text for prefer, text in usable if prefer]
    return (preferred or [usable[0][1]])[0]


def _text(element) -> str:
    return re.sub(r"\s+", " ", "".join(element.itertext())).strip()


def _read_bounded(path: Path) -> bytes:
    with path.open("rb") as handle:
        data = handle.read(MAX_LEXICON_BYTES + 1)
    if len(data) > MAX_LEXICON_BYTES:
        raise LexiconError(f"{path}: larger than {MAX_LEXICON_BYTES // 1_000_000} MB; a lexicon is a short list")
    return data


def _check_entry(path: Path, word: object, respelling: object) -> None:
    if not isinstance(word, str) or not word.strip():
        raise LexiconError(f"{path}: an entry has an empty word")
    if not isinstance(respelling, str) or not respelling.strip():
        raise LexiconError(f"{path}: entry '{word}' must be a non-empty string")
    value = respelling.strip()
    if value.startswith("[[") != value.endswith("]]") or (value.startswith("[[") and value[2:-2].strip() == ""):
        raise LexiconError(f"{path}: entry '{word}' has unbalanced or empty [[ ]] phonemes")


# --- Applying ------------------------------------------------------------------------------------------------

@lru_cache(maxsize=8)
def _matcher(entries: tuple[tuple[str, str], ...]) -> tuple[re.Pattern[str], dict[str, str]]:
    """One pattern for the whole lexicon (longest words first), and its lowercase word -> respelling table."""
    words = sorted({w for w, _ in entries}, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w\[])(?:" + "|".join(re.escape(w) for w in words) + r")(?![\w\]])",
                         re.IGNORECASE)
    table: dict[str, str] = {}
    for word, value in entries:
        table.setdefault(word.lower(), value)
    return pattern, table


def _respell(lexicon: dict[str, str], text: str, replace) -> str:
    pattern, table = _matcher(tuple(lexicon.items()))
    return pattern.sub(lambda m: replace(table.get(m.group().lower(), m.group())), text)


def protect(text: str, lexicon: dict[str, str] | None) -> tuple[str, list[str]]:
    """``text`` with every lexicon word replaced by a placeholder no rule touches; the respellings, in order."""
    respellings: list[str] = []
    if not lexicon:
        return text, respellings

    def hold(value: str) -> str:
        if len(respellings) >= _PLACEHOLDERS:
            return value  # thousands of lexicon words in one sentence: the rest are simply respelled now
        respellings.append(value)
        return chr(_PLACEHOLDER_BASE + len(respellings) - 1)

    return _respell(lexicon, text, hold), respellings


def restore(text: str, respellings: list[str], lexicon: dict[str, str] | None) -> str:
    """Apply the lexicon to words the rules produced (e.g. "doctor"), then put the held respellings back."""
    if lexicon:
        text = _respell(lexicon, text, lambda value: value)

    def put_back(match: re.Match[str]) -> str:
        index = ord(match.group()) - _PLACEHOLDER_BASE
        return respellings[index] if index < len(respellings) else ""

    return PRIVATE_USE.sub(put_back, text)


def is_phonemes(value: str) -> bool:
    """True for an entry written as ``[[ phonemes ]]`` rather than a respelling."""
    return value.startswith("[[") and value.endswith("]]")


def fit_lexicon(lexicon: dict[str, str], phonemes: bool, voice: str, where: object) -> tuple[dict[str, str], list[str]]:
    """The lexicon a voice can use, and a warning line when entries were left out.

    Respellings suit every voice. ``[[ phonemes ]]`` suit only a voice that reads espeak-ng phonemes
    (``phonemes`` true, Piper's espeak voices); any other voice would say the brackets' contents as words, so
    those entries are left out and their words read as written. ``where`` names the lexicon in the warning.
    """
    if phonemes:
        return lexicon, []
    left_out = [word for word, value in lexicon.items() if is_phonemes(value)]
    if not left_out:
        return lexicon, []
    shown = ", ".join(left_out[:5]) + (f" and {len(left_out) - 5} more" if len(left_out) > 5 else "")
    return ({w: v for w, v in lexicon.items() if not is_phonemes(v)},
            [f"{where}: the {voice} voice cannot read [[ phonemes ]], so {len(left_out)} entr"
             f"{'y is' if len(left_out) == 1 else 'ies are'} left out and read as written ({shown}); give "
             "a respelling instead to change how this voice says them"])


# --- Export --------------------------------------------------------------------------------------------------

def to_pls(lexicon: dict[str, str], language: str = "en-US") -> bytes:
    """The lexicon as a W3C PLS 1.0 document: respellings as ``<alias>``, ``[[ phonemes ]]`` as IPA ``<phoneme>``."""
    from lxml import etree

    root = etree.Element(f"{{{PLS_NAMESPACE}}}lexicon", nsmap={None: PLS_NAMESPACE})
    root.set("version", "1.0")
    root.set("alphabet", "ipa")
    root.set("{http://www.w3.org/XML/1998/namespace}lang", language)
    for word, value in lexicon.items():
        lexeme = etree.SubElement(root, f"{{{PLS_NAMESPACE}}}lexeme")
        etree.SubElement(lexeme, f"{{{PLS_NAMESPACE}}}grapheme").text = word
        if is_phonemes(value):
            etree.SubElement(lexeme, f"{{{PLS_NAMESPACE}}}phoneme").text = value[2:-2].strip()
        else:
            etree.SubElement(lexeme, f"{{{PLS_NAMESPACE}}}alias").text = value
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def export_pls(toml_path: Path, pls_path: Path, language: str = "en-US") -> int:
    """Write the TOML lexicon at ``toml_path`` as PLS to ``pls_path`` (never over an existing file); entry count."""
    if pls_path.exists():
        raise LexiconError(f"{pls_path}: already exists; choose another name (an author's file is never replaced)")
    if not toml_path.is_file():
        raise LexiconError(f"{toml_path}: lexicon file not found")
    words = read_toml(toml_path)
    pls_path.write_bytes(to_pls(words, language))
    return len(words)


def main(argv: list[str] | None = None) -> int:
    """``python -m gentle_steps.audio.lexicon lexicon.toml lexicon.pls``: export a TOML lexicon to PLS."""
    parser = argparse.ArgumentParser(prog="python -m gentle_steps.audio.lexicon",
                                     description="Export a TOML pronunciation lexicon to W3C PLS 1.0.")
    parser.add_argument("toml", type=Path, help="the TOML lexicon to read")
    parser.add_argument("pls", type=Path, help="the PLS file to write (must not exist)")
    parser.add_argument("--language", default="en-US", help="xml:lang of the lexicon (default en-US)")
    args = parser.parse_args(argv)
    try:
        count = export_pls(args.toml, args.pls, args.language)
    except LexiconError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {args.pls} ({count} entries)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
