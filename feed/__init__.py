"""The feed stage: podcast RSS, transcripts, chapters and listening pages, computed from the build manifest.

Entry point: :func:`feed.site.render_site` (pure: manifest in, ``{relative path: bytes}`` out). Modules by role:
``rss`` (the feed), ``extensions`` (feedgen extensions for Podcasting 2.0, Podlove chapters and
``itunes:explicit``), ``transcripts`` (WebVTT, SRT, JSON transcript, JSON chapters), ``pages`` (HTML), and the
packaged ``templates/`` and ``static/`` files. ``publish`` uploads a built dist/ and is separate.
"""
