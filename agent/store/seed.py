"""The demo store: a dozen customers and orders, one per situation, dated relative to today.

``demo_fixtures(now)`` builds the fixtures; ``demo_markdown()`` the table in ``docs/demo-store.md``
(so a new user knows what to ask about). Verify with the email, phone or postcode in the table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any


@dataclass(frozen=True)
class DemoCase:
    """One demo order: who, what, where the parcel is, and what to ask."""

    order: str
    customer: str
    name: str
    email: str
    phone: str
    country: str
    postcode: str
    currency: str
    item: str
    price: float
    situation: str
    ask: str
    shipment: dict[str, Any] | None  # status, carrier, events as (days_ago, location, status, text)
    placed_days_ago: int = 10


def _ship(
    status: str, carrier: str, events: list[tuple[float, str, str, str]], **extra: Any
) -> dict[str, Any]:
    return {"status": status, "carrier": carrier, "events": events, **extra}


CN = "Shenzhen, CN"
CASES: tuple[DemoCase, ...] = (
    DemoCase(
        "10452",
        "C-01",
        "Maria Lopez",
        "maria@example.com",
        "+34612345678",
        "ES",
        "28013",
        "EUR",
        "hydrating face mask, two pack",
        39.90,
        "held at customs for 12 days",
        "Where is my parcel? It's stuck at customs.",
        _ship(
            "customs_hold",
            "YunExpress",
            [
                (15, CN, "in_transit", "Departed origin facility"),
                (12, "Madrid, ES", "customs_hold", "Held at customs for inspection"),
            ],
            eta_days=6,
        ),
        placed_days_ago=17,
    ),
    DemoCase(
        "47119",
        "C-02",
        "James Carter",
        "james.carter@example.com",
        "+14155550123",
        "US",
        "94107",
        "USD",
        "wireless headphones",
        64.00,
        "in transit, arriving in 4 days",
        "Where is my order?",
        _ship(
            "in_transit",
            "DHL eCommerce",
            [
                (6, CN, "in_transit", "Departed origin facility"),
                (1, "Los Angeles, US", "in_transit", "Arrived at sorting center"),
            ],
            eta_days=4,
        ),
    ),
    DemoCase(
        "55018",
        "C-03",
        "Li Wei",
        "li.wei@example.com",
        "+447700900123",
        "GB",
        "SW1A 1AA",
        "GBP",
        "smartwatch",
        89.00,
        "marked delivered 2 days ago, caller has nothing",
        "It says delivered but I never got it.",
        _ship(
            "delivered",
            "Royal Mail",
            [
                (9, CN, "in_transit", "Departed origin facility"),
                (2, "London, GB", "delivered", "Delivered, left at front door"),
            ],
            delivered_days=2,
            delivery_place="left at the front door",
        ),
    ),
    DemoCase(
        "23871",
        "C-04",
        "Sophie Martin",
        "sophie.martin@example.com",
        "+33612345678",
        "FR",
        "75011",
        "EUR",
        "ceramic mug set",
        24.90,
        "arrived damaged, low value (refund + coupon, keep it)",
        "My mugs arrived broken.",
        _ship("delivered", "La Poste", [(3, "Paris, FR", "delivered", "Delivered")], delivered_days=3),
    ),
    DemoCase(
        "31906",
        "C-05",
        "Hans Mueller",
        "hans.mueller@example.com",
        "+4915123456789",
        "DE",
        "10115",
        "EUR",
        "coffee grinder",
        129.00,
        "arrived damaged, high value (reship or refund, return label)",
        "The grinder arrived damaged.",
        _ship("delivered", "DHL", [(4, "Berlin, DE", "delivered", "Delivered")], delivered_days=4),
    ),
    DemoCase(
        "62240",
        "C-06",
        "Emma Wilson",
        "emma.wilson@example.com",
        "+12125550187",
        "US",
        "10001",
        "USD",
        "running shoes, size 8",
        45.00,
        "wrong item received (wrong size)",
        "You sent me the wrong size.",
        _ship("delivered", "USPS", [(2, "New York, US", "delivered", "Delivered")], delivered_days=2),
    ),
    DemoCase(
        "70315",
        "C-07",
        "Giulia Rossi",
        "giulia.rossi@example.com",
        "+393331234567",
        "IT",
        "20121",
        "EUR",
        "silk scarf",
        22.00,
        "return within the EU 14 days, low value (refund, keep it)",
        "I'd like to return my scarf.",
        _ship("delivered", "Poste Italiane", [(5, "Milan, IT", "delivered", "Delivered")], delivered_days=5),
    ),
    DemoCase(
        "80427",
        "C-08",
        "Olivia Brown",
        "olivia.brown@example.com",
        "+61412345678",
        "AU",
        "2000",
        "AUD",
        "blender",
        149.00,
        "return within 30 days (prepaid insured return label)",
        "I want to return the blender.",
        _ship(
            "delivered", "Australia Post", [(10, "Sydney, AU", "delivered", "Delivered")], delivered_days=10
        ),
        placed_days_ago=25,
    ),
    DemoCase(
        "81533",
        "C-09",
        "Lukas Nowak",
        "lukas.nowak@example.com",
        "+48601234567",
        "PL",
        "00-950",
        "PLN",
        "desk lamp",
        180.00,
        "return asked 40 days after delivery (window closed)",
        "Can I return my lamp?",
        _ship("delivered", "InPost", [(40, "Warsaw, PL", "delivered", "Delivered")], delivered_days=40),
        placed_days_ago=50,
    ),
    DemoCase(
        "90618",
        "C-10",
        "Noah Davis",
        "noah.davis@example.com",
        "+14165550144",
        "CA",
        "M5V 2T6",
        "CAD",
        "phone case",
        19.00,
        "refund issued 2 days ago",
        "Where is my refund?",
        _ship("delivered", "Canada Post", [(8, "Toronto, CA", "delivered", "Delivered")], delivered_days=8),
        placed_days_ago=20,
    ),
    DemoCase(
        "12094",
        "C-11",
        "Ana Costa",
        "ana.costa@example.com",
        "+351912345678",
        "PT",
        "1100-148",
        "EUR",
        "yoga mat",
        35.00,
        "not shipped yet (cancel or change address possible)",
        "Has my order shipped? Can I cancel it? Can I change the address?",
        _ship("label_created", "CTT", [], eta_days=12),
        placed_days_ago=1,
    ),
    DemoCase(
        "34567",
        "C-12",
        "Chloe Dubois",
        "chloe.dubois@example.com",
        "+32471234567",
        "BE",
        "1000",
        "EUR",
        "bluetooth speaker",
        59.00,
        "at customs for only 3 days (normal, reassure)",
        "My parcel is at customs, is that normal?",
        _ship(
            "customs_hold",
            "YunExpress",
            [
                (8, CN, "in_transit", "Departed origin facility"),
                (3, "Brussels, BE", "customs_hold", "Held at customs"),
            ],
            eta_days=5,
        ),
    ),
    DemoCase(
        "58822",
        "C-13",
        "Jack Taylor",
        "jack.taylor@example.com",
        "+353871234567",
        "IE",
        "D02 X285",
        "EUR",
        "rain jacket",
        75.00,
        "out for delivery today",
        "Is my jacket coming today?",
        _ship(
            "out_for_delivery",
            "An Post",
            [(0.2, "Dublin, IE", "out_for_delivery", "Out for delivery")],
            eta_days=0,
        ),
    ),
    DemoCase(
        "66781",
        "C-14",
        "Mia Schneider",
        "mia.schneider@example.com",
        "+31612345678",
        "NL",
        "1012 AB",
        "EUR",
        "board game",
        42.00,
        "delivery exception (address not found)",
        "What's happening with my order?",
        _ship(
            "exception",
            "PostNL",
            [
                (5, CN, "in_transit", "Departed origin facility"),
                (1, "Amsterdam, NL", "exception", "Address not found"),
            ],
        ),
    ),
)


def _at(now: datetime, days_ago: float) -> str:
    return (now - timedelta(days=days_ago)).replace(microsecond=0).isoformat()


def demo_fixtures(now: datetime) -> dict[str, Any]:
    """The demo store as a fixtures mapping, dated relative to ``now`` (aware UTC)."""
    customers: list[dict[str, Any]] = []
    orders: list[dict[str, Any]] = []
    changes: list[dict[str, Any]] = []
    for i, c in enumerate(CASES):
        customers.append(
            {
                "id": c.customer,
                "name": c.name,
                "email": c.email,
                "phone": c.phone,
                "country": c.country,
                "postcode": c.postcode,
                "language": "en",
            }
        )
        order: dict[str, Any] = {
            "id": c.order,
            "customer": c.customer,
            "placed_at": _at(now, c.placed_days_ago),
            "currency": c.currency,
            "items": [{"sku": f"SKU-{i + 1:03d}", "name": c.item, "qty": 1, "unit_price": c.price}],
        }
        if c.shipment is not None:
            sh = c.shipment
            shipment: dict[str, Any] = {
                "carrier": sh["carrier"],
                "status": sh["status"],
                "tracking_number": f"{sh['carrier'][:2].upper()}{c.order}{i:02d}4417",
                "events": [
                    {"at": _at(now, d), "location": loc, "status": st, "description": text}
                    for d, loc, st, text in sh["events"]
                ],
            }
            if "eta_days" in sh:
                shipment["eta"] = _at(now, -sh["eta_days"])
            if "delivered_days" in sh:
                shipment["delivered_at"] = _at(now, sh["delivered_days"])
            shipment["delivery_place"] = sh.get("delivery_place", "")
            order["shipment"] = shipment
        orders.append(order)
    changes.append(
        {
            "kind": "refund",
            "order": "90618",
            "amount": 19.00,
            "currency": "CAD",
            "reason": "damaged item",
            "created_at": _at(now, 2),
        }
    )
    return {"customers": customers, "orders": orders, "changes": changes}


def demo_markdown() -> str:
    """The demo store as a Markdown table (``docs/demo-store.md``)."""
    lines = [
        "# The demo store",
        "",
        "`voice-agent store seed --demo` fills the store with these orders (dates are relative to the",
        "day you seed). Call or `voice-agent chat`, say what happened, give the order number, then",
        "verify with the customer's **email, phone or postcode** (any one).",
        "",
        "| order | customer | email | phone | postcode | item | situation | try saying |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for c in CASES:
        lines.append(
            f"| {c.order} | {c.name} ({c.country}) | {c.email} | {c.phone} | {c.postcode} | "
            f'{c.item}, {c.price:.2f} {c.currency} | {c.situation} | "{c.ask}" |'
        )
    lines += [
        "",
        'Anywhere in a call: "I want to talk to a person" books an escalation and a callback.',
        "A wrong email, phone or postcode reveals nothing; after three tries the agent offers a colleague,",
        "and after five wrong answers for one order within 24 hours (across calls) it only offers a callback",
        "to the number on file. Before any refund, replacement, coupon, return label or cancellation the",
        'agent says what it will do and asks "Shall I go ahead?": say yes. A remedy the facts don\'t allow',
        '(a "broken" yoga mat on order 12094, which hasn\'t shipped) is never paid.',
        "",
    ]
    return "\n".join(lines)
