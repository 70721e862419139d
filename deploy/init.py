"""``gentle-steps init [DIR]``: a new show's content folder, every setting written out and explained.

Writes ``show.toml`` (every key, each with a comment), an empty ``prompts.toml`` that explains one-breath prompts,
``lexicon.toml`` and a short example article. Asks for what it needs when a terminal is attached, takes flags
otherwise. Never overwrites a file, and never writes an address it was not given.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from gentle_steps.audio.checks import is_placeholder
from gentle_steps.audio.crisis import countries, country_of, lines_for
from gentle_steps.audio.invocation import invocation_name_from
from gentle_steps.skill.package_rules import check_invocation_name

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_URL = re.compile(r"^https?://[^\s/]+(/\S*)?$")


class InitError(ValueError):
    """A value cannot be used; the message names the flag and the problem."""


@dataclass
class Answers:
    """What the new show is called and who makes it."""

    title: str
    """The show's title (``--title``)."""

    author: str
    """The author, also written as the owner (``--author``)."""

    description: str = ""
    """One or two sentences; empty: a plain line naming the author."""

    email: str = ""
    """Owner email; empty: not set."""

    website: str = ""
    """The practice's website; empty: not set."""

    language: str = "en-US"
    """BCP 47 language."""

    country: str = ""
    """Two-letter country; empty: the region of ``language``."""

    invocation_name: str = ""
    """What people say to Alexa; empty: derived from the title."""


def _q(text: str) -> str:
    """A TOML basic string (JSON's escapes are a subset of TOML's)."""
    return json.dumps(text, ensure_ascii=False)


def validate(answers: Answers) -> Answers:
    """Check every value; derive the invocation name. Raises :class:`InitError` naming the flag."""
    for flag, value in (("--title", answers.title), ("--author", answers.author)):
        if not value.strip():
            raise InitError(f"{flag} is empty")
    if answers.email and not _EMAIL.match(answers.email):
        raise InitError(f"--email {answers.email!r} is not an email address")
    if answers.website and not _URL.match(answers.website):
        raise InitError(f"--website {answers.website!r} must be an http(s) address")
    for flag, value in (("--email", answers.email), ("--website", answers.website)):
        if is_placeholder(value):
            raise InitError(f"{flag} {value!r} is an example address; give your own, or leave it out for now")
    if not re.fullmatch(r"[a-z]{2,3}(-[A-Z]{2})?", answers.language):
        raise InitError(f"--language {answers.language!r} must look like en-US")
    if answers.country and not re.fullmatch(r"[A-Za-z]{2}", answers.country):
        raise InitError(f"--country {answers.country!r} must be a two-letter code like NZ")
    answers.country = answers.country.upper()
    name = answers.invocation_name or invocation_name_from(answers.title)
    if problems := check_invocation_name(name):
        flag = "--invocation-name" if answers.invocation_name else "--title"
        raise InitError(f"{flag}: {problems[0]}; choose an invocation name with --invocation-name "
                        "(two or more plain lowercase words, e.g. \"quiet hour readings\")")
    answers.invocation_name = name
    return answers


SHOW_TEMPLATE = """# Show settings. `gentle-steps check` explains any problem; the README's Configuration table lists every key.

# --- The show (feed, pages, skill) ---
title = {title}
# One line under the title.
subtitle = ""
author = {author}
# What the show is, in your words (at most 4000 bytes). The skill's store page adds the disclaimer below.
description = {description}
# BCP 47 language: the feed, the pages and the Alexa locale.
language = {language}
# Two-letter country of your listeners; empty: the region of `language`. Picks the default crisis lines.
country = {country}
# Apple Podcasts categories: [category] or [category, subcategory] from Apple's list (feed/data/apple_categories.json).
categories = [["Health & Fitness", "Mental Health"]]
explicit = false
copyright = {copyright}
# Podcast directories use the owner to let you claim the show. Empty: not set (check warns).
owner_name = {author}
owner_email = {email}
# Your practice's website. Empty: not set; the feed links the listening pages instead.
website = {website}
# Square artwork, JPEG or PNG, 1400-3000 px, RGB, relative to this folder. Empty: one is made from the title.
artwork = ""

# --- Narration ---
# piper (the shipped voice, offline), piper:NAME (hear them with `gentle-steps voices sample NAME`, install one
# with `gentle-steps voices add NAME`), a path to a Piper .onnx, or gtts (needs internet).
voice = "piper"
# A multi-speaker voice's speaker: a name from its config such as "p225", or a number. Empty: its first.
speaker = ""
# Where `voices add` keeps voices, relative to this folder. Empty: your per-user data folder.
voices_dir = ""
# Pace: 1 is the voice's own, larger is slower (0.5-2). The pauses are in the [pauses] table at the end.
length_scale = 1.08
# false: inline citations such as "(Kurz et al., 2023)" and "[1]" stay on the page, unread. true: they are read.
read_citations = false
# Said at the start of every episode.
disclosure = "This is a synthetic voice reading the article."
lexicon = "lexicon.toml"
prompts = "prompts.toml"

# --- Support: on every page and in the skill ---
disclaimer = "This audio is not a substitute for professional care, diagnosis or treatment, and it is not emergency help."
{crisis}
# [[crisis_resources]]
# name = "..."
# contact = "Call ..."
# spoken = "You can call ..., any time."

# --- The Alexa skill ---
# What people say to Alexa: two or more lowercase words, numbers spelled out.
invocation_name = {invocation_name}
# Store keywords. Empty: the title and the categories.
keywords = []
# Your privacy policy and terms of use pages. Empty: not set (check warns before you submit the skill).
privacy_url = ""
terms_url = ""
# A Lambda ARN or your public https address of /alexa. Empty: skill.json names no endpoint (check warns).
skill_endpoint = ""
skill_category = "HEALTH_AND_FITNESS"
# More Alexa locales besides `language` (en-US, en-GB, en-CA, en-AU, en-IN); each hears its own crisis lines.
locales = []
# true: the skill offers a 1- and a 3-minute paced-breathing exercise (NHS relaxed breathing), or your own
# script: a TOML file named in breathing_script (the README's "Configuration" shows its shape).
breathing = false
breathing_script = ""

# --- Podcasting 2.0 ---
podcast_medium = "podcast"
# yes: other platforms may not import the feed without your consent.
locked = true

# --- Tables: keep them below every plain key. Remove the "# " to use one. ---
# Pauses in milliseconds (these are the defaults).
# [pauses]
# sentence = 350
# paragraph = 750
# item = 500
# after_heading = 800
# before_heading = 1200
# edge = 400

# podcast:funding, a support link and the words apps show beside it (at most 128 characters).
# [[funding]]
# url = "https://..."
# text = "Support the show"

# podcast:license.
# [license]
# id = "CC-BY-NC-ND-4.0"

# podcast:txt, e.g. the code a directory gives you to prove you own the feed.
# [[txt]]
# purpose = "verify"
# value = "..."

# podcast:soundbite, a passage apps may play as a preview: the first words of its first (and last) sentence.
# [[soundbite]]
# episode = "episode-id"
# start = "The first words"
# end = "The last sentence's first words"
"""
"""show.toml as init writes it: every key, each explained (filled by :func:`show_toml`)."""


def show_toml(a: Answers) -> str:
    """``show.toml`` for the answers: every key present, each explained."""
    description = a.description or f"Articles by {a.author}, read aloud, for listening whenever reading is too much."
    code = country_of(a.language, a.country)
    lines = lines_for(a.language, a.country)
    if lines:
        crisis = (f"# crisis_resources: not listed, so the shipped lines for {code} are used: "
                  + "; ".join(f"{line.name} ({line.display})" for line in lines) + ".\n"
                  "# List your own to replace them (name, contact as written, spoken as one calm sentence):")
    else:
        crisis = (f"# crisis_resources: the shipped table has no lines for {code or a.language!r} "
                  f"(it covers {', '.join(countries())}), so `gentle-steps check` reports them missing until you\n"
                  "# set country to one of those or list your listeners' own (name, contact, spoken):")
    return SHOW_TEMPLATE.format(
        title=_q(a.title), author=_q(a.author), description=_q(description), language=_q(a.language),
        country=_q(a.country), copyright=_q(f"\u00a9 {dt.date.today().year} {a.author}"), email=_q(a.email),
        website=_q(a.website), crisis=crisis, invocation_name=_q(a.invocation_name))


PROMPTS_TOML = """# Grounding prompts: what the skill says when someone asks for a grounding message.
#
# One breath each: a single short sentence, at most 25 words (longer ones are left out, with a warning).
# Take them from your own articles: a line that steadies, said gently and in the second person.
# Plain words, no lists, no questions that need an answer, nothing that sounds like a diagnosis.
# For example (remove the # to use them):
#   prompts = [
#     "You can take this one breath at a time.",
#     "Nothing has to be decided right now.",
#   ]
# With no prompts, the skill offers a slow breath of its own instead.
prompts = []
"""

LEXICON_TOML = """# Pronunciation lexicon: how the voice should say a word it gets wrong.
# word = "respelling", or word = "[[ phonemes ]]" in Piper's espeak-ng phoneme form.
# Matched as whole words, ignoring case, in the spoken text only (pages and transcripts keep your words).
[words]
# "Gottman" = "Gott man"
"""


def example_article(a: Answers) -> str:
    """A short Markdown article that shows the format (front matter, headings) and can be narrated."""
    return f"""---
title: Welcome
date: {dt.date.today().isoformat()}
description: What this show is, and how to listen.
---

# Welcome

## What you will hear

These are short readings of articles by {a.author}. Each one is split into parts, so you can listen to a
single part when that is all you have room for.

## How to listen

Follow the show in a podcast app, open the listening page in a browser, or ask Alexa to open
{a.invocation_name}. You can pause at any time and pick up later.

## A note about this article

This is an example written by gentle-steps init. Replace it with one of your own articles: plain text,
Markdown or a saved web page, each in its own file in this folder.
"""


def scaffold(folder: Path, answers: Answers) -> tuple[list[Path], list[Path]]:
    """Write the files that do not exist yet; returns (written, kept)."""
    files = {
        folder / "show.toml": show_toml(answers),
        folder / "prompts.toml": PROMPTS_TOML,
        folder / "lexicon.toml": LEXICON_TOML,
        folder / "articles" / "welcome.md": example_article(answers),
    }
    written, kept = [], []
    for path, text in files.items():
        if path.exists():
            kept.append(path)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "x", encoding="utf-8") as handle:  # "x": never replace a file made meanwhile
            handle.write(text)
        written.append(path)
    return written, kept


def _ask(label: str, default: str = "", required: bool = False) -> str:
    hint = f" [{default}]" if default else (" (required)" if required else " (Enter to skip)")
    while True:
        value = input(f"{label}{hint}: ").strip() or default
        if value or not required:
            return value
        print(f"  {label} is needed.")


def _interactive(a: Answers) -> Answers:
    a.title = a.title or _ask("Show title", required=True)
    a.author = a.author or _ask("Your name, as the author", required=True)
    a.description = a.description or _ask("One or two sentences about the show")
    a.email = a.email or _ask("Email for podcast directories")
    a.website = a.website or _ask("Your website")
    a.language = _ask("Language", a.language)
    derived = a.invocation_name or invocation_name_from(a.title)
    if check_invocation_name(derived):
        print(f"  Alexa needs two or more plain words to open the skill; {derived!r} will not do.")
        derived = ""
    a.invocation_name = _ask("What people say to Alexa to open it", derived, required=True).lower()
    return a


def run(args) -> int:
    """``gentle-steps init``: scaffold the folder; exit 2 with one line on bad input."""
    folder = Path(args.dir).absolute()
    answers = Answers(title=args.title or "", author=args.author or "", description=args.description or "",
                      email=args.email or "", website=args.website or "", language=args.language,
                      country=args.country or "", invocation_name=args.invocation_name or "")
    if folder.exists() and not folder.is_dir():
        print(f"gentle-steps init: {folder} is a file, not a folder", file=sys.stderr)
        return 2
    try:
        if sys.stdin.isatty() and not (answers.title and answers.author):
            answers = _interactive(answers)
        for flag, value in (("--title", answers.title), ("--author", answers.author)):
            if not value:
                raise InitError(f"{flag} is required (or run init in a terminal to be asked)")
        answers = validate(answers)
    except InitError as exc:
        print(f"gentle-steps init: {exc}", file=sys.stderr)
        return 2
    except (EOFError, KeyboardInterrupt):
        print("\ngentle-steps init: stopped; nothing written", file=sys.stderr)
        return 130
    written, kept = scaffold(folder, answers)
    for path in written:
        print(f"wrote {path}")
    for path in kept:
        print(f"kept {path} (it exists; init never overwrites a file)")
    if kept and folder / "show.toml" in kept:
        print("note: show.toml was kept, so the values given here were not applied to it")
    print(f"\nNext:\n  gentle-steps check --content {folder}\n  gentle-steps build --content {folder} --voice piper")
    return 0
