"""The ways an identifier can be written, and which of them a free transcript is written in.

``Whisper.align`` scores a *text* against the audio, so the check must write the expected value
the way the caller said it: spelled letters ("I N E S dot W E I 1 6"), words ("ines dot wei16 at
example dot com"), a spelling alphabet ("S for Sierra"), digits in the caller's own groups
("312 555 01477"). A reading in another style scores every candidate badly and the true value no
longer stands out from its near misses. Scoring every style costs one decoder pass each (~80 ms
on 2 cores), so the styles are ranked for free, by how closely each rendering resembles the
transcript's own words, and only the closest few are scored. Near misses are written in the
style that won, so the comparison differs in one character only.

Pure: no model, no I/O.
"""

from __future__ import annotations

import difflib
import re

# NATO alphabet, as Whisper writes it after "S for".
NATO = {
    "A": "Alpha", "B": "Bravo", "C": "Charlie", "D": "Delta", "E": "Echo", "F": "Foxtrot",
    "G": "Golf", "H": "Hotel", "I": "India", "J": "Juliet", "K": "Kilo", "L": "Lima", "M": "Mike",
    "N": "November", "O": "Oscar", "P": "Papa", "Q": "Quebec", "R": "Romeo", "S": "Sierra",
    "T": "Tango", "U": "Uniform", "V": "Victor", "W": "Whiskey", "X": "X-ray", "Y": "Yankee",
    "Z": "Zulu",
}  # fmt: skip

EMAIL_STYLES = ("compact", "words", "spelled", "spelled_lower", "spelled_hyphen", "spelled_compact_domain")
DIGIT_STYLES = ("spaced", "compact", "groups3", "heard_groups")
POSTCODE_STYLES = ("spaced", "stored", "compact", "parts_spaced", "nato")


def _words_part(part: str) -> str:
    """A local part or domain read as words: 'ines.wei16' -> 'ines dot wei16'."""
    spoken = part.replace(".", " dot ").replace("_", " underscore ").replace("-", " dash ")
    return re.sub(r"\s+", " ", spoken).strip()


def _spell(part: str, sep: str, upper: bool) -> str:
    """'ines.wei16' -> 'I N E S dot W E I 1 6' (sep ' ') or 'I-N-E-S dot W-E-I-1-6' (sep '-')."""
    out: list[str] = []
    for chunk in re.split(r"([._-])", part):
        if chunk in (".", "_", "-"):
            out.append({".": "dot", "_": "underscore", "-": "dash"}[chunk])
        elif chunk:
            out.append(sep.join(chunk.upper() if upper else chunk.lower()))
    return " ".join(out)


def render_email(value: str, style: str) -> str:
    local, _, domain = value.strip().lower().partition("@")
    if style == "compact":
        return f"{local}@{domain}"
    if style == "words":
        return f"{_words_part(local)} at {_words_part(domain)}"
    if style == "spelled":
        return f"{_spell(local, ' ', True)} at {domain}"
    if style == "spelled_lower":
        return f"{_spell(local, ' ', False)} at {_words_part(domain)}"
    if style == "spelled_hyphen":
        return f"{_spell(local, '-', True)} at {domain}"
    if style == "spelled_compact_domain":
        return f"{_spell(local, ' ', True)}@{domain}"
    raise ValueError(f"unknown email style {style!r}")


def _digit_groups(heard: str) -> tuple[int, ...]:
    """The sizes of the digit groups the transcript wrote ('312, 555, 01477' -> (3, 3, 5))."""
    return tuple(len(g) for g in re.findall(r"\d+", heard))


def render_digits(digits: str, style: str, heard: str = "") -> str:
    if style == "spaced":
        return " ".join(digits)
    if style == "compact":
        return digits
    if style == "groups3":
        return " ".join(digits[i:i + 3] for i in range(0, len(digits), 3))
    if style == "heard_groups":
        # the transcript's group sizes, the last group taking what is left (a digit too many or
        # too few heard changes one group, not the whole reading)
        sizes = _digit_groups(heard)
        out, i = [], 0
        for n in sizes:
            if i >= len(digits):
                break
            out.append(digits[i:i + n])
            i += n
        if i < len(digits):
            if out:
                out[-1] += digits[i:]
            else:
                out.append(digits)
        return (", " if "," in heard else " ").join(out)
    raise ValueError(f"unknown digit style {style!r}")


def render_postcode(value: str, style: str) -> str:
    v = value.strip().upper()
    compact = re.sub(r"[\s-]", "", v)
    if style == "spaced":
        return " ".join(compact)
    if style == "stored":
        return v
    if style == "compact":
        return compact
    if style == "parts_spaced":
        return ", ".join(" ".join(p) for p in re.split(r"[\s-]+", v) if p)
    if style == "nato":
        return ", ".join(f"{c} for {NATO[c]}" if c in NATO else c for c in compact)
    raise ValueError(f"unknown postcode style {style!r}")


def styles_for(kind: str, value: str) -> tuple[str, ...]:
    """Every style that writes ``value`` of ``kind`` ('email', 'phone', 'order', 'postcode')."""
    if kind == "email":
        return EMAIL_STYLES
    if kind in ("phone", "order") or not any(c.isalpha() for c in value):
        return DIGIT_STYLES
    return POSTCODE_STYLES


def render(kind: str, value: str, style: str, heard: str = "") -> str:
    """``value`` written in ``style``; ``heard`` (the transcript) only shapes 'heard_groups'.

    Phone numbers are expected as national digits already (see ``verify_evidence.national_phone``)."""
    if kind == "email":
        return render_email(value, style)
    if style in DIGIT_STYLES:
        return render_digits(re.sub(r"\D", "", value), style, heard)
    return render_postcode(value, style)


def closest_styles(kind: str, value: str, heard: str, count: int,
                   default: tuple[str, ...]) -> tuple[str, ...]:
    """``count`` styles to score: the one whose rendering of ``value`` looks most like ``heard``,
    then the defaults in order (the styles Whisper writes most). A garbled transcript ("only a row
    11 file" for 10115) resembles no style, and there the default reading wins on the audio;
    ranking by likeness alone dropped it (measured on the ident-de-postcode scenario)."""
    styles = styles_for(kind, value)
    order = [s for s in default if s in styles] + [s for s in styles if s not in default]
    if heard.strip():
        def likeness(style: str) -> float:
            text = render(kind, value, style, heard)
            return difflib.SequenceMatcher(None, text, heard, autojunk=False).ratio()

        closest = max(order, key=likeness)  # first of equals: the default order breaks ties
        order = [closest, *(s for s in order if s != closest)]
    seen: set[str] = set()
    out: list[str] = []
    for style in order:  # two styles may write the same text: score it once
        text = render(kind, value, style, heard)
        if text not in seen:
            seen.add(text)
            out.append(style)
    return tuple(out[:count])
