"""Show artwork: the show's own image, checked against Apple's rules, or a plain legible one made from the title."""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass
from pathlib import Path

from gentle_steps.audio.settings import SettingsError, ShowSettings

SIZE = 3000
"""Side of generated artwork in pixels (Apple: square, 1400-3000 px)."""

BACKGROUND = (36, 59, 74)  # deep blue-grey: calm, and white text on it is far above 4.5:1 contrast
FOREGROUND = (250, 246, 238)
ACCENT = (233, 196, 106)


@dataclass(frozen=True)
class Artwork:
    """Artwork ready to write and embed."""

    data: bytes
    """The image file."""

    mime: str
    """``image/png`` or ``image/jpeg``."""

    extension: str
    """``png`` or ``jpg``."""

    width: int
    """Pixels."""

    height: int
    """Pixels."""

    thumbnail: bytes
    """A 600 px JPEG for ID3 cover frames (players show small covers; keeps every MP3 light)."""


ICON_SIZES = (108, 512)
"""Alexa skill icons: small 108 x 108 and large 512 x 512 PNG (skill manifest ``smallIconUri``/``largeIconUri``)."""


def _open(path: Path):
    from PIL import Image

    try:
        image = Image.open(path)
        image.load()
    except OSError as exc:
        return None, [f"artwork cannot be read as an image ({exc})"]
    problems = []
    fmt = (image.format or "").upper()
    if fmt not in ("PNG", "JPEG"):
        problems.append(f"artwork must be a PNG or JPEG, not {fmt or 'unknown'}")
    if image.width != image.height or not 1400 <= image.width <= 3000:
        problems.append(f"artwork must be square, 1400-3000 px; it is {image.width}x{image.height}")
    if image.mode != "RGB":
        problems.append(f"artwork must be RGB (no transparency or CMYK); it is {image.mode}")
    return image, problems


def artwork_problems(path: Path) -> list[str]:
    """Every way the image at ``path`` breaks Apple's rules (square, 1400-3000 px, RGB, JPEG or PNG)."""
    return _open(path)[1]


def skill_icons(data: bytes) -> dict[int, bytes]:
    """The Alexa skill's icons made from artwork bytes: size -> RGB PNG, deterministic for the same input."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        image = image.convert("RGB")
        icons = {}
        for size in ICON_SIZES:
            # reduce() first: a 3000 px image box-filtered to ~2x the target, then LANCZOS, is fast and sharp.
            factor = max(1, image.width // (size * 2))
            small = (image.reduce(factor) if factor > 1 else image).resize((size, size), Image.Resampling.LANCZOS)
            buffer = io.BytesIO()
            small.save(buffer, format="PNG", optimize=True)
            icons[size] = buffer.getvalue()
    return icons


def cached_skill_icons(data: bytes, cache) -> dict[int, bytes]:
    """:func:`skill_icons`, kept in the build cache (``audio.cache.Cache``) by the artwork's hash: decoding a
    3000 px PNG would otherwise take most of a warm rebuild."""
    import hashlib

    from gentle_steps.audio.cache import digest
    from PIL import __version__ as pillow_version

    keys = {size: digest("skill-icon", size, hashlib.sha256(data).hexdigest(), pillow_version) for size in ICON_SIZES}
    hits = {size: cache.file_path(key) for size, key in keys.items()}
    if all(hits.values()):
        return {size: path.read_bytes() for size, path in hits.items()}
    icons = skill_icons(data)
    for size, key in keys.items():
        cache.put_file(key, icons[size], {"size": size})
    return icons


def load_artwork(show: ShowSettings) -> Artwork:
    """The show's artwork when it names one (validated), otherwise a generated one."""
    if not show.artwork:
        return _finish(_generate(show.title, show.subtitle), "png")
    path = show.path(show.artwork)
    image, problems = _open(path)
    if problems:
        raise SettingsError(f"{path}: {problems[0]}")
    fmt = (image.format or "").upper()
    ext = "png" if fmt == "PNG" else "jpg"
    return Artwork(path.read_bytes(), f"image/{'png' if ext == 'png' else 'jpeg'}", ext, image.width,
                   image.height, _thumbnail(image))


def _generate(title: str, subtitle: str):
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (SIZE, SIZE), BACKGROUND)
    draw = ImageDraw.Draw(image)
    # Pillow's bundled font: the same glyphs on every machine, so the PNG is byte-identical everywhere.
    title_font = ImageFont.load_default(size=300)
    sub_font = ImageFont.load_default(size=120)
    lines = textwrap.wrap(title, width=14) or [title]
    line_height = 360
    top = SIZE // 2 - (len(lines) * line_height) // 2 - 200
    for i, line in enumerate(lines):
        draw.text((SIZE // 2, top + i * line_height), line, font=title_font, fill=FOREGROUND, anchor="ma")
    bar_y = top + len(lines) * line_height + 120
    draw.rounded_rectangle((SIZE // 2 - 300, bar_y, SIZE // 2 + 300, bar_y + 30), radius=15, fill=ACCENT)
    for i, line in enumerate(textwrap.wrap(subtitle, width=34)[:3]):
        draw.text((SIZE // 2, bar_y + 170 + i * 160), line, font=sub_font, fill=FOREGROUND, anchor="ma")
    return image


def _thumbnail(image) -> bytes:
    small = image.convert("RGB").resize((600, 600))
    buffer = io.BytesIO()
    small.save(buffer, format="JPEG", quality=85, optimize=True)
    return buffer.getvalue()


def _finish(image, ext: str) -> Artwork:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return Artwork(buffer.getvalue(), "image/png", ext, image.width, image.height, _thumbnail(image))


def show_artwork(show: ShowSettings, cache) -> Artwork:
    """The show's own artwork, or the generated one cached by what it is drawn from (drawing a 3000 px PNG
    would otherwise take most of a warm rebuild). ``cache`` is a :class:`gentle_steps.audio.cache.Cache`."""
    if show.artwork:
        return load_artwork(show)
    from gentle_steps.audio import __version__
    from gentle_steps.audio.cache import digest
    from PIL import __version__ as pillow_version

    key = digest("artwork", show.title, show.subtitle, pillow_version, __version__)
    facts, path = cache.file_facts(key), cache.file_path(key)
    if facts is not None and path is not None:
        return Artwork(path.read_bytes(), facts["mime"], facts["extension"], facts["width"], facts["height"],
                       bytes.fromhex(facts["thumbnail"]))
    artwork = load_artwork(show)
    cache.put_file(key, artwork.data, {"mime": artwork.mime, "extension": artwork.extension, "width": artwork.width,
                                       "height": artwork.height, "thumbnail": artwork.thumbnail.hex()})
    return artwork
