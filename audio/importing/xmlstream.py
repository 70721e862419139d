"""Streamed, safe XML for exports and sitemaps: lxml's iterparse with no entity expansion, no DTD and no network,
each finished element cleared so memory stays bounded however long the file is."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

from gentle_steps.audio.importing.entries import SourceError
from lxml import etree


def local(element: etree._Element) -> str:
    """An element's name without its namespace."""
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def namespace(element: etree._Element) -> str:
    """An element's namespace URI, or ""."""
    return etree.QName(element).namespace or "" if isinstance(element.tag, str) else ""


def child_text(element: etree._Element, name: str, ns_prefix: str | None = None) -> str:
    """Stripped text of the first child called ``name`` (optionally in a namespace starting ``ns_prefix``)."""
    for child in element:
        if local(child) == name and (ns_prefix is None or namespace(child).startswith(ns_prefix)):
            return (child.text or "").strip()
    return ""


def iter_elements(source: Path | bytes, names: set[str], label: str) -> Iterator[etree._Element]:
    """Yield each finished element whose local name is in ``names``; the caller must not keep it.

    Raises :class:`SourceError` naming ``label`` when the XML is malformed.
    """
    stream = io.BytesIO(source) if isinstance(source, bytes) else str(source)
    parser = etree.iterparse(stream, events=("end",), resolve_entities=False, load_dtd=False, no_network=True,
                             huge_tree=False, remove_comments=True, remove_pis=True)
    try:
        for _, element in parser:
            if local(element) in names:
                yield element
                # Drop what has been read: the element and the siblings before it.
                element.clear(keep_tail=False)
                while element.getprevious() is not None:
                    del element.getparent()[0]
    except etree.XMLSyntaxError as exc:
        raise SourceError(f"{label}: malformed XML ({str(exc).splitlines()[0][:120]})") from None


def root_name(data: bytes) -> str:
    """Local name of the document element of the first 64 KB of ``data`` ("" when it is not XML)."""
    parser = etree.XMLPullParser(events=("start",), resolve_entities=False, load_dtd=False, no_network=True)
    try:
        parser.feed(data[:65536])
        for _, element in parser.read_events():
            return local(element)
    except etree.XMLSyntaxError:
        return ""
    return ""
