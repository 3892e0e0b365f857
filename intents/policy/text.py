"""Caller text made safe before it is used, said or stored: no control or escape characters, bounded.

Typed chat text and recognised speech both pass through :func:`clean_caller_text`: terminal escape
sequences (``ESC [ ... m``), other C0/C1 controls, bidirectional overrides and zero-width characters
are removed, whitespace is collapsed, and the text is cut at a word boundary to ``max_chars``.
"""

from __future__ import annotations

import re
import unicodedata

# ESC-introduced sequences: CSI (ESC [ ... final), OSC (ESC ] ... BEL or ESC \), and two-byte escapes.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC
    r"|\x1b[@-Z\\-_]"  # two-byte
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
)
# Bidirectional controls and zero-width characters that hide or reorder text.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def clean_caller_text(text: str, max_chars: int = 500) -> str:
    """``text`` without escape sequences and control characters, whitespace collapsed, at most
    ``max_chars`` long (cut at the last space before the limit when there is one)."""
    text = _ESCAPES.sub(" ", text)
    text = _INVISIBLE.sub("", text)
    text = "".join(" " if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co") else ch for ch in text)
    text = " ".join(text.split())
    if len(text) > max_chars:
        cut = text[:max_chars]
        space = cut.rfind(" ")
        text = cut[:space] if space > max_chars // 2 else cut
    return text
