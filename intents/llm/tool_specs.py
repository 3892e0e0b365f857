"""What the chat model is told it may call: the tool schemas (OpenAI function format).

Kept apart from :mod:`intents.llm.tools`, which carries them out, so a newcomer can read the
model's whole contract on one screen. Enforcement (verification, policy) lives there, not here.
"""

from __future__ import annotations

from typing import Any

from intents.policy.decide import PROBLEMS

REMEDIES = ("refund", "reship", "coupon", "investigation", "return_label")
SITUATIONS = tuple(i.value for i in sorted(PROBLEMS, key=lambda i: i.value))

NOT_VERIFIED = {
    "error": "not_verified",
    "next": "Ask for the order number and the email, phone number or postcode on it, then verify_caller.",
}
STORE_DOWN = {
    "error": "store_unavailable",
    "next": "Apologise: the order system can't be reached. Offer a callback (escalate_to_human).",
}


def _fn(name: str, description: str, properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {
        "type": "function",
        "function": {
            "name": name,
            "description": description,
            "parameters": {"type": "object", "properties": properties, "required": required},
        },
    }


_ORDER = {"type": "string", "description": "the order number as the caller gave it, digits"}

TOOL_SPECS: list[dict[str, Any]] = [
    _fn(
        "find_order",
        "Check whether an order number exists. Returns no details. A suggested number must be read "
        "back digit by digit and confirmed by the caller before you use it.",
        {"order_number": _ORDER},
        ["order_number"],
    ),
    _fn(
        "verify_caller",
        "Check the caller's email, phone number or postcode against the order (give one). Required "
        "before get_order_status or request_remedy. At most 3 failed tries per call.",
        {
            "order_number": _ORDER,
            "email": {"type": "string"},
            "phone": {"type": "string"},
            "postcode": {"type": "string"},
        },
        ["order_number"],
    ),
    _fn(
        "get_order_status",
        "Facts about a verified order: items, total, parcel status, latest scan, changes already "
        "made. Give the caller's problem to learn what the shop's policy offers for it.",
        {"order_number": _ORDER, "problem": {"type": "string", "enum": list(SITUATIONS)}},
        ["order_number"],
    ),
    _fn(
        "request_remedy",
        "Do a remedy on a verified order, if the shop's policy allows it for the caller's problem. "
        "The policy may add related changes (a coupon, a return label). For cancel_order, "
        "kind refund cancels the order before dispatch and refunds it. Call it first without "
        "confirmed: it returns what would happen; read that to the caller, ask 'Shall I go ahead?', "
        "and only after their yes call it again with confirmed true.",
        {
            "order_number": _ORDER,
            "kind": {"type": "string", "enum": list(REMEDIES)},
            "reason": {"type": "string", "enum": list(SITUATIONS), "description": "the caller's problem"},
            "confirmed": {"type": "boolean", "description": "true only after the caller said yes"},
        },
        ["order_number", "kind", "reason"],
    ),
    _fn(
        "escalate_to_human",
        "Pass the call to a colleague who calls back; returns when. Use when the caller asks for a "
        "person, verification failed 3 times, or the order system is down.",
        {"reason": {"type": "string"},
         "phone": {"type": "string", "description": "a number to call, when it asks for one"},
         "city": {"type": "string", "description": "the caller's city or country, when it asks"}},
        ["reason"],
    ),
    _fn("end_call", "Hang up after your goodbye (say the open-door line first).", {}, []),
]
