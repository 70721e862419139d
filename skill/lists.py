"""The list of sections, three at a time, and finding the section a listener named.

A list read out in one turn is more than anyone holds in mind; three titles, then "Want to hear more?", keeps
each turn to a breath or two. Titles are read without their question marks and ellipses
(:func:`gentle_steps.skill.ssml.title`), and the card lists them all. The episode's date is said the way the
listener's locale writes dates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from ask_sdk_model import Response
from ask_sdk_model.ui import SimpleCard
from gentle_steps.skill import lines as L
from gentle_steps.skill import ssml
from gentle_steps.skill.catalog import Catalog, Episode, Section
from gentle_steps.skill.turn import Turn

GROUP = 3
"""Section titles read out per turn."""

MONTH_FIRST = frozenset({"en-US", "en-CA"})
"""Locales that write the month before the day ("July 2, 2025"); the others write "2 July 2025"."""

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


def written_date(iso: str, locale: str) -> str:
    """An ISO date as the locale writes it ("July 2, 2025" in en-US, "2 July 2025" in en-GB); "" if invalid."""
    try:
        day = dt.date.fromisoformat(iso)
    except ValueError:
        return ""
    month = _MONTHS[day.month - 1]
    return f"{month} {day.day}, {day.year}" if locale in MONTH_FIRST else f"{day.day} {month} {day.year}"


class ListHandlers:
    """The section list and section names; mixed into :class:`~gentle_steps.skill.handlers.GentleSteps`."""

    catalog: Catalog
    current_section: Callable[[Turn], Section | None]  # PlaybackHandlers.current_section

    def list_sections(self, turn: Turn) -> Response:
        """The first three section titles of the current episode, numbered, with the card listing all."""
        episode = self.current_episode(turn)
        date = written_date(episode.date, turn.locale or self.catalog.show.language)
        heading = f"{episode.title}, {date}" if date else episode.title
        turn.rb.set_card(SimpleCard(title=heading, content="\n".join(
            f"{s.index + 1}. {s.title}" for s in episode.sections)))
        count = str(len(episode.sections))
        opening = L.LIST_OPENING(date=date, count=count) if date else L.LIST_OPENING_UNDATED(count=count)
        return self.list_from(turn, episode, 0, opening)

    def list_more(self, turn: Turn, pending: str) -> Response:
        """Yes to "Want to hear more?": the next three titles."""
        _, episode_id, start = pending.split(":", 2)
        episode = self.catalog.episode(episode_id) or self.catalog.latest
        return self.list_from(turn, episode, int(start) if start.isdigit() else 0)

    def list_from(self, turn: Turn, episode: Episode, start: int, opening: str = "") -> Response:
        """Titles ``start`` to ``start + 3``, then "Want to hear more?" or "Which one would you like to hear?"."""
        chunk = episode.sections[start:start + GROUP]
        items = ssml.join(*(L.LIST_ITEM(number=str(s.index + 1), title=ssml.title(s.title)) for s in chunk),
                          gap_ms=300)
        if start + GROUP < len(episode.sections):
            return turn.ask(ssml.join(opening, items, L.LIST_MORE(), gap_ms=400), L.LIST_MORE_REPROMPT(),
                            f"more:{episode.id}:{start + GROUP}")
        return turn.ask(ssml.join(opening, items, L.LIST_WHICH(), gap_ms=400), L.LIST_WHICH_REPROMPT())

    def no_more(self, turn: Turn) -> Response:
        """No to "Want to hear more?"."""
        return turn.ask(L.LIST_NO_MORE(), L.LIST_WHICH_REPROMPT())

    def current_episode(self, turn: Turn) -> Episode:
        """The episode of the section playing or last played, else the newest."""
        current = self.current_section(turn)
        return (self.catalog.episode(current.episode_id) if current else None) or self.catalog.latest

    def section_from_slot(self, turn: Turn) -> Section | None:
        """The section the ``section`` slot names: entity resolution's id first, then what was heard."""
        slot = turn.slot("section")
        if slot is None:
            return None
        current = self.current_section(turn)
        prefer = current.episode_id if current else None
        heard = [slot.value] if isinstance(slot.value, str) else []
        authorities = getattr(getattr(slot, "resolutions", None), "resolutions_per_authority", None) or []
        for authority in authorities:
            code = getattr(getattr(getattr(authority, "status", None), "code", None), "value", "")
            if code != "ER_SUCCESS_MATCH":
                continue
            for wrapper in authority.values or []:
                value = getattr(wrapper, "value", None)
                section = self.section_by_id(getattr(value, "id", None), prefer)
                if section is not None:
                    return section
                if isinstance(getattr(value, "name", None), str):
                    heard.insert(0, value.name)
        for said in heard:
            section = self.catalog.find_section(said, prefer_episode=prefer)
            if section is not None:
                return section
        return None

    def section_by_id(self, value_id: object, prefer: str | None) -> Section | None:
        """The section a slot value id names ("<episode>.<section>", or a section id alone)."""
        order = sorted(self.catalog.episodes, key=lambda e: (e.id != prefer, -e.number))
        found = [s for ep in order for s in ep.sections if value_id in (f"{ep.id}.{s.id}", s.id)]
        return found[0] if found else None

    def hint(self) -> ssml.Ssml:
        """Names a few sections that exist, as examples."""
        sections = self.catalog.latest.sections
        titles = [ssml.title(s.title) for s in (sections[1:4] or sections[:1])]
        examples = ", ".join(titles[:-1]) + (" or " if len(titles) > 1 else "") + titles[-1]
        return L.HINT(examples=ssml.Ssml(examples))
