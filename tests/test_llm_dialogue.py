"""The language-model option against a scripted OpenAI-compatible server on 127.0.0.1.

The server (aiohttp, in a background thread, on a free port) answers ``POST /v1/chat/completions``
with the next response of a script: assistant messages with tool calls, then text, or an HTTP
error, or a stall. It records every request, so the tests can read what the tools told the model.
Verification and the policy must hold whatever the scripted model asks for.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from helpers import NOW

from agent.store import Store
from intents.llm.config import LlmConfig, llm_config_from_mapping, load_llm_config
from intents.llm.dialogue import FALLBACK, LlmDialogue, build_llm_dialogue, spoken
from intents.llm.tools import CallTools
from intents.policy.config import ConfigError, load_config
from intents.types import Intent

# Words that would disclose something about an order (status, places, dates, items, names, amounts).
LEAKS = {
    "10452": r"madrid|customs|shenzhen|mask|maria|lopez|yunexpress|euro|thirty|november|held|28013",
    "23871": r"mug|sophie|martin|euro|twenty|paris|delivered|november|75011",
    "80427": r"blender|olivia|brown|australian|dollar|delivered|sydney|november",
}


# -- the scripted model server --------------------------------------------------------------------
def call(name: str, **arguments: Any) -> dict[str, Any]:
    """A scripted assistant message calling one tool."""
    return {"tool_calls": [(name, arguments)]}


def calls(*pairs: tuple[str, dict[str, Any]]) -> dict[str, Any]:
    """A scripted assistant message calling several tools at once."""
    return {"tool_calls": list(pairs)}


def say(text: str) -> dict[str, Any]:
    return {"content": text}


class ScriptedModel:
    """An OpenAI-compatible chat completions endpoint playing a list of responses."""

    def __init__(self) -> None:
        self.script: list[dict[str, Any]] = []
        self.requests: list[dict[str, Any]] = []
        self._ids = itertools.count(1)
        self._ready = threading.Event()
        self._loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None
        self._thread = threading.Thread(target=self._serve, name="scripted-model", daemon=True)
        self.port = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> ScriptedModel:
        self._thread.start()
        assert self._ready.wait(10), "scripted model server did not start"
        return self

    def stop(self) -> None:
        async def _stop() -> None:
            if self._runner is not None:
                await self._runner.cleanup()

        asyncio.run_coroutine_threadsafe(_stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def play(self, *steps: dict[str, Any]) -> None:
        self.script.extend(steps)

    def tool_results(self) -> list[dict[str, Any]]:
        """Every tool result the model was sent, in order, once each: name, arguments, result."""
        seen: dict[str, dict[str, Any]] = {}
        for body in self.requests:
            pending: dict[str, tuple[str, Any]] = {}
            for m in body["messages"]:
                for c in m.get("tool_calls") or []:
                    fn = c["function"]
                    pending[c["id"]] = (fn["name"], json.loads(fn["arguments"] or "{}"))
                if m["role"] == "tool" and m["tool_call_id"] not in seen:
                    name, args = pending[m["tool_call_id"]]
                    seen[m["tool_call_id"]] = {"name": name, "args": args, "result": json.loads(m["content"])}
        return list(seen.values())

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._completions)
        self._runner = web.AppRunner(app, shutdown_timeout=0.2)
        self._loop.run_until_complete(self._runner.setup())
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        self._loop.run_until_complete(site.start())
        self.port = self._runner.addresses[0][1]
        self._ready.set()
        self._loop.run_forever()

    async def _completions(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.requests.append(body)
        step = self.script.pop(0) if self.script else say("Is there anything else I can help with?")
        if "status" in step:
            return web.json_response(
                {"error": {"message": "boom", "type": "server_error"}}, status=step["status"]
            )
        if "sleep" in step:
            await asyncio.sleep(step["sleep"])
            step = step.get("then") or say("too late")
        message: dict[str, Any] = {"role": "assistant", "content": step.get("content")}
        finish = "stop"
        if step.get("tool_calls"):
            message["tool_calls"] = [
                {
                    "id": f"call_{next(self._ids)}",
                    "type": "function",
                    "function": {"name": name, "arguments": json.dumps(args)},
                }
                for name, args in step["tool_calls"]
            ]
            finish = "tool_calls"
        return web.json_response(
            {
                "id": f"chatcmpl-{next(self._ids)}",
                "object": "chat.completion",
                "created": 0,
                "model": body.get("model", "scripted"),
                "choices": [{"index": 0, "message": message, "finish_reason": finish}],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
            }
        )


@pytest.fixture
def model(monkeypatch: pytest.MonkeyPatch) -> Iterator[ScriptedModel]:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    server = ScriptedModel().start()
    yield server
    server.stop()


def dialogue(
    store: Store | None, model: ScriptedModel, call_id: str = "llm-call-1", **kw: Any
) -> LlmDialogue:
    config = LlmConfig(llm="openai", base_url=model.base_url, model="scripted", **kw)
    d = build_llm_dialogue(store, config, now=lambda: NOW, call_id=call_id)
    d.greeting()
    return d


def kinds(store: Store, call_id: str = "llm-call-1") -> list[str]:
    return [a.kind for a in store.changes_for_call(call_id)]


def assert_no_leak(order: str, text: str) -> None:
    found = re.search(LEAKS[order], text.lower())
    assert found is None, f"leaked {found.group(0)!r} in {text!r}"


# -- (1) a verified caller gets a refund ----------------------------------------------------------
def test_verified_caller_gets_refund_through_tools(store: Store, model: ScriptedModel) -> None:
    d = dialogue(store, model)
    model.play(say("I'm so sorry your mugs arrived broken. What's your order number?"))
    r1 = d.on_final("My mugs arrived broken.")
    assert r1.intent is Intent.DAMAGED_ITEM and "sorry" in r1.text
    model.play(
        call("find_order", order_number="23871"),
        say("Order two three eight seven one, thanks. What's the postcode on it?"),
    )
    d.on_final("two three eight seven one")
    model.play(
        call("verify_caller", order_number="23871", postcode="75011"),
        call("request_remedy", order_number="23871", kind="refund", reason="damaged_item"),
        say("I'll refund the full amount and add a coupon. Shall I go ahead?"),
    )
    r2 = d.on_final("75011")
    assert r2.actions == ()  # nothing moves before the caller's yes
    asked = model.tool_results()[-1]["result"]
    assert asked["status"] == "confirm_first" and "Shall I go ahead?" in asked["say"]
    assert "coupon" in asked["say"]
    model.play(
        call("request_remedy", order_number="23871", kind="refund", reason="damaged_item", confirmed=True),
        say("**Done.** I've refunded the full amount.\n- You keep the mugs."),
    )
    r3 = d.on_final("yes please")
    assert r3.text == "Done. I've refunded the full amount. You keep the mugs."  # markdown stripped
    assert [a.kind for a in r3.actions] == ["refund", "coupon"]  # the policy's "more than expected"
    results = model.tool_results()
    assert [t["result"]["status"] for t in results] == ["found", "verified", "confirm_first", "done"]
    done = results[-1]["result"]
    assert [c["kind"] for c in done["done"]] == ["refund", "coupon"]
    assert done["done"][0]["amount"] == "twenty-four euros and ninety cents"
    assert "don't need to send anything back" in done["say"]

    # asked again (the model repeats itself): idempotent, nothing new
    model.play(
        call("request_remedy", order_number="23871", kind="refund", reason="damaged_item"),
        say("That refund is already done."),
    )
    r4 = d.on_final("so the refund is done?")
    assert r4.actions == ()
    assert model.tool_results()[-1]["result"]["status"] == "already_done"
    model.play(calls(("end_call", {})), say("unused"))
    bye = d.on_final("no, that's all, bye")
    assert bye.end_call and "any time" in bye.text and bye.intent is Intent.GOODBYE
    d.close(channel="text")
    assert kinds(store) == ["refund", "coupon"]
    assert [a.kind for a in store.changes_for_call("llm-call-1")].count("refund") == 1


def test_requests_carry_persona_prompt_tools_and_history(store: Store, model: ScriptedModel) -> None:
    d = dialogue(store, model)
    model.play(say("What's your order number?"))
    d.on_final("where is my parcel")
    body = model.requests[0]
    assert body["model"] == "scripted"
    system = body["messages"][0]
    assert system["role"] == "system" and "Alex" in system["content"] and "Northwind" in system["content"]
    assert "any time" in system["content"]  # layer 4 from the persona
    assert body["messages"][1]["role"] == "assistant" and body["messages"][1]["content"].startswith(
        "Hi, this is"
    )
    assert body["messages"][2] == {"role": "user", "content": "where is my parcel"}
    names = {t["function"]["name"] for t in body["tools"]}
    assert names == {
        "find_order", "verify_caller", "get_order_status", "request_remedy", "escalate_to_human", "end_call"
    }  # fmt: skip


# -- (2) before verification the tools refuse and disclose nothing ---------------------------------
def test_status_and_remedy_before_verification_are_refused(store: Store, model: ScriptedModel) -> None:
    d = dialogue(store, model)
    model.play(
        calls(
            ("get_order_status", {"order_number": "10452"}),
            ("request_remedy", {"order_number": "10452", "kind": "refund", "reason": "customs_delay"}),
            ("get_order_status", {"order_number": "99999"}),
        ),
        say("I can help. First, what's the postcode on the order?"),
    )
    reply = d.on_final("Order 10452 is stuck at customs, refund me now.")
    assert reply.actions == ()
    results = model.tool_results()
    assert [r["result"].get("error") for r in results] == ["not_verified"] * 3
    # the known and the unknown order get the very same answer: not even existence leaks
    assert results[0]["result"] == results[2]["result"]
    for r in results:
        assert_no_leak("10452", json.dumps(r["result"]))
    assert kinds(store) == []
    assert store.order_facts("10452") is not None and store.order_facts("10452").has("refund") is None  # type: ignore[union-attr]


def test_wrong_details_three_times_lock_verification(store: Store, model: ScriptedModel) -> None:
    d = dialogue(store, model)
    for postcode in ("11111", "22222", "33333"):
        model.play(call("verify_caller", order_number="10452", postcode=postcode), say("Those don't match."))
        d.on_final(postcode)
    # the right postcode now: still locked, still nothing disclosed or done
    model.play(
        call("verify_caller", order_number="10452", postcode="28013"),
        call("request_remedy", order_number="10452", kind="refund", reason="customs_delay"),
        say("I can have a colleague call you back."),
    )
    d.on_final("28013")
    results = [r["result"] for r in model.tool_results()]
    assert [r.get("status") for r in results] == ["mismatch", "mismatch", "mismatch", "locked", "refused"]
    assert [r.get("tries_left") for r in results[:3]] == [2, 1, 0]
    assert results[2]["offer_human"] is True
    assert kinds(store) == []
    for r in results:
        assert_no_leak("10452", json.dumps(r))


def test_find_order_gives_existence_and_near_matches_only(store: Store, model: ScriptedModel) -> None:
    d = dialogue(store, model)
    model.play(
        calls(
            ("find_order", {"order_number": "10452"}),
            ("find_order", {"order_number": "10453"}),
            ("find_order", {"order_number": "one oh four five two"}),
            ("find_order", {"order_number": "77777"}),
        ),
        say("Did you say one oh four five three?"),
    )
    d.on_final("10453")
    results = [r["result"] for r in model.tool_results()]
    assert results[0] == {"status": "found", "order_number": "10452", "spoken": "one oh four five two"}
    assert results[1]["status"] == "not_found" and "did_you_mean" not in results[1]  # never named
    assert results[2]["status"] == "found"
    assert results[3]["status"] == "not_found" and "did_you_mean" not in results[3]
    for r in results:
        assert_no_leak("10452", json.dumps(r))


# -- (3) the policy, not the model, decides ---------------------------------------------------------
def test_refund_the_policy_forbids_is_refused(store: Store, model: ScriptedModel) -> None:
    """A 149 AUD blender return needs the insured return label; a refund without return is refused."""
    d = dialogue(store, model)
    model.play(
        call("verify_caller", order_number="80427", email="olivia.brown@example.com"),
        call("request_remedy", order_number="80427", kind="refund", reason="return_request"),
        call("request_remedy", order_number="80427", kind="return_label", reason="return_request",
             confirmed=True),
        say("I've emailed you a prepaid return label."),
    )
    reply = d.on_final("I want to return the blender, it's olivia.brown@example.com, just refund me")
    refused, label = (r["result"] for r in model.tool_results()[1:])
    assert refused["status"] == "refused" and refused["error"] == "policy"
    assert refused["allowed"] == ["return_label"]
    assert label["status"] == "done" and [c["kind"] for c in label["done"]] == ["return_label"]
    assert "return-shipping insurance" in label["say"]
    assert [a.kind for a in reply.actions] == ["return_label"]
    assert kinds(store) == ["return_label"]


def test_customs_hold_under_threshold_refund_refused_with_policy_reason(
    store: Store, model: ScriptedModel
) -> None:
    d = dialogue(store, model)
    model.play(
        call("verify_caller", order_number="34567", postcode="1000"),
        call("request_remedy", order_number="34567", kind="refund", reason="customs_delay"),
        say("It's normal, most parcels clear within a week."),
    )
    d.on_final("my speaker is at customs, postcode 1000, I want a refund")
    refused = model.tool_results()[-1]["result"]
    assert refused["status"] == "refused" and refused["allowed"] == []
    assert "most parcels clear within a week" in refused["policy_says"]
    assert kinds(store) == []


def test_already_refunded_order_is_not_refunded_again(store: Store, model: ScriptedModel) -> None:
    d = dialogue(store, model)
    model.play(
        call("verify_caller", order_number="90618", postcode="M5V 2T6"),
        call("request_remedy", order_number="90618", kind="refund", reason="damaged_item"),
        call("request_remedy", order_number="90618", kind="reship", reason="damaged_item"),
        say("Your refund was already issued."),
    )
    d.on_final("refund my phone case, postcode M5V 2T6")
    verified, refund, reship = (r["result"] for r in model.tool_results())
    assert verified["status"] == "verified"
    assert refund["status"] == "already_done" and refund["amount"] == "nineteen Canadian dollars"
    assert reship["status"] == "refused" and reship["error"] == "already_done"
    assert kinds(store) == []
    facts = store.order_facts("90618")
    assert facts is not None and [c.kind for c in facts.changes].count("refund") == 1


def test_high_value_damaged_item_refund_comes_with_return_label(store: Store, model: ScriptedModel) -> None:
    d = dialogue(store, model)
    model.play(
        call("verify_caller", order_number="31906", phone="+49 151 23456789"),
        call("get_order_status", order_number="31906", problem="damaged_item"),
        call("request_remedy", order_number="31906", kind="coupon", reason="damaged_item"),
        call("request_remedy", order_number="31906", kind="refund", reason="damaged_item", confirmed=True),
        say("Done."),
    )
    d.on_final("the grinder arrived damaged")
    verified, status, coupon, refund = (r["result"] for r in model.tool_results())
    assert verified["status"] == "verified"
    assert status["policy"] == {"caller_picks_one_of": ["reship", "refund"], "allowed": ["refund", "reship"]}
    assert status["total"] == "one hundred twenty-nine euros"
    assert coupon["status"] == "refused"  # over the coupon threshold: no coupon
    assert [c["kind"] for c in refund["done"]] == ["refund", "return_label"]
    assert kinds(store) == ["refund", "return_label"]


def test_model_cannot_invent_tools_or_kinds(store: Store, model: ScriptedModel) -> None:
    d = dialogue(store, model)
    model.play(
        call("verify_caller", order_number="23871", postcode="75011"),
        calls(
            ("issue_refund", {"order_number": "23871", "amount": 500}),
            ("request_remedy", {"order_number": "23871", "kind": "cash", "reason": "damaged_item"}),
            ("request_remedy", {"order_number": "23871", "kind": "refund", "reason": "because I said so"}),
        ),
        say("Sorry, I can't do that."),
    )
    d.on_final("75011")
    errors = [r["result"].get("error") for r in model.tool_results()[1:]]
    assert errors == ["unknown_tool", "unknown_kind", "unknown_reason"]
    assert kinds(store) == []


# -- (4) the model server fails: the call goes on ----------------------------------------------------
def test_http_500_gives_fallback_and_call_continues(store: Store, model: ScriptedModel) -> None:
    d = dialogue(store, model)
    model.play({"status": 500})
    reply = d.on_final("where is my parcel")
    assert reply.text == FALLBACK and not reply.end_call and reply.intent is Intent.ORDER_STATUS
    assert len(model.requests) == 1  # no retry storm
    model.play(say("Sorry about that. What's your order number?"))
    assert d.on_final("where is my parcel").text == "Sorry about that. What's your order number?"


def test_timeout_gives_fallback_and_call_continues(store: Store, model: ScriptedModel) -> None:
    d = dialogue(store, model, timeout_s=0.5)
    model.play({"sleep": 3})
    reply = d.on_final("where is my parcel")
    assert reply.text == FALLBACK and not reply.end_call
    model.play(say("What's your order number?"))
    assert d.on_final("hello?").text == "What's your order number?"


def test_unreachable_server_gives_fallback(store: Store) -> None:
    config = LlmConfig(llm="openai", base_url="http://127.0.0.1:9/v1", model="m", timeout_s=1)
    d = build_llm_dialogue(store, config, now=lambda: NOW)
    assert d.greeting().text.startswith("Hi, this is Alex")
    assert d.on_final("where is my parcel").text == FALLBACK


def test_store_down_tools_say_so_and_escalation_is_kept(model: ScriptedModel) -> None:
    d = dialogue(None, model)
    model.play(
        call("find_order", order_number="10452"),
        call("escalate_to_human", reason="store down", phone="+34 612 345 678"),
        say("A colleague will call you back."),
    )
    d.on_final("10452")
    found, booked = (r["result"] for r in model.tool_results())
    assert found["error"] == "store_unavailable"
    assert booked["status"] == "booked" and "call you" in booked["say"] and "your time" in booked["say"]
    assert [r.kind for r in d.tools.unsaved] == ["callback"]


# -- (5) what the model was told before verification --------------------------------------------------
def test_tool_results_before_verification_hold_no_order_details(store: Store, model: ScriptedModel) -> None:
    d = dialogue(store, model)
    model.play(call("find_order", order_number="10452"), say("And the postcode on the order?"))
    d.on_final("my parcel is stuck, order one oh four five two")
    model.play(
        call("verify_caller", order_number="10452", postcode="99999"),
        call("get_order_status", order_number="10452", problem="customs_delay"),
        say("Sorry, that doesn't match."),
    )
    d.on_final("99999")
    model.play(
        call("verify_caller", order_number="10452", email="maria@example.com"),
        call("get_order_status", order_number="10452", problem="customs_delay"),
        say("It's been held at customs in Madrid for twelve days."),
    )
    d.on_final("maria at example dot com")
    results = model.tool_results()
    first_ok = next(i for i, r in enumerate(results) if r["result"].get("status") == "verified")
    assert first_ok == 3
    for r in results[:first_ok]:
        assert_no_leak("10452", json.dumps(r["result"]))
    # after verification the facts do come, in spoken form
    status = results[-1]["result"]
    assert status["shipment"]["status"] == "customs_hold"
    assert status["shipment"]["latest_scan"]["where"] == "Madrid"
    assert status["policy"]["caller_picks_one_of"] == ["reship", "refund"]
    assert "maria@example.com" not in json.dumps(status) and "28013" not in json.dumps(status)
    # and every request sent to the model, as it went over the wire, agrees
    for body in model.requests[:3]:
        wire = json.dumps([m for m in body["messages"] if m["role"] == "tool"])
        assert_no_leak("10452", wire)


# -- the rest of the DialogueManager ---------------------------------------------------------------------
def test_barge_in_keeps_only_what_was_heard(store: Store, model: ScriptedModel) -> None:
    d = dialogue(store, model)
    long = "It's on its way with YunExpress. The latest scan was yesterday, in Madrid."
    model.play(say(long))
    d.on_final("where is my parcel")
    d.on_heard(long, "It's on its way")
    model.play(say("Sure."))
    d.on_final("wait, actually I want a refund")
    sent = model.requests[-1]["messages"]
    assert any(m["role"] == "assistant" and m["content"].startswith("It's on its way...") for m in sent)
    assert not any(m.get("content") == long for m in sent)
    assert any(t.get("interrupted") for t in d.transcript)


def test_keypad_digits_become_a_turn(store: Store, model: ScriptedModel) -> None:
    d = dialogue(store, model)
    model.play(say("Order two three eight seven one, thanks."))
    assert d.on_dtmf("2") is None and d.on_dtmf("3871") is None
    reply = d.on_dtmf("#")
    assert reply is not None and reply.text.startswith("Order two three")
    assert model.requests[-1]["messages"][-1]["content"].endswith("23871")


def test_spoken_text_cleanup() -> None:
    assert spoken("## Refund\n* **Done**: order 10452 refunded.\n1. Keep it") == (
        "Refund. Done: order one oh four five two refunded. Keep it."
    )
    assert spoken("See [the site](http://x.y) for `YT24`.") == "See the site for YT24."
    assert spoken("It costs 39.90 euros in 2026.") == "It costs 39.90 euros in 2026."


def test_goodbye_always_leaves_the_door_open(store: Store, model: ScriptedModel) -> None:
    d = dialogue(store, model)
    model.play({"content": "Glad I could help. Goodbye!", "tool_calls": [("end_call", {})]})
    bye = d.on_final("that's all, thanks")
    assert bye.end_call
    assert bye.text == "Glad I could help. If anything else comes up, just call back, any time. Goodbye."
    assert len(model.requests) == 1  # hung up without asking the model again


def test_call_record_is_saved(store: Store, model: ScriptedModel) -> None:
    d = dialogue(store, model, call_id="llm-rec")
    model.play(say("What's your order number?"))
    d.on_final("where is my parcel")
    d.close(channel="text")
    with store.session() as s:
        from agent.store.models import CallRecord

        row = s.get(CallRecord, "llm-rec")
        assert row is not None and [t["speaker"] for t in row.transcript] == ["agent", "caller", "agent"]


# -- config --------------------------------------------------------------------------------------------
def test_default_config_is_off_and_needs_no_network() -> None:
    config = load_llm_config()
    assert config.llm == "none" and not config.enabled


def test_config_shapes_and_errors(tmp_path: Path) -> None:
    flat = llm_config_from_mapping({"llm": "openai", "base_url": "http://127.0.0.1:8000/v1/", "model": "m"})
    assert flat.enabled and flat.base_url == "http://127.0.0.1:8000/v1" and flat.timeout_s == 8
    nested = llm_config_from_mapping({"llm": {"provider": "openai", "model": "m", "timeout_s": 3}})
    assert nested.enabled and nested.timeout_s == 3 and nested.api_key_env == "OPENAI_API_KEY"
    bad = tmp_path / "llm.yaml"
    bad.write_text("llm: openai\ntimeout_s: -1\n")
    with pytest.raises(ConfigError, match=r"llm.yaml: field 'timeout_s'"):
        load_llm_config(bad)
    bad.write_text("llm: claude\n")
    with pytest.raises(ConfigError, match=r"field 'llm'"):
        load_llm_config(bad)
    bad.write_text("llm: openai\nbase_url: ftp://x\n")
    with pytest.raises(ConfigError, match=r"field 'base_url'"):
        load_llm_config(bad)


def test_api_key_from_environment() -> None:
    remote = LlmConfig(llm="openai", api_key_env="MY_KEY")
    assert remote.api_key({"MY_KEY": "sk-1"}) == "sk-1"
    with pytest.raises(ConfigError, match="MY_KEY"):
        remote.api_key({})
    local = LlmConfig(llm="openai", base_url="http://localhost:8000/v1")
    assert local.api_key({}) == "no-key"


def test_tools_work_without_a_model(store: Store) -> None:
    tools = CallTools(store, load_config(), lambda: NOW, "direct")
    assert json.loads(tools.call("get_order_status", '{"order_number": "23871"}'))["error"] == "not_verified"
    assert json.loads(tools.call("verify_caller", "not json"))["error"] == "bad_arguments"
    ok = json.loads(
        tools.call("verify_caller", '{"order_number": "23871", "email": "Sophie.Martin@example.com"}')
    )
    assert ok["status"] == "verified"
    # a list of guesses in one field is one guess
    tools2 = CallTools(store, load_config(), lambda: NOW, "direct2")
    many = json.dumps({"order_number": "23871", "postcode": "11111 75011 22222"})
    assert json.loads(tools2.call("verify_caller", many))["status"] == "mismatch"


def test_near_miss_number_is_found_only_through_the_verification_factor(
    store: Store, model: ScriptedModel
) -> None:
    d = dialogue(store, model)
    model.play(
        calls(
            ("find_order", {"order_number": "10451"}),
            ("verify_caller", {"order_number": "10451", "email": "james.carter@example.com"}),
            ("verify_caller", {"order_number": "10451", "email": "maria@example.com"}),
        ),
        say("Thanks, that matches order one oh four five two."),
    )
    d.on_final("10451, my email is maria@example.com")
    found, wrong, right = (r["result"] for r in model.tool_results())
    assert found["status"] == "not_found"
    assert_no_leak("10452", json.dumps(found))
    assert wrong["status"] == "mismatch"
    assert_no_leak("10452", json.dumps(wrong))
    assert right["status"] == "verified" and right["order_number"] == "10452"


def test_wrong_answers_are_limited_across_calls_in_the_tools(store: Store, model: ScriptedModel) -> None:
    for _ in range(5):
        store.record_verify_failure("10452", "earlier-call")
    d = dialogue(store, model)
    model.play(
        call("verify_caller", order_number="10452", email="maria@example.com"),  # right, but locked
        say("For your security I can only offer a callback to the number on file."),
    )
    d.on_final("it's 10452, maria@example.com")
    locked = model.tool_results()[-1]["result"]
    assert locked["status"] == "locked" and locked["offer_human"] is True
    assert_no_leak("10452", json.dumps(locked))
