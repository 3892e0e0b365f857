"""The store on SQLite: migrations, fixtures, idempotent actions, call records, the CLI helpers."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import inspect

from agent.chat import run_chat
from agent.store import FixtureError, Store, StoreUnavailable, open_store, resolve_url
from agent.store.seed import CASES, demo_markdown
from agent.store_cli import load_fixtures_file, seed_demo
from intents.policy.types import ActionRequest

NOW = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parent.parent

ISSUE_FIXTURES: dict[str, Any] = yaml.safe_load(
    """
customers:
  - {id: C-7, name: "Maria Lopez", email: maria@example.com, phone: "+34612345678",
     country: ES, postcode: "28013", language: en}
orders:
  - id: "10452"
    customer: C-7
    placed_at: "2026-11-08"
    currency: EUR
    items: [{sku: MASK-2, name: "hydrating face mask", qty: 2, unit_price: 19.95}]
    shipment:
      carrier: YunExpress
      tracking_number: YT2411234567890
      status: customs_hold
      eta: "2026-11-28"
      events:
        - {at: "2026-11-10T08:00:00+00:00", location: "Shenzhen, CN", status: in_transit,
           description: "Departed origin facility"}
        - {at: "2026-11-15T10:00:00+00:00", location: "Madrid, ES", status: customs_hold,
           description: "Held at customs for inspection"}
"""
)


def fresh(tmp_path: Path, name: str = "s.db") -> Store:
    return open_store(f"sqlite:///{tmp_path / name}", clock=lambda: NOW)


def test_open_creates_and_migrates_a_new_file(tmp_path: Path) -> None:
    store = fresh(tmp_path / "deep" / "dir")
    tables = set(inspect(store.engine).get_table_names())
    assert {"customers", "orders", "shipments", "tracking_events", "refunds", "reships", "coupons"} <= tables
    assert {
        "investigations",
        "return_labels",
        "escalations",
        "callbacks",
        "calls",
        "alembic_version",
    } <= tables
    store.dispose()
    again = fresh(tmp_path / "deep" / "dir")  # second open: upgrade is a no-op
    assert again.order_ids() == []


def test_url_resolution(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VOICE_AGENT_DB_URL", raising=False)
    assert resolve_url() == "sqlite:///./var/voice-agent.db"
    monkeypatch.setenv("VOICE_AGENT_DB_URL", "postgresql://u:p@h/db")
    assert resolve_url() == "postgresql+psycopg://u:p@h/db"
    assert resolve_url("sqlite:///x.db") == "sqlite:///x.db"


def test_issue_fixtures_load_and_total_is_sum_of_items(tmp_path: Path) -> None:
    store = fresh(tmp_path)
    assert store.load_fixtures(ISSUE_FIXTURES) > 0
    facts = store.order_facts("10452")
    assert facts is not None
    assert facts.total == pytest.approx(39.90)
    assert facts.customer.time_zone == "Europe/Madrid"
    assert facts.shipment is not None and facts.shipment.status == "customs_hold"
    assert [e.location for e in facts.shipment.events] == ["Shenzhen, CN", "Madrid, ES"]
    assert facts.placed_at == datetime(2026, 11, 8, tzinfo=UTC)
    assert store.order_facts("99999") is None


def test_given_total_wins(tmp_path: Path) -> None:
    data = yaml.safe_load(yaml.safe_dump(ISSUE_FIXTURES))
    data["orders"][0]["total"] = 35.0
    store = fresh(tmp_path)
    store.load_fixtures(data)
    facts = store.order_facts("10452")
    assert facts is not None and facts.total == 35.0


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("orders", 0, "customer"), "C-404", "orders[0] (id 10452): field 'customer': unknown customer"),
        (("orders", 0, "shipment", "status"), "lost", "orders[0] (id 10452): field 'shipment.status'"),
        (("orders", 0, "placed_at"), "2026-13-45", "orders[0] (id 10452): field 'placed_at'"),
        (("orders", 0, "shipment", "events", 1, "at"), "yesterday", "field 'shipment.events.1.at'"),
        (("customers", 0, "country"), "Spain", "customers[0] (id C-7): field 'country'"),
    ],
)
def test_bad_fixture_names_row_and_field_and_loads_nothing(
    tmp_path: Path, path: tuple[Any, ...], value: Any, message: str
) -> None:
    data = yaml.safe_load(yaml.safe_dump(ISSUE_FIXTURES))
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    store = fresh(tmp_path)
    with pytest.raises(FixtureError) as err:
        store.load_fixtures(data)
    assert message in str(err.value)
    assert store.order_ids() == []


def test_failure_late_in_the_load_rolls_back_everything(tmp_path: Path) -> None:
    store = fresh(tmp_path)
    store.load_fixtures(ISSUE_FIXTURES)
    data = {
        "customers": [{"id": "C-8", "name": "New Person"}],
        "orders": [
            {"id": "10452", "customer": "C-8", "placed_at": "2026-11-01", "currency": "EUR", "total": 5}
        ],
    }
    with pytest.raises(FixtureError, match="already in the store"):
        store.load_fixtures(data)
    with store.session() as s:
        from agent.store.models import Customer

        assert s.get(Customer, "C-8") is None


def test_actions_are_idempotent_per_order_and_per_call(tmp_path: Path) -> None:
    store = fresh(tmp_path)
    store.load_fixtures(ISSUE_FIXTURES)
    refund = ActionRequest("refund", "10452", 39.9, "EUR", "damaged")
    first = store.apply([refund, ActionRequest("escalation", "10452", reason="x")], "call-1", [{"t": 1}])
    assert [created for _, created in first] == [True, True]
    again = store.apply([refund, ActionRequest("escalation", "10452")], "call-1")
    assert [created for _, created in again] == [False, False]
    other_call = store.apply([refund], "call-2")
    assert other_call[0][1] is False and other_call[0][0].amount == 39.9
    changes = store.changes_for_call("call-1")
    assert [(a.kind, a.order_id, a.amount, a.currency) for a in changes] == [
        ("refund", "10452", 39.9, "EUR"),
        ("escalation", "10452", None, None),
    ]
    assert store.changes_for_call("call-2") == []
    facts = store.order_facts("10452")
    assert facts is not None and [c.kind for c in facts.changes] == ["refund", "escalation"]


def test_cancel_after_dispatch_is_refused_by_the_store(tmp_path: Path) -> None:
    from agent.store.actions import ActionRefused

    store = fresh(tmp_path)
    store.load_fixtures(ISSUE_FIXTURES)
    with pytest.raises(ActionRefused):
        store.apply([ActionRequest("cancel", "10452", 39.9, "EUR")], "c")
    assert store.changes_for_call("c") == []


def test_call_record_keeps_transcript_latency_and_changes(tmp_path: Path) -> None:
    store = fresh(tmp_path)
    store.load_fixtures(ISSUE_FIXTURES)
    store.apply([ActionRequest("coupon", "10452", 10, "EUR")], "call-9")
    store.record_call("call-9", NOW, NOW, "voice", [{"role": "agent", "text": "hi"}], {"p50_ms": 400})
    from agent.store.models import CallRecord

    with store.session() as s:
        row = s.get(CallRecord, "call-9")
        assert row is not None
        assert row.transcript == [{"role": "agent", "text": "hi"}]
        assert row.latency == {"p50_ms": 400}
        assert row.changes == [{"kind": "coupon", "order_id": "10452", "amount": 10.0, "currency": "EUR"}]


def test_demo_seed_covers_a_dozen_orders_once(tmp_path: Path) -> None:
    store = fresh(tmp_path)
    added = store.seed_demo()
    assert added > 0 and len(store.order_ids()) >= 12
    assert store.seed_demo() == 0
    statuses = set()
    for case in CASES:
        facts = store.order_facts(case.order)
        assert facts is not None
        statuses.add(facts.shipment.status if facts.shipment else None)
    assert statuses >= {
        "label_created",
        "in_transit",
        "customs_hold",
        "out_for_delivery",
        "delivered",
        "exception",
    }


def test_demo_doc_is_in_sync() -> None:
    assert (ROOT / "docs" / "demo-store.md").read_text(encoding="utf-8") == demo_markdown()


def test_unreachable_database_is_store_unavailable() -> None:
    with pytest.raises(StoreUnavailable) as err:
        open_store("postgresql+psycopg://nobody:secret@127.0.0.1:1/none")
    assert "secret" not in str(err.value)


# -- CLI helpers ------------------------------------------------------------------------------------
def test_seed_demo_cli(tmp_path: Path) -> None:
    out = io.StringIO()
    assert seed_demo(f"sqlite:///{tmp_path / 'cli.db'}", out=out) == 0
    assert "seeded" in out.getvalue()
    assert seed_demo(f"sqlite:///{tmp_path / 'cli.db'}", out=out) == 0
    assert "already" in out.getvalue()


def test_load_fixtures_file_ok_and_bad(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    good = tmp_path / "good.yaml"
    good.write_text(yaml.safe_dump({"fixtures": ISSUE_FIXTURES}))
    assert load_fixtures_file(url, good) == 0
    bad = tmp_path / "bad.yaml"
    data = yaml.safe_load(yaml.safe_dump(ISSUE_FIXTURES))
    data["orders"][0]["id"] = "20000"
    data["orders"][0]["shipment"]["status"] = "teleported"
    data["customers"][0]["id"] = "C-70"
    data["orders"][0]["customer"] = "C-70"
    bad.write_text(yaml.safe_dump(data))
    assert load_fixtures_file(url, bad) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "orders[0] (id 20000): field 'shipment.status'" in err[0]
    assert open_store(url).order_ids() == ["10452"]
    broken = tmp_path / "broken.yaml"
    broken.write_text("orders: [\n")
    assert load_fixtures_file(url, broken) == 2
    assert "not valid YAML" in capsys.readouterr().err


def test_chat_repl_resolves_a_call(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'chat.db'}"
    seed_demo(url, out=io.StringIO())
    stdin = io.StringIO("hello\nbye\n")
    stdout = io.StringIO()
    assert run_chat(url, stdin=stdin, stdout=stdout) == 0
    lines = stdout.getvalue().splitlines()
    assert lines[0].startswith("Alex: Hi, this is Alex")
    assert "Goodbye" in lines[-1]


def test_chat_repl_exits_at_end_of_input(tmp_path: Path) -> None:
    stdout = io.StringIO()
    assert run_chat(f"sqlite:///{tmp_path / 'c.db'}", stdin=io.StringIO(""), stdout=stdout) == 0
    assert stdout.getvalue().count("\n") == 1
