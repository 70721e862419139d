"""Bring a blog's articles into ``content/articles/`` and keep them in sync: ``gentle-steps import``.

``sources`` recognises and reads each SOURCE (``feeds``: RSS and Atom; ``wxr``: WordPress exports;
``sitemaps``; ``pages``: article pages and their metadata), ``fetch`` is the polite HTTP client, ``render``
writes an article file the readers understand, and ``sync`` is the idempotent write. ``command.run`` is the
CLI entry point.
"""
