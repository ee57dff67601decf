#!/usr/bin/env python3
"""Render a `tmux capture-pane -p -e` capture (escape sequences kept) to a PNG.

pyte (0.8.2) replays the capture as a VT terminal; Pillow draws each cell with its colours
(bold, reverse) in DejaVu Sans Mono, 9x18 px cells, light grey on #1e1e1e.

    scripts/render_png.py capture.txt --width 120 --height 40 -o screenshots/main.png

pyte and Pillow are installed with pip (quietly) if missing.
"""
import argparse
import importlib
import subprocess
import sys


def ensure_modules():
    """Import pyte and Pillow, installing them with pip first if they are missing."""
    try:
        importlib.import_module("pyte")
        importlib.import_module("PIL")
        return
    except ImportError:
        pass
    base = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    packages = ["pyte==0.8.2", "pillow"]
    if subprocess.call(base + packages) != 0:
        # Debian's system Python refuses plain installs (PEP 668); fall back to the user site.
        subprocess.check_call(base + ["--user", "--break-system-packages"] + packages)
        importlib.invalidate_caches()
        import site
        site.addsitedir(site.getusersitepackages())
    importlib.invalidate_caches()


ensure_modules()
import pyte  # noqa: E402
from pyte.charsets import VT100_MAP  # noqa: E402
from PIL import Image, ImageDraw, ImageFont  # noqa: E402

FONT_DIR = "/usr/share/fonts/truetype/dejavu/"
CELL_W, CELL_H, FONT_SIZE = 9, 18, 15
DEFAULT_FG, DEFAULT_BG = "#e5e5e5", "#1e1e1e"
NAMED = {
    "black": "#000000", "red": "#cd3131", "green": "#0dbc79", "yellow": "#e5e510",
    "blue": "#2472c8", "magenta": "#bc3fbc", "cyan": "#11a8cd", "white": "#e5e5e5",
    "brightblack": "#767676", "brightred": "#f14c4c", "brightgreen": "#23d18b",
    "brightyellow": "#f5f543", "brightblue": "#3b8eea", "brightmagenta": "#d670d6",
    "brightcyan": "#29b8db", "brightwhite": "#ffffff",
}


def colour(name, default):
    """A pyte colour (a name, "default", or six hex digits) as a Pillow colour string."""
    if name == "default":
        return default
    name = name.replace("brown", "yellow")  # pyte calls SGR 33 "brown"
    if name in NAMED:
        return NAMED[name]
    if len(name) == 6:
        return "#" + name
    return default


def translate_dec_graphics(text):
    """Replace ^N ... ^O spans (DEC special graphics, as tmux captures line drawing under
    xterm-style TERMs) by their Unicode characters, leaving escape sequences alone."""
    out, shifted, i = [], False, 0
    while i < len(text):
        ch = text[i]
        if ch == "\x0e":
            shifted = True
        elif ch == "\x0f":
            shifted = False
        elif ch == "\x1b":  # copy a CSI / two-character escape sequence verbatim
            j = i + 1
            if j < len(text) and text[j] == "[":
                j += 1
                while j < len(text) and not ("\x40" <= text[j] <= "\x7e"):
                    j += 1
            out.append(text[i:j + 1])
            i = j + 1
            continue
        else:
            out.append(VT100_MAP.get(ch, ch) if shifted else ch)
        i += 1
    return "".join(out)


# Box-drawing characters drawn as lines from the cell centre to the named edges, so that
# they join across cells (the font's glyphs are shorter than an 18 px cell).
BOX = {
    "─": "lr", "│": "ud", "┌": "rd", "┐": "ld", "└": "ru", "┘": "lu",
    "├": "udr", "┤": "udl", "┬": "lrd", "┴": "lru", "┼": "udlr",
}


def draw_box(draw, ch, left, top, fg, bold):
    cx, cy = left + CELL_W // 2, top + CELL_H // 2
    w = 2 if bold else 1
    edges = BOX[ch]
    if "l" in edges:
        draw.line([left, cy, cx, cy], fill=fg, width=w)
    if "r" in edges:
        draw.line([cx, cy, left + CELL_W - 1, cy], fill=fg, width=w)
    if "u" in edges:
        draw.line([cx, top, cx, cy], fill=fg, width=w)
    if "d" in edges:
        draw.line([cx, cy, cx, top + CELL_H - 1], fill=fg, width=w)


def render(text, width, height, output):
    screen = pyte.Screen(width, height)
    stream = pyte.Stream(screen)
    lines = translate_dec_graphics(text).split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    stream.feed("\r\n".join(lines[:height]))  # capture-pane ends lines with a bare LF

    regular = ImageFont.truetype(FONT_DIR + "DejaVuSansMono.ttf", FONT_SIZE)
    bold = ImageFont.truetype(FONT_DIR + "DejaVuSansMono-Bold.ttf", FONT_SIZE)
    image = Image.new("RGB", (width * CELL_W, height * CELL_H), DEFAULT_BG)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        row = screen.buffer[y]
        for x in range(width):
            cell = row[x]
            fg, bg = colour(cell.fg, DEFAULT_FG), colour(cell.bg, DEFAULT_BG)
            if cell.reverse:
                fg, bg = bg, fg
            left, top = x * CELL_W, y * CELL_H
            if bg != DEFAULT_BG:
                draw.rectangle([left, top, left + CELL_W - 1, top + CELL_H - 1], fill=bg)
            if cell.data in BOX:
                draw_box(draw, cell.data, left, top, fg, False)
            elif cell.data and cell.data != " ":  # "" is the right half of a wide character
                font = bold if cell.bold else regular
                draw.text((left, top + 1), cell.data, font=font, fill=fg)
            if cell.underscore:
                draw.line([left, top + CELL_H - 2, left + CELL_W - 1, top + CELL_H - 2], fill=fg)
    image.save(output)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("capture", help="file from `tmux capture-pane -p -e` ('-' for stdin)")
    parser.add_argument("--width", type=int, required=True)
    parser.add_argument("--height", type=int, required=True)
    parser.add_argument("-o", "--output", required=True, help="PNG to write")
    args = parser.parse_args()
    if args.capture == "-":
        text = sys.stdin.read()
    else:
        with open(args.capture, encoding="utf-8", errors="replace") as f:
            text = f.read()
    render(text, args.width, args.height, args.output)


if __name__ == "__main__":
    main()
