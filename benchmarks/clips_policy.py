"""Clips for the policy's confirmation step: "Yes, please." in the voices of the callers whose
scenarios now hear "Shall I go ahead?" before money moves, and the store-down caller's answer to
"which city or country are you in?". The other voices already had a "Yes, please."; the wrong-item
caller shares the customs-refund caller's en-029 voice and clip (the clips have a size budget)."""

from __future__ import annotations

from benchmarks.clip_specs import Sound, Speech

YES_PLEASE = "Yes, please."

CLIPS: list[Speech | Sound] = [
    Speech("customs-refund-yes-please", YES_PLEASE, "en-029", 150),
    Speech("damaged-yes-please", YES_PLEASE, "en-us-nyc", 165),
    Speech("not-received-yes-please", YES_PLEASE, "en-gb-scotland", 160),
    Speech("barge-in-yes-please", YES_PLEASE, "en-gb-x-rp", 150),
    # store-down: a +1 caller id spans several time zones, so the agent asks where the caller is
    Speech("store-down-city", "New York City.", "en-us", 135),
]
