"""``gentle-steps publish`` (deploy/publish.py) against a real S3-compatible server on loopback.

The server is moto in server mode on a free port of 127.0.0.1, started here; the publisher talks to it over
HTTP exactly as it would to S3 (and to CloudFront, for invalidations). The dist/ tree is a small fake with
the build's layout: publish never looks inside the audio.
"""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path

import boto3
import pytest
from conftest import use_fake_aws
from gentle_steps.deploy.cli import main  # noqa: E402
from gentle_steps.deploy.publish import (  # noqa: E402
    IMMUTABLE,
    MEDIA,
    SHORT,
    TEXT_ASSET,
    PublishError,
    cache_control,
    publish,
)

REGION = "eu-west-1"

DIST_FILES = {
    "manifest.json": b'{"schema_version": 1}',
    "catalog.json": b'{"schema_version": 1, "episodes": []}',
    "feed.xml": b"<?xml version='1.0'?><rss version='2.0'><channel/></rss>",
    "index.html": b"<!doctype html><title>Gentle Steps</title>",
    "artwork.png": b"\x89PNG\r\n\x1a\nfake",
    "static/site.css": b"body { margin: 0 }",
    "static/player.js": b"console.log('player')",
    "episodes/ep1/index.html": b"<!doctype html><title>Episode 1</title>",
    "episodes/ep1/ep1.mp3": b"ID3episode-audio",
    "episodes/ep1/sections/01-intro.mp3": b"ID3intro-audio",
    "episodes/ep1/sections/02-repair.mp3": b"ID3repair-audio",
    "episodes/ep1/transcript.vtt": b"WEBVTT\n\n00:00.000 --> 00:01.000\nHello\n",
    "episodes/ep1/transcript.srt": b"1\n00:00:00,000 --> 00:00:01,000\nHello\n",
    "episodes/ep1/transcript.json": b'{"segments": []}',
    "episodes/ep1/chapters.json": b'{"version": "1.2.0", "chapters": []}',
    "prompts/be-gentle.mp3": b"ID3prompt-audio",
    "skill-package/skill.json": b'{"manifest": {}}',
    "skill-package/interactionModels/custom/en-US.json": b'{"interactionModel": {}}',
}

EXPECTED_HEADERS = {
    "feed.xml": ("application/rss+xml; charset=utf-8", SHORT),
    "catalog.json": ("application/json", SHORT),
    "manifest.json": ("application/json", SHORT),
    "index.html": ("text/html; charset=utf-8", SHORT),
    "episodes/ep1/index.html": ("text/html; charset=utf-8", SHORT),
    "episodes/ep1/ep1.mp3": ("audio/mpeg", MEDIA),
    "episodes/ep1/sections/01-intro.mp3": ("audio/mpeg", MEDIA),
    "prompts/be-gentle.mp3": ("audio/mpeg", MEDIA),
    "episodes/ep1/transcript.vtt": ("text/vtt; charset=utf-8", TEXT_ASSET),
    "episodes/ep1/transcript.srt": ("application/x-subrip; charset=utf-8", TEXT_ASSET),
    "episodes/ep1/transcript.json": ("application/json", TEXT_ASSET),
    "episodes/ep1/chapters.json": ("application/json", TEXT_ASSET),
    "static/site.css": ("text/css; charset=utf-8", TEXT_ASSET),
    "static/player.js": ("text/javascript; charset=utf-8", TEXT_ASSET),
    "artwork.png": ("image/png", MEDIA),
    "skill-package/skill.json": ("application/json", SHORT),
}


@pytest.fixture(autouse=True)
def fake_aws(monkeypatch, tmp_path):
    """Credentials and region for the local server only; no shared AWS config is read."""
    use_fake_aws(monkeypatch, tmp_path, REGION)


@pytest.fixture
def dist(tmp_path) -> Path:
    root = tmp_path / "dist"
    for rel, data in DIST_FILES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    (root / ".DS_Store").write_bytes(b"litter")
    return root


@pytest.fixture
def s3(endpoint):
    """An S3 client on the loopback server that records the key of every PUT it sends, in order."""
    client = boto3.client("s3", endpoint_url=endpoint, region_name=REGION)
    client.puts = []
    client.meta.events.register("before-parameter-build.s3.PutObject",
                                lambda params, **_: client.puts.append(params["Key"]))
    return client


@pytest.fixture
def bucket(s3) -> str:
    name = f"site-{uuid.uuid4().hex[:10]}"
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    return name


def quiet(_line: str) -> None:
    pass


def test_first_upload_writes_everything_with_media_first_and_the_feed_last(dist, s3, bucket):
    report = publish(dist, bucket, client=s3, echo=quiet)

    assert sorted(s3.puts) == sorted(DIST_FILES)  # every file, no dot files
    assert s3.puts == report.uploaded
    assert s3.puts[-2:] == ["catalog.json", "feed.xml"]
    # No page, manifest or catalog goes up before all the audio it may point at.
    first_pointer = min(i for i, k in enumerate(s3.puts) if k.endswith(".html") or k.endswith("manifest.json"))
    last_media = max(i for i, k in enumerate(s3.puts) if k.endswith(".mp3"))
    assert last_media < first_pointer
    stored = s3.get_object(Bucket=bucket, Key="episodes/ep1/sections/01-intro.mp3")
    assert stored["Body"].read() == DIST_FILES["episodes/ep1/sections/01-intro.mp3"]


def test_content_type_cache_control_and_hash_are_stored_on_every_object(dist, s3, bucket):
    publish(dist, bucket, client=s3, echo=quiet)

    for key, (ctype, cache) in EXPECTED_HEADERS.items():
        head = s3.head_object(Bucket=bucket, Key=key)
        assert (key, head["ContentType"], head["CacheControl"]) == (key, ctype, cache)
        assert head["Metadata"]["sha256"] == hashlib.sha256(DIST_FILES[key]).hexdigest()


def test_only_names_carrying_a_content_hash_are_immutable():
    assert cache_control("episodes/ep1/sections/01-intro.3f9a0c1b2d4e.mp3") == IMMUTABLE
    assert cache_control("static/site-0123456789abcdef.css") == IMMUTABLE
    assert cache_control("episodes/ep1/sections/01-intro.mp3") == MEDIA
    assert cache_control("episodes/deadbeef/index.html") == SHORT


def test_unchanged_second_run_uploads_nothing(dist, s3, bucket):
    publish(dist, bucket, client=s3, echo=quiet)
    s3.puts.clear()

    report = publish(dist, bucket, client=s3, echo=quiet)

    assert s3.puts == [] and report.uploaded == []
    assert sorted(report.unchanged) == sorted(DIST_FILES)


def test_changed_section_uploads_only_its_files_and_the_feed_last(dist, s3, bucket):
    publish(dist, bucket, client=s3, echo=quiet)
    s3.puts.clear()
    # What a rebuild after editing one section changes: its audio, the episode audio, transcript, page,
    # the catalog (new version) and the feed (new length).
    changed = ["episodes/ep1/sections/02-repair.mp3", "episodes/ep1/ep1.mp3", "episodes/ep1/transcript.vtt",
               "episodes/ep1/index.html", "catalog.json", "feed.xml"]
    for rel in changed:
        (dist / rel).write_bytes((dist / rel).read_bytes() + b" v2")

    report = publish(dist, bucket, client=s3, echo=quiet)

    assert sorted(s3.puts) == sorted(changed)
    assert s3.puts[-2:] == ["catalog.json", "feed.xml"]
    assert s3.puts.index("episodes/ep1/index.html") > s3.puts.index("episodes/ep1/sections/02-repair.mp3")
    assert len(report.unchanged) == len(DIST_FILES) - len(changed)
    body = s3.get_object(Bucket=bucket, Key="episodes/ep1/sections/02-repair.mp3")["Body"].read()
    assert body.endswith(b" v2")


def test_same_size_edit_is_still_detected_by_its_hash(dist, s3, bucket):
    publish(dist, bucket, client=s3, echo=quiet)
    s3.puts.clear()
    (dist / "episodes/ep1/transcript.srt").write_bytes(DIST_FILES["episodes/ep1/transcript.srt"].replace(b"Hello",
                                                                                                       b"Hallo"))

    publish(dist, bucket, client=s3, echo=quiet)

    assert s3.puts == ["episodes/ep1/transcript.srt"]


def test_dry_run_prints_the_plan_and_writes_nothing(dist, s3, bucket):
    lines: list[str] = []
    report = publish(dist, bucket, client=s3, dry_run=True, echo=lines.append)

    assert s3.puts == []
    assert s3.list_objects_v2(Bucket=bucket).get("KeyCount", 0) == 0
    assert len(report.uploaded) == len(DIST_FILES)
    assert sum(line.startswith("would upload s3://") for line in lines) == len(DIST_FILES)
    assert lines[-2].startswith("would upload") and "feed.xml" in lines[-2]


def test_prefix_is_applied_to_every_key(dist, s3, bucket):
    publish(dist, bucket, client=s3, prefix="/show/", echo=quiet)
    assert s3.puts[-1] == "show/feed.xml"
    assert all(key.startswith("show/") for key in s3.puts)


def test_changed_paths_are_invalidated_in_cloudfront(dist, s3, bucket, endpoint):
    cloudfront = boto3.client("cloudfront", endpoint_url=endpoint, region_name="us-east-1")
    dist_id = cloudfront.create_distribution(DistributionConfig={
        "CallerReference": uuid.uuid4().hex, "Comment": "test", "Enabled": True,
        "Origins": {"Quantity": 1, "Items": [{"Id": "site", "DomainName": f"{bucket}.s3.amazonaws.com",
                                               "S3OriginConfig": {"OriginAccessIdentity": ""}}]},
        "DefaultCacheBehavior": {"TargetOriginId": "site", "ViewerProtocolPolicy": "redirect-to-https"},
    })["Distribution"]["Id"]
    publish(dist, bucket, client=s3, echo=quiet)  # first publish, no invalidation
    (dist / "episodes/ep1/index.html").write_bytes(b"<!doctype html><title>Episode 1, revised</title>")
    (dist / "feed.xml").write_bytes(DIST_FILES["feed.xml"] + b"\n")

    report = publish(dist, bucket, client=s3, cloudfront=cloudfront, distribution_id=dist_id, echo=quiet)

    expected = ["/episodes/ep1/", "/episodes/ep1/index.html", "/feed.xml"]
    assert report.invalidated == expected
    stored = cloudfront.get_invalidation(DistributionId=dist_id, Id=report.invalidation_id)
    assert sorted(stored["Invalidation"]["InvalidationBatch"]["Paths"]["Items"]) == expected

    # Nothing changed: no invalidation is created.
    again = publish(dist, bucket, client=s3, cloudfront=cloudfront, distribution_id=dist_id, echo=quiet)
    assert again.invalidation_id is None


def test_cli_publishes_then_finds_nothing_to_do(dist, bucket, endpoint, capsys):
    args = ["publish", "--dist", str(dist), "--bucket", bucket, "--region", REGION, "--endpoint-url", endpoint]

    assert main(args) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"upload s3://{bucket}/")
    assert [line for line in out if line.startswith("upload s3://")][-1].startswith(f"upload s3://{bucket}/feed.xml")

    assert main(args) == 0
    out = capsys.readouterr().out
    assert "upload s3://" not in out and f"uploaded 0, {len(DIST_FILES)} unchanged" in out


@pytest.mark.parametrize(
    ("case", "message", "status"),
    [
        ("no-dist", "no such folder", 2),
        ("no-feed", "feed.xml: missing", 2),
        ("no-bucket-on-server", "NoSuchBucket", 1),
    ],
)
def test_bad_input_is_one_line_and_a_nonzero_exit(case, message, status, dist, endpoint, capsys):
    target = dist
    bucket_name = f"missing-{uuid.uuid4().hex[:8]}"
    if case == "no-dist":
        target = dist.parent / "nowhere"
    elif case == "no-feed":
        (dist / "feed.xml").unlink()

    code = main(["publish", "--dist", str(target), "--bucket", bucket_name, "--region", REGION,
                 "--endpoint-url", endpoint])

    err = capsys.readouterr().err
    assert code == status
    assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_a_symlink_out_of_dist_is_refused_before_anything_is_uploaded(dist, s3, bucket, endpoint, capsys):
    secret = dist.parent / "outside" / "id_rsa"
    secret.parent.mkdir()
    secret.write_bytes(b"not for the bucket")
    (dist / "episodes/ep1/notes.txt").symlink_to(secret)

    code = main(["publish", "--dist", str(dist), "--bucket", bucket, "--region", REGION, "--endpoint-url", endpoint])

    err = capsys.readouterr().err
    assert code == 2
    assert "episodes/ep1/notes.txt" in err and "outside" in err and len(err.strip().splitlines()) == 1
    assert s3.list_objects_v2(Bucket=bucket).get("KeyCount", 0) == 0


def test_a_folder_symlinked_out_of_dist_is_refused_too(dist, s3, bucket):
    outside = dist.parent / "elsewhere"
    outside.mkdir()
    (outside / "private.mp3").write_bytes(b"ID3private")
    (dist / "episodes/ep2").symlink_to(outside, target_is_directory=True)

    with pytest.raises(PublishError, match="episodes/ep2"):
        publish(dist, bucket, client=s3, echo=quiet)
    assert s3.puts == []


def test_a_symlink_inside_dist_is_published_as_its_file(dist, s3, bucket):
    (dist / "episodes/ep1/latest.mp3").symlink_to("ep1.mp3")

    publish(dist, bucket, client=s3, echo=quiet)

    body = s3.get_object(Bucket=bucket, Key="episodes/ep1/latest.mp3")["Body"].read()
    assert body == DIST_FILES["episodes/ep1/ep1.mp3"]


def test_a_loop_of_symlinks_is_one_clear_refusal(dist, s3, bucket):
    (dist / "a.mp3").symlink_to("b.mp3")
    (dist / "b.mp3").symlink_to("a.mp3")

    with pytest.raises(PublishError, match=r"a\.mp3|b\.mp3"):
        publish(dist, bucket, client=s3, echo=quiet)
    assert s3.puts == []
