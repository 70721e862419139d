"""Keeping content/articles/ in sync: a second run changes nothing and costs only 304s, changes upstream are
brought in, the author's edits and removals are never overwritten, and --dry-run, --limit and --since."""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

import pytest
from gentle_steps.audio.importing import sync as sync_module
from gentle_steps.deploy.cli import main

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "import"
sys.path.insert(0, str(FIXTURES))

from blogserver import ORIGIN  # noqa: E402

EXPORT = "/exports/harbor.WordPress.2024-03-06.xml"
ALL = ["/wordpress/feed/", "/notes/feed.xml", "/blog-summary/feed/", EXPORT, "/sitemap_index.xml",
       "/ghost/on-being-a-beginner-again/"]
SLEEP = "when-sleep-wont-come.html"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    (folder / "articles").mkdir(parents=True)
    return folder


def tree(folder: Path) -> dict[str, tuple[str, int]]:
    """Every file's digest and modification time (a rewrite with the same bytes would still show)."""
    return {p.relative_to(folder).as_posix(): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["import", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def import_(blog, content, capsys, *paths: str, extra: tuple[str, ...] = ()) -> str:
    code, out, err = run(capsys, *[blog.url(p) for p in paths], "--content", str(content), *extra)
    assert code == 0, err
    return out


def edit_feed(blog, old: str, new: str, path: str = "/wordpress/feed/") -> None:
    """The author changes the post on their blog."""
    body = blog.body_of(path)[0].decode().replace(blog.base, ORIGIN)
    assert old in body
    blog.overrides[path] = (body.replace(old, new).encode(), "application/rss+xml; charset=UTF-8")


def test_second_import_changes_nothing_and_costs_only_304s(blog, content, capsys):
    first = import_(blog, content, capsys, *ALL)
    assert "9 new, 0 changed, 0 unchanged" in first
    before = tree(content)
    blog.reset_counts()
    second = import_(blog, content, capsys, *ALL)
    assert tree(content) == before  # byte-identical, nothing even rewritten
    assert "0 new, 0 changed, 9 unchanged" in second and "Articles:" not in second
    # Every feed, export and page answered 304 Not Modified; only robots.txt and the sitemap index and its
    # children (which WordPress does not date) were sent again. The summary feed's 304 covers its two pages,
    # and the pages the sitemap lists with an unchanged lastmod are not asked for at all.
    for path in ["/wordpress/feed/", "/notes/feed.xml", "/blog-summary/feed/", EXPORT,
                 "/ghost/on-being-a-beginner-again/"]:
        assert blog.not_modified[path] == blog.hits[path] == 1, path
    assert blog.hits["/about/"] == blog.hits["/blog/"] == 0
    sent = {path for path, n in blog.hits.items() if n > blog.not_modified[path]}
    assert sent == {"/robots.txt", "/sitemap_index.xml", "/post-sitemap.xml", "/page-sitemap.xml"}


def test_a_change_on_the_blog_is_brought_in(blog, content, capsys):
    import_(blog, content, capsys, "/wordpress/feed/")
    grief_before = (content / "articles" / "grief-doesnt-keep-a-schedule.html").read_bytes()
    edit_feed(blog, "Your body knows how to find its way back.", "Your body remembers the way back.")
    out = import_(blog, content, capsys, "/wordpress/feed/")
    assert "0 new, 1 changed, 1 unchanged" in out
    assert f"changed: articles/{SLEEP} <- {blog.url('/2024/03/05/when-sleep-wont-come/')}" in out
    text = (content / "articles" / SLEEP).read_text(encoding="utf-8")
    assert "Your body remembers the way back." in text and "find its way back" not in text
    assert (content / "articles" / "grief-doesnt-keep-a-schedule.html").read_bytes() == grief_before
    assert "0 new, 0 changed, 2 unchanged" in import_(blog, content, capsys, "/wordpress/feed/")


def test_a_new_post_is_added(blog, content, capsys):
    import_(blog, content, capsys, "/wordpress/feed/")
    body = blog.body_of("/wordpress/feed/")[0].decode().replace(blog.base, ORIGIN)
    start, end = body.index("<item>"), body.index("</item>") + len("</item>")
    item = body[start:end].replace("when-sleep-wont-come", "a-quiet-morning").replace(
        "When Sleep Won&#8217;t Come: Small Things to Try Tonight", "A Quiet Morning").replace("?p=412", "?p=420")
    blog.overrides["/wordpress/feed/"] = ((body[:start] + item + body[start:]).encode(), "application/rss+xml")
    out = import_(blog, content, capsys, "/wordpress/feed/")
    assert "1 new, 0 changed, 2 unchanged" in out
    assert (content / "articles" / "a-quiet-morning.html").is_file()


def test_a_hand_edit_is_never_overwritten(blog, content, capsys):
    import_(blog, content, capsys, "/wordpress/feed/")
    mine = content / "articles" / SLEEP
    edited = mine.read_text(encoding="utf-8").replace("Keep a notebook by the bed.", "Keep paper and a pen nearby.")
    mine.write_text(edited, encoding="utf-8")
    # Nothing changed on the blog: the edit stays and nothing is written beside it.
    out = import_(blog, content, capsys, "/wordpress/feed/")
    assert "0 new, 0 changed, 2 unchanged" in out and mine.read_text(encoding="utf-8") == edited
    assert not (content / "articles" / "when-sleep-wont-come.imported.html").exists()
    # The blog changes too: both are kept, the new version beside the edited file, and the run says so.
    edit_feed(blog, "Your body knows how to find its way back.", "Your body remembers the way back.")
    out = import_(blog, content, capsys, "/wordpress/feed/")
    beside = content / "articles" / "when-sleep-wont-come.imported.html"
    assert mine.read_text(encoding="utf-8") == edited
    assert "Your body remembers the way back." in beside.read_text(encoding="utf-8")
    assert (f"kept both: articles/{SLEEP} was edited by hand; kept it, the import is "
            "articles/when-sleep-wont-come.imported.html") in out
    assert "1 kept both (edited by hand)" in out
    # A build narrates the author's file and says the import is waiting to be compared.
    from gentle_steps.audio.content import read_articles
    from gentle_steps.audio.settings import ShowSettings

    articles, warnings = read_articles(content, ShowSettings(title="Quiet Show", author="A", description="D"))
    assert [a.source for a in articles if "sleep" in a.source] == [f"articles/{SLEEP}"]
    assert any(w.startswith("articles/when-sleep-wont-come.imported.html: a newer import") for w in warnings)
    # Again: nothing new upstream, so nothing is written.
    before = tree(content)
    assert "0 new, 0 changed, 2 unchanged" in import_(blog, content, capsys, "/wordpress/feed/")
    assert tree(content) == before
    # The author takes the new version: from then on the file is the importer's again.
    os.replace(beside, mine)
    assert "0 new, 0 changed, 2 unchanged" in import_(blog, content, capsys, "/wordpress/feed/")
    edit_feed(blog, "Your body remembers the way back.", "Rest will come back to you.", path="/wordpress/feed/")
    out = import_(blog, content, capsys, "/wordpress/feed/")
    assert "1 changed" in out and "Rest will come back to you." in mine.read_text(encoding="utf-8")


def test_a_file_removed_by_hand_stays_removed(blog, content, capsys):
    import_(blog, content, capsys, "/wordpress/feed/")
    (content / "articles" / SLEEP).unlink()
    blog.validators = False  # a full read, not a 304: the feed still lists the post
    out = import_(blog, content, capsys, "/wordpress/feed/")
    assert not (content / "articles" / SLEEP).exists()
    assert f"skipped: {blog.url('/2024/03/05/when-sleep-wont-come/')}: removed by hand" in out


def test_an_article_already_pasted_by_hand_is_kept(blog, content, capsys):
    pasted = content / "articles" / "when-sleep-wont-come.txt"
    pasted.write_text("When Sleep Won't Come\n\nSome nights the mind keeps running.\n", encoding="utf-8")
    out = import_(blog, content, capsys, "/wordpress/feed/")
    assert pasted.read_text(encoding="utf-8").startswith("When Sleep Won't Come\n")
    assert (content / "articles" / "when-sleep-wont-come.imported.html").is_file()
    assert not (content / "articles" / SLEEP).exists()
    assert "articles/when-sleep-wont-come.txt was not made by the importer; kept it" in out


def test_another_article_with_the_same_name_gets_its_own_file(blog, content, capsys):
    other = content / "articles" / SLEEP
    other.write_text('<!DOCTYPE html><html><head><link rel="canonical" href="https://elsewhere.example/sleep/">'
                     "</head><body><h1>Sleep</h1><p>Another article.</p></body></html>", encoding="utf-8")
    before = other.read_bytes()
    out = import_(blog, content, capsys, "/wordpress/feed/")
    assert other.read_bytes() == before
    assert "new: articles/when-sleep-wont-come-2.html" in out


def test_dry_run_prints_the_plan_and_writes_nothing(blog, content, capsys):
    before = tree(content)
    out = import_(blog, content, capsys, "/wordpress/feed/", extra=("--dry-run",))
    assert tree(content) == before
    assert f"would add: articles/{SLEEP} <- {blog.url('/2024/03/05/when-sleep-wont-come/')}" in out
    assert "Dry run, nothing written: would import 2 new, 0 changed, 0 unchanged, 0 skipped" in out
    import_(blog, content, capsys, "/wordpress/feed/")
    edit_feed(blog, "Your body knows how to find its way back.", "Your body remembers the way back.")
    before = tree(content)
    out = import_(blog, content, capsys, "/wordpress/feed/", extra=("--dry-run",))
    assert tree(content) == before and f"would update: articles/{SLEEP}" in out


def test_limit_takes_the_newest_and_a_later_run_takes_the_rest(blog, content, capsys):
    out = import_(blog, content, capsys, "/wordpress/feed/", extra=("--limit", "1"))
    assert sorted(p.name for p in (content / "articles").iterdir()) == [SLEEP]
    assert "1 new, 0 changed, 0 unchanged, 1 skipped (1 over --limit)" in out
    out = import_(blog, content, capsys, "/wordpress/feed/")  # not a 304: the limited run kept no validators
    assert "1 new, 0 changed, 1 unchanged" in out


def test_limit_on_an_export_takes_the_newest_post(blog, content, capsys):
    import_(blog, content, capsys, EXPORT, extra=("--limit", "1"))
    assert sorted(p.name for p in (content / "articles").iterdir()) == ["notes-on-rest.html"]


def test_since_leaves_older_articles_out(blog, content, capsys):
    out = import_(blog, content, capsys, "/wordpress/feed/", "/blog-summary/feed/", extra=("--since", "2024-02-01"))
    assert sorted(p.name for p in (content / "articles").iterdir()) == ["grief-doesnt-keep-a-schedule.html", SLEEP]
    assert "2 new, 0 changed, 0 unchanged, 2 skipped (2 before 2024-02-01)" in out


def test_without_validators_the_hashes_still_make_it_idempotent(blog, content, capsys):
    blog.validators = False
    import_(blog, content, capsys, *ALL)
    before = tree(content)
    assert "0 new, 0 changed, 9 unchanged" in import_(blog, content, capsys, *ALL)
    assert tree(content) == before and sum(blog.not_modified.values()) == 0


def test_an_interrupted_run_leaves_the_folder_as_it_was(blog, content, capsys, monkeypatch):
    calls = []
    real = sync_module.render_article

    def interrupted(entry):
        calls.append(entry.url)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(entry)

    monkeypatch.setattr(sync_module, "render_article", interrupted)
    before = tree(content)
    code, _, err = run(capsys, blog.url("/wordpress/feed/"), "--content", str(content))
    assert code == 130 and "interrupted; nothing was written" in err
    assert tree(content) == before  # no article, no state, no staging folder


def test_a_killed_runs_staging_folder_is_cleared(blog, content, capsys):
    leftover = content / ".import-staging-abc123"
    leftover.mkdir()
    (leftover / "00000-when-sleep-wont-come.html").write_text("half", encoding="utf-8")
    import_(blog, content, capsys, "/wordpress/feed/")
    assert not leftover.exists()
    assert not list(content.glob(".import-staging-*"))


def test_limit_counts_unchanged_pages_too(blog, content, capsys):
    import_(blog, content, capsys, "/blog-summary/feed/", extra=("--limit", "1"))
    out = import_(blog, content, capsys, "/blog-summary/feed/", extra=("--limit", "1"))
    assert sorted(p.name for p in (content / "articles").iterdir()) == ["breathing-room.html"]
    assert "0 new, 0 changed, 1 unchanged, 1 skipped (1 over --limit)" in out


def test_sitemap_pages_with_unchanged_lastmod_are_not_requested_again(blog, content, capsys):
    import_(blog, content, capsys, "/sitemap_index.xml")
    blog.validators = False  # even without 304s, the sitemap's lastmod says the pages did not change
    blog.reset_counts()
    out = import_(blog, content, capsys, "/sitemap_index.xml")
    assert "0 new, 0 changed, 2 unchanged, 2 skipped (2 not an article page)" in out
    assert {path for path in blog.hits} == {"/robots.txt", "/sitemap_index.xml", "/post-sitemap.xml",
                                            "/page-sitemap.xml"}
    # A page whose lastmod moves is read again.
    sitemap = blog.body_of("/post-sitemap.xml")[0].decode().replace(blog.base, ORIGIN)
    blog.overrides["/post-sitemap.xml"] = (sitemap.replace("2023-12-04T16:20:00+00:00", "2024-02-01T08:00:00+00:00")
                                           .encode(), "text/xml")
    out = import_(blog, content, capsys, "/sitemap_index.xml")
    assert blog.hits["/2023/12/04/asking-for-help/"] == 1 and blog.hits["/2024/01/15/breathing-room/"] == 0


def test_page_cap_is_one_line_and_a_later_run_goes_further(blog, content, capsys):
    # The index, two child sitemaps, the blog listing and the newest post fill 5 requests.
    out = import_(blog, content, capsys, "/sitemap_index.xml", extra=("--max-pages", "5"))
    assert sorted(p.name for p in (content / "articles").iterdir()) == ["breathing-room.html"]
    capped = [line for line in out.splitlines() if "cap of" in line]
    assert capped == ["skipped: 2 more pages: the run's cap of 5 requests was reached; run again to continue"]
    # Pages already read are known by their lastmod, so the next run reaches the older ones.
    out = import_(blog, content, capsys, "/sitemap_index.xml", extra=("--max-pages", "5"))
    assert sorted(p.name for p in (content / "articles").iterdir()) == ["asking-for-help.html", "breathing-room.html"]
    assert "over the page cap" not in out
