"""Section names as slot values: a stable static set in the interaction model, the real titles per session.

The interaction model's ``SECTION_NAME`` type lists only values that never depend on the articles (ordinals:
"part three", "the third section"), so a new article needs no model change and no re-certification. The
catalog's section titles and synonyms reach Alexa at the start of each session through
``Dialog.UpdateDynamicEntities`` (REPLACE), which biases recognition and entity resolution towards them for
that session (Alexa keeps them up to 30 minutes). A one-shot request ("Alexa, ask ... to play the part about
...") arrives before any session exists, so the skill matches the raw slot value itself
(:meth:`Catalog.find_section`).
"""

from __future__ import annotations

from typing import Any

from gentle_steps.skill.catalog import Catalog, spoken_form

SECTION_SLOT_TYPE = "SECTION_NAME"
"""Custom slot type of the ``section`` slot."""

MAX_DYNAMIC_VALUES = 100
"""Alexa accepts at most 100 dynamic entity values per directive."""

_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
             "eleventh", "twelfth")
_NUMBERS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")


def static_section_values() -> list[dict[str, Any]]:
    """The model's fixed ``SECTION_NAME`` values: "part one" to "part twelve" with their other phrasings.

    They match the synonyms the build gives every section (``synonyms_for``), so "play part three" resolves
    without any article-specific value in the model.
    """
    return [{"id": f"ordinal.{i + 1}",
             "name": {"value": f"part {number}",
                      "synonyms": [f"section {number}", f"the {ordinal} section", f"the {ordinal} part"]}}
            for i, (number, ordinal) in enumerate(zip(_NUMBERS, _ORDINALS, strict=True))]


def section_values(catalog: Catalog, prefer_episode: str | None = None,
                   limit: int = MAX_DYNAMIC_VALUES) -> list[dict[str, Any]]:
    """One slot value per section title (the preferred episode, then the newest first), synonyms never repeated.

    Names are placed before any synonym, so one section's synonym can never push out another's title. At most
    ``limit`` values; ids are ``<episode id>.<section id>`` (section ids repeat across episodes).
    """
    chosen = []
    taken: set[str] = set()
    order = sorted(catalog.episodes, key=lambda ep: (ep.id != prefer_episode, -ep.number))
    for episode in order:
        for section in episode.sections:
            name = spoken_form(section.title)
            if name and name not in taken and len(chosen) < limit:
                taken.add(name)
                chosen.append((episode, section, name))
    values: list[dict[str, Any]] = []
    for episode, section, name in chosen:
        synonyms = []
        for synonym in section.synonyms:
            if synonym not in taken:
                taken.add(synonym)
                synonyms.append(synonym)
        value: dict[str, Any] = {"id": f"{episode.id}.{section.id}", "name": {"value": name}}
        if synonyms:
            value["name"]["synonyms"] = synonyms
        values.append(value)
    return values


def section_entities_directive(catalog: Catalog, prefer_episode: str | None = None):
    """``Dialog.UpdateDynamicEntities`` (REPLACE) carrying :func:`section_values` for ``SECTION_NAME``."""
    from ask_sdk_model.dialog import DynamicEntitiesDirective
    from ask_sdk_model.er.dynamic import Entity, EntityListItem, EntityValueAndSynonyms, UpdateBehavior

    values = [Entity(id=v["id"], name=EntityValueAndSynonyms(value=v["name"]["value"],
                                                             synonyms=v["name"].get("synonyms")))
              for v in section_values(catalog, prefer_episode)]
    return DynamicEntitiesDirective(update_behavior=UpdateBehavior.REPLACE,
                                    types=[EntityListItem(name=SECTION_SLOT_TYPE, values=values)])
