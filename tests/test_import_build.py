"""Import a blog, build it with the fast test voice, and find the original titles, dates and links in the
episodes; import and build again and find content/ and dist/ byte-identical."""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
from pathlib import Path

import pytest
from gentle_steps.audio.content import read_articles
from gentle_steps.audio.settings import load_show
from gentle_steps.deploy.cli import main
from gentle_steps.deploy.pipeline import BuildOptions, build
from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "import"
sys.path.insert(0, str(FIXTURES))


SOURCES = ["/wordpress/feed/", "/notes/feed.xml", "/blog-summary/feed/",
           "/exports/harbor.WordPress.2024-03-06.xml", "/ghost/on-being-a-beginner-again/"]

# The newest article of each source (one per source keeps the build short): its title, the day it was
# published where it was written, and its path on the blog.
PUBLISHED = {
    "When Sleep Won\u2019t Come: Small Things to Try Tonight": ("2024-03-05", "/2024/03/05/when-sleep-wont-come/"),
    "Letting a Hard Day Be a Hard Day": ("2023-11-20", "/notes/2023/11/20/letting-a-hard-day-be-hard.html"),
    "Breathing Room: A Two-Minute Pause": ("2024-01-15", "/2024/01/15/breathing-room/"),
    "Notes on Rest": ("2024-01-29", "/2024/01/29/notes-on-rest/"),
    "On Being a Beginner Again": ("2024-04-08", "/ghost/on-being-a-beginner-again/"),
}


@pytest.fixture
def blog_content(tmp_path: Path) -> Path:
    """The project's content folder (show settings, prompts, lexicon) with the sample article taken out."""
    folder = tmp_path / "content"
    shutil.copytree(ROOT / "content", folder)
    for article in (folder / "articles").iterdir():
        article.unlink()
    return folder


def tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def import_and_build(blog, content: Path, tmp_path: Path, capsys) -> str:
    outs = []
    for source in SOURCES:
        code = main(["import", blog.url(source), "--limit", "1", "--content", str(content)])
        outs.append(capsys.readouterr().out)
        assert code == 0, outs[-1]
    build(BuildOptions(content=content, out=tmp_path / "dist", voice="tone", jobs=1, cache=tmp_path / "cache",
                       progress=False))
    return "".join(outs)


def test_imported_blog_builds_into_episodes_with_the_original_titles_dates_and_links(
        blog, blog_content, tmp_path, capsys):
    first = import_and_build(blog, blog_content, tmp_path, capsys)
    assert first.count("1 new, 0 changed, 0 unchanged") == len(SOURCES)
    dist = tmp_path / "dist"
    manifest = json.loads((dist / "manifest.json").read_text(encoding="utf-8"))
    episodes = {ep["title"]: ep for ep in manifest["episodes"]}
    assert set(episodes) == set(PUBLISHED)
    for title, (date, _) in PUBLISHED.items():
        assert episodes[title]["date"] == date, title
        assert episodes[title]["author"] in ("Maya Ellison", "Sam Okafor", "Rosa Lindqvist")
    # The provenance footer of an imported file is shown metadata, never narrated.
    spoken = [s["text"] for ep in manifest["episodes"] for sec in ep["sections"] for s in sec["sentences"]]
    assert spoken and not any("Originally published" in text for text in spoken)
    # Ordered by publication date, as the blog published them.
    assert [ep["title"] for ep in manifest["episodes"]] == sorted(PUBLISHED, key=lambda t: PUBLISHED[t][0])
    # The podcast feed carries the same titles and days.
    feed = etree.parse(str(dist / "feed.xml"))
    items = {i.findtext("title"): i.findtext("pubDate") for i in feed.iter("item")}
    for title, (date, _) in PUBLISHED.items():
        day = int(date[8:])
        assert items[title].startswith(tuple(f"{d}, {day:02d} " for d in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")))
        assert date[:4] in items[title]
    # Each episode's article knows where it was published (the reader takes the canonical link).
    articles, _ = read_articles(blog_content, load_show(blog_content))
    links = {a.title: a.canonical_url for a in articles}
    assert links == {title: blog.url(path) for title, (_, path) in PUBLISHED.items()}
    sources = {ep["title"]: ep["source"] for ep in manifest["episodes"]}
    assert {a.title: a.source for a in articles} == sources
    # ... and the episode's page and feed item link back to it.
    for title, (_, path) in PUBLISHED.items():
        episode = episodes[title]
        assert episode["canonical_url"] == blog.url(path)
        page = (dist / "episodes" / episode["id"] / "index.html").read_text(encoding="utf-8")
        assert f'<link rel="canonical" href="{blog.url(path)}">' in page
        assert f'<a href="{blog.url(path)}">Read the original article</a>' in page
    notes = {i.findtext("title"): i.findtext("description") for i in feed.iter("item")}
    for title, (_, path) in PUBLISHED.items():
        assert f"Read the original article: {blog.url(path)}" in notes[title]

    # A second import changes nothing: content/ and dist/ stay byte-identical.
    content_before, dist_before = tree(blog_content), tree(dist)
    second = import_and_build(blog, blog_content, tmp_path, capsys)
    assert second.count("0 new, 0 changed, 1 unchanged") == len(SOURCES)
    assert tree(blog_content) == content_before
    assert tree(dist) == dist_before
