"""The skill's catalog made from the build manifest: what the skill says and plays, in the skill's own shape.

``skill/catalog.py`` owns the schema (dataclasses, version, reader); this module only fills it, so the writer
and the reader of ``dist/catalog.json`` share one definition.
"""

from __future__ import annotations

from gentle_steps.audio.model import Manifest, Sentence
from gentle_steps.skill.catalog import Catalog, CrisisResource, Episode, Prompt, Section, Show, synonyms_for


def section_text(sentences: list[Sentence]) -> str:
    """The section as plain sentences, for devices that cannot play its audio."""
    return " ".join(s.spoken for s in sentences if s.kind not in ("title", "disclosure"))


def catalog_for(manifest: Manifest) -> Catalog:
    """The skill's catalog for ``manifest``."""
    show, base = manifest.show, manifest.base_url
    return Catalog(
        base_url=base,
        show=Show(title=show.title, invocation_name=show.invocation_name, language=show.language,
                  disclosure=show.disclosure, disclaimer=show.disclaimer,
                  artwork_url=manifest.artwork.url if manifest.artwork else "",
                  crisis_resources=tuple(CrisisResource(c.name, c.contact, c.spoken) for c in show.crisis_resources)),
        episodes=tuple(
            Episode(id=ep.id, number=ep.number, title=ep.title, page_url=f"{base}episodes/{ep.id}/",
                    audio_url=ep.audio.url, duration_ms=ep.audio.duration_ms,
                    sections=tuple(
                        Section(episode_id=ep.id, id=sec.id, index=sec.index, title=sec.title,
                                synonyms=tuple(synonyms_for(sec.title, sec.index)), audio_url=sec.audio.url,
                                duration_ms=sec.audio.duration_ms, version=sec.audio.sha256[:12],
                                text=section_text(sec.sentences))
                        for sec in ep.sections))
            for ep in manifest.episodes),
        prompts=tuple(Prompt(id=p.id, text=p.text, audio_url=p.audio.url, duration_ms=p.audio.duration_ms)
                      for p in manifest.prompts),
    )
