"""Bar charts of the last six tertials as PNG images, for the Word report (issue 14).

Drawn with Pillow (already a dependency through WeasyPrint and qrcode) instead of pulling
in matplotlib: grouped bars for K, M and X per tertial, each bar with its letter under it
and a different fill (solid, hatched, dotted), as on the web page, so the chart reads in
black and white. Every chart goes into the document together with its data table.
"""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont

from .numbers import sv_number

WIDTH, HEIGHT = 900, 320
LEFT, RIGHT, TOP, BOTTOM = 70, 20, 20, 60
GENDERS = ("K", "M", "X")
COLOURS = {"K": (31, 78, 121), "M": (196, 89, 17), "X": (84, 130, 53)}


def _font(size: int):
    return ImageFont.load_default(size=size)


def _fill(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], gender: str) -> None:
    colour = COLOURS[gender]
    if gender == "K":
        draw.rectangle(box, fill=colour)
        return
    draw.rectangle(box, outline=colour, width=2)
    x0, y0, x1, y1 = box
    if gender == "M":  # hatched
        for y in range(y1, y0, -8):
            draw.line((x0, y, x1, max(y0, y - (x1 - x0))), fill=colour, width=2)
    else:  # dotted
        for y in range(y1 - 4, y0, -8):
            for x in range(x0 + 4, x1, 8):
                draw.ellipse((x - 1, y - 1, x + 1, y + 1), fill=colour)


def _axis(draw: ImageDraw.ImageDraw, top: float) -> None:
    font = _font(13)
    base = HEIGHT - BOTTOM
    draw.line((LEFT, TOP, LEFT, base), fill="black")
    draw.line((LEFT, base, WIDTH - RIGHT, base), fill="black")
    for step in range(5):
        value = top * step / 4
        y = base - (base - TOP) * step / 4
        draw.line((LEFT - 4, y, LEFT, y), fill="black")
        # the built-in font has no no-break space: group thousands with a plain space
        label = sv_number(round(value, 1) if top < 8 else round(value)).replace("\u00a0", " ")
        draw.text((LEFT - 8, y), label, fill="black", font=font, anchor="rm")


def bar_chart(tertials: list[str], values: dict[str, list]) -> bytes:
    """A PNG of K, M and X per tertial; an empty value (None) draws no bar."""
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    numbers = [v for g in GENDERS for v in values.get(g, []) if isinstance(v, int | float)]
    top = max([*numbers, 1])
    _axis(draw, top)
    base, font = HEIGHT - BOTTOM, _font(13)
    slot = (WIDTH - LEFT - RIGHT) / max(len(tertials), 1)
    bar = slot / 5
    for i, tertial in enumerate(tertials):
        x = LEFT + slot * i + bar
        for j, gender in enumerate(GENDERS):
            value = values.get(gender, [None] * len(tertials))[i]
            left = int(x + j * bar)
            if isinstance(value, int | float) and value > 0:
                height = int((base - TOP) * value / top)
                _fill(draw, (left, base - height, left + int(bar) - 2, base), gender)
            draw.text((left + bar / 2, base + 4), gender, fill="black", font=font, anchor="mt")
        draw.text((x + 1.5 * bar, base + 24), tertial, fill="black", font=font, anchor="mt")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
