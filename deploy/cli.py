"""The ``gentle-steps`` command: parses arguments and delegates.

Each subcommand imports its module only when chosen, so ``serve`` never loads the narration stack and
``build`` never loads the web service. A mistyped subcommand, flag or choice gets a "did you mean"; a folder
that is not there is named with the absolute path looked at.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import sys
from pathlib import Path

DEFAULT_BASE_URL = "http://127.0.0.1:8080/"


def _voice(value: str) -> str:
    """``--voice``: the forms show.toml's ``voice`` takes, plus ``tone`` (checked here; found on disk later)."""
    from gentle_steps.audio.voice_settings import voice_problem

    if fix := voice_problem(value):
        raise argparse.ArgumentTypeError(f"'{value}' is not a voice; {fix}")
    return value.strip()


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("gentle-steps")
    except Exception:  # noqa: BLE001 - not installed as a distribution (e.g. run from a source tree)
        from gentle_steps.audio import __version__

        return __version__


class _Parser(argparse.ArgumentParser):
    """argparse with "did you mean" for a mistyped subcommand, flag or choice."""

    def error(self, message: str):  # noqa: D102 - argparse's hook
        hint = self._suggestion(message)
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}{hint}\n")

    def _suggestion(self, message: str) -> str:
        choice = re.search(r"invalid choice: '([^']*)' \(choose from (.*)\)", message)
        if choice:
            options = re.findall(r"'([^']*)'", choice.group(2))
            close = difflib.get_close_matches(choice.group(1), options, n=1, cutoff=0.5)
            return f"; did you mean '{close[0]}'?" if close else ""
        unknown = re.search(r"unrecognized arguments: (.*)", message)
        if unknown:
            flags = [f for f in unknown.group(1).split() if f.startswith("-")]
            known = self._all_option_strings()
            hints = []
            for flag in flags:
                close = difflib.get_close_matches(flag.split("=", 1)[0], known, n=1, cutoff=0.6)
                if close:
                    hints.append(close[0])
            return f"; did you mean {', '.join(hints)}?" if hints else ""
        return ""

    def _all_option_strings(self) -> list[str]:
        """This parser's flags and, for the subcommand named on the command line, that subcommand's."""
        options = [o for a in self._actions for o in a.option_strings]
        for action in self._actions:
            if isinstance(action, argparse._SubParsersAction):
                chosen = next((a for a in sys.argv[1:] if a in action.choices), None)
                if chosen:
                    options += [o for a in action.choices[chosen]._actions for o in a.option_strings]
        return options


def _command(sub, name: str, summary: str, description: str, examples: str) -> argparse.ArgumentParser:
    return sub.add_parser(name, help=summary, description=description,
                          epilog="examples:\n" + "\n".join(f"  {line}" for line in examples.strip().splitlines()),
                          formatter_class=argparse.RawDescriptionHelpFormatter)


def _add_init(sub) -> None:
    init = _command(sub, "init", "start a new show: a content folder with every setting explained",
                    "Write show.toml (every key, each commented), an empty prompts.toml that explains one-breath "
                    "prompts,\nlexicon.toml and an example article into DIR. Asks for what it needs in a terminal; "
                    "takes flags otherwise.\nNever overwrites a file and never writes an address you did not give.",
                    'gentle-steps init my-show --title "Quiet Hours" --author "Dr. Ana Ruiz" --email ana@ruiz.clinic\n'
                    "gentle-steps init            # in a terminal: asks, then writes ./content")
    init.add_argument("dir", nargs="?", default="content", help="folder to create or fill (default: content)")
    init.add_argument("--title", help="the show's title")
    init.add_argument("--author", help="your name, as the author and owner")
    init.add_argument("--description", help="one or two sentences about the show")
    init.add_argument("--email", help="owner email podcast directories use to let you claim the show")
    init.add_argument("--website", help="your practice's website")
    init.add_argument("--language", default="en-US", help="BCP 47 language, e.g. en-GB (default: en-US)")
    init.add_argument("--country", help="two-letter country of your listeners (default: from --language)")
    init.add_argument("--invocation-name", help="what people say to Alexa (default: made from the title)")
    init.set_defaults(run=_run_init)


def _add_check(sub) -> None:
    check = _command(sub, "check", "check a show before building: settings, feed, skill, prompts, articles",
                     "Run every stage's checks and print one line per finding, naming the file and key, with the "
                     "fix.\nExit status: 0; 1 when --strict and there are warnings; 2 when there are errors.",
                     "gentle-steps check --content my-show\n"
                     "gentle-steps check --base-url https://listen.ruiz.clinic/ --strict\n"
                     "gentle-steps check --json > check.json")
    check.add_argument("--content", default="content", help="content folder (default: content)")
    check.add_argument("--base-url", default=DEFAULT_BASE_URL, help=f"public URL of the output (default: {DEFAULT_BASE_URL})")
    check.add_argument("--skill-endpoint", default=None, help="as for build: a Lambda ARN or https URL")
    check.add_argument("--json", action="store_true", help="print a machine-readable report")
    check.add_argument("--strict", action="store_true", help="treat warnings as failures (exit 1)")
    check.set_defaults(run=_run_check, folder=("content", "content folder not found"))


def _add_build(sub) -> None:
    build = _command(sub, "build", "build content/ into dist/ (audio, manifest, feed, pages, skill catalog)",
                     "Narrate, master and encode the articles, then write the feed, listening pages, catalog and "
                     "skill package.\nRuns `check` first: errors stop the build, warnings are printed.",
                     "gentle-steps build\n"
                     "gentle-steps build --content my-show --base-url https://listen.ruiz.clinic/ --strict\n"
                     "gentle-steps build --voice tone --jobs 1     # fast, silent: for trying the pipeline")
    build.add_argument("--content", default="content", help="content folder (default: content)")
    build.add_argument("--out", default="dist", help="output folder, replaced atomically (default: dist)")
    build.add_argument("--base-url", default=DEFAULT_BASE_URL, help=f"public URL of the output (default: {DEFAULT_BASE_URL})")
    build.add_argument("--voice", default=None, type=_voice, metavar="VOICE",
                       help="instead of show.toml's voice: piper (the shipped voice), piper:NAME (installed with "
                            "`voices add`), a path to a Piper .onnx, gtts (needs internet) or tone (silent test "
                            "engine)")
    build.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                       help="narration threads (default: one per core)")
    build.add_argument("--strict", action="store_true", help="treat warnings as failures")
    build.add_argument("--skill-endpoint", default=None,
                       help="Alexa endpoint for skill-package/skill.json: a Lambda ARN or https URL (show.toml: skill_endpoint)")
    build.add_argument("--cache", default=None, help="synthesis cache folder (default: .cache/gentle-steps)")
    build.add_argument("--proof", action="store_true", help="after the build, proof-listen it (see proof)")
    build.set_defaults(run=_run_build, folder=("content", "content folder not found"))


def _add_proof(sub) -> None:
    proof = _command(sub, "proof", "proof-listen dist/: where a recognizer hears something else (dist/proof/)",
                     "An offline speech recognizer listens to every narrated section and lists the sentences it\n"
                     "heard differently, with a suggested lexicon entry; needs the proof extra (./scripts/setup proof).",
                     "gentle-steps proof\ngentle-steps proof --dist dist --content my-show")
    proof.add_argument("--dist", default="dist", help="built output to listen to (default: dist)")
    proof.add_argument("--content", default="content", help="content folder, for its lexicon (default: content)")
    proof.set_defaults(run=_run_proof, folder=("dist", "no such folder"))


def _add_cache(sub) -> None:
    cache = _command(sub, "cache", "show or trim the synthesis cache (least recently used first)",
                     "The cache keeps every narrated sentence and encoded file, so a rebuild redoes only what\n"
                     "changed. A build trims it to 8 GB when it passes 10 GB; prune trims it now.",
                     "gentle-steps cache size\ngentle-steps cache prune --max-size 2G")
    cache.add_argument("action", choices=("size", "prune"), help="size: print it; prune: trim it to --max-size")
    cache.add_argument("--content", default="content", help="content folder beside the cache (default: content)")
    cache.add_argument("--cache", default=None, help="cache folder (default: .cache/gentle-steps)")
    cache.add_argument("--max-size", default=None, help="prune to this size, e.g. 2G (default: 10G)")
    cache.set_defaults(run=_run_cache)


def _add_import(sub) -> None:
    importer = _command(sub, "import", "bring articles in from a blog's feed, a WordPress export, a sitemap or pages",
                        "Write each article into content/articles/ with its title, date and link kept; run it again\n"
                        "to bring in only what is new or changed (a file you edited by hand is never overwritten).",
                        "gentle-steps import https://my-practice.example/feed/\n"
                        "gentle-steps import export.xml --since 2024-01-01 --dry-run")
    importer.add_argument("sources", nargs="+", metavar="SOURCE",
                          help="RSS/Atom feed, WordPress export (WXR), sitemap, or article page: URL or file")
    importer.add_argument("--content", default="content", help="content folder (default: content)")
    importer.add_argument("--since", default="", metavar="DATE", help="only articles published on or after DATE (YYYY-MM-DD)")
    importer.add_argument("--limit", type=int, default=None, metavar="N", help="at most N articles, newest first")
    importer.add_argument("--max-pages", type=int, default=200, metavar="N", help="at most N requests (default: 200)")
    importer.add_argument("--dry-run", action="store_true", help="print the plan, write nothing")
    importer.set_defaults(run=_run_import)


def _add_voices(sub) -> None:
    voices = _command(sub, "voices", "list Piper voices, install one once, hear them side by side",
                      "List the voices of the Piper catalog, download one into the voices folder (checked), or\n"
                      "hear every installed voice read a line of the show (dist/voices/). The build never downloads.",
                      "gentle-steps voices list --language en\ngentle-steps voices add en_US-lessac-high\n"
                      "gentle-steps voices sample en_US-lessac-high")
    voices.set_defaults(run=_run_voices)
    action = voices.add_subparsers(dest="voices_command", required=True, metavar="ACTION", parser_class=_Parser)
    folder_help = "voices folder (default: $GENTLE_STEPS_VOICES_DIR, else ~/.local/share/gentle-steps/voices)"
    listing = action.add_parser("list", help="the catalog's voices: language, quality, size, sample rate, installed")
    listing.add_argument("--language", default=None, help="only this language: en, en_US, en_GB...")
    listing.add_argument("--refresh", action="store_true", help="download the current catalog first (needs internet)")
    listing.add_argument("--voices-dir", default=None, help=folder_help)
    adding = action.add_parser("add", help="download a voice once into the voices folder, verified")
    adding.add_argument("name", help="voice name from `voices list`, e.g. en_US-lessac-high")
    adding.add_argument("--voices-dir", default=None, help=folder_help)
    sampling = action.add_parser("sample", help="a line of the show read by a voice and every installed one, "
                                                "on a page to compare them (dist/voices/)")
    sampling.add_argument("name", help="voice name (e.g. en_US-lessac-high), or a voice setting (piper, piper:NAME, "
                                       "a path to an .onnx)")
    sampling.add_argument("text", nargs="?", default=None,
                          help="what to read (default: a sentence from the show's articles)")
    sampling.add_argument("--content", default="content", help="content folder (default: content)")
    sampling.add_argument("--out", default="dist", help="output folder; the page goes in OUT/voices/ (default: dist)")
    sampling.add_argument("--cache", default=None, help="synthesis cache folder (default: .cache/gentle-steps)")
    sampling.add_argument("--voices-dir", default=None, help="voices folder (default: show.toml's voices_dir, else "
                                                             "as for list)")


def _add_serve(sub) -> None:
    serve = _command(sub, "serve", "serve dist/ and the Alexa skill (POST /alexa) on loopback",
                     "Serve the built pages, feed and audio, and answer Alexa requests at /alexa (request "
                     "verification on).",
                     "gentle-steps serve\ngentle-steps serve --port 9000 --skill-id amzn1.ask.skill.YOUR-ID")
    serve.add_argument("--dist", default="dist", help="built output to serve (default: dist)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8080, help="port (default: 8080)")
    serve.add_argument("--skill-id", default=None, help="accept only requests for this Alexa skill id")
    serve.add_argument("--state", default=None, help="SQLite file for listener state (default: state.sqlite3)")
    serve.add_argument("--insecure-skip-verify", action="store_true",
                       help="skip Alexa request signature checks (local testing only)")
    serve.set_defaults(run=_run_serve, folder=("dist", "no such folder"))


def _add_package_lambda(sub) -> None:
    package = _command(sub, "package-lambda", "zip the skill and dist/catalog.json for AWS Lambda",
                       "Write a small zip with the skill, its dependencies and the catalog, for `sam deploy`.",
                       "gentle-steps package-lambda\ngentle-steps package-lambda --dist dist --out build/lambda.zip")
    package.add_argument("--dist", default="dist", help="built output holding catalog.json (default: dist)")
    package.add_argument("--out", default="build/lambda.zip", help="zip to write (default: build/lambda.zip)")
    package.set_defaults(run=_run_package_lambda, folder=("dist", "no such folder"))


def _add_publish(sub) -> None:
    publish = _command(sub, "publish", "upload dist/ to an S3 bucket, changed files only, feed last",
                       "Upload what changed, with content types and cache lifetimes; feed.xml last; never deletes.",
                       "gentle-steps publish --bucket my-show-bucket --region us-east-1 --dry-run\n"
                       "gentle-steps publish --bucket my-show-bucket --distribution-id E123ABC")
    publish.add_argument("--dist", default="dist", help="built output to upload (default: dist)")
    publish.add_argument("--bucket", required=True, help="S3 bucket name")
    publish.add_argument("--prefix", default="", help="key prefix inside the bucket")
    publish.add_argument("--region", default=None, help="AWS region")
    publish.add_argument("--endpoint-url", default=None, help="S3-compatible endpoint (testing)")
    publish.add_argument("--distribution-id", default=None, help="CloudFront distribution to invalidate")
    publish.add_argument("--dry-run", action="store_true", help="print what would be uploaded, upload nothing")
    publish.set_defaults(run=_run_publish, folder=("dist", "no such folder"))


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="gentle-steps",
        description="Turn a therapist's articles into narrated audio, a podcast feed, listening pages and an Alexa skill.",
        epilog="Start your own show:\n  gentle-steps init my-show --title \"Quiet Hours\" --author \"Dr. Ana Ruiz\"\n"
               "  gentle-steps check --content my-show\n  gentle-steps build --content my-show\n\n"
               "Run gentle-steps COMMAND --help for each command's options and examples.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)

    for add in (_add_init, _add_check, _add_build, _add_proof, _add_serve, _add_package_lambda, _add_publish,
                _add_import, _add_voices, _add_cache):
        add(sub)
    return parser


# Each command imports only its own stage: `serve` never loads the narration stack, `build` never the web
# service. Commands that read dist/ first undo a build killed half-way through its swap.


def _recovered(args) -> None:
    from gentle_steps.deploy.output import recover

    recover(Path(args.dist).resolve())


def _run_init(args) -> int:
    from gentle_steps.deploy import init

    return init.run(args)


def _run_check(args) -> int:
    from gentle_steps.deploy import check

    return check.run(args)


def _run_build(args) -> int:
    from gentle_steps.deploy import build_command

    status = build_command.run(args)
    if status == 0 and args.proof:  # build --proof: listen to what was just built
        from gentle_steps.deploy import proof

        args.dist = args.out
        return proof.run(args)
    return status


def _run_proof(args) -> int:
    from gentle_steps.deploy import proof

    return proof.run(args)


def _run_cache(args) -> int:
    from gentle_steps.deploy import build_command

    return build_command.run_cache(args)


def _run_serve(args) -> int:
    from gentle_steps.skill import server

    return server.run(args)


def _run_package_lambda(args) -> int:
    from gentle_steps.deploy import lambda_zip

    return lambda_zip.run(args)


def _run_publish(args) -> int:
    from gentle_steps.deploy import publish

    return publish.run(args)


def _run_import(args) -> int:
    from gentle_steps.audio.importing import command

    return command.run(args)


def _run_voices(args) -> int:
    from gentle_steps.deploy import voices

    return voices.run(args)


def _missing_folder(args) -> str:
    """One line naming the absolute folder looked at, when the command's input folder is not there."""
    attr, what = getattr(args, "folder", (None, ""))
    if attr is None:
        return ""
    folder = Path(getattr(args, attr))
    if folder.is_dir():
        return ""
    looked = folder.absolute()
    hint = "make one with `gentle-steps init`" if attr == "content" else "run `gentle-steps build` first"
    return (f"gentle-steps {args.command}: {looked}: {what} "
            f"(--{attr} {getattr(args, attr)} from {Path.cwd()}); {hint}")


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``gentle-steps`` console script."""
    saved = sys.argv
    if argv is not None:
        sys.argv = [saved[0], *argv]  # the "did you mean" for flags looks at the subcommand named here
    try:
        args = _parser().parse_args(argv)
    finally:
        sys.argv = saved
    if getattr(args, "folder", (None,))[0] == "dist":
        _recovered(args)
    if problem := _missing_folder(args):
        print(problem, file=sys.stderr)
        return 2
    try:
        return int(args.run(args) or 0)
    except BrokenPipeError:  # output piped into a command that stopped reading (e.g. `| head`)
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
