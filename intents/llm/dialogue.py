"""The language-model option: replies from any OpenAI-compatible chat model, with tool calls.

:class:`LlmDialogue` implements :class:`~intents.types.DialogueManager` like the rule-based
:class:`~intents.dialogue.RuleDialogue`, but a chat model writes the replies and calls the tools of
:mod:`intents.llm.tools` for lookups and actions. Verification and the after-sales policy are
enforced inside those tools, never trusted to the model. The model server's trouble (a timeout, an
HTTP error, a malformed answer) never ends the call: the caller hears a short apology and the next
turn tries again. Logs carry stages and tool names, never what the caller said.

Build one per call with :func:`build_llm_dialogue`.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

import openai

from intents.dialogue import system_now
from intents.dialogue_store import OrderStore, Spool, spool_unsaved
from intents.llm.config import LlmConfig
from intents.llm.tool_specs import TOOL_SPECS
from intents.llm.tools import CallTools
from intents.policy import decide as policy
from intents.policy.common import close as close_decision
from intents.policy.common import local
from intents.policy.config import DialogueConfig, load_config
from intents.policy.text import clean_caller_text
from intents.policy.types import DialogueState
from intents.script import say_date, say_digits
from intents.types import Action, Intent, IntentResult, Reply

log = logging.getLogger(__name__)

FALLBACK = "Sorry, I'm having trouble on my side. Could you say that again?"
Understand = Callable[[str], IntentResult]

_PROMPT = """\
You are {agent}, the {team} agent of {store}, on a phone call. Everything you write is spoken \
aloud by a voice, so write only what you would say.

How you speak:
- Short spoken sentences, the first one very short. At most three or four sentences a turn.
- Plain words only: no markdown, lists, headings, emojis or symbols.
- Numbers as a person says them: order numbers digit by digit ("one oh four five two"), amounts \
and dates in words. The tools give spoken forms; use them as they are.

Every call follows four layers:
1. Opener (already said): "{greeting}"
2. Restate the caller's problem specifically and check it. Don't assume: never offer a return to \
someone who only asked where their parcel is.
3. A clear solution: what happens, when, and what the caller must do. Never "we'll handle it soon".
4. Close with an open door: "{open_door}" Then call end_call.

Rules:
- You know nothing about any order except what the tools return. Never guess or invent facts.
- First the order number: check it with find_order. If it is not found, ask for the email, \
phone number or postcode and call verify_caller with the number heard: it finds a near match. \
Otherwise ask for the email, phone number or postcode on the order and call \
verify_caller. Only after "verified" call get_order_status or request_remedy.
- On a mismatch say the details don't match, reveal nothing, and let the caller try again. When \
a tool says offer_human, offer a colleague; if the caller agrees, call escalate_to_human.
- The tools decide remedies by the shop's policy. Call request_remedy with what the caller \
picked; it first returns what would happen: say it, ask "Shall I go ahead?", and only after a yes \
call it again with confirmed true. If it is refused, explain kindly and offer what is allowed. \
Never say a refund, replacement or coupon is done unless the tool said done.
- Damaged or wrong item: apologise first.
- The caller asks for a person, or a tool says store_unavailable: call escalate_to_human and say \
when they will be called back.
- Speech is transcribed by a machine and digits are often misheard: confirm what you heard.
- Never read out the customer's email, phone number, postcode or address. Never mention tools.
Today is {today}."""

_MARKDOWN = (
    (re.compile(r"```.*?```", re.S), " "),
    (re.compile(r"!?\[([^\]]*)\]\([^)]*\)"), r"\1"),  # links and images: keep the words
    (re.compile(r"^\s{0,3}#{1,6}\s*", re.M), ""),  # headings
    (re.compile(r"^\s*(?:[-*+\u2022]|\d+[.)])\s+", re.M), ""),  # list bullets
    (re.compile(r"(\*\*|__|\*|`|~~)"), ""),
    (re.compile(r"(?<=\w)_(?=\w)"), " "),
    (re.compile(r"[\U0001F300-\U0001FAFF\u2600-\u27BF]"), ""),  # emoji
)
_OPEN_DOOR = re.compile(r"any ?time|call (us )?back|get in touch|contact us", re.I)
_BYE = re.compile(r"[\s,.!]*\b(good)?bye[.!]*\s*$", re.I)
_LONG_DIGITS = re.compile(r"(?<![\d.,])\d{5,}(?![\d.,]*\d)")


def spoken(text: str) -> str:
    """Model text made speakable: markdown stripped, lines joined as sentences, codes digit by digit."""
    out = text or ""
    for pattern, repl in _MARKDOWN:
        out = pattern.sub(repl, out)
    lines = [ln.strip() for ln in out.splitlines() if ln.strip()]
    out = " ".join(ln if ln[-1] in ".?!:;," else ln + "." for ln in lines)
    out = _LONG_DIGITS.sub(lambda m: say_digits(m.group(0)), out)
    return re.sub(r"\s+", " ", out).strip()


def _default_understand(text: str) -> IntentResult:
    from intents.nlu import understand

    return understand(text)


class LlmDialogue:
    """The chat-model dialogue manager of one call (implements ``DialogueManager``)."""

    def __init__(
        self,
        store: OrderStore | None,
        llm: LlmConfig,
        client: Any,
        config: DialogueConfig,
        now: Callable[[], datetime],
        call_id: str,
        understand: Understand | None = None,
        spool: Spool | None = None,
    ) -> None:
        self.store = store
        self.spool = spool
        self.llm = llm
        self.client = client  # an openai.OpenAI (or anything with .chat.completions.create)
        self.config = config
        self.now = now
        self.call_id = call_id
        self.transcript: list[dict[str, Any]] = []
        self.tools = CallTools(store, config, now, call_id, self.transcript)
        self.messages: list[dict[str, Any]] = [{"role": "system", "content": self.system_prompt()}]
        self.started_at: datetime | None = None
        self._understand = understand or _default_understand
        self._keys = ""

    @property
    def actions(self) -> list[Action]:
        """Every change this call made in the store."""
        return self.tools.actions

    @property
    def ended(self) -> bool:
        """True once the model hung up."""
        return self.tools.ended

    def system_prompt(self) -> str:
        p = self.config.persona
        today = local(self.now(), p.default_time_zone)
        return _PROMPT.format(
            agent=p.agent_name, team=p.team, store=p.store_name, greeting=policy.greeting(self.config),
            open_door=p.open_door, today=f"{say_date(today)}, {today.year}",
        )  # fmt: skip

    # -- DialogueManager -------------------------------------------------------------------------
    def greeting(self) -> Reply:
        """Layer 1, the same opener as the rule-based dialogue (no model request)."""
        self.started_at = self.started_at or self.now()
        text = policy.greeting(self.config)
        self.messages.append({"role": "assistant", "content": text})
        self._log("agent", text)
        return Reply(text=text, intent=Intent.GREET)

    def on_partial(self, text: str) -> None:
        """Interim transcripts are ignored: the model answers whole turns."""

    def on_final(self, text: str, language: str | None = None) -> Reply:
        """One caller turn in, one spoken reply out (tool calls in between). The model answers in
        the language it is addressed in; ``language`` is not used yet."""
        self.started_at = self.started_at or self.now()
        text = clean_caller_text(text, self.config.policy.max_text_chars)  # before the model sees it
        intent = self._understand(text).intent
        self._log("caller", text, intent=intent.value)
        return self._turn(text, intent)

    def answers(self, text: str) -> bool:
        """The model's question is free text: turns end on silence."""
        return False

    def on_heard(self, reply_text: str, heard_text: str) -> None:
        """Barge-in: the model's history keeps only what the caller actually heard."""
        for entry in reversed(self.transcript):
            if entry["speaker"] == "agent" and entry["text"] == reply_text:
                entry["heard"] = heard_text
                entry["interrupted"] = True
                break
        for message in reversed(self.messages):
            if message["role"] == "assistant" and message.get("content") == reply_text:
                cut = heard_text.strip()
                message["content"] = f"{cut}... (the caller interrupted me here)" if cut else "..."
                break

    def on_dtmf(self, digits: str) -> Reply | None:
        """Keypad: digits collect until ``#`` (``*`` clears); then they are a caller turn."""
        for key in digits:
            if key == "*":
                self._keys = ""
            elif key == "#":
                typed, self._keys = self._keys, ""
                if typed:
                    self._log("caller", f"(keypad) {typed}", intent=Intent.OTHER.value)
                    return self._turn(f"(typed on the keypad) {typed}", Intent.OTHER)
            elif key.isdigit():
                self._keys += key
        return None

    # -- the call record ---------------------------------------------------------------------------
    def close(self, channel: str = "voice", latency: dict[str, Any] | None = None) -> list[Action]:
        """Save the call record (and callbacks promised while the store was down); the changes."""
        try:
            if self.store is not None:
                if self.tools.unsaved:
                    self.tools.persist(tuple(self.tools.unsaved))
                    self.tools.unsaved.clear()
                started = self.started_at or self.now()
                self.store.record_call(self.call_id, started, self.now(), channel, self.transcript, latency)
        except Exception as exc:  # noqa: BLE001 - the call is over; never crash the pipeline
            log.warning("call %s: record not saved (%s)", self.call_id, type(exc).__name__)
        spool_unsaved(self.call_id, self.tools.unsaved, self.spool)
        closer = getattr(self.client, "close", None)
        if callable(closer):
            with contextlib.suppress(Exception):
                closer()
        return list(self.actions)

    # -- internals ---------------------------------------------------------------------------------
    def _turn(self, user_text: str, intent: Intent) -> Reply:
        self.messages.append({"role": "user", "content": user_text})
        made_before = len(self.tools.actions)
        text = self._run_model()
        made = tuple(self.tools.actions[made_before:])
        end_call = self.tools.ended
        if end_call:
            text = self._open_door(text)
        text = text or FALLBACK
        self.messages.append({"role": "assistant", "content": text})
        self._log("agent", text)
        return Reply(text=text, intent=intent, actions=made, end_call=end_call)

    def _open_door(self, text: str) -> str:
        """Layer 4 whatever the model said: the goodbye leaves the door open."""
        if not text:
            return close_decision(DialogueState(), self.config).text
        if _OPEN_DOOR.search(text):
            return text
        head = _BYE.sub("", text).strip()
        if head and head[-1] not in ".?!":
            head += "."
        return f"{head} {self.config.persona.open_door} Goodbye.".strip()

    def _run_model(self) -> str:
        """Ask the model until it answers in words; tool calls are run in between. '' on trouble."""
        deadline = time.monotonic() + self.llm.turn_timeout_s
        interim = ""
        for round_no in range(self.llm.max_tool_rounds):
            left = deadline - time.monotonic()
            if left <= 0.05:
                log.warning("call %s: model turn budget spent after %d round(s)", self.call_id, round_no)
                return ""
            message = self._ask(min(self.llm.timeout_s, left))
            if message is None:
                return ""
            content = spoken(str(message.get("content") or ""))
            calls = [c for c in message.get("tool_calls") or [] if isinstance(c, dict)]
            if not calls:
                return content or interim
            interim = content or interim
            self.messages.append(
                {"role": "assistant", "content": message.get("content") or None, "tool_calls": calls}
            )
            for c in calls:
                fn = c.get("function") or {}
                result = self.tools.call(str(fn.get("name") or ""), str(fn.get("arguments") or ""))
                self.messages.append(
                    {"role": "tool", "tool_call_id": str(c.get("id") or ""), "content": result}
                )
            if self.tools.ended:
                return interim  # hung up: the goodbye said with end_call (or the default close)
        log.warning(
            "call %s: model still calling tools after %d rounds", self.call_id, self.llm.max_tool_rounds
        )
        return interim

    def _ask(self, timeout_s: float) -> dict[str, Any] | None:
        """One chat completion request; the assistant message as a plain dict, None on trouble."""
        kwargs: dict[str, Any] = {
            "model": self.llm.model,
            "messages": self.messages,
            "tools": TOOL_SPECS,
            "timeout": timeout_s,
        }
        if self.llm.temperature is not None:
            kwargs["temperature"] = self.llm.temperature
        if self.llm.max_tokens is not None:
            kwargs["max_tokens"] = self.llm.max_tokens
        started = time.monotonic()
        try:
            response = self.client.chat.completions.create(**kwargs)
            message = response.choices[0].message
            data = message.model_dump(exclude_none=True) if hasattr(message, "model_dump") else dict(message)
        except openai.APITimeoutError:
            log.warning("call %s: model timed out after %.1f s", self.call_id, time.monotonic() - started)
            return None
        except openai.APIStatusError as exc:
            log.warning("call %s: model answered HTTP %s", self.call_id, exc.status_code)
            return None
        except Exception as exc:  # noqa: BLE001 - connection errors, malformed answers: keep the call
            log.warning("call %s: model request failed (%s)", self.call_id, type(exc).__name__)
            return None
        log.info("call %s: model answered in %.2f s", self.call_id, time.monotonic() - started)
        if not isinstance(data, dict):
            return None
        data["tool_calls"] = [_plain_call(c) for c in data.get("tool_calls") or []]
        return data

    def _log(self, role: str, text: str, **extra: Any) -> None:
        self.transcript.append({"speaker": role, "text": text, "at": self.now().isoformat(), **extra})


def _plain_call(call: Any) -> dict[str, Any]:
    """A tool call as the API expects it back in the history: id, type, function name/arguments."""
    c = call if isinstance(call, dict) else {}
    fn = c.get("function") or {}
    arguments = fn.get("arguments")
    if not isinstance(arguments, str):
        arguments = json.dumps(arguments or {})
    return {
        "id": str(c.get("id") or f"call_{uuid.uuid4().hex[:8]}"),
        "type": "function",
        "function": {"name": str(fn.get("name") or ""), "arguments": arguments},
    }


def build_llm_dialogue(
    store: OrderStore | None,
    config: LlmConfig,
    now: Callable[[], datetime] | None = None,
    call_id: str | None = None,
    *,
    dialogue_config: DialogueConfig | None = None,
    client: Any | None = None,
    understand: Understand | None = None,
    spool: Spool | None = None,
) -> LlmDialogue:
    """The chat-model dialogue manager for one call.

    ``store``: an ``agent.store.Store`` (None behaves as an unreachable store); ``config``: the
    ``llm:`` settings (:func:`intents.llm.config.load_llm_config`); ``now``: the clock (default:
    system UTC); ``call_id``: the id changes and the call record are filed under (default: a new
    UUID); ``dialogue_config``: policy and persona (default: ``configs/*.yaml``); ``client``: an
    ``openai.OpenAI`` to use instead of one built from ``config``; ``understand``: the NLU that
    labels each caller turn's intent (default: :func:`intents.nlu.understand`); ``spool``: where
    callbacks promised while the store was down go if it is still down when the call ends.

    Raises :class:`~intents.policy.config.ConfigError` when the API key's environment variable is
    unset for a non-local server. Makes no network request until the first caller turn.
    """
    if client is None:
        client = openai.OpenAI(
            base_url=config.base_url, api_key=config.api_key(), timeout=config.timeout_s, max_retries=0
        )
    return LlmDialogue(
        store,
        config,
        client,
        dialogue_config or load_config(),
        now or system_now,
        call_id or uuid.uuid4().hex,
        understand=understand,
        spool=spool,
    )
