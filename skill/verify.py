"""Alexa request verification for the web service, as Amazon requires of any skill not hosted on Lambda.

The checks (Alexa Skills Kit, "Host a Custom Skill as a Web Service", "Verify that the request was sent by
Alexa"), cheapest first, so nothing touches the network until everything a stranger could get wrong for free
has been checked:

1. both the ``SignatureCertChainUrl`` and ``Signature-256`` headers are present, the signature is base64;
2. the certificate URL is https, host ``s3.amazonaws.com`` (any case), port 443 if given, and its path, once
   normalised, starts with ``/echo.api/``;
3. the request's timestamp is within 150 seconds of now, and the application id equals the configured skill id,
   when one is configured;
4. the certificate chain fetched from that URL leads to a trusted root, every certificate is within its validity
   dates, and the leaf's subject alternative names include ``echo-api.amazon.com``; chains are fetched off the
   request threads, with a short timeout, a cache of good and failed URLs and a cap on concurrent fetches
   (``skill.certs``);
5. ``Signature-256`` is the base64 RSA PKCS#1 v1.5 signature, with SHA-256, of the raw request body by the leaf.

``ask-sdk-webservice-support`` implements these but cannot be imported on current OpenSSL (its certvalidator ->
oscrypto dependency fails), so this module uses the ``cryptography`` package's X.509 path validation.
Every failure raises :class:`VerificationError`; its reason goes to the log, never to the caller.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import logging
import os
import posixpath
import re
import time
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509 import verification
from gentle_steps.skill.certs import ChainCache, ChainError, FetchLimits

log = logging.getLogger(__name__)

CERT_HOST = "s3.amazonaws.com"
"""The only host Alexa's signing certificates are served from."""

CERT_PATH_PREFIX = "/echo.api/"
"""The path every signing certificate URL starts with (after normalisation)."""

SIGNING_NAME = "echo-api.amazon.com"
"""The DNS name the signing certificate must carry in its subject alternative names."""

MAX_SKEW_S = 150
"""How far a request's timestamp may be from now, in seconds."""

TRUST_ROOTS_ENV = "GENTLE_STEPS_TRUST_ROOTS"
"""Environment variable naming a PEM file of trusted roots, replacing the default store (for tests and private
test set-ups; production uses certifi's bundle or the system store)."""

MAX_CHAIN_BYTES = 64 * 1024
_PEM_BLOCK = re.compile(rb"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.DOTALL)


class VerificationError(Exception):
    """A request failed verification; the message says why, for the log only."""


Fetcher = Callable[[str], bytes]
"""Fetches a certificate chain (PEM bytes) from a URL that passed :func:`check_cert_url`."""


def check_cert_url(url: str) -> str:
    """``url`` if it is an acceptable signing-certificate URL; raises :class:`VerificationError` otherwise."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise VerificationError("certificate URL is not a URL") from None
    if parts.scheme.lower() != "https":
        raise VerificationError("certificate URL is not https")
    if (parts.hostname or "").lower() != CERT_HOST:
        raise VerificationError("certificate URL host is not s3.amazonaws.com")
    if port is not None and port != 443:
        raise VerificationError("certificate URL port is not 443")
    # Normalise after decoding, so "/echo.api/../x" and "/echo.api/%2e%2e/x" are both caught.
    path = unquote(parts.path)
    normalised = posixpath.normpath(path) if path else ""
    if "\\" in path or not (normalised + "/").startswith(CERT_PATH_PREFIX) or normalised == CERT_PATH_PREFIX[:-1]:
        raise VerificationError("certificate URL path is not under /echo.api/")
    return url.strip()


def default_fetcher(url: str, timeout: float = FetchLimits.timeout_s) -> bytes:
    """Download a certificate chain over https (a short timeout, at most 64 KiB, no redirects: only a URL
    that passed :func:`check_cert_url` is ever fetched)."""
    import urllib.request

    class NoRedirects(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None  # urllib then raises HTTPError for the 3xx

    opener = urllib.request.build_opener(NoRedirects)
    with opener.open(url, timeout=timeout) as response:
        data = response.read(MAX_CHAIN_BYTES + 1)
    if len(data) > MAX_CHAIN_BYTES:
        raise VerificationError("certificate chain is too large")
    return data


def load_trust_roots(path: str | Path | None = None) -> list[x509.Certificate]:
    """Trusted root certificates: the PEM file at ``path`` (or ``GENTLE_STEPS_TRUST_ROOTS``), else certifi's
    bundle, else the system's default CA file."""
    path = path or os.environ.get(TRUST_ROOTS_ENV)
    if not path:
        try:
            import certifi

            path = certifi.where()
        except ImportError:
            import ssl

            path = ssl.get_default_verify_paths().cafile
    if not path or not Path(path).is_file():
        raise VerificationError(f"no trusted root certificates found (looked for {path or 'a CA bundle'})")
    roots = []
    # One by one: a single odd certificate in a system bundle (some carry a non-positive serial number, which
    # cryptography warns about and will refuse) must not make the whole store unusable.
    for block in _PEM_BLOCK.findall(Path(path).read_bytes()):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                roots.append(x509.load_pem_x509_certificate(block))
            except ValueError:
                continue
    if not roots:
        raise VerificationError(f"{path}: no certificates")
    return roots


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def parse_timestamp(value: Any) -> dt.datetime:
    """An Alexa request timestamp (ISO 8601, e.g. ``2026-11-27T05:53:41Z``) as an aware datetime."""
    if not isinstance(value, str) or len(value) > 40:
        raise VerificationError("request timestamp missing")
    try:
        return _aware(dt.datetime.fromisoformat(value.replace("Z", "+00:00")))
    except ValueError:
        raise VerificationError("request timestamp is not ISO 8601") from None


class RequestVerifier:
    """Verifies Alexa requests; one instance per process, shared by the web service's threads."""

    def __init__(self, skill_id: str | None = None, trust_roots: list[x509.Certificate] | None = None,
                 fetcher: Fetcher | None = None, clock: Callable[[], float] = time.time,
                 max_skew_s: int = MAX_SKEW_S, limits: FetchLimits | None = None,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        """Accept requests for ``skill_id`` (any, if None) signed by a chain to ``trust_roots`` (default:
        :func:`load_trust_roots`); ``fetcher`` downloads chains (default: :func:`default_fetcher` with
        ``limits.timeout_s``) within ``limits``; ``clock`` gives the time (seconds since epoch) and
        ``monotonic`` dates failed fetches."""
        self.skill_id = skill_id
        self.roots = trust_roots if trust_roots is not None else load_trust_roots()
        self.store = verification.Store(self.roots)
        self.limits = limits or FetchLimits()
        self.fetcher = fetcher or functools.partial(default_fetcher, timeout=self.limits.timeout_s)
        self.clock = clock
        self.max_skew_s = max_skew_s
        self.chains = ChainCache(self._load_chain, self.limits, monotonic)

    def verify(self, headers: Mapping[str, str], body: bytes, envelope: Mapping[str, Any]) -> None:
        """Raise :class:`VerificationError` unless the request (headers, raw body, parsed body) is genuine.

        ``headers`` maps lower-case header names to values. Everything that needs no network is checked
        before the certificate chain is looked up.
        """
        cert_url = headers.get("signaturecertchainurl")
        signature = headers.get("signature-256")
        if not cert_url or not signature:
            raise VerificationError("signature headers missing")
        cert_url = check_cert_url(cert_url)
        try:
            raw_signature = base64.b64decode(signature.strip(), validate=True)
        except ValueError:
            raise VerificationError("signature is not base64") from None
        self.check_envelope(envelope)
        key = self._signing_key(cert_url)
        try:
            key.verify(raw_signature, body, padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            raise VerificationError("signature does not match the body") from None

    def check_envelope(self, envelope: Mapping[str, Any]) -> None:
        """The timestamp and application id checks alone."""
        request = envelope.get("request") if isinstance(envelope, Mapping) else None
        stamp = parse_timestamp(request.get("timestamp") if isinstance(request, Mapping) else None)
        now = dt.datetime.fromtimestamp(self.clock(), dt.UTC)
        if abs((now - stamp).total_seconds()) > self.max_skew_s:
            raise VerificationError("request timestamp is more than 150 s from now")
        check_skill_id(envelope, self.skill_id)

    def _signing_key(self, cert_url: str) -> rsa.RSAPublicKey:
        try:
            leaf, key = self.chains.get(cert_url)
        except ChainError as exc:
            raise VerificationError(str(exc)) from None
        # The chain was verified once, when fetched; the leaf's dates still have to hold on every request.
        now = dt.datetime.fromtimestamp(self.clock(), dt.UTC)
        if not _aware(leaf.not_valid_before_utc) <= now <= _aware(leaf.not_valid_after_utc):
            self.chains.forget(cert_url)
            raise VerificationError("signing certificate is outside its validity dates")
        return key

    def _load_chain(self, cert_url: str) -> tuple[x509.Certificate, rsa.RSAPublicKey]:
        """Download and check the chain at ``cert_url`` (runs in a fetch thread); raises :class:`ChainError`."""
        try:
            return self._check_chain(self.fetcher(cert_url))
        except VerificationError as exc:
            raise ChainError(str(exc)) from None

    def _check_chain(self, pem: bytes) -> tuple[x509.Certificate, rsa.RSAPublicKey]:
        now = dt.datetime.fromtimestamp(self.clock(), dt.UTC)
        try:
            chain = x509.load_pem_x509_certificates(pem)
        except ValueError:
            raise VerificationError("certificate chain is not PEM") from None
        leaf, intermediates = chain[0], chain[1:]
        for cert in chain:
            if not (_aware(cert.not_valid_before_utc) <= now <= _aware(cert.not_valid_after_utc)):
                raise VerificationError("a certificate in the chain is outside its validity dates")
        try:
            names = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        except x509.ExtensionNotFound:
            raise VerificationError("signing certificate has no subject alternative names") from None
        if SIGNING_NAME not in [n.lower() for n in names.get_values_for_type(x509.DNSName)]:
            raise VerificationError("signing certificate is not for echo-api.amazon.com")
        try:
            verifier = (verification.PolicyBuilder().store(self.store).time(now)
                        .build_server_verifier(x509.DNSName(SIGNING_NAME)))
            verifier.verify(leaf, intermediates)
        except verification.VerificationError as exc:
            raise VerificationError(f"certificate chain does not lead to a trusted root ({exc})") from None
        key = leaf.public_key()
        if not isinstance(key, rsa.RSAPublicKey):
            raise VerificationError("signing key is not RSA")
        return leaf, key


def check_skill_id(envelope: Mapping[str, Any], skill_id: str | None) -> None:
    """Raise :class:`VerificationError` when ``skill_id`` is set and the request is for another skill."""
    if not skill_id:
        return
    value: Any = envelope
    for key in ("context", "System", "application", "applicationId"):
        value = value.get(key) if isinstance(value, Mapping) else None
    if value != skill_id:
        raise VerificationError("request is for another skill id")
