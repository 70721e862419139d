"""Telephone numbers, read digit by digit in their groups, the way a person reads one out to be dialled.

Full numbers are recognised by shape wherever they appear: North American (555-123-4567, (555) 123-4567,
555.123.4567, 1-800-273-8255, +1 555 123 4567, 1-800-273-TALK), international with a "+" (+44 20 7946 0958,
+61 2 9876 5432), national numbers with a leading 0 (UK 0800 123 4567, 020 7946 0958; Australia (02) 9876 5432)
and Australian 1300/1800 numbers. Short service numbers (988, 911, 211, 999, 111, 116 123, 13 11 14, 741741)
are read digit by digit only when they are numbers to call or text: a calling word shortly before them ("call",
"text", "dial", "hotline"...) or a line's name just after ("988 Suicide & Crisis Lifeline"). Elsewhere they
stay numbers ("988 people" -> "nine hundred eighty-eight people").
"""

from __future__ import annotations

import re

from gentle_steps.audio.spoken_numbers import digits, is_year

_GROUP_JOIN = ", "  # a short pause between groups, as people leave when reading a number out

_NANP = re.compile(
    r"(?<![\w+])(?:(?P<plus>\+)?(?P<one>1)[\s.-]?)?"
    r"(?:\((?P<area1>\d{3})\)\s?|(?P<area2>\d{3})[\s.-])"
    r"(?P<exchange>\d{3})[\s.-](?P<line>\d{4}|[A-Z]{4,7})(?![\w-])")
_INTERNATIONAL = re.compile(r"(?<![\w+])\+(?P<body>\d{1,3}(?:[\s.-]?(?:\(0\)\s?)?\(?\d{1,5}\)?){1,6})(?![\w])")
_NATIONAL = re.compile(r"(?<![\w+])(?:\(0\d{1,4}\)\s?|0\d{1,4}[\s.-])\d{2,6}(?:[\s.-]\d{2,4}){0,2}(?![\w])")
_AU_1300 = re.compile(r"(?<![\w+])1[38]00(?:[\s-]\d{2,4}){1,2}(?![\w])")
_SHORT = re.compile(r"(?<![\w+$£€.,:/'’-])(?:1[ -]\d{3}|\d{2,6})(?:[ -]\d{2,4}){0,2}(?![\w%$£€]|[.,:/-]\d)")

_CALLING = {"call", "calls", "calling", "called", "text", "texts", "texting", "txt", "dial", "dials", "dialing",
            "dialling", "phone", "phoning", "ring", "ringing", "reach", "contact", "number", "line", "lines",
            "hotline", "helpline", "lifeline", "sms", "whatsapp"}
_VERBS = {"call", "calling", "text", "texting", "txt", "dial", "dialing", "dialling", "ring", "phone"}
_LINE_NAMES = {"line", "lifeline", "hotline", "helpline", "crisis", "suicide", "operator", "dispatcher",
               "number", "emergency", "textline", "lifeline's"}
_SERVICE_3 = re.compile(r"[2-9]11|988|999|000|111|112|101|105|119")
"""Three-digit lines: N11 (211, 911...), 988, 999 and 111 (UK), 000 (Australia), 112, 101, 105, 119."""
# Words that may follow a number to call: "Call 988 now", "988 is free", "text 741741 for support".
_FOLLOWERS = {"to", "or", "and", "for", "if", "now", "any", "anytime", "today", "tonight", "right", "from", "in",
              "on", "at", "as", "when", "with", "free", "is", "was", "are", "will", "can", "immediately",
              "instead", "first", "again", "too", "also", "straight", "away", "day", "night", "24", "twenty-four",
              "whenever", "where", "which", "who", "that", "toll", "anonymously", "confidentially", "then", "by"}


def _read_groups(groups: list[str]) -> str:
    return _GROUP_JOIN.join(digits(g) if g.isdigit() else g.lower() for g in groups if g)


def _nanp(match: re.Match[str]) -> str:
    area = match["area1"] or match["area2"]
    spoken = _read_groups([match["one"] or "", area, match["exchange"], match["line"]])
    return ("plus " if match["plus"] else "") + spoken


def _international(match: re.Match[str]) -> str | None:
    body = match["body"].replace("(0)", " ")
    groups = re.findall(r"\d+", body)
    total = sum(len(g) for g in groups)
    if not 7 <= total <= 15 or len(groups) < 2:
        return None
    return "plus " + _read_groups(groups)


def _national(match: re.Match[str]) -> str | None:
    groups = re.findall(r"\d+", match.group())
    if not 9 <= sum(len(g) for g in groups) <= 11:
        return None
    return _read_groups(groups)


def _au_1300(match: re.Match[str]) -> str | None:
    groups = re.findall(r"\d+", match.group())
    if sum(len(g) for g in groups) != 10:
        return None
    return _read_groups(groups)


def _words_before(text: str, start: int, count: int) -> list[str]:
    return [w.lower() for w in re.findall(r"[A-Za-z][A-Za-z'’]*", text[max(0, start - 80):start])[-count:]]


def _words_after(text: str, end: int, count: int) -> list[str]:
    return [w.lower() for w in re.findall(r"[A-Za-z][A-Za-z'’]*", text[end:end + 80])[:count]]


def _is_service_number(text: str, match: re.Match[str]) -> bool:
    """A short number is one to call or text when its sentence says so just before or just after it."""
    number = match.group()
    groups = re.findall(r"\d+", number)
    total = sum(len(g) for g in groups)
    if total < 3 or total > 8 or (len(groups) == 1 and not 3 <= total <= 6):
        return False
    before = _words_before(text, match.start(), 4)
    if is_year(number) and not (before and before[-1] in _VERBS):
        return False  # "In 1973, the hotline opened": a year, even beside a calling word
    if len(groups) == 1 and total == 3 and not _SERVICE_3.fullmatch(number):
        return False  # "call 100 people": three digits are a line only in the shapes lines have
    following = re.match(r"\s*([A-Za-z][A-Za-z'’]*)", text[match.end():])
    if following and following.group(1).islower() and following.group(1) not in _FOLLOWERS:
        return False  # "text 500 friends": a count, not a number to dial
    after = _words_after(text, match.end(), 3)
    return bool(_CALLING & set(before)) or bool(_LINE_NAMES & set(after))


def _service(text: str, match: re.Match[str]) -> str:
    number = match.group()
    if not _is_service_number(text, match):
        return number
    groups = re.findall(r"\d+", number)
    if len(groups) == 1 and len(groups[0]) == 6:
        groups = [groups[0][:3], groups[0][3:]]  # 741741 -> "seven four one, seven four one"
    return _read_groups(groups)


_ZIP = re.compile(r"(?<=\b[A-Z]{2}\s)(?P<zip>\d{5})(?:-(?P<plus4>\d{4}))?(?![\w-])")
_NONPROFIT = re.compile(r"\b501\s?\(c\)\s?\(3\)")


def phone_numbers(text: str) -> str:
    """Every telephone number in ``text`` read digit by digit, groups separated by a short pause.

    Two other numbers read digit by digit come along: US ZIP codes after a state ("TX 78701") and "501(c)(3)".
    """
    text = _NONPROFIT.sub("five oh one c three", text)
    text = _ZIP.sub(lambda m: _read_groups([m["zip"], m["plus4"] or ""]), text)
    text = _NANP.sub(_nanp, text)
    for pattern, reader in ((_INTERNATIONAL, _international), (_AU_1300, _au_1300), (_NATIONAL, _national)):
        text = pattern.sub(lambda m, r=reader: r(m) or m.group(), text)
    return _SHORT.sub(lambda m: _service(text, m), text)
