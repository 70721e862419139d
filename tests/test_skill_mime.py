"""One Content-Type table: what ``serve`` sends and what ``publish`` stores in S3 are the same for every file."""

from __future__ import annotations

import pytest
from gentle_steps.deploy.publish import content_type
from gentle_steps.skill.web import mime_type

# Written out by hand (not read from the table under test): the types the build's files must carry.
EXPECTED = {
    "feed.xml": "application/rss+xml; charset=utf-8",
    "sitemap.xml": "application/xml; charset=utf-8",
    "transcript.vtt": "text/vtt; charset=utf-8",
    "transcript.srt": "application/x-subrip; charset=utf-8",
    "transcript.json": "application/json",
    "chapters.json": "application/json",
    "book.epub": "application/epub+zip",
    "index.html": "text/html; charset=utf-8",
    "site.css": "text/css; charset=utf-8",
    "player.js": "text/javascript; charset=utf-8",
    "01-intro.mp3": "audio/mpeg",
    "artwork.png": "image/png",
    "artwork.jpg": "image/jpeg",
    "ARTWORK.JPG": "image/jpeg",
    "unknown.thing": "application/octet-stream",
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_serve_and_publish_give_the_same_type(name):
    assert mime_type(name) == EXPECTED[name]
    assert content_type(f"episodes/ep1/{name}") == EXPECTED[name]


def test_publish_has_no_table_of_its_own():
    import gentle_steps.deploy.publish as publish

    assert not hasattr(publish, "CONTENT_TYPES")
    assert "mimetypes" not in publish.__dict__  # the host's /etc/mime.types never decides
