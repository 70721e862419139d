"""`gentle-steps import` for each kind of source, against a real HTTP server on loopback serving recorded copies
of a WordPress RSS feed, a Jekyll Atom feed, a summary-only feed, a WordPress export, a Yoast sitemap and a
Ghost article page (tests/fixtures/import/README.md says what each imitates)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from gentle_steps.audio.readers import read_article
from gentle_steps.deploy.cli import main
from lxml import html as lxml_html

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "import"
sys.path.insert(0, str(FIXTURES))

from blogserver import SITE  # noqa: E402

EXPORT = "/exports/harbor.WordPress.2024-03-06.xml"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    (folder / "articles").mkdir(parents=True)
    return folder


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["import", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def head(path: Path) -> dict[str, list[str]]:
    """Every <meta>/<link rel=canonical> value of an imported file, by name."""
    doc = lxml_html.fromstring(path.read_bytes())
    found: dict[str, list[str]] = {}
    for node in doc.xpath("//head/meta[@content]"):
        found.setdefault(node.get("name") or node.get("property"), []).append(node.get("content"))
    found["canonical"] = doc.xpath("//head/link[@rel='canonical']/@href")
    found["time"] = doc.xpath("//footer//time/@datetime")
    return found


def body_text(path: Path) -> str:
    doc = lxml_html.fromstring(path.read_bytes())
    return " ".join(doc.xpath("//article")[0].text_content().split())


def test_wordpress_feed_with_full_content(blog, content, capsys):
    code, out, err = run(capsys, blog.url("/wordpress/feed/"), "--content", str(content))
    assert (code, err) == (0, "")
    sleep = content / "articles" / "when-sleep-wont-come.html"
    grief = content / "articles" / "grief-doesnt-keep-a-schedule.html"
    assert sorted(p.name for p in (content / "articles").iterdir()) == sorted([sleep.name, grief.name])
    meta = head(sleep)
    assert meta["canonical"] == [blog.url("/2024/03/05/when-sleep-wont-come/")]
    assert meta["og:title"] == ["When Sleep Won\u2019t Come: Small Things to Try Tonight"]
    assert meta["article:published_time"] == ["2024-03-05T09:00:00+00:00"]
    assert meta["author"] == ["Maya Ellison"]
    assert meta["article:section"] == ["Anxiety", "sleep"]
    assert meta["description"][0].startswith("Some nights the mind keeps running")
    assert "appeared first on" not in meta["description"][0] and "Continue reading" not in meta["description"][0]
    text = body_text(sleep)
    assert "Write the worry in a single sentence." in text
    assert "Share this" not in text and "Facebook" not in text and "appeared first on" not in text
    # The feed's tracking parameters are not part of the article's address.
    assert head(grief)["canonical"] == [blog.url("/2024/02/12/grief-doesnt-keep-a-schedule/")]
    # The readers take title, date, author, description and canonical URL from the file.
    article = read_article(sleep, content)
    assert (article.title, article.date, article.author) == (
        "When Sleep Won\u2019t Come: Small Things to Try Tonight", "2024-03-05", "Maya Ellison")
    assert article.canonical_url == blog.url("/2024/03/05/when-sleep-wont-come/")
    assert [s.title for s in article.sections][1:] == ["Let the bed be for rest", "Give the thoughts somewhere to go",
                                                      "Be kind about the morning"]
    assert "2 new, 0 changed, 0 unchanged, 0 skipped" in out
    assert blog.gzipped >= 1  # the feed came compressed, as real hosts send it
    # Full content in the feed: no article page was fetched.
    assert not any(path.startswith("/2024/") for path in blog.hits)


def test_atom_feed_keeps_the_local_publication_day(blog, content, capsys):
    code, out, _ = run(capsys, blog.url("/notes/feed.xml"), "--content", str(content))
    assert code == 0
    hard_day = content / "articles" / "letting-a-hard-day-be-hard.html"
    meta = head(hard_day)
    # 21:30 at -05:00 is already the next day in UTC; the article was published on the 20th where it was written.
    assert meta["article:published_time"] == ["2023-11-20T21:30:00-05:00"]
    assert read_article(hard_day, content).date == "2023-11-20"
    assert meta["og:image"] == [blog.url("/notes/assets/img/rain-window.jpg")]
    assert meta["author"] == ["Sam Okafor"] and meta["article:section"] == ["self-compassion"]
    assert (content / "articles" / "the-kindness-of-a-short-list.html").is_file()
    assert "2 new" in out


def test_summary_only_feed_follows_each_link_and_extracts_the_article(blog, content, capsys):
    code, out, _ = run(capsys, blog.url("/blog-summary/feed/"), "--content", str(content))
    assert code == 0
    assert blog.hits["/2024/01/15/breathing-room/"] == 1 and blog.hits["/2023/12/04/asking-for-help/"] == 1
    page = content / "articles" / "breathing-room.html"
    text = body_text(page)
    assert "Press your feet gently into the floor" in text and "name one ordinary thing" in text
    for furniture in ("Skip to content", "Book a session", "Leave a Comment", "Recent Posts", "Share this",
                      "Related", "not a substitute", "Search for"):
        assert furniture not in text, furniture
    meta = head(page)
    assert meta["article:published_time"] == ["2024-01-15T07:45:00+00:00"]
    assert meta["og:image"] == [blog.url("/wp-content/uploads/2024/01/open-window.jpg")]
    assert meta["canonical"] == [blog.url("/2024/01/15/breathing-room/")]
    assert meta["article:section"] == ["Calm"]
    article = read_article(page, content)
    assert article.title == "Breathing Room: A Two-Minute Pause" and article.author == "Maya Ellison"
    assert "2 new" in out


@pytest.mark.parametrize("where", ["http", "file"])
def test_wordpress_export(blog, content, capsys, where):
    source = blog.url(EXPORT) if where == "http" else str(SITE / EXPORT.lstrip("/"))
    code, out, _ = run(capsys, source, "--content", str(content))
    assert code == 0
    names = sorted(p.name for p in (content / "articles").iterdir())
    assert names == ["notes-on-rest.html", "small-steps-after-a-setback.html"]  # not the page, draft or menu item
    setback = content / "articles" / "small-steps-after-a-setback.html"
    meta = head(setback)
    assert meta["article:published_time"] == ["2023-08-14T21:30:00-04:00"]  # local time kept, not GMT's 15th
    assert meta["author"] == ["Maya Ellison"]  # display name, not the login in dc:creator
    assert meta["og:image"] == ["https://harbor.example/wp-content/uploads/2023/08/winding-path.jpg"] \
        if where == "file" else [blog.url("/wp-content/uploads/2023/08/winding-path.jpg")]
    assert meta["article:section"] == ["Resilience"] and meta["article:tag"] == ["setbacks"]
    article = read_article(setback, content)
    paragraphs = [b.text for s in article.sections for b in s.blocks]
    # Raw editor text became paragraphs; the [caption] became a figure and is not narrated.
    assert paragraphs[0].startswith("Everyone has setbacks.") and paragraphs[0].endswith("vanished.")
    assert not any("rarely straight" in p or "[caption" in p for p in paragraphs)
    assert "What helped, even a little?" in paragraphs
    assert "skipped: " in out and "not published (draft)" in out


def test_sitemap_index_reads_post_pages_and_passes_over_the_rest(blog, content, capsys):
    code, out, _ = run(capsys, blog.url("/sitemap_index.xml"), "--content", str(content))
    assert code == 0
    assert sorted(p.name for p in (content / "articles").iterdir()) == ["asking-for-help.html", "breathing-room.html"]
    # Taxonomy and author sitemaps and the home page are never fetched; pages that are not articles are skipped.
    assert blog.hits["/category-sitemap.xml"] == 0 and blog.hits["/author-sitemap.xml"] == 0
    assert blog.hits["/"] == 0
    assert f"skipped: {blog.url('/about/')}: not an article page" in out
    assert "2 new, 0 changed, 0 unchanged, 2 skipped (2 not an article page)" in out
    assert read_article(content / "articles" / "asking-for-help.html", content).date == "2023-12-04"


def test_article_page_by_address_and_saved_as_a_file(blog, content, capsys, tmp_path):
    code, out, _ = run(capsys, blog.url("/ghost/on-being-a-beginner-again/"), "--content", str(content))
    assert code == 0
    page = content / "articles" / "on-being-a-beginner-again.html"
    meta = head(page)
    assert meta["article:published_time"] == ["2024-04-08T06:00:00+00:00"]
    assert meta["author"] == ["Rosa Lindqvist"]  # from the page's JSON-LD
    assert meta["article:tag"] == ["Change", "Self-compassion"]
    text = body_text(page)
    assert "You are allowed to be a beginner." in text
    for furniture in ("Subscribe", "Sign up", "A Letter to a Tired Parent", "3 min read", "Powered by Ghost"):
        assert furniture not in text, furniture
    # The same page saved from a browser: the canonical link in it is the sync key, so nothing changes.
    saved = tmp_path / "saved.html"
    saved.write_bytes(blog.body_of("/ghost/on-being-a-beginner-again/")[0])
    before = page.read_bytes()
    code, out, _ = run(capsys, str(saved), "--content", str(content))
    assert code == 0 and "0 new, 0 changed, 1 unchanged" in out
    assert page.read_bytes() == before


def test_every_request_names_the_project_and_reads_robots_first(blog, content, capsys):
    run(capsys, blog.url("/wordpress/feed/"), "--content", str(content))
    assert blog.user_agents and all(ua.startswith("gentle-steps-import/") for ua in blog.user_agents)
    assert blog.hits["/robots.txt"] == 1


def test_redirects_are_followed_and_the_canonical_address_kept(blog, content, capsys):
    code, out, _ = run(capsys, blog.url("/old-feed/"), "--content", str(content))
    assert code == 0 and "2 new" in out
    assert blog.hits["/old-feed/"] == 1 and blog.hits["/wordpress/feed/"] == 1

