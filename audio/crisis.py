"""Crisis lines by country: the shipped, sourced default for a show that lists no ``crisis_resources``.

The table lives in ``audio/data/crisis.toml`` (one entry per service, each with the page its facts come from).
A show's country is its ``country`` setting, else the region of its ``language`` (``en-GB`` -> ``GB``).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import asdict, dataclass, fields
from functools import cache
from importlib import resources
from typing import Any

KINDS = ("crisis", "emergency")
"""``crisis``: a helpline to talk to; ``emergency``: the country's emergency number."""


@dataclass(frozen=True)
class CrisisLine:
    """One service a listener can reach right now, with what a page, a card and a voice each need."""

    country: str
    """ISO 3166-1 alpha-2 country code, e.g. ``GB``."""

    kind: str
    """``crisis`` (a helpline) or ``emergency`` (the emergency number)."""

    name: str
    """The service's name, e.g. "Samaritans"."""

    number: str
    """The number as digits only: ``tel:`` links and SSML ``<say-as interpret-as="telephone">``."""

    display: str
    """The number as the service writes it, e.g. "116 123"."""

    spoken: str
    """One calm sentence for the voice that reads the digits in groups."""

    source: str
    """Where these facts were checked (the service's or a government's own page)."""

    text: str = ""
    """An SMS number as digits when the service answers texts; empty when it does not."""

    text_display: str = ""
    """The SMS number as written; empty means the same as ``display``."""

    hours: str = ""
    """Opening hours as written; empty means 24 hours a day, 7 days a week."""

    @property
    def contact(self) -> str:
        """How to reach them, as a card or a page writes it: "Call or text 988", "Call 116 123 (free)"."""
        if self.text and self.text == self.number:
            line = f"Call or text {self.display}"
        else:
            line = f"Call {self.display}"
            if self.text:
                line += f", or text {self.text_display or self.text}"
        if self.kind == "emergency":
            line += " if you are in immediate danger"
        if self.hours:
            line += f" ({self.hours})"
        return line

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CrisisLine:
        """Rebuild from :meth:`to_dict` output; raises ``ValueError`` naming a missing or unknown field."""
        known = {f.name for f in fields(cls)}
        if unknown := sorted(set(data) - known):
            raise ValueError(f"unknown field(s): {', '.join(unknown)}")
        line = cls(**{k: str(v).strip() for k, v in data.items()})
        if line.kind not in KINDS:
            raise ValueError(f"kind {line.kind!r} must be one of: {', '.join(KINDS)}")
        if not re.fullmatch(r"\d+", line.number) or (line.text and not re.fullmatch(r"\d+", line.text)):
            raise ValueError(f"{line.name}: number and text must be digits only")
        return line


@cache
def table() -> tuple[CrisisLine, ...]:
    """Every line of the shipped table, in file order (crisis line before emergency number per country)."""
    raw = tomllib.loads(resources.files("gentle_steps.audio").joinpath("data/crisis.toml").read_text("utf-8"))
    return tuple(CrisisLine.from_dict(item) for item in raw["line"])


def countries() -> tuple[str, ...]:
    """Countries the table covers, in file order."""
    return tuple(dict.fromkeys(line.country for line in table()))


def country_of(language: str, country: str = "") -> str:
    """The show's country: ``country`` when set, else the region of a BCP 47 ``language`` ("" when it has none)."""
    if country:
        return country.upper()
    parts = language.replace("_", "-").split("-")
    return parts[1].upper() if len(parts) > 1 and len(parts[1]) == 2 else ""


def lines_for(language: str, country: str = "") -> tuple[CrisisLine, ...]:
    """The table's lines for the show's country; empty when the table has none for it."""
    code = country_of(language, country)
    return tuple(line for line in table() if line.country == code)
