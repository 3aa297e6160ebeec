"""Fonts for figure titles: a CJK font where one is installed, else English titles.

A Japanese title drawn without a CJK font shows empty boxes, so `title` falls back to the English
text of the same catalog key when `cjk_font()` finds none (Debian: `apt-get install
fonts-noto-cjk`).
"""
from __future__ import annotations

from functools import lru_cache

from .. import catalog

# Families that cover Japanese, most wanted first.
CJK_FAMILIES = ("Noto Sans CJK JP", "Noto Sans JP", "Noto Serif CJK JP", "Source Han Sans JP",
                "IPAexGothic", "IPAGothic", "TakaoGothic", "VL Gothic", "Droid Sans Fallback")


@lru_cache(maxsize=None)
def cjk_font() -> str | None:
    """The family name of an installed font that has Japanese glyphs, or None."""
    from matplotlib import font_manager
    installed = {font.name for font in font_manager.fontManager.ttflist}
    found = next((family for family in CJK_FAMILIES if family in installed), None)
    if found is None:  # matplotlib's font cache predates the font: look on the system itself
        for path in font_manager.findSystemFonts():
            if any(mark in path for mark in ("CJK", "IPA", "Takao", "VL-Gothic", "Droid")):
                try:
                    font_manager.fontManager.addfont(path)
                except (OSError, RuntimeError, ValueError):
                    continue
        installed = {font.name for font in font_manager.fontManager.ttflist}
        found = next((family for family in CJK_FAMILIES if family in installed), None)
    return found


def needs_cjk(text: str) -> bool:
    return any(ord(character) >= 0x3000 for character in text)


def title(key: str, /, **fields: object) -> str:
    """The catalog text for key in the student's language, or in English when that text needs
    glyphs no installed font has."""
    text = catalog.text(key, **fields)
    if needs_cjk(text) and cjk_font() is None:
        return catalog.load(catalog.DEFAULT_LANG)[key].format(**fields)
    return text


def use_fonts() -> None:
    """Let matplotlib fall back to the CJK font for the glyphs its default font lacks."""
    import matplotlib
    family = cjk_font()
    if family:
        matplotlib.rcParams["font.family"] = ["DejaVu Sans", family]
