"""Callbacks promised while the store was down survive the call: spooled, then saved (real SQLite)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from dialogue_fakes import keyword_understand
from helpers import NOW

from agent.config import AgentConfig
from agent.dialogue_factory import make_dialogue
from agent.store import Store
from agent.store.spool import CallbackSpool
from intents.dialogue import build_dialogue
from intents.dialogue_store import StoreUnavailable
from intents.policy.types import ActionRequest

CALLBACK = ActionRequest("callback", None, reason="order system unreachable", due_at=NOW + timedelta(hours=2))


class DownStore:
    """Every change fails as an unreachable database does."""

    def apply(self, *args: object, **kwargs: object) -> None:
        raise StoreUnavailable("down")


def test_spool_keeps_callbacks_until_the_store_takes_them(tmp_path: Path, store: Store) -> None:
    spool = CallbackSpool(tmp_path / "spool" / "pending.jsonl")
    spool.add("call-1", [CALLBACK])
    spool.add("call-2", [CALLBACK])
    assert [c for c, _ in spool.pending()] == ["call-1", "call-2"]
    assert spool.pending()[0][1] == CALLBACK  # due time and reason round-trip

    assert spool.replay(DownStore()) == 0
    assert len(spool.pending()) == 2  # nothing lost while the store is still down

    assert spool.replay(store) == 2
    assert spool.pending() == [] and not spool.path.exists()
    assert [a.kind for a in store.changes_for_call("call-1")] == ["callback"]
    spool.add("call-1", [CALLBACK])
    spool.replay(store)  # replayed twice (a crash between save and rewrite): still one callback
    assert [a.kind for a in store.changes_for_call("call-1")] == ["callback"]


def test_unreadable_line_is_skipped_not_fatal(tmp_path: Path) -> None:
    spool = CallbackSpool(tmp_path / "pending.jsonl")
    spool.add("call-1", [CALLBACK])
    with spool.path.open("a", encoding="utf-8") as f:
        f.write("{not json\n")
    spool.add("call-2", [CALLBACK])
    assert [c for c, _ in spool.pending()] == ["call-1", "call-2"]


def test_call_with_no_store_spools_its_promised_callback(tmp_path: Path) -> None:
    spool = CallbackSpool(tmp_path / "pending.jsonl")
    # the phone line reports the caller's number: the callback goes there (else it would be asked)
    d = build_dialogue(None, now=lambda: NOW, call_id="c-down", understand=keyword_understand,
                       spool=spool.add, channel="phone", caller_id="+34911234567")
    d.greeting()
    offer = d.on_final("my parcel is stuck at customs")
    assert "call you back" in offer.text
    d.on_final("yes please")
    d.close()
    assert [(c, r.kind) for c, r in spool.pending()] == [("c-down", "callback")]


def test_next_call_saves_the_spooled_callbacks_first(tmp_path: Path, store: Store) -> None:
    spool = CallbackSpool(tmp_path / "pending.jsonl")
    spool.add("earlier-call", [CALLBACK])
    make_dialogue(AgentConfig(), store, now=lambda: NOW, call_id="next", spool=spool)
    assert spool.pending() == []
    assert [a.kind for a in store.changes_for_call("earlier-call")] == ["callback"]
