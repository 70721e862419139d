"""Citations, footnote markers, links, emails and domains in the spoken text.

Inline citations ("(Kurz et al., 2023)", "(Smith & Jones, 2019, p. 4)", "(APA, 2013; Lee, 2020)", "[1]",
"[12, 14]", and the year in "Kurz et al. (2023) found") are left out unless ``read_citations`` is on; footnote
markers ("[^1]", superscript digits, daggers) are never spoken. A link keeps its text; an email is read out
("hello@calm.org" -> "hello at calm dot org"); a bare URL or domain keeps its site in spoken form
("https://www.calm.org/help" -> "calm dot org"), so "See https://calm.org for more" never becomes
"See for more". DOI links are citations, not places to visit, and go with them.
"""

from __future__ import annotations

import re

from gentle_steps.audio.normalize_words import said_as_acronym
from gentle_steps.audio.spoken_numbers import digits

_MONTHS_AND_SEASONS = {"january", "february", "march", "april", "may", "june", "july", "august", "september",
                       "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
                       "sept", "oct", "nov", "dec", "spring", "summer", "fall", "autumn", "winter"}
_NOT_AUTHORS = _MONTHS_AND_SEASONS | {
    "in", "on", "at", "by", "since", "from", "until", "till", "before", "after", "around", "about", "circa",
    "through", "during", "est", "founded", "born", "published", "updated", "revised", "copyright", "age", "ages",
    "class", "year", "years", "ca", "c", "the", "a", "an", "and", "or", "but", "as", "of", "for", "to", "up",
    "late", "early", "mid", "only", "then", "now", "starting", "ending", "approximately"}
_AUTHOR_JOINERS = {"&", "and", "et", "al", "al.", "de", "van", "von", "der", "den", "del", "la", "le", "da", "di",
                   "du", "of", "the", "for", "on", "in", "y"}
_LEAD = r"(?:(?:see also|see|e\.g\.,?|cf\.|for example,?|as cited in|reviewed in)\s)?"
_YEARS = r"(?P<years>(?:\d{4}[a-z]?|n\.d\.)(?:,\s?\d{4}[a-z]?)*)"
_LOCATOR = r"(?:,\s?(?:pp?\.|para\.|paras\.|chap\.|ch\.|sec\.)\s?[\dIVXivx]+(?:\s?[-–]\s?[\dIVXivx]+)?)?"
_CITATION_PART = re.compile(rf"{_LEAD}(?P<authors>[A-Z][^\d();]{{0,120}}?),?\s{_YEARS}{_LOCATOR}", re.IGNORECASE)
_PARENTHESES = re.compile(r"\s?\((?P<body>[^()]{2,400})\)")
_NARRATIVE = re.compile(r"(?P<who>\b[A-Z][\w'’-]+(?:\set al\.|\s(?:&|and)\s[A-Z][\w'’-]+)?)\s\("
                        rf"(?P<year>\d{{4}}[a-z]?|n\.d\.){_LOCATOR}\)")
_NUMERIC = re.compile(r"\s?\[(?P<refs>\d{1,4}(?:\s?[-–]\s?\d{1,4})?(?:\s?,\s?\d{1,4}(?:\s?[-–]\s?\d{1,4})?)*)\]")
_FOOTNOTES = re.compile(r"\[\^[^\]\s]{1,40}\]|(?<=[\w.,;:!?)\"'’”])[⁰¹²³⁴⁵⁶⁷⁸⁹]+|[†‡]")

_MARKDOWN_LINK = re.compile(r"\[(?P<text>[^\]]+)\]\((?:https?://|www\.|mailto:|/|#)[^)\s]*\)")
_EMAIL = re.compile(r"(?<![\w.+-])(?:mailto:)?(?P<local>[\w.+-]+)@(?P<domain>[\w-]+(?:\.[\w-]+)+)(?<![.-])")
_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"'\]\[{}|\\^`]+", re.IGNORECASE)
_TLDS = ("com", "org", "net", "gov", "edu", "info", "health", "app", "care", "io", "co", "us", "uk", "ca", "au",
         "nz", "ie", "ly", "mil", "int", "biz", "online", "life", "help", "ngo", "eu", "de", "fr", "nl")
_DOMAIN = re.compile(r"(?<![\w@./-])(?P<host>(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+(?:"
                     + "|".join(_TLDS) + r"))(?P<path>/[^\s<>\"']*)?(?![\w-]|\.[A-Za-z0-9])")
_SAID_AS_LETTERS = {"edu", "io", "ngo", "eu"}


def _is_authors(authors: str) -> bool:
    words = authors.replace(",", " ").split()
    if not words or len(words) > 12 or words[0].lower().strip(".") in _NOT_AUTHORS:
        return False
    return all(w[0].isupper() or w.lower() in _AUTHOR_JOINERS for w in words)


def _is_citation(body: str) -> bool:
    parts = [p.strip() for p in body.split(";")]
    for part in parts:
        match = _CITATION_PART.fullmatch(part)
        if match is None or not _is_authors(match["authors"]):
            return False
    return True


def _read_locators(text: str) -> str:
    """A citation read aloud: page and paragraph markers in words ("p. 4" -> "page 4")."""
    for short, word in ((r"pp\.", "pages"), (r"p\.", "page"), (r"paras?\.", "paragraph"), (r"n\.d\.", "no date"),
                        (r"chap\.|ch\.", "chapter"), (r"sec\.", "section")):
        text = re.sub(rf"(?<![\w.]){short}", word, text)
    return text


def _references(refs: str) -> str:
    parts = [re.sub(r"\s?[-–]\s?", " to ", p.strip()) for p in refs.split(",")]
    return ("references " if len(parts) > 1 or " to " in parts[0] else "reference ") + " and ".join(parts)


def citations(text: str, read_citations: bool = False) -> str:
    """Inline citations left out (or, with ``read_citations``, read with their locators in words)."""
    text = _FOOTNOTES.sub("", text)

    def parenthetical(match: re.Match[str]) -> str:
        if not _is_citation(match["body"]):
            return match.group()
        return _read_locators(match.group()) if read_citations else ""

    text = _PARENTHESES.sub(parenthetical, text)
    if read_citations:
        text = _NARRATIVE.sub(lambda m: _read_locators(m.group()) if _is_authors(m["who"]) else m.group(), text)
        return _NUMERIC.sub(lambda m: f" ({_references(m['refs'])})", text)
    text = _NARRATIVE.sub(lambda m: m["who"] if _is_authors(m["who"]) else m.group(), text)
    return _NUMERIC.sub("", text)


def spoken_domain(host: str) -> str:
    """A web address's site as people say it: "www.988lifeline.org" -> "nine eight eight lifeline dot org"."""
    host = re.sub(r"^www\.", "", host, flags=re.IGNORECASE).rstrip(".")
    names = host.split(".")
    labels = []
    for index, label in enumerate(names):
        top_level = index == len(names) - 1 and index > 0
        pieces = []
        for piece in re.findall(r"[A-Za-z]+|\d+|-", label):
            if piece == "-":
                pieces.append("dash")
            elif piece.isdigit():
                pieces.append(digits(piece))
            elif (piece.lower() in _SAID_AS_LETTERS or (top_level and len(piece) == 2)
                  or (len(piece) <= 3 and not re.search(r"[aeiouy]", piece, re.IGNORECASE))):
                pieces.append(".".join(piece.upper()))  # "nhs" -> "N.H.S", "uk" -> "U.K": letter names
            elif not top_level and said_as_acronym(piece):
                # In capitals, the acronym rule (and the lexicon before it) decides: "adaa" -> "A.D.A.A".
                pieces.append(piece.upper())
            else:
                pieces.append(piece)
        labels.append(" ".join(pieces))
    return " dot ".join(labels)


def _spoken_email(match: re.Match[str]) -> str:
    local = match["local"]
    words = []
    for piece in re.findall(r"[A-Za-z]+|\d+|[._+-]", local):
        words.append({".": "dot", "_": "underscore", "-": "dash", "+": "plus"}.get(piece)
                     or (digits(piece) if piece.isdigit() else piece))
    return f"{' '.join(words)} at {spoken_domain(match['domain'])}"


def _spoken_url(match: re.Match[str]) -> str:
    url = match.group()
    trail = re.search(r"[.,;:!?)]+$", url)
    url, tail = (url[:trail.start()], trail.group()) if trail else (url, "")
    host = re.sub(r"^(?:https?://)?", "", url, flags=re.IGNORECASE).split("/")[0].split("?")[0].split("#")[0]
    host = host.split("@")[-1].split(":")[0]
    if re.fullmatch(r"(?:dx\.)?doi\.org", host, re.IGNORECASE) or not host:
        return tail
    return spoken_domain(host) + tail


def links(text: str) -> str:
    """Links as their text, emails and web addresses in spoken form (see the module docstring)."""
    text = _MARKDOWN_LINK.sub(lambda m: m["text"], text)
    text = re.sub(r"\bdoi:\s?10\.\S+", "", text, flags=re.IGNORECASE)
    text = _EMAIL.sub(_spoken_email, text)
    text = _URL.sub(_spoken_url, text)
    return _DOMAIN.sub(lambda m: spoken_domain(m["host"]), text)
