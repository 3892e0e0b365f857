"""The stateful shell around the pure core: understand, fetch facts, step, persist, remember.

``build_dialogue(store)`` returns a :class:`RuleDialogue`, the rule-based
:class:`~intents.types.DialogueManager` the audio pipeline and ``voice-agent chat`` talk to. The
decisions are made by :func:`intents.policy.decide.step`; this module only does I/O around it. Store
trouble never escapes: the caller hears an apology and a callback offer. Logs carry stages and
intents, never what the caller said.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from intents.dialogue_language import (
    Identify,
    Understand,
    default_identify,
    default_understand,
    takes_language,
)
from intents.dialogue_store import OrderStore, Spool, spool_unsaved
from intents.i18n import speaking
from intents.policy import decide as policy
from intents.policy import language as call_language
from intents.policy import unserved as policy_unserved
from intents.policy.common import PROBLEMS, store_down
from intents.policy.config import DialogueConfig, load_config
from intents.policy.text import clean_caller_text
from intents.policy.types import ActionRequest, Decision, DialogueState, OrderFacts, Stage, Turn
from intents.turn_complete import is_complete_answer
from intents.types import Action, Entities, Intent, IntentResult, Reply
from intents.verify_evidence import Expected, expected_now, with_evidence

log = logging.getLogger(__name__)

# Where one problem ends and another may begin in a caller's sentence.
_CLAUSES = re.compile(
    r"[.;!?]+\s*|,?\s+\b(?:and also|also|and then|plus|as well as|and)\b\s+", re.IGNORECASE
)
Matcher = Callable[[str, Iterable[str], int], list[str]]


def _default_match(heard: str, known: Iterable[str], max_distance: int = 1) -> list[str]:
    from intents.entities import match_order_id

    return match_order_id(heard, known, max_distance)


def system_now() -> datetime:
    """The real clock (UTC); dialogues take it as a default and tests inject their own."""
    return datetime.now(UTC)


class RuleDialogue:
    """The rule-based dialogue manager of one call (implements ``DialogueManager``)."""

    def __init__(
        self,
        store: OrderStore | None,
        config: DialogueConfig,
        now: Callable[[], datetime],
        call_id: str,
        understand: Understand | None = None,
        match: Matcher | None = None,
        spool: Spool | None = None,
        channel: str = "phone",
        caller_id: str | None = None,
        languages: tuple[str, ...] = ("en",),
        identify: Identify | None = None,
        min_confidence: float = 0.6,
    ) -> None:
        self.languages = tuple(languages) or ("en",)
        self.min_confidence = min_confidence
        self._identify = identify or default_identify
        self.store = store
        self.spool = spool
        self.config = config
        self.now = now
        self.call_id = call_id
        caller = clean_caller_text(caller_id or "", 40) if channel == "phone" else ""
        self.state = DialogueState(channel=channel, caller_id=caller, language=self.languages[0])
        self.spoken_language = self.languages[0]  # the language of the agent's latest reply
        self.transcript: list[dict[str, Any]] = []
        self.actions: list[Action] = []
        self.unsaved: list[ActionRequest] = []  # callbacks promised while the store was down
        self.started_at: datetime | None = None
        self._understand = understand or default_understand
        self._understand_takes_language = takes_language(self._understand)
        self._match = match or _default_match
        self._keys = ""
        self._orders: tuple[OrderFacts, ...] = ()  # facts fetched for the latest turn
        self._evidence: tuple[Expected, ...] = ()  # issue 11: proven for the next final

    # -- DialogueManager -------------------------------------------------------------------
    def greeting(self) -> Reply:
        """Layer 1: who is speaking and a concrete promise."""
        self.started_at = self.started_at or self.now()
        text = policy.greeting(self.config, self.state.language)
        self._say(text)
        return Reply(text=text, intent=Intent.GREET, language=self.state.language)

    def on_partial(self, text: str) -> None:
        """Interim transcripts are ignored: decisions wait for the whole turn."""

    def on_final(self, text: str, language: str | None = None) -> Reply:
        """One caller turn in, one reply out. ``language``: what the caller spoke this turn when the
        channel knows it (voice); None: identified from the text. The call follows a clear switch
        to another served language; an unserved one gets the fixed message and a callback."""
        if self.started_at is None:
            self.started_at = self.now()
        text = clean_caller_text(text, self.config.policy.max_text_chars)
        understood = self._understand_in(text, self.state.language)
        choice = self._choose_language(text, language, understood)
        if choice.unserved is not None:
            return self._unserved(text, choice.unserved)
        if choice.switched:
            log.info("call %s: language %s -> %s", self.call_id, self.state.language, choice.language)
            self.state = replace(self.state, language=choice.language)
            understood = self._understand_in(text, choice.language)
        if self._evidence:  # issue 11: details the recognizer proved against the audio
            understood = replace(understood, entities=with_evidence(understood.entities, self._evidence))
            self._evidence = ()
        self._hear(text, understood.intent)
        return self._decide(text, understood, keypad=False)

    # -- issue 11: the recognizer checks the answer against what the call expects ----------------
    def expects(self) -> tuple[Expected, ...]:
        """The identifiers the next answer should be checked against (none unless verifying)."""
        facts = next((o for o in self._orders if o.id == self.state.order_id), None)
        waiting = self.state.stage is Stage.AWAIT_CONTACT and not self.state.verified
        return expected_now(waiting, facts.customer if facts else None)

    def note_evidence(self, proven: tuple[Expected, ...]) -> None:
        """What the recognizer proved for the final transcript about to arrive."""
        self._evidence = tuple(proven)

    def answers(self, text: str) -> bool:
        """True when ``text`` fully answers the question the call's stage waits on."""
        facts = next((o for o in self._orders if o.id == self.state.order_id), None)
        return is_complete_answer(text, self.state, self.config.policy.order_number_digits,
                                  customer=facts.customer if facts else None)

    def on_heard(self, reply_text: str, heard_text: str) -> None:
        """Barge-in: remember that the caller heard only ``heard_text`` of the last reply."""
        for entry in reversed(self.transcript):
            if entry["speaker"] == "agent" and entry["text"] == reply_text:
                entry["heard"] = heard_text
                entry["interrupted"] = True
                break

    def on_dtmf(self, digits: str) -> Reply | None:
        """Keypad: digits collect until ``#`` (``*`` clears); then they count as a spoken number."""
        for key in digits:
            if key == "*":
                self._keys = ""
            elif key == "#":
                typed, self._keys = self._keys, ""
                if typed:
                    return self._typed(typed)
            elif key.isdigit():
                self._keys += key
        return None

    # -- the call record ---------------------------------------------------------------------
    def close(self, channel: str = "voice", latency: dict[str, Any] | None = None) -> list[Action]:
        """Save the call record (transcript, latencies, changes); returns the call's changes.

        Callbacks promised while the store was down are saved now if it is back, else spooled.
        """
        if self.store is None:
            spool_unsaved(self.call_id, self.unsaved, self.spool)
            return list(self.actions)
        try:
            if self.unsaved:
                self._persist(tuple(self.unsaved))
                self.unsaved.clear()
            started = self.started_at or self.now()
            self.store.record_call(self.call_id, started, self.now(), channel, self.transcript, latency,
                                   language=self.spoken_language)
        except Exception as exc:  # noqa: BLE001 - the call is over; never crash the pipeline
            log.warning("call %s: record not saved (%s)", self.call_id, type(exc).__name__)
        spool_unsaved(self.call_id, self.unsaved, self.spool)
        return list(self.actions)

    @property
    def ended(self) -> bool:
        """True once the goodbye was said."""
        return self.state.stage is Stage.ENDED

    # -- internals ---------------------------------------------------------------------------
    def _typed(self, typed: str) -> Reply:
        entities = Entities(order_ids=(typed,), digits=typed)
        understood = IntentResult(Intent.OTHER, 1.0, entities)
        self._hear(f"(keypad) {typed}", Intent.OTHER)
        return self._decide(typed, understood, keypad=True)

    def _decide(self, text: str, understood: IntentResult, keypad: bool) -> Reply:
        before = self.state
        turn = self._turn(text, understood, keypad)
        self._orders = turn.orders
        decision = policy.step(before, turn, self.config)
        self._count_failures(decision.failed_orders)
        decision, made = self._execute(before, decision)
        self.state = decision.state
        log.info(
            "call %s turn %d: intent=%s stage %s -> %s, %d change(s)",
            self.call_id,
            self.state.turns,
            understood.intent.value,
            before.stage.value,
            self.state.stage.value,
            len(made),
        )
        self._say(decision.text)
        return Reply(text=decision.text, intent=decision.understood_as or understood.intent, actions=made,
                     end_call=decision.end_call, language=self.state.language)

    def _turn(self, text: str, understood: IntentResult, keypad: bool) -> Turn:
        """Fetch what the core needs: candidates for the heard number, facts for the orders."""
        heard = policy.heard_order_number(self.state, understood.entities, understood.intent)
        now = self.now()
        lang = self.state.language
        wanted = [oid for oid in (self.state.order_id, self.state.heard_order, *self.state.near) if oid]
        candidates: tuple[str, ...] = ()
        if self.store is None:
            return Turn(text, understood, now, heard=heard, store_ok=False, keypad=keypad, language=lang)
        try:
            if heard is not None:
                known = self.store.order_ids()
                candidates = tuple(self._match(heard, known, 0 if keypad else 1))
                wanted.extend(candidates[:3])
            found: list[OrderFacts] = []
            for oid in dict.fromkeys(wanted):
                facts = self.store.order_facts(oid)
                if facts is not None:
                    found.append(facts)
        except Exception as exc:  # noqa: BLE001 - a broken store must not end the call
            log.warning("call %s: store lookup failed (%s)", self.call_id, type(exc).__name__)
            return Turn(text, understood, now, heard=heard, store_ok=False, keypad=keypad, language=lang)
        exact = bool(candidates) and candidates[0] == heard
        return Turn(
            text,
            understood,
            now,
            problems=self._problems(text, understood),
            locked=self._locked([f.id for f in found]),
            heard=heard,
            candidates=candidates,
            exact=exact,
            orders=tuple(found),
            keypad=keypad,
            language=lang,
        )

    def _problems(self, text: str, understood: IntentResult) -> tuple[Intent, ...]:
        """Every problem named in the turn: each clause understood on its own ("it's broken, and
        where is my other parcel?" names two). Only for a turn the NLU reads as a problem."""
        if understood.intent not in PROBLEMS:
            return ()
        clauses = [c for c in _CLAUSES.split(text) if c and len(c.split()) >= 3]
        lang = self.state.language
        found = [self._understand_in(c, lang).intent for c in clauses] if len(clauses) > 1 else []
        found.append(understood.intent)  # in the order the caller named them
        return tuple(i for i in dict.fromkeys(found) if i in PROBLEMS)

    def _locked(self, order_ids: list[str]) -> tuple[str, ...]:
        """Orders with too many wrong verification answers in the window, counted across calls."""
        p = self.config.policy
        since = self.now() - timedelta(hours=p.verify_failure_window_hours)
        out = []
        for oid in order_ids:
            try:
                count = self.store.verify_failures_since(oid, since) if self.store is not None else 0
            except Exception as exc:  # noqa: BLE001 - an old store without the table: no lock
                log.warning("call %s: failure count unavailable (%s)", self.call_id, type(exc).__name__)
                count = 0
            if count >= p.verify_failure_limit:
                out.append(oid)
        return tuple(out)

    def _count_failures(self, order_ids: tuple[str, ...]) -> None:
        """Record a wrong verification answer against each order (kept across calls)."""
        for oid in order_ids:
            try:
                if self.store is not None:
                    self.store.record_verify_failure(oid, self.call_id)
            except Exception as exc:  # noqa: BLE001 - never end the call over a counter
                log.warning("call %s: failure not counted (%s)", self.call_id, type(exc).__name__)

    def _execute(self, before: DialogueState, decision: Decision) -> tuple[Decision, tuple[Action, ...]]:
        """Persist the requested changes; on store trouble apologise and offer a callback instead."""
        if not decision.requests:
            return decision, ()
        try:
            made = self._persist(decision.requests)
        except Exception as exc:  # noqa: BLE001 - a broken store must not end the call
            log.warning("call %s: change not saved (%s)", self.call_id, type(exc).__name__)
            if all(r.kind == "callback" for r in decision.requests):
                self.unsaved.extend(decision.requests)
                return decision, ()
            with speaking(before.language):
                return store_down(before, self.config), ()
        return decision, made

    def _persist(self, requests: tuple[ActionRequest, ...]) -> tuple[Action, ...]:
        if self.store is None:
            raise RuntimeError("no store")
        results = self.store.apply(requests, self.call_id, self.transcript)
        made = tuple(action for action, created in results if created)
        self.actions.extend(made)
        return made

    def _say(self, text: str, language: str | None = None) -> None:
        self.spoken_language = language or self.state.language
        self.transcript.append({"speaker": "agent", "text": text, "at": self.now().isoformat(),
                                "language": self.spoken_language})

    # -- languages (issue 14) ----------------------------------------------------------------------
    def _understand_in(self, text: str, language: str) -> IntentResult:
        if self._understand_takes_language:
            return self._understand(text, language=language)
        return self._understand(text)

    def _choose_language(self, text: str, spoken: str | None, understood: IntentResult
                         ) -> call_language.LanguageChoice:
        if self.state.stage in call_language.DETAIL_STAGES:
            return call_language.LanguageChoice(self.state.language)
        guess = None
        numeric = call_language.numeric(text, len(understood.entities.digits))
        if spoken is None and call_language.telling(text) and not numeric:
            try:
                guess = self._identify(text, self.languages)
            except Exception as exc:  # noqa: BLE001 - no identification: the call keeps its language
                log.warning("call %s: language not identified (%s)", self.call_id, type(exc).__name__)
        here = understood.intent is not Intent.OTHER
        return call_language.choose(self.state.language, self.languages, text, spoken, guess,
                                    self.min_confidence, understood_here=here,
                                    digits=len(understood.entities.digits))

    def _unserved(self, text: str, language: str) -> Reply:
        """The fixed message in the caller's language, and a callback by a colleague who speaks it."""
        self._hear(text, Intent.OTHER)
        decided = policy_unserved.decide(self.state, language, self.languages, self.now(), self.config)
        made: tuple[Action, ...] = ()
        if decided.requests:
            try:
                made = self._persist(decided.requests)
            except Exception as exc:  # noqa: BLE001 - kept for later: the callback was promised
                log.warning("call %s: callback not saved (%s)", self.call_id, type(exc).__name__)
                self.unsaved.extend(r for r in decided.requests if r.kind == "callback")
        log.info("call %s: unserved language %s, end=%s", self.call_id, language, decided.end_call)
        self.state = decided.state
        self._say(decided.text, decided.language)
        return Reply(text=decided.text, intent=Intent.CALLBACK_REQUEST, actions=made,
                     end_call=decided.end_call, language=decided.language)

    def _hear(self, text: str, intent: Intent) -> None:
        self.transcript.append(
            {"speaker": "caller", "text": text, "at": self.now().isoformat(), "intent": intent.value}
        )


def build_dialogue(
    store: OrderStore | None,
    config: DialogueConfig | None = None,
    now: Callable[[], datetime] | None = None,
    call_id: str | None = None,
    understand: Understand | None = None,
    match: Matcher | None = None,
    spool: Spool | None = None,
    channel: str = "phone",
    caller_id: str | None = None,
    languages: tuple[str, ...] = ("en",),
    identify: Identify | None = None,
    min_confidence: float = 0.6,
) -> RuleDialogue:
    """The rule-based dialogue manager for one call.

    ``store``: an ``agent.store.Store`` (None behaves as an unreachable store); ``config``: policy
    and persona (default: ``configs/*.yaml``); ``now``: the clock (default: system UTC);
    ``call_id``: the id changes and the call record are filed under (default: a new UUID);
    ``understand``: the NLU (default: :func:`intents.nlu.understand`); ``match``: the fuzzy order
    number matcher (default: :func:`intents.entities.match_order_id`); ``spool``: where callbacks
    promised while the store was down go if it is still down when the call ends; ``channel``:
    "phone" (a voice line) or "chat" (text: no caller id, so a callback number is asked);
    ``caller_id``: the calling number when the line gives one; ``languages``: the served
    languages, the first the default (the call starts in it); ``identify``: the text language
    identifier (default: :func:`intents.languages.identify_text`); ``min_confidence``: a typed turn's
    language is trusted from this confidence on.
    """
    return RuleDialogue(
        store,
        config or load_config(),
        now or system_now,
        call_id or uuid.uuid4().hex,
        understand=understand,
        match=match,
        spool=spool,
        channel=channel,
        caller_id=caller_id,
        languages=languages,
        identify=identify,
        min_confidence=min_confidence,
    )
