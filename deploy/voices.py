"""``gentle-steps voices list|add|sample``: see which Piper voices exist, install one once, hear them.

Only these commands use the network (and only ``add`` and ``list --refresh``); the build reads installed voices
from disk and never downloads.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from gentle_steps.audio.voices.catalog import Catalog, CatalogVoice, UnknownVoice, base_url, load
from gentle_steps.audio.voices.download import DownloadError
from gentle_steps.audio.voices.installed import SHIPPED_VOICE, InstalledVoice, VoiceStoreError
from gentle_steps.audio.voices.store import VoiceStore

UNKNOWN_LICENCE = "see its MODEL_CARD"


def run(args: argparse.Namespace) -> int:
    """Run ``voices list``, ``add`` or ``sample``; returns the exit status (2 for bad input, 1 for a failed fetch)."""
    if args.voices_command == "sample":
        from gentle_steps.deploy import sampler

        return sampler.run(args)
    store = VoiceStore(Path(args.voices_dir) if getattr(args, "voices_dir", None) else None)
    if args.voices_command == "list":
        return list_voices(store, args.language, args.refresh)
    return add_voice(store, args.name)


def _catalog(store: VoiceStore) -> Catalog:
    catalog, warning = load(store.catalog_copy)
    if warning:
        print(f"gentle-steps voices: {warning}", file=sys.stderr)
    return catalog


def list_voices(store: VoiceStore, language: str | None, refresh: bool) -> int:
    """Print the catalog's voices as a table; ``refresh`` downloads the current catalog first."""
    status = 0
    if refresh:
        try:
            store.refresh_catalog(base_url())
        except (DownloadError, VoiceStoreError) as exc:
            print(f"gentle-steps voices list: could not refresh the catalog: {exc}", file=sys.stderr)
            status = 1
    catalog = _catalog(store)
    voices = catalog.select(language)
    if not voices:
        print(f"gentle-steps voices list: no voices for language {language!r} in {catalog.origin}", file=sys.stderr)
        return 2
    installed = set(store.installed())
    rows = [("NAME", "LANGUAGE", "QUALITY", "SIZE", "RATE", "SPEAKERS", "INSTALLED", "DATA LICENCE")]
    rows += [_row(voice, store.get(voice.key) if voice.key in installed else None) for voice in voices]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)) + "  " + row[-1])
    print(f"\n{len(voices)} voices from the {catalog.origin}. Installed voices live in {store.root}.")
    print("RATE of a voice not yet installed is the one its quality implies; installed, its config's.")
    return status


def _row(voice: CatalogVoice, installed: InstalledVoice | None) -> tuple[str, ...]:
    rate, speakers = voice.expected_sample_rate, voice.num_speakers
    licence = voice.licence.dataset_licence if voice.licence else UNKNOWN_LICENCE
    mark = ""
    if installed is not None:
        mark = "shipped" if installed.shipped else "yes"
        try:
            rate, speakers = installed.sample_rate(), max(1, len(installed.speakers()))
        except (OSError, ValueError, KeyError):
            mark = "damaged"
        licence = installed.dataset_licence() or licence
    return (voice.key, voice.language, voice.quality, f"{voice.size_bytes / 1e6:.0f} MB",
            f"{rate} Hz" if rate else "?", str(speakers), mark, licence)


def add_voice(store: VoiceStore, name: str) -> int:
    """Install voice ``name`` (verified; atomically) unless it already is."""
    catalog = _catalog(store)
    try:
        voice = catalog.find(name)
    except UnknownVoice as exc:
        print(f"gentle-steps voices add: {exc}", file=sys.stderr)
        return 2
    if voice.key == SHIPPED_VOICE:
        print(f"{SHIPPED_VOICE} ships with Gentle Steps and is already installed.")
        return 0
    existing = store.get(voice.key)
    if existing is not None:
        try:
            existing.verify(full=True)
            print(f"{voice.key} is already installed in {existing.model.path.parent}.")
            return 0
        except VoiceStoreError as exc:
            print(f"gentle-steps voices add: {exc}; downloading it again", file=sys.stderr)
    try:
        installed = _install(store, voice)
    except (DownloadError, VoiceStoreError) as exc:
        print(f"gentle-steps voices add: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"gentle-steps voices add: voice {voice.key}: stopped; nothing was installed", file=sys.stderr)
        return 130
    licence = installed.dataset_licence() or UNKNOWN_LICENCE
    print(f"Installed {voice.key} ({voice.size_bytes / 1e6:.0f} MB, {installed.sample_rate()} Hz) "
          f"in {installed.model.path.parent}.")
    print(f"Training data licence (from its MODEL_CARD): {licence}")
    return 0


def _install(store: VoiceStore, voice: CatalogVoice) -> InstalledVoice:
    from tqdm import tqdm

    # The bar only when someone watches: a log or a pipe gets the one-line result alone.
    with tqdm(total=voice.size_bytes, unit="B", unit_scale=True, desc=voice.key, leave=False,
              disable=not sys.stderr.isatty()) as bar:
        return store.install(voice, base_url(), progress=bar.update)

