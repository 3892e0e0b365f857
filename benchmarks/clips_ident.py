"""Caller clips of the identifier scenarios (issue 11): voices the rest of the suite never used.

Each caller gives an order number and one contact detail in a natural, careful reading; nothing
here was re-tuned until tiny.en heard it (what the clip says is what the scenario expects). The
``NEAR`` callers give a detail one character away from the stored one: verification must fail.
Imported by :mod:`benchmarks.make_clips` (its list of every clip).
"""

from __future__ import annotations

from benchmarks.make_clips import ALL_DONE, YES, Speech, _caller

ASK = "Hi, can you tell me where my parcel is? I ordered it last week."

# (scenario, espeak-ng voice, words per minute, telephone line, order words, contact line)
CALLERS = (
    ("ident-gb-postcode", "en-gb-x-gbcwmd", 150, False, "five eight two oh four",
     "It's B one five, two T T."),
    ("ident-us-phone", "en-us+m6", 150, False, "six three eight one seven",
     "My number is three one two, five five five, zero one four seven."),
    ("ident-de-postcode", "en-gb-x-rp+f3", 155, False, "seven oh four two six",
     "The postcode is one zero one one five."),
    ("ident-es-phone", "en-in+m2", 150, False, "eight four one five oh",
     "It's six one two, nine zero seven, three four five."),
    ("ident-ca-postcode", "en-us-nyc+f4", 150, False, "nine two seven three six",
     "It's K one A, zero B one."),
    ("ident-phone-line", "en-gb-scotland+m3", 145, True, "three five oh six two",
     "My postcode is seven five zero one one."),
    ("ident-pl-postcode", "en-us+f3", 155, False, "two nine one four eight",
     "It's zero zero, nine five zero."),
    ("ident-nl-phone", "en-gb-x-rp+m5", 150, False, "four six oh three one",
     "My mobile is oh six, one two three, four five six, seven eight."),
)
# The near misses: the same callers as two scenarios above, one character off; their other lines
# are those callers' clips.
NEAR = (
    ("ident-near-postcode", "en-gb-x-gbcwmd", 150, "It's B one five, two T F."),
    ("ident-near-phone", "en-us+m6", 150, "My number is three one two, five five five, zero one four eight."),
)

# Callers who, told their postcode doesn't match, give their phone number instead (as people do).
FALLBACK = {
    "ident-gb-postcode": "Then try my phone number. Oh seven seven oh oh, nine oh oh, three one one.",
    "ident-phone-line": "Try my mobile then. Oh six, one two, three four, five oh, oh one.",
}

CLIPS: list[Speech] = [
    clip
    for name, voice, wpm, phone, order, contact in CALLERS
    for clip in _caller(name, voice, wpm, {"ask": ASK, "order": order, "contact": contact, "yes": YES,
                                          "no": "No.", "done": ALL_DONE}, phone=phone)
] + [
    Speech(f"{name}-phone", text, voice, wpm, phone)
    for name, voice, wpm, phone, _, _ in CALLERS if (text := FALLBACK.get(name))
] + [Speech(f"{name}-contact", text, voice, wpm) for name, voice, wpm, text in NEAR]
