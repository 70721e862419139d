"""The ``gentle-steps`` command: parses arguments and delegates.

Each subcommand imports its module only when chosen, so ``serve`` never loads the narration stack and
``build`` never loads the web service.
"""

from __future__ import annotations

import argparse
import os
import sys
from importlib import import_module

DEFAULT_BASE_URL = "http://127.0.0.1:8080/"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gentle-steps",
        description="Turn a therapist's articles into narrated audio, a podcast feed, listening pages and an Alexa skill.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    build = sub.add_parser("build", help="build content/ into dist/ (audio, manifest, feed, pages, skill catalog)")
    build.add_argument("--content", default="content", help="content folder (default: content)")
    build.add_argument("--out", default="dist", help="output folder, replaced atomically (default: dist)")
    build.add_argument("--base-url", default=DEFAULT_BASE_URL, help=f"public URL of the output (default: {DEFAULT_BASE_URL})")
    build.add_argument("--voice", default=None, help="narration engine: piper (default, offline) or gtts (needs internet)")
    build.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes (default: all cores)")
    build.add_argument("--strict", action="store_true", help="treat warnings as failures")
    build.add_argument("--skill-endpoint", default=None,
                       help="Alexa endpoint for skill-package/skill.json: a Lambda ARN or https URL (show.toml: skill_endpoint)")
    build.add_argument("--cache", default=None, help="synthesis cache folder (default: .cache/gentle-steps)")
    build.set_defaults(module="gentle_steps.deploy.pipeline")

    serve = sub.add_parser("serve", help="serve dist/ and the Alexa skill (POST /alexa) on loopback")
    serve.add_argument("--dist", default="dist", help="built output to serve (default: dist)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8080, help="port (default: 8080)")
    serve.add_argument("--skill-id", default=None, help="accept only requests for this Alexa skill id")
    serve.add_argument("--state", default=None, help="SQLite file for listener state (default: state.sqlite3)")
    serve.add_argument("--insecure-skip-verify", action="store_true",
                       help="skip Alexa request signature checks (local testing only)")
    serve.set_defaults(module="gentle_steps.skill.server")

    package = sub.add_parser("package-lambda", help="zip the skill and dist/catalog.json for AWS Lambda")
    package.add_argument("--dist", default="dist", help="built output holding catalog.json (default: dist)")
    package.add_argument("--out", default="build/lambda.zip", help="zip to write (default: build/lambda.zip)")
    package.set_defaults(module="gentle_steps.deploy.lambda_zip")

    publish = sub.add_parser("publish", help="upload dist/ to an S3 bucket, changed files only, feed last")
    publish.add_argument("--dist", default="dist", help="built output to upload (default: dist)")
    publish.add_argument("--bucket", required=True, help="S3 bucket name")
    publish.add_argument("--prefix", default="", help="key prefix inside the bucket")
    publish.add_argument("--region", default=None, help="AWS region")
    publish.add_argument("--endpoint-url", default=None, help="S3-compatible endpoint (testing)")
    publish.add_argument("--distribution-id", default=None, help="CloudFront distribution to invalidate")
    publish.add_argument("--dry-run", action="store_true", help="print what would be uploaded, upload nothing")
    publish.set_defaults(module="gentle_steps.deploy.publish")

    importer = sub.add_parser("import", help="bring articles in from a blog's feed, a WordPress export, a sitemap or "
                                             "pages, and keep content/articles/ in sync")
    importer.add_argument("sources", nargs="+", metavar="SOURCE",
                          help="RSS/Atom feed, WordPress export (WXR), sitemap, or article page: URL or file")
    importer.add_argument("--content", default="content", help="content folder (default: content)")
    importer.add_argument("--since", default="", metavar="DATE", help="only articles published on or after DATE (YYYY-MM-DD)")
    importer.add_argument("--limit", type=int, default=None, metavar="N", help="at most N articles, newest first")
    importer.add_argument("--max-pages", type=int, default=200, metavar="N", help="at most N requests (default: 200)")
    importer.add_argument("--dry-run", action="store_true", help="print the plan, write nothing")
    importer.set_defaults(module="gentle_steps.audio.importing.command")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``gentle-steps`` console script."""
    args = _parser().parse_args(argv)
    module = import_module(args.module)
    try:
        return int(module.run(args) or 0)
    except BrokenPipeError:  # output piped into a command that stopped reading (e.g. `| head`)
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
