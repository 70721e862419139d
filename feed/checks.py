"""Feed-side checks: Apple categories against Apple's published list, and the owner directories need.

Apple's list ships as data (``feed/data/apple_categories.json``, with its source). ``build_feed`` refuses an
unknown category too, so a show that skipped ``check`` still cannot publish one.
"""

from __future__ import annotations

import difflib
import json
from functools import cache
from importlib import resources
from pathlib import Path

from gentle_steps.audio.checks import ERROR, WARNING, Finding
from gentle_steps.audio.settings import ShowSettings


@cache
def apple_categories() -> dict[str, tuple[str, ...]]:
    """Apple Podcasts categories -> their subcategories, as written in ``itunes:category``."""
    raw = json.loads(resources.files("gentle_steps.feed").joinpath("data/apple_categories.json").read_text("utf-8"))
    return {name: tuple(subs) for name, subs in raw["categories"].items()}


def category_problem(category: tuple[str, ...]) -> str:
    """Why ``[category]`` or ``[category, subcategory]`` is not on Apple's list, with a suggestion; "" if it is."""
    known = apple_categories()
    name = category[0]
    if name not in known:
        parents = [parent for parent, subs in known.items() if name in subs]
        if parents:
            return f"{name!r} is a subcategory of {parents[0]!r}; write [{parents[0]!r}, {name!r}]"
        return f"{name!r} is not an Apple category{_did_you_mean(name, list(known))}"
    if len(category) > 1:
        sub = category[1]
        if sub not in known[name]:
            parents = [parent for parent, subs in known.items() if sub in subs]
            if parents:
                return f"{sub!r} is under {parents[0]!r}, not {name!r}; write [{parents[0]!r}, {sub!r}]"
            choices = ", ".join(known[name]) or "none"
            return (f"{sub!r} is not a subcategory of {name!r}{_did_you_mean(sub, list(known[name]))} "
                    f"(its subcategories: {choices})")
    return ""


def _did_you_mean(word: str, choices: list[str]) -> str:
    lowered = {c.lower(): c for c in choices}
    close = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.5)
    return f"; did you mean {lowered[close[0]]!r}?" if close else ""


def check_feed(show: ShowSettings) -> list[Finding]:
    """Categories on Apple's list; owner name and email present."""
    path = str(Path(show.content_dir) / "show.toml")
    found = []
    for i, category in enumerate(show.categories):
        problem = category_problem(category)
        if problem:
            found.append(Finding("category-unknown", ERROR, path, f"categories[{i}]", problem,
                                 "use a category and subcategory from Apple's list "
                                 "(feed/data/apple_categories.json)"))
    if not show.owner_email:
        found.append(Finding("owner-email-not-set", WARNING, path, "owner_email", "not set; the feed leaves out "
                             "itunes:owner, and podcast directories use it to let you claim the show",
                             'add owner_email = "you@your-practice..." (an address you read)'))
    if not show.owner_name:
        found.append(Finding("owner-name-not-set", WARNING, path, "owner_name", "not set; the feed names the "
                             "author as the owner", 'add owner_name = "Your Name"'))
    return found
