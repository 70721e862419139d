"""``gentle-steps serve``: the skill, the feed and the pages from one waitress process.

Waitress is a production WSGI server (pure Python, threaded), set up for the internet in ``skill.httpserver``
(connection limits and request deadlines). Verification of Alexa's request signatures is on unless
``--insecure-skip-verify`` is given, which is for local testing only and says so loudly; without
``--skill-id`` it warns. The catalog is reloaded when a build replaces it (``ReloadingRuntime``) and the state
file reopened when it is replaced (``SqlitePersistenceAdapter``). TLS, per-client rate limits and per-client
connection caps belong to a reverse proxy in front (README, "Running serve on the internet").
"""

from __future__ import annotations

import gc
import logging
import signal
import sys
from pathlib import Path
from typing import Any

from gentle_steps.skill.catalog import CatalogError
from gentle_steps.skill.web import MAX_BODY_BYTES, WebApp

log = logging.getLogger("gentle_steps.serve")

_INSECURE_BANNER = """\
************************************************************************
*  WARNING: --insecure-skip-verify is on.                              *
*  Alexa request signatures are NOT checked: anyone who can reach      *
*  this port can drive the skill. Use this for local testing only.     *
************************************************************************"""


def _fail(message: str) -> int:
    print(f"gentle-steps serve: {message}", file=sys.stderr)
    return 2


def build_app(dist: Path, state: Path, skill_id: str | None, insecure_skip_verify: bool) -> WebApp:
    """The WSGI application for ``dist``; raises ``CatalogError`` or ``VerificationError`` with a clear message."""
    from gentle_steps.skill.runtime import ReloadingRuntime
    from gentle_steps.skill.state import SqlitePersistenceAdapter

    runtime = ReloadingRuntime(dist / "catalog.json", SqlitePersistenceAdapter(state, checkpoint_every=1.0))
    verifier = None
    if not insecure_skip_verify:
        from gentle_steps.skill.verify import RequestVerifier

        verifier = RequestVerifier(skill_id=skill_id)
    return WebApp(dist, runtime, verifier, skill_id=skill_id)


def run(args: Any) -> int:
    """Serve until interrupted; returns the process exit code."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    dist = Path(args.dist)
    if not dist.is_dir():
        return _fail(f"{dist}: no such folder (run `gentle-steps build` first)")
    catalog = dist / "catalog.json"
    if not catalog.is_file():
        return _fail(f"{catalog}: not found (run `gentle-steps build` first)")
    state = Path(args.state or "state.sqlite3")
    from gentle_steps.skill.verify import VerificationError

    try:
        app = build_app(dist, state, args.skill_id, args.insecure_skip_verify)
    except CatalogError as exc:
        return _fail(str(exc))
    except VerificationError as exc:
        return _fail(f"cannot verify Alexa requests: {exc}")
    gc.freeze()  # start-up objects live for the whole process: keep them out of later GC passes
    if args.insecure_skip_verify:
        print(_INSECURE_BANNER, file=sys.stderr, flush=True)
        log.warning("--insecure-skip-verify: Alexa request signatures are not checked")
    elif not args.skill_id:
        log.warning("no --skill-id: any Alexa skill's signed requests will be answered; "
                    "give your skill's id (amzn1.ask.skill...) before going live")

    from gentle_steps.skill.httpserver import make_server

    try:
        server = make_server(app, args.host, args.port, MAX_BODY_BYTES)
    except OSError as exc:
        return _fail(f"cannot listen on {args.host}:{args.port} ({exc.strerror or exc})")
    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    port = getattr(server, "effective_port", args.port)
    host = args.host if ":" not in args.host else f"[{args.host}]"
    base = f"http://{host}:{port}"
    # Whoever reads an address may stop us at once: the handler is in place, and the prints inside the try.
    signal.signal(signal.SIGTERM, stop)
    try:
        print(f"Feed:   {base}/feed.xml", flush=True)
        print(f"Pages:  {base}/", flush=True)
        print(f"Skill:  {base}/alexa", flush=True)
        print(f"Serving {dist} (state in {state}); press Ctrl+C to stop.", flush=True)
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        _close_quietly(server)
    return 0


def _close_quietly(server: Any) -> None:
    """Close the listening sockets; a second SIGTERM while closing is ignored (we are stopping already)."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    server.close()
