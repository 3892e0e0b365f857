"""The tools a chat model may call during a call, with verification and policy enforced inside.

The model is never trusted: nothing about an order leaves :class:`CallTools` before the caller
proved who they are (order number plus the email, phone or postcode on it), and every remedy is
decided by the same pure policy functions as the rule-based dialogue (:mod:`intents.policy.solve`,
thresholds from ``configs/policy.yaml``). A forbidden request gets a refusal result and writes
nothing. Changes go through ``OrderStore.apply`` (idempotent: "already_done"). Results are short
JSON objects with spoken forms of dates and amounts, so the model can read them out as they are.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from intents.dialogue_store import OrderStore
from intents.entities import extract_entities, match_order_id
from intents.llm.tool_specs import NOT_VERIFIED, REMEDIES, SITUATIONS, STORE_DOWN, TOOL_SPECS
from intents.policy import common as common
from intents.policy import orders as orders
from intents.policy import remedy as rem
from intents.policy import solve as solve
from intents.policy.callback import zone_of_text
from intents.policy.config import DialogueConfig
from intents.policy.decide import PROBLEMS
from intents.policy.types import ActionRequest, Decision, DialogueState, OrderFacts, Stage, Turn
from intents.policy.verify import contact_matches
from intents.script import say_amount, say_code_end, say_digits, say_number, say_place
from intents.types import Action, Entities, Intent, IntentResult

log = logging.getLogger(__name__)

def _digits(value: Any) -> str:
    text = str(value or "")[:80]
    raw = re.sub(r"\D", "", text)
    if raw:
        return raw
    found = extract_entities(text)
    return found.order_ids[0] if found.order_ids else found.digits


@dataclass
class CallTools:
    """The tools of one call, and what the call has proven so far."""

    store: OrderStore | None
    config: DialogueConfig
    now: Callable[[], datetime]
    call_id: str
    transcript: list[dict[str, Any]] = field(default_factory=list)
    verified_customers: set[str] = field(default_factory=set)
    last_order: str | None = None  # the last order verified in this call
    verify_failures: int = 0
    order_misses: int = 0
    escalated: bool = False
    ended: bool = False
    actions: list[Action] = field(default_factory=list)  # changes made by this call
    unsaved: list[ActionRequest] = field(default_factory=list)  # callbacks promised while down

    # -- dispatch -----------------------------------------------------------------------------
    def call(self, name: str, arguments: str) -> str:
        """Run one tool call from the model; always returns a JSON string (errors included)."""
        try:
            args = json.loads(arguments or "{}")
        except json.JSONDecodeError:
            return _dump({"error": "bad_arguments", "next": "Call the tool again with JSON arguments."})
        if not isinstance(args, dict):
            return _dump({"error": "bad_arguments"})
        handler = self._handlers().get(name)
        if handler is None:
            return _dump({"error": "unknown_tool", "tools": [t["function"]["name"] for t in TOOL_SPECS]})
        try:
            result = handler(args)
        except Exception as exc:  # noqa: BLE001 - a broken store must not end the call
            log.warning("call %s: tool %s failed (%s)", self.call_id, name, type(exc).__name__)
            result = dict(STORE_DOWN)
        log.info("call %s: tool %s -> %s", self.call_id, name, result.get("status") or result.get("error"))
        return _dump(result)

    def _handlers(self) -> dict[str, Callable[[dict[str, Any]], dict[str, Any]]]:
        return {
            "find_order": self.find_order,
            "verify_caller": self.verify_caller,
            "get_order_status": self.get_order_status,
            "request_remedy": self.request_remedy,
            "escalate_to_human": self.escalate_to_human,
            "end_call": self.end_call,
        }

    # -- tools ----------------------------------------------------------------------------------
    def find_order(self, args: dict[str, Any]) -> dict[str, Any]:
        heard = _digits(args.get("order_number"))
        if self.store is None:
            return dict(STORE_DOWN)
        if not heard:
            return {"status": "no_number", "next": "Ask for the order number, digit by digit."}
        candidates = match_order_id(heard, self.store.order_ids(), 1)
        if candidates and candidates[0] == heard:
            return {"status": "found", "order_number": heard, "spoken": say_digits(heard)}
        # A near miss is never named (order numbers could be harvested): verify_caller looks for
        # it once the caller has given the email, phone number or postcode.
        self.order_misses += 1
        out: dict[str, Any] = {
            "status": "not_found",
            "next": "Say you couldn't find that number and ask for the email, phone number or postcode "
            "on the order; then call verify_caller with the number the caller said.",
        }
        if self.order_misses >= self.config.policy.max_order_number_attempts:
            out["offer_human"] = True
        return out

    def verify_caller(self, args: dict[str, Any]) -> dict[str, Any]:
        limit = self.config.policy.max_verification_attempts
        if self.verify_failures >= limit:
            return {"status": "locked", "offer_human": True, "next": "Offer a colleague; don't verify again."}
        order_id = _digits(args.get("order_number"))
        given = {k: str(args.get(k) or "").strip()[:80] for k in ("email", "phone", "postcode")}
        if not order_id or not any(given.values()):
            return {"error": "missing", "next": "Give the order number and one email, phone or postcode."}
        if self.store is None:
            return dict(STORE_DOWN)
        # the whole-words fallback for alphanumeric postcodes only for a short answer, not a list
        short = given["postcode"] if len(given["postcode"].split()) <= 3 else ""
        facts = self.store.order_facts(order_id)
        near = [] if facts is not None else match_order_id(order_id, self.store.order_ids(), 1)[:3]
        tried = [order_id] if facts is not None else near
        if facts is not None and self._locked(order_id):
            # the same limit across calls as the rule-based policy: only a callback on file
            return {"status": "locked", "offer_human": True,
                    "next": "Say there were too many wrong answers for this order; offer a colleague's "
                    "callback to the number on file. Don't verify again."}
        for oid in tried:
            found = facts if facts is not None else self.store.order_facts(oid)
            if found is None or self._locked(oid):
                continue
            if contact_matches(found.customer, _contact_entities(given), short):
                self.verified_customers.add(found.customer.id)
                self.last_order = found.id
                return {"status": "verified", "order_number": found.id, "spoken": say_digits(found.id)}
        for oid in tried:
            try:
                self.store.record_verify_failure(oid, self.call_id)
            except Exception as exc:  # noqa: BLE001 - never end the call over a counter
                log.warning("call %s: failure not counted (%s)", self.call_id, type(exc).__name__)
        self.verify_failures += 1
        left = max(0, limit - self.verify_failures)
        out: dict[str, Any] = {"status": "mismatch", "tries_left": left}
        if left == 0:
            out["offer_human"] = True
        return out

    def get_order_status(self, args: dict[str, Any]) -> dict[str, Any]:
        facts = self._verified_facts(args.get("order_number"))
        if not isinstance(facts, OrderFacts):
            return facts
        turn = self._turn(Intent.ORDER_STATUS, facts)
        out: dict[str, Any] = {"order_number": facts.id, **_facts_json(facts, turn)}
        status = solve.solve(self._state(facts, Intent.ORDER_STATUS), turn, self.config)
        if not status.requests:
            out["summary"] = status.text
        problem = _situation(args.get("problem"))
        if problem is not None:
            out["policy"] = self._policy_view(facts, problem)
        return out

    def request_remedy(self, args: dict[str, Any]) -> dict[str, Any]:
        kind = str(args.get("kind") or "")
        if kind not in REMEDIES:
            return {"status": "refused", "error": "unknown_kind", "kinds": list(REMEDIES)}
        facts = self._verified_facts(args.get("order_number"))
        if not isinstance(facts, OrderFacts):
            return {"status": "refused", **facts}
        problem = _situation(args.get("reason"))
        if problem is None:
            return {"status": "refused", "error": "unknown_reason", "reasons": list(SITUATIONS)}
        turn = self._turn(problem, facts)
        earlier = facts.has(kind)
        switch = kind == "refund" and rem.reship_unfulfilled(facts, turn.now, self.config)
        if earlier is not None and not switch:
            return {"status": "already_done", **_change_json(earlier.kind, earlier.amount, facts, turn)}
        # The same precondition check as the rule-based policy, before anything else.
        check_kind = "cancel" if problem is Intent.CANCEL_ORDER and kind == "refund" else kind
        check = rem.check_remedy(check_kind, problem, facts, turn.now, self.config)
        if not check.allowed:
            return {"status": "refused", "error": str(check.refusal), "why": rem.refusal_text(check.refusal),
                    **self._policy_view(facts, problem)}
        decision, requests = self._decide(facts, problem, kind)
        if requests is None:
            return {"status": "refused", "error": "policy", **self._policy_view(facts, problem)}
        if args.get("confirmed") is not True:
            money = tuple(r for r in requests if r.kind in rem.MONEY_KINDS)
            summary = rem.describe(money, facts, self.config)
            return {"status": "confirm_first", "say": f"{summary} {rem.CONFIRM_QUESTION}",
                    "next": "Ask the caller; after a yes call request_remedy again with confirmed true."}
        try:
            made = self.persist(requests)
        except Exception as exc:  # noqa: BLE001 - a broken store must not end the call
            log.warning("call %s: change not saved (%s)", self.call_id, type(exc).__name__)
            return dict(STORE_DOWN)
        done = [_change_json(a.kind, a.amount, facts, turn) for a, new in made if new]
        already = [_change_json(a.kind, a.amount, facts, turn) for a, new in made if not new]
        if not done:
            return {"status": "already_done", "changes": already}
        out: dict[str, Any] = {"status": "done", "done": done, "say": _strip_anything_else(decision.text)}
        if already:
            out["already_done"] = already
        return out

    def escalate_to_human(self, args: dict[str, Any]) -> dict[str, Any]:
        facts: OrderFacts | None = None
        if self.last_order is not None and self.store is not None:
            try:
                facts = self.store.order_facts(self.last_order)
            except Exception:  # noqa: BLE001 - escalate without the order
                facts = None
        phone = re.sub(r"[^\d+]", "", str(args.get("phone") or ""))[:20]
        city = str(args.get("city") or "")[:80]
        state = DialogueState(
            order_id=facts.id if facts else None, verified=facts is not None, escalated=self.escalated,
            callback_number=phone if len(phone) >= 7 else "",
            callback_tz=(zone_of_text(city) or "") if city else "",
        )
        turn = Turn(
            text="", understood=IntentResult(Intent.HUMAN_AGENT, 1.0), now=self.now(),
            orders=(facts,) if facts else (),
        )  # fmt: skip
        decision = common.escalate(state, turn, self.config)
        if decision.state.stage in (Stage.AWAIT_CALLBACK_NUMBER, Stage.AWAIT_TIME_ZONE):
            return {"status": "need_details", "ask": decision.text,
                    "next": "Ask this, then call escalate_to_human again with phone and/or city."}
        if not decision.requests:
            return {"status": "already_booked", "say": _strip_anything_else(decision.text)}
        requests = tuple(
            replace(r, reason=f"{r.reason}: {str(args.get('reason') or '')[:200]}".rstrip(": "))
            for r in decision.requests
        )
        self.escalated = True
        try:
            self.persist(requests)
        except Exception as exc:  # noqa: BLE001 - keep the promise; save it when the store is back
            log.warning("call %s: escalation not saved (%s)", self.call_id, type(exc).__name__)
            self.unsaved.extend(r for r in requests if r.kind == "callback")
        return {"status": "booked", "say": _strip_anything_else(decision.text)}

    def end_call(self, args: dict[str, Any]) -> dict[str, Any]:
        self.ended = True
        return {"status": "ok", "next": "Say goodbye with the open-door line; the call ends after it."}

    # -- policy -----------------------------------------------------------------------------------
    def _state(self, facts: OrderFacts, problem: Intent) -> DialogueState:
        return DialogueState(
            stage=Stage.AWAIT_PROBLEM, problem=problem, order_id=facts.id, verified=True,
            verified_customer=facts.customer.id, escalated=self.escalated,
        )  # fmt: skip

    def _turn(self, problem: Intent, facts: OrderFacts) -> Turn:
        return Turn(text="", understood=IntentResult(problem, 1.0), now=self.now(), orders=(facts,))

    def _decide(
        self, facts: OrderFacts, problem: Intent, kind: str
    ) -> tuple[Decision, tuple[ActionRequest, ...] | None]:
        """The rule-based policy's decision for ``problem`` when the caller picks ``kind``: the
        decision and every change it makes, or None when the policy doesn't do ``kind`` here."""
        turn = self._turn(problem, facts)
        first = _agreed(solve.solve(self._state(facts, problem), turn, self.config), turn)
        base = first.requests
        if first.state.stage is Stage.CHOOSE_REMEDY and kind in first.state.options:
            picked = _agreed(solve.remedy(first.state, turn, self.config, kind), turn)
            return picked, base + picked.requests
        if first.state.stage is Stage.CONFIRM_ACTION and first.state.pending == "cancel" and kind == "refund":
            confirmed = orders.confirm(first.state, turn, self.config)
            return confirmed, base + confirmed.requests
        if kind in {r.kind for r in base}:
            return first, base
        return first, None

    def _policy_view(self, facts: OrderFacts, problem: Intent) -> dict[str, Any]:
        """What the policy allows for ``problem``; its own explanation when it allows nothing."""
        turn = self._turn(problem, facts)
        first = _agreed(solve.solve(self._state(facts, problem), turn, self.config), turn)
        allowed = {r.kind for r in first.requests} & set(REMEDIES)
        view: dict[str, Any] = {}
        if first.state.stage is Stage.CHOOSE_REMEDY:
            allowed |= set(first.state.options)
            view["caller_picks_one_of"] = list(first.state.options)
        if first.state.stage is Stage.CONFIRM_ACTION and first.state.pending == "cancel":
            allowed.add("refund")
            view["refund_cancels_the_order"] = True
        view["allowed"] = sorted(allowed)
        if not allowed:
            view["policy_says"] = _strip_anything_else(first.text)
        return view

    # -- helpers ----------------------------------------------------------------------------------
    def _verified_facts(self, order_number: Any) -> OrderFacts | dict[str, Any]:
        order_id = _digits(order_number)
        if self.store is None:
            return dict(STORE_DOWN)
        facts = self.store.order_facts(order_id) if order_id else None
        if facts is None or facts.customer.id not in self.verified_customers:
            return dict(NOT_VERIFIED)  # the same answer whether the order exists or not
        self.last_order = facts.id
        return facts

    def _locked(self, order_id: str) -> bool:
        """Too many wrong verification answers for ``order_id`` in the window, across calls."""
        p = self.config.policy
        since = self.now() - timedelta(hours=p.verify_failure_window_hours)
        try:
            return self.store is not None and self.store.verify_failures_since(order_id, since) >= (
                p.verify_failure_limit
            )
        except Exception as exc:  # noqa: BLE001 - an old store without the table: no lock
            log.warning("call %s: failure count unavailable (%s)", self.call_id, type(exc).__name__)
            return False

    def persist(self, requests: tuple[ActionRequest, ...]) -> list[tuple[Action, bool]]:
        if self.store is None:
            raise RuntimeError("no store")
        results = self.store.apply(requests, self.call_id, self.transcript)
        self.actions.extend(a for a, new in results if new)
        return results


def _agreed(decision: Decision, turn: Turn) -> Decision:
    """A rule-policy proposal as if the caller had said yes (the tool asks for the yes itself)."""
    st = decision.state
    if st.stage is not Stage.CONFIRM_ACTION or st.pending != "remedy":
        return decision
    done = replace(st, stage=Stage.ANYTHING_ELSE, pending="", proposal=(), proposal_text="")
    return Decision(done, st.proposal_text, turn.understood.intent, decision.requests + st.proposal,
                    confirmed=True)


def _situation(value: Any) -> Intent | None:
    try:
        intent = Intent(str(value or "").strip().lower())
    except ValueError:
        return None
    return intent if intent in PROBLEMS else None


def _contact_entities(given: dict[str, str]) -> Entities:
    """One email, one phone and one postcode at most: a list of guesses in one field counts once."""
    email = extract_entities(given["email"]).emails[:1] if given["email"] else ()
    if given["email"] and not email and "@" in given["email"]:
        email = (given["email"].lower(),)
    phone: tuple[str, ...] = ()
    if given["phone"]:
        spoken = extract_entities(given["phone"])
        phone = spoken.phones[:1] or ((spoken.digits,) if spoken.digits else ())
    postcode: tuple[str, ...] = ()
    if given["postcode"]:  # as written, or as spelled out ("S W one A, one A A")
        postcode = (given["postcode"], *extract_entities(given["postcode"]).postcodes[:1])
    return Entities(emails=email, phones=phone, postcodes=postcode)


def _facts_json(facts: OrderFacts, turn: Turn) -> dict[str, Any]:
    out: dict[str, Any] = {
        "placed": common.day(facts.placed_at, turn, facts),
        "items": [f"{say_number(i.qty)} x {i.name}" for i in facts.items],
        "total": say_amount(facts.total, facts.currency),
        "country": facts.customer.country,
    }
    if facts.cancelled:
        out["cancelled"] = True
    ship = facts.shipment
    if ship is not None:
        s: dict[str, Any] = {"carrier": ship.carrier, "status": ship.status}
        s["tracking"] = say_code_end(ship.tracking_number)
        if ship.eta is not None:
            s["eta"] = common.day(ship.eta, turn, facts)
        if ship.delivered_at is not None:
            s["delivered"] = common.day_time(ship.delivered_at, turn, facts)
        if ship.delivery_place:
            s["delivery_place"] = ship.delivery_place
        if ship.events:
            ev = ship.events[-1]
            s["latest_scan"] = {
                "when": common.day(ev.at, turn, facts),
                "where": say_place(ev.location),
                "what": ev.description,
            }
        out["shipment"] = s
    changes = [_change_json(c.kind, c.amount, facts, turn, c.created_at) for c in facts.changes]
    if changes:
        out["changes"] = [c for c in changes if c["kind"] in REMEDIES]
    return out


def _change_json(
    kind: str, amount: float | None, facts: OrderFacts, turn: Turn, at: datetime | None = None
) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": kind}
    if amount is not None:
        out["amount"] = say_amount(amount, facts.currency)
    when = at
    if when is None:
        earlier = facts.has(kind)
        when = earlier.created_at if earlier is not None else None
    if when is not None:
        out["when"] = common.day(when, turn, facts)
    return out


def _strip_anything_else(text: str) -> str:
    return text.replace(common.ANYTHING_ELSE, "").strip()


def _dump(result: dict[str, Any]) -> str:
    return json.dumps(result, ensure_ascii=False, separators=(",", ":"))
