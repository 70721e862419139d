"""The skill's catalog made from the build manifest: what the skill says and plays, in the skill's own shape.

``skill/catalog.py`` owns the schema (dataclasses, version, reader); this module only fills it, so the writer
and the reader of ``dist/catalog.json`` share one definition. Crisis lines: the shipped country table for every
country it covers, and for the show's own country the show's ``crisis_resources`` (when show.toml lists its
own, their numbers are found in their ``contact`` text).
"""

from __future__ import annotations

import re

from gentle_steps.audio.crisis import country_of, table
from gentle_steps.audio.model import Manifest, Sentence
from gentle_steps.audio.settings import CrisisResource, ShowSettings
from gentle_steps.skill.catalog import (
    Catalog,
    CrisisLine,
    Episode,
    Prompt,
    Section,
    Show,
    Track,
    synonyms_for,
)

# A phone number as a contact line writes it: three or more digits, maybe grouped by spaces, dots or hyphens.
_PHONE = re.compile(r"\+?\(?\d[\d\s().-]*\d")


def section_text(sentences: list[Sentence]) -> str:
    """The section as plain sentences, for devices that cannot play its audio."""
    return " ".join(s.spoken for s in sentences if s.kind not in ("title", "disclosure"))


def line_from_resource(resource: CrisisResource) -> CrisisLine:
    """A show's own crisis resource as a typed line: its numbers are the phone numbers in its ``contact``
    ("Call 1-800-799-7233" -> 18007997233); one after the word "text" is its SMS number."""
    found = [(m, re.sub(r"\D", "", m.group())) for m in _PHONE.finditer(resource.contact)]
    found = [(m, digits) for m, digits in found if len(digits) >= 3]
    number, display, text = (found[0][1], found[0][0].group().strip(), "") if found else ("", "", "")
    for match, digits in found:
        before = resource.contact[:match.start()].lower().split()
        if before and before[-1] in ("text", "to") or (len(before) > 1 and before[-2:] == ["or", "text"]):
            text = digits
    kind = "emergency" if re.search(r"\bemergency|immediate danger\b", resource.name + " " + resource.contact,
                                    re.IGNORECASE) else "crisis"
    return CrisisLine(kind=kind, name=resource.name, contact=resource.contact, spoken=resource.spoken,
                      number=number, display=display, text=text)


def crisis_by_country(show: ShowSettings) -> dict[str, tuple[CrisisLine, ...]]:
    """Every country of the shipped table, and the show's own country with the show's own resources."""
    lines: dict[str, list[CrisisLine]] = {}
    for line in table():
        lines.setdefault(line.country, []).append(
            CrisisLine(kind=line.kind, name=line.name, contact=line.contact, spoken=line.spoken, number=line.number,
                       display=line.display, text=line.text, hours=line.hours))
    own = country_of(show.language, show.country)
    shipped = [(c.name, c.contact, c.spoken) for c in lines.get(own, [])]
    if own and [(r.name, r.contact, r.spoken) for r in show.crisis_resources] != shipped:
        lines[own] = [line_from_resource(r) for r in show.crisis_resources]
    return {country: tuple(found) for country, found in lines.items()}


def catalog_for(manifest: Manifest) -> Catalog:
    """The skill's catalog for ``manifest``."""
    show, base = manifest.show, manifest.base_url
    return Catalog(
        base_url=base,
        show=Show(title=show.title, invocation_name=show.invocation_name, language=show.language,
                  disclosure=show.disclosure, disclaimer=show.disclaimer,
                  artwork_url=manifest.artwork.url if manifest.artwork else "",
                  locales=tuple(dict.fromkeys([show.language, *show.locales]))),
        episodes=tuple(
            Episode(id=ep.id, number=ep.number, title=ep.title, page_url=f"{base}episodes/{ep.id}/",
                    audio_url=ep.audio.url, duration_ms=ep.audio.duration_ms, date=ep.date,
                    sections=tuple(
                        Section(episode_id=ep.id, id=sec.id, index=sec.index, title=sec.title,
                                synonyms=tuple(synonyms_for(sec.title, sec.index)), audio_url=sec.audio.url,
                                duration_ms=sec.audio.duration_ms, version=sec.audio.sha256[:12],
                                text=section_text(sec.sentences))
                        for sec in ep.sections))
            for ep in manifest.episodes),
        prompts=tuple(Prompt(id=p.id, text=p.text, audio_url=p.audio.url, duration_ms=p.audio.duration_ms)
                      for p in manifest.prompts),
        crisis=crisis_by_country(show),
        breathing=tuple(Track(id=t.id, title=t.title, seconds=t.seconds, audio_url=t.audio.url,
                              duration_ms=t.audio.duration_ms, version=t.audio.sha256[:12])
                        for t in manifest.breathing),
    )
