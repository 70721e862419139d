"""Money, times, dates and units, as a narrator says them (US English).

"$120/hr" -> "one hundred twenty dollars an hour", "£60" -> "sixty pounds", "€1.5 million" -> "one point five
million euros", "10:00AM" -> "ten a.m", "10-11am" -> "ten to eleven a.m", "July 2, 2025" -> "July second,
twenty twenty-five", "2025-07-02" likewise, "Mon." -> "Monday", "50 min" -> "fifty minutes", "20°C" ->
"twenty degrees Celsius". "a.m" and "p.m" are written with dots because the voice reads a spaced "A M" as the
article "a" followed by "M".
"""

from __future__ import annotations

import re

from gentle_steps.audio.spoken_numbers import NUMBER, cardinal, is_one, number_words, ordinal, year_words

_RANGE = r"(?:\s?(?:-|–|to)\s?)"

# --- Money ---------------------------------------------------------------------------------------------------

_CURRENCIES = {
    "$": ("dollar", "dollars", "cent", "cents"), "US$": ("dollar", "dollars", "cent", "cents"),
    "A$": ("Australian dollar", "Australian dollars", "cent", "cents"),
    "AU$": ("Australian dollar", "Australian dollars", "cent", "cents"),
    "C$": ("Canadian dollar", "Canadian dollars", "cent", "cents"),
    "CA$": ("Canadian dollar", "Canadian dollars", "cent", "cents"),
    "NZ$": ("New Zealand dollar", "New Zealand dollars", "cent", "cents"),
    "£": ("pound", "pounds", "penny", "pence"), "€": ("euro", "euros", "cent", "cents"),
    "¥": ("yen", "yen", "", ""), "₹": ("rupee", "rupees", "paisa", "paise"),
}
_CURRENCY = r"US\$|AU\$|A\$|CA\$|C\$|NZ\$|[$£€¥₹]"
_SCALE = r"(?:\s?(?:thousand|million|billion|trillion)\b|(?:k|K|m|M|mn|bn|B)\b)"
_SCALES = {"k": "thousand", "K": "thousand", "m": "million", "M": "million", "mn": "million", "bn": "billion",
           "B": "billion"}
_PER = {"hour": "an hour", "hr": "an hour", "h": "an hour", "session": "a session", "visit": "a visit",
        "month": "a month", "mo": "a month", "week": "a week", "wk": "a week", "year": "a year", "yr": "a year",
        "day": "a day", "night": "a night", "person": "a person", "class": "a class", "minute": "a minute",
        "min": "a minute"}
PER_UNIT = "|".join(sorted(_PER, key=len, reverse=True))
"""Words that may follow a slash to mean "per" ("$120/hr", "3x/week")."""

_MONEY = re.compile(
    rf"(?<![\w$£€¥₹])(?P<cur>{_CURRENCY})\s?(?P<a1>{NUMBER})(?P<s1>{_SCALE})?"
    rf"(?:{_RANGE}(?:{_CURRENCY})?\s?(?P<a2>{NUMBER})(?P<s2>{_SCALE})?)?"
    rf"(?:\s?/\s?(?P<per>{PER_UNIT})\b(?:\.(?=\s+[a-z]))?)?")


def _amount(number: str, scale: str | None, names: tuple[str, str, str, str], unit: bool = True) -> str:
    one, many, cent, cents = names
    if scale:
        scale = scale.strip()
        words = f"{number_words(number, years=False)} {_SCALES.get(scale, scale)}"
        return f"{words} {many}" if unit else words
    whole, _, fraction = number.replace(",", "").partition(".")
    value = int(whole or "0")
    change = int(fraction[:2].ljust(2, "0")) if fraction and cent else 0
    if fraction and not cent:
        return number_words(number, years=False) + (f" {many}" if unit else "")
    if value == 0 and change:
        return f"{cardinal(change)} {cent if change == 1 else cents}"
    words = cardinal(value)
    if unit or change:
        words += f" {one if value == 1 else many}"
    if change:
        words += f" and {cardinal(change)} {cent if change == 1 else cents}"
    return words


def _money(match: re.Match[str]) -> str:
    names = _CURRENCIES[match["cur"]]
    if match["a2"]:
        plain = "." not in match["a1"] and not match["s1"]
        first = _amount(match["a1"], match["s1"], names, unit=not plain)
        words = f"{first} to {_amount(match['a2'], match['s2'], names)}"
    else:
        words = _amount(match["a1"], match["s1"], names)
    if match["per"]:
        words += " " + _PER[match["per"]]
    return words


def money(text: str) -> str:
    """Amounts of money in words: "$5.99" -> "five dollars and ninety-nine cents", "$100-150" a range."""
    return _MONEY.sub(_money, text)


# --- Times ---------------------------------------------------------------------------------------------------

_MERIDIEM = r"[AaPp]\.?\s?[Mm]\b\.?"
_TIME_RANGE = re.compile(
    rf"(?<![\w:.])(?P<h1>\d{{1,2}})(?::(?P<m1>\d{{2}}))?\s?(?P<ap1>{_MERIDIEM})?{_RANGE}"
    rf"(?P<h2>\d{{1,2}})(?::(?P<m2>\d{{2}}))?\s?(?P<ap2>{_MERIDIEM})")
_TIME = re.compile(rf"(?<![\w:.])(?P<h>\d{{1,2}})(?::(?P<m>\d{{2}}))?\s?(?P<ap>{_MERIDIEM})")
_CLOCK_RANGE = re.compile(r"(?<![\w:.])(?P<h1>\d{1,2}):(?P<m1>\d{2})\s?[-–]\s?(?P<h2>\d{1,2}):(?P<m2>\d{2})(?![\d:])")
_CLOCK24 = re.compile(r"(?<![\w:.])(?P<h>\d{1,2}):(?P<m>\d{2})(?![\d:])(?!\s?(?:noon|midnight)\b)")
_NOON = re.compile(r"(?<![\w:.])12(?::00)?\s?(noon|midnight)\b")


def _clock(hour: str, minute: str | None, meridiem: str | None) -> str | None:
    h, m = int(hour), int(minute or 0)
    if m > 59 or h > 23 or (meridiem and not 1 <= h <= 12):
        return None
    if meridiem:
        dot = "." if meridiem.endswith(".") else ""
        ap = ("a.m" if meridiem[0] in "Aa" else "p.m") + dot
        return f"{cardinal(h)}{_minutes(m, ' ')} {ap}"
    if h == 0 or h > 12:
        return f"{cardinal(h)} hundred" if m == 0 else f"{cardinal(h)}{_minutes(m, ' ')}"
    return f"{cardinal(h)} o'clock" if m == 0 else f"{cardinal(h)}{_minutes(m, ' ')}"


def _minutes(m: int, sep: str) -> str:
    if m == 0:
        return ""
    return f"{sep}oh {cardinal(m)}" if m < 10 else f"{sep}{cardinal(m)}"


def _time_range(match: re.Match[str]) -> str:
    second = _clock(match["h2"], match["m2"], match["ap2"])
    first = _clock(match["h1"], match["m1"], match["ap1"] or "am")
    if first is not None and not match["ap1"]:
        first = first.rsplit(" ", 1)[0]  # "10-11am": one meridiem for both, said once at the end
    if first is None or second is None:
        return match.group()
    return f"{first} to {second}"


def times(text: str) -> str:
    """Clock times in words: "10:00AM" -> "ten a.m", "9:59 a.m." -> "nine fifty-nine a.m.", "17:30"."""
    text = _NOON.sub(lambda m: f"twelve {m[1]}", text)
    text = _TIME_RANGE.sub(_time_range, text)
    text = _TIME.sub(lambda m: _clock(m["h"], m["m"], m["ap"]) or m.group(), text)

    def clock_range(m: re.Match[str]) -> str:
        first, second = _clock(m["h1"], m["m1"], None), _clock(m["h2"], m["m2"], None)
        return f"{first} to {second}" if first and second else m.group()

    text = _CLOCK_RANGE.sub(clock_range, text)
    return _CLOCK24.sub(lambda m: _clock(m["h"], m["m"], None) or m.group(), text)


# --- Dates ---------------------------------------------------------------------------------------------------

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
"""Month names, January first."""
_MONTH_ABBR = {m[:3]: m for m in MONTHS} | {"Sept": "September"}
_MONTH = r"(?P<mon>January|February|March|April|May|June|July|August|September|October|November|December|" \
         r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\b(?:\.(?![\"')\]]*\s*$))?"
_ORD = r"(?:st|nd|rd|th)?"
_MONTH_DAY = re.compile(
    rf"\b{_MONTH}\s(?P<d>\d{{1,2}}){_ORD}(?:\s?[-–]\s?(?P<d2>\d{{1,2}}){_ORD})?(?:,?\s(?P<y>\d{{4}}))?(?![\w:])")
_DAY_MONTH = re.compile(rf"(?<![\w.,])(?P<the>the\s)?(?P<d>\d{{1,2}}){_ORD}\s{_MONTH}(?:,?\s(?P<y>\d{{4}}))?(?![\w:])")
_ISO = re.compile(r"(?<![\w-])(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?![\w-])")
_NUMERIC = re.compile(r"(?<![\w/.])(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>\d{4}|\d{2})(?![\w/])")
_MONTH_DOT = re.compile(r"\b(Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.(?=\s)")
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
"""Weekday names, Monday first."""
_DAY_ABBR = {"Mon": "Monday", "Tue": "Tuesday", "Tues": "Tuesday", "Wed": "Wednesday", "Thu": "Thursday",
             "Thur": "Thursday", "Thurs": "Thursday", "Fri": "Friday", "Sat": "Saturday", "Sun": "Sunday"}
_DAY = r"(?:Mon|Tues?|Wed|Thu(?:rs?)?|Fri|Sat|Sun)"
_KEEP_FINAL_DOT = r"(?:\.(?![\"')\]]*\s*$))?"  # an abbreviation's dot, unless it is also the sentence's
_DAY_RUN = re.compile(rf"\b{_DAY}\.?(?:(?:\s?[-–/&]\s?|,\s|\sto\s|\sthrough\s){_DAY}\b{_KEEP_FINAL_DOT})+")
_DAY_DOT = re.compile(rf"\b{_DAY}\.(?![\"')\]]*\s*$)(?=\s)|\b{_DAY}(?=\.\s*$)|\b{_DAY}\b(?=\s?\d)")


def _date(month: int, day: int, year: str | None) -> str | None:
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    words = f"{MONTHS[month - 1]} {ordinal(day)}"
    return f"{words}, {year_words(int(year))}" if year else words


def _month_day(match: re.Match[str]) -> str:
    month = MONTHS.index(_MONTH_ABBR.get(match["mon"], match["mon"])) + 1
    words = _date(month, int(match["d"]), match["y"])
    if words is None:
        return match.group()
    if match["d2"]:
        if not 1 <= int(match["d2"]) <= 31:
            return match.group()
        head, _, year = words.partition(", ")
        words = f"{head} to {ordinal(int(match['d2']))}" + (f", {year}" if year else "")
    return words


def _day_month(match: re.Match[str]) -> str:
    month = _MONTH_ABBR.get(match["mon"], match["mon"])
    day = int(match["d"])
    if not 1 <= day <= 31:
        return match.group()
    words = f"the {ordinal(day)} of {month}"
    return words + (f", {year_words(int(match['y']))}" if match["y"] else "")


def _numeric_date(match: re.Match[str]) -> str:
    a, b = int(match["a"]), int(match["b"])
    year = match["y"] if len(match["y"]) == 4 else f"20{match['y']}"
    month, day = (b, a) if a > 12 else (a, b)  # en-US reads month first; a first number over 12 is a day
    return _date(month, day, year) or match.group()


def dates(text: str) -> str:
    """Dates in words: "July 2, 2025" -> "July second, twenty twenty-five"; ISO and numeric dates; day names."""
    text = _ISO.sub(lambda m: _date(int(m["m"]), int(m["d"]), m["y"]) or m.group(), text)
    text = _NUMERIC.sub(_numeric_date, text)
    text = _MONTH_DAY.sub(_month_day, text)
    text = _DAY_MONTH.sub(_day_month, text)
    text = _MONTH_DOT.sub(lambda m: _MONTH_ABBR[m[1]], text)

    def day_run(m: re.Match[str]) -> str:
        spoken = re.sub(rf"\b{_DAY}\b\.?", lambda d: _DAY_ABBR[d.group().rstrip(".")], m.group())
        return re.sub(r"\s?[-–]\s?", " to ", re.sub(r"\s?/\s?", " or ", spoken.replace(" & ", " and ")))

    text = _DAY_RUN.sub(day_run, text)
    return _DAY_DOT.sub(lambda m: _DAY_ABBR[m.group().rstrip(".")], text)


# --- Units ---------------------------------------------------------------------------------------------------

_UNITS = {
    "min": ("minute", "minutes"), "mins": ("minute", "minutes"), "sec": ("second", "seconds"),
    "secs": ("second", "seconds"), "hr": ("hour", "hours"), "hrs": ("hour", "hours"),
    "km": ("kilometer", "kilometers"), "mi": ("mile", "miles"), "kg": ("kilogram", "kilograms"),
    "lb": ("pound", "pounds"), "lbs": ("pound", "pounds"), "oz": ("ounce", "ounces"),
    "mg": ("milligram", "milligrams"), "mcg": ("microgram", "micrograms"), "µg": ("microgram", "micrograms"),
    "ml": ("milliliter", "milliliters"), "mL": ("milliliter", "milliliters"), "cm": ("centimeter", "centimeters"),
    "mm": ("millimeter", "millimeters"), "ft": ("foot", "feet"), "wk": ("week", "weeks"), "wks": ("week", "weeks"),
    "mo": ("month", "months"), "mos": ("month", "months"), "yr": ("year", "years"), "yrs": ("year", "years"),
    "bpm": ("beat per minute", "beats per minute"), "mph": ("mile per hour", "miles per hour"),
    "kph": ("kilometer per hour", "kilometers per hour"), "km/h": ("kilometer per hour", "kilometers per hour"),
    "kcal": ("kilocalorie", "kilocalories"), "cal": ("calorie", "calories"), "IU": ("international unit",
                                                                                  "international units"),
    "%": ("percent", "percent"),
}
_UNIT = "|".join(re.escape(u) for u in sorted(_UNITS, key=len, reverse=True))
_QUANTITY = rf"(?P<q>(?:{NUMBER})(?:{_RANGE}(?:{NUMBER}))?)"
_WITH_UNIT = re.compile(rf"(?<![\w.,])(?P<article>\b[Aa]n?\s)?{_QUANTITY}\s?(?P<u>{_UNIT})(?:(?<=%)|(?![\w/]))(?:\.(?=\s+[a-z]))?")
_TIMES = re.compile(rf"(?<![\w.,]){_QUANTITY}\s?[x×](?![\w])")
_BY = re.compile(rf"(?<![\w.,])(?P<a>{NUMBER})\s?[x×]\s?(?P<b>{NUMBER})(?![\w])")
_PER_SLASH = re.compile(rf"(?<=[a-z])\s?/\s?(?P<per>{PER_UNIT})\b")
_DEGREES = re.compile(r"(\d)\s?°\s?(?:(C|F)\b)?")


def quantity_words(quantity: str) -> str:
    """"3" -> "three", "3-5" -> "three to five", "1.5" -> "one point five" (no years: 2000 steps)."""
    parts = re.split(_RANGE, quantity)
    return " to ".join(number_words(p, years=False) for p in parts)


def _with_unit(match: re.Match[str]) -> str:
    one, many = _UNITS[match["u"]]
    singular = is_one(match["q"]) or (match["article"] is not None and match["u"] != "%")  # "a 50 min session"
    return f"{match['article'] or ''}{quantity_words(match['q'])} {one if singular else many}"


def degrees(text: str) -> str:
    """"20°C" -> "20 degrees Celsius", "©" -> "copyright" (before emoji stripping takes such signs as symbols)."""
    names = {"C": " Celsius", "F": " Fahrenheit", None: ""}
    text = re.sub(r"\s?©\s?", " copyright ", text)
    return _DEGREES.sub(lambda m: f"{m[1]} degrees{names[m[2]]}", text)


def units(text: str) -> str:
    """Units after numbers in words: "50 min" -> "fifty minutes", "3x/week" -> "three times a week", "50%"."""
    text = _BY.sub(lambda m: f"{number_words(m['a'], years=False)} by {number_words(m['b'], years=False)}", text)
    text = _TIMES.sub(lambda m: f"{quantity_words(m['q'])} times", text)
    text = _WITH_UNIT.sub(_with_unit, text)
    return _PER_SLASH.sub(lambda m: " " + _PER[m["per"]], text)
