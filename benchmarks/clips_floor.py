"""Caller clips for the floor-control scenarios (``benchmarks/scenarios/floor-*.yaml``).

Callers who pause inside one utterance (after an order number, an email, a comma), callers who
say everything in one breath, and barge-ins scored from audio alone. Voices are espeak-ng voices
the rest of the suite does not use. A pause inside a clip is espeak-ng's own pause phoneme
(``[[_:]]``, ~76 ms each at 150 wpm; ``_pause(450)`` after a period makes ~800 ms of silence): the caller's
voice stops and comes back, the way a caller's does when reading a number off a screen.

``CLIPS`` is built on first use (module ``__getattr__``): ``make_clips`` imports it while
``Speech`` is being defined there, and ``python -m benchmarks.make_clips`` imports it as
``__main__``, so a top-level import of ``make_clips`` here would be circular.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from benchmarks.clip_specs import Speech

_PAUSE_PHONEME_MS = 76.0  # one "_:" at 150 wpm, measured on espeak-ng 1.51 output


def _pause(ms: float) -> str:
    return "[[" + "_:" * max(1, round(ms / _PAUSE_PHONEME_MS)) + "]]"


def _digits(words: str) -> str:
    """Digits read one by one, as the suite's callers read an order number."""
    return ", ".join(words.split())


YES = "Yes, correct."
YES_PLEASE = "Yes, please."
ALL_DONE = "No, that's all, thank you."

# (prefix, voice, wpm, {role: (text, say or None)})
_CALLERS: tuple[tuple[str, str, int, dict[str, tuple[str, str | None]]], ...] = (
    ("floor-pause-number", "en-gb-x-gbcwmd", 150, {
        "ask": ("Hi, my order number is four one two seven three, and can you tell me where my parcel is?",
                f"Hi, my order number is {_digits('four one two seven three')}. {_pause(450)} "
                "And can you tell me where my parcel is?"),
        "order": ("four one two seven three", _digits("four one two seven three")),
        "contact": ("The zip code is six oh six one four.", None),
    }),
    ("floor-pause-email", "en-us+annie", 150, {
        "ask": ("Hi, can you tell me where my parcel is?", None),
        "order": ("three six two nine one", _digits("three six two nine one")),
        "contact": ("My email is anna at example dot com, or the zip code is six oh six one one.",
                    f"My email is anna at example dot com. {_pause(400)} "
                    "Or the zip code is six, oh, six, one, one."),
    }),
    ("floor-pause-comma", "en-us+m7", 140, {
        "ask": ("Hello, the vase I ordered arrived broken, and I would like a refund please.",
                f"Hello, the vase I ordered arrived broken, {_pause(600)} "
                "and I would like a refund please."),
        "order": ("five one nine three six", _digits("five one nine three six")),
        "contact": ("The zip code is three oh three oh nine.", None),
    }),
    ("floor-one-breath", "en-gb-x-rp+f4", 145, {
        "ask": ("Hi, order seven two four one eight, postcode one zero one one five, where is my parcel?",
                f"Hi, order {_digits('seven two four one eight')}, {_pause(300)} "
                "postcode one zero one one five, where is my parcel?"),
        "order": ("seven two four one eight", _digits("seven two four one eight")),
        "contact": ("My postcode is one zero one one five.", None),
    }),
    ("floor-audio-barge-in", "en-us+klatt", 140, {
        "ask": ("Hi, my parcel is stuck at customs, it has been there for two weeks.", None),
        "order": ("six one three oh eight", _digits("six one three oh eight")),
        "contact": ("The zip code is one zero zero one one.", None),
        "refund": ("Sorry, stop. I would rather have my money back.", None),
        "okay": ("okay", None),
    }),
    ("floor-pause-delivered", "en-gb-x-rp+m5", 140, {
        "ask": ("I'm calling about order eight two five one four, the tracking says delivered, "
                "but nothing came.",
                f"I'm calling about order {_digits('eight two five one four')}. {_pause(650)} "
                "The tracking says delivered, but nothing came."),
        "order": ("eight two five one four", _digits("eight two five one four")),
        "contact": ("The zip code is two oh zero zero one.", None),
        "reship": ("A replacement, please.", None),
    }),
)  # fmt: skip


# Where a caller's accent made a number unintelligible to tiny.en at every rate (measured), that
# one line is read by another new voice, as the suite's ``Clear(voice=...)`` does.
_NUMBER_VOICE = {"floor-pause-number": "en-us+m7", "floor-pause-email": "en-us+m7"}


def _build() -> list[Speech]:
    from benchmarks.clip_specs import Speech
    from benchmarks.make_clips import _paused

    out = []
    for prefix, voice, wpm, lines in _CALLERS:
        common = {"yes": (YES, None), "no": ("No.", None), "yes-please": (YES_PLEASE, None),
                  "done": (ALL_DONE, None)}
        for role, (text, say) in {**lines, **common}.items():
            # the suite's callers read a number they are asked for carefully, digit by digit
            careful = role in ("order", "contact")
            if role == "contact" and say is None:
                say = _paused(text)
            who = _NUMBER_VOICE.get(prefix, voice) if role == "contact" else voice
            out.append(Speech(f"{prefix}-{role}", text, who, wpm - 20 if careful else wpm, say=say))
    return out


def __getattr__(name: str) -> list[Speech]:
    if name == "CLIPS":
        return _build()
    raise AttributeError(name)
