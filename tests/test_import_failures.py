"""What goes wrong, said in one line, with nothing written: an unreachable site, a feed that is not a feed, a page
with no article, a redirect loop, robots.txt, servers that fail, never end or trickle, and bad arguments."""

from __future__ import annotations

import fcntl
import hashlib
import os
import socket
import sys
import time
from pathlib import Path

import pytest
from gentle_steps.audio.importing.command import ImportOptions, import_sources
from gentle_steps.audio.importing.fetch import FetchPolicy
from gentle_steps.deploy.cli import main

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "import"
sys.path.insert(0, str(FIXTURES))



@pytest.fixture
def content(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    (folder / "articles").mkdir(parents=True)
    (folder / "articles" / "mine.md").write_text("# My own article\n\nWritten here by hand.\n", encoding="utf-8")
    return folder


def tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()} | \
        {p.relative_to(folder).as_posix() + "/": "" for p in folder.rglob("*") if p.is_dir()}


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["import", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def assert_one_line_and_nothing_written(content: Path, before: dict, err: str, *expected: str) -> None:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("gentle-steps import: ") and lines[0].endswith("(nothing written)")
    for text in expected:
        assert text in lines[0]
    assert tree(content) == before


def test_unreachable_site(content, capsys):
    before = tree(content)
    url = f"http://127.0.0.1:{closed_port()}/feed/"
    code, out, err = run(capsys, url, "--content", str(content))
    assert code == 1 and out == ""
    assert_one_line_and_nothing_written(content, before, err, url, "cannot reach", "connection refused")


@pytest.mark.parametrize(("path", "problem"), [
    ("/broken/feed/", "not an RSS or Atom feed (the address answers with an HTML page)"),
    ("/notes.json", "not a feed, sitemap, WordPress export or HTML page"),
])
def test_a_feed_that_is_not_a_feed(blog, content, capsys, path, problem):
    before = tree(content)
    code, _, err = run(capsys, blog.url(path), "--content", str(content))
    assert code == 2
    assert_one_line_and_nothing_written(content, before, err, blog.url(path), problem)


def test_a_page_with_no_article_points_at_the_feed(blog, content, capsys):
    before = tree(content)
    code, _, err = run(capsys, blog.url("/shop/"), "--content", str(content))
    assert code == 2
    assert_one_line_and_nothing_written(content, before, err, "the page holds no article",
                                        f"its feed is {blog.url('/wordpress/feed/')}")


def test_redirect_loop(blog, content, capsys):
    before = tree(content)
    code, _, err = run(capsys, blog.url("/loop/a/"), "--content", str(content))
    assert code == 2
    assert_one_line_and_nothing_written(
        content, before, err, f"redirect loop: {blog.url('/loop/a/')} -> {blog.url('/loop/b/')} -> {blog.url('/loop/a/')}")
    assert blog.hits["/loop/a/"] == 1 and blog.hits["/loop/b/"] == 1


def test_robots_txt_disallow_is_obeyed(blog, content, capsys):
    before = tree(content)
    code, _, err = run(capsys, blog.url("/private/notes/"), "--content", str(content))
    assert code == 2
    assert_one_line_and_nothing_written(content, before, err, "robots.txt", "does not allow")
    assert blog.hits["/robots.txt"] == 1 and blog.hits["/private/notes/"] == 0


def test_a_disallowed_article_in_a_feed_is_skipped_not_fetched(blog, content, capsys):
    feed = blog.body_of("/blog-summary/feed/")[0].decode().replace(blog.base, "https://harbor.example")
    feed = feed.replace("https://harbor.example/2023/12/04/asking-for-help/", "https://harbor.example/private/notes/")
    blog.overrides["/blog-summary/feed/"] = (feed.encode(), "application/rss+xml")
    code, out, _ = run(capsys, blog.url("/blog-summary/feed/"), "--content", str(content))
    assert code == 0
    assert blog.hits["/private/notes/"] == 0
    assert "1 new, 0 changed, 0 unchanged, 1 skipped" in out and "does not allow" in out


def test_one_bad_source_means_nothing_is_written(blog, content, capsys):
    before = tree(content)
    code, out, err = run(capsys, blog.url("/wordpress/feed/"), blog.url("/shop/"), blog.url("/notes.json"),
                         "--content", str(content))
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 3 and lines[-1] == "gentle-steps import: 2 sources failed; nothing written"
    assert tree(content) == before  # no article, no state file, no staging folder left behind


def test_retries_with_backoff_then_succeeds(blog, content, capsys):
    blog.failures["/wordpress/feed/"] = [503, 502]
    code, out, _ = run(capsys, blog.url("/wordpress/feed/"), "--content", str(content))
    assert code == 0 and "2 new" in out
    assert blog.hits["/wordpress/feed/"] == 3


def test_gives_up_after_three_tries(blog, content, capsys):
    blog.failures["/wordpress/feed/"] = [503] * 5
    before = tree(content)
    code, _, err = run(capsys, blog.url("/wordpress/feed/"), "--content", str(content))
    assert code == 1
    assert_one_line_and_nothing_written(content, before, err, "HTTP 503")
    assert blog.hits["/wordpress/feed/"] == 3


def test_a_response_past_the_size_cap_is_dropped(blog, content):
    policy = FetchPolicy(max_bytes=1024 * 1024)
    report = import_sources(ImportOptions([blog.url("/endless/")], content, policy=policy))
    assert [str(e) for e in report.errors] == [f"{blog.url('/endless/')}: response is over the 1 MB limit; "
                                               "stopped reading"]
    assert not (content / ".import-state.json").exists()


def test_a_trickling_server_cannot_stall_the_run(blog, content):
    policy = FetchPolicy(total_timeout=1.0, read_timeout=5.0)
    started = time.monotonic()
    report = import_sources(ImportOptions([blog.url("/trickle/")], content, policy=policy))
    # Each byte comes well within the read timeout; only the whole-response deadline stops it (30 s otherwise).
    assert time.monotonic() - started < 3.0
    assert len(report.errors) == 1 and "sent too slowly" in str(report.errors[0])
    assert report.errors[0].network


def test_page_cap_skips_the_rest(blog, content, capsys):
    code, out, _ = run(capsys, blog.url("/blog-summary/feed/"), "--max-pages", "2", "--content", str(content))
    assert code == 0
    assert "1 new, 0 changed, 0 unchanged, 1 skipped" in out
    assert "skipped: 1 more pages: the run's cap of 2 requests was reached; run again to continue" in out
    assert sum(n for path, n in blog.hits.items() if path != "/robots.txt") == 2


@pytest.mark.parametrize(("recording", "sentence"), [
    ("exports/harbor.WordPress.2024-03-06.xml", "Everyone has setbacks."),
    ("wordpress/feed/index.xml", "Some nights the mind keeps running"),
])
def test_external_entities_are_never_read(content, capsys, tmp_path, recording, sentence):
    secret = tmp_path / "secret.txt"
    secret.write_text("PRIVATE-DATA", encoding="utf-8")
    xml = (FIXTURES / "site" / recording).read_text(encoding="utf-8")
    xml = xml.replace("<rss version", f'<!DOCTYPE rss [<!ENTITY leak SYSTEM "{secret.as_uri()}">]>\n<rss version', 1)
    assert sentence in xml
    hostile = tmp_path / "hostile.xml"
    hostile.write_text(xml.replace(sentence, f"&leak; {sentence}", 1), encoding="utf-8")
    code, _, _ = run(capsys, str(hostile), "--content", str(content))
    assert code == 0
    written = [p.read_bytes() for p in (content / "articles").iterdir() if p.name != "mine.md"]
    assert written and not any(b"PRIVATE-DATA" in data for data in written)


@pytest.mark.parametrize(("args", "problem"), [
    (["--since", "March"], "--since 'March' is not a date (YYYY-MM-DD)"),
    (["--limit", "0"], "--limit must be at least 1"),
])
def test_bad_arguments(content, capsys, args, problem):
    code, _, err = run(capsys, "feed.xml", *args, "--content", str(content))
    assert code == 2 and err.strip() == f"gentle-steps import: {problem}"


def test_missing_file_and_missing_content_folder(content, capsys, tmp_path):
    code, _, err = run(capsys, str(tmp_path / "nope.xml"), "--content", str(content))
    assert code == 2 and "nope.xml: no such file, and not an http(s) address" in err
    code, _, err = run(capsys, str(tmp_path / "nope.xml"), "--content", str(tmp_path / "missing"))
    assert code == 2 and "content folder not found" in err


def test_a_damaged_state_file_is_named_and_kept(blog, content, capsys):
    state = content / ".import-state.json"
    state.write_text("{not json", encoding="utf-8")
    before = tree(content)
    code, _, err = run(capsys, blog.url("/wordpress/feed/"), "--content", str(content))
    assert code == 2
    assert ".import-state.json: unreadable import state" in err and "move it aside" in err
    assert tree(content) == before


def test_one_import_at_a_time(blog, content, capsys):
    fd = os.open(content, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        code, _, err = run(capsys, blog.url("/wordpress/feed/"), "--content", str(content))
    finally:
        os.close(fd)
    assert code == 2 and "another import is running" in err
    assert blog.hits["/wordpress/feed/"] == 0
