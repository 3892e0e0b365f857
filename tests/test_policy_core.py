"""The pure core without a database: step(), verification, config loading, spoken phrasing."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from intents.policy.config import ConfigError, DialogueConfig, PolicyConfig, load_config, load_policy
from intents.policy.decide import greeting, heard_order_number, step
from intents.policy.types import (
    ChangeFacts,
    CustomerFacts,
    DialogueState,
    EventFacts,
    OrderFacts,
    ShipmentFacts,
    Stage,
    Turn,
)
from intents.policy.verify import contact_matches
from intents.script import say_amount, say_code, say_date, say_digits, say_number, say_ordinal, say_time
from intents.types import Entities, Intent, IntentResult

NOW = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)
CFG = DialogueConfig()
MARIA = CustomerFacts(
    "C-7", "Maria Lopez", "maria@example.com", "+34612345678", "ES", "28013", "en", "Europe/Madrid"
)


def order(status: str = "customs_hold", total: float = 39.9, held_days: int = 12, **kw: object) -> OrderFacts:
    events = (
        EventFacts(NOW - timedelta(days=15), "Shenzhen, CN", "in_transit", "Departed"),
        EventFacts(NOW - timedelta(days=held_days), "Madrid, ES", status, "Held at customs"),
    )
    ship = ShipmentFacts("YunExpress", "YT2411234567890", status, NOW + timedelta(days=3), None, "", events)
    return OrderFacts("10452", MARIA, NOW - timedelta(days=19), "EUR", total, (), ship, **kw)  # type: ignore[arg-type]


def turn(intent: Intent, facts: OrderFacts | None = None, text: str = "", **ent: object) -> Turn:
    entities = Entities(**ent)  # type: ignore[arg-type]
    heard = entities.order_ids[0] if entities.order_ids else None
    return Turn(
        text,
        IntentResult(intent, 0.9, entities),
        NOW,
        heard=heard,
        candidates=(heard,) if heard and facts is not None and heard == facts.id else (),
        exact=bool(heard and facts is not None and heard == facts.id),
        orders=(facts,) if facts is not None else (),
    )


def at_contact(facts: OrderFacts, problem: Intent = Intent.CUSTOMS_DELAY) -> DialogueState:
    return DialogueState(stage=Stage.AWAIT_CONTACT, problem=problem, order_id=facts.id)


def test_greeting_comes_from_the_persona() -> None:
    cfg = DialogueConfig(persona=CFG.persona.model_copy(update={"agent_name": "Sam", "store_name": "Acme"}))
    assert greeting(cfg).startswith("Hi, this is Sam from Acme")


def test_step_is_pure_and_deterministic() -> None:
    facts = order()
    state = at_contact(facts)
    t = turn(Intent.OTHER, facts, postcodes=("28013",))
    assert step(state, t, CFG) == step(state, t, CFG)
    assert state.stage is Stage.AWAIT_CONTACT  # the input state is untouched


def test_mismatch_reveals_nothing_and_counts() -> None:
    facts = order()
    d = step(at_contact(facts), turn(Intent.OTHER, facts, postcodes=("28014",)), CFG)
    assert d.state.verify_failures == 1 and not d.state.verified and d.requests == ()
    for word in ("Madrid", "customs", "Maria", "euro", "YunExpress", "twelve"):
        assert word not in d.text


def test_third_mismatch_offers_a_person() -> None:
    facts = order()
    state = replace(at_contact(facts), verify_failures=2)
    d = step(state, turn(Intent.OTHER, facts, postcodes=("00000",)), CFG)
    assert d.state.stage is Stage.OFFER_HUMAN and "colleague" in d.text


def test_unusable_answers_are_asked_differently_then_offer_a_person() -> None:
    facts = order()
    garbled = turn(Intent.OTHER, facts, text="My post code is to let all run free.")
    first = step(at_contact(facts), garbled, CFG)
    assert first.state.stage is Stage.AWAIT_CONTACT and first.state.verify_failures == 0
    assert "before I can go on" in first.text
    second = step(first.state, garbled, CFG)
    assert "one character at a time" in second.text and second.text != first.text
    # unclear is never a wrong answer (issue 11): the tries for wrong answers stay untouched
    assert second.state.verify_failures == 0 and second.state.stage is Stage.AWAIT_CONTACT
    third = step(second.state, garbled, CFG)
    assert third.state.verify_failures == 0 and "one character at a time" in third.text
    fourth = step(third.state, garbled, CFG)
    assert fourth.state.stage is Stage.OFFER_HUMAN and "colleague" in fourth.text
    for d in (first, second, third, fourth):
        assert not d.state.verified and d.requests == ()
        for word in ("Madrid", "customs", "Maria", "euro", "YunExpress", "twelve"):
            assert word not in d.text


def test_unusable_answers_are_not_wrong_ones_but_still_end_in_a_person() -> None:
    facts = order()
    garbled = turn(Intent.OTHER, facts, text="The ship called the one")
    state = step(step(at_contact(facts), garbled, CFG).state, garbled, CFG).state  # 2 unclear
    state = step(state, turn(Intent.OTHER, facts, postcodes=("28014",)), CFG).state  # 1 wrong
    assert state.verify_failures == 1
    third = step(state, garbled, CFG)
    assert third.state.stage is Stage.AWAIT_CONTACT and third.state.verify_failures == 1
    assert step(third.state, garbled, CFG).state.stage is Stage.OFFER_HUMAN  # 4 unclear: a person


def test_half_an_answer_is_read_back_and_completed_by_the_next() -> None:
    facts = order()  # postcode 28013
    first = step(at_contact(facts), turn(Intent.OTHER, facts, text="two eight oh", digits="280"), CFG)
    assert "two eight oh" in first.text and "rest" in first.text
    assert first.state.verify_failures == 0 and first.state.contact_digits == "280"
    done = step(first.state, turn(Intent.OTHER, facts, text="one three", digits="13"), CFG)
    assert done.state.verified and done.state.contact_digits == ""


def test_half_an_answer_then_a_wrong_rest_is_one_wrong_answer_not_two() -> None:
    facts = order()
    first = step(at_contact(facts), turn(Intent.OTHER, facts, text="two eight oh", digits="280"), CFG)
    second = step(first.state, turn(Intent.OTHER, facts, text="nine nine", digits="99"), CFG)
    assert not second.state.verified and second.state.verify_failures == 1
    assert "don't match" in second.text and second.state.contact_digits == ""


def test_a_good_answer_after_the_slow_ask_verifies() -> None:
    facts = order()
    garbled = turn(Intent.OTHER, facts, text="to let all run free")
    state = step(step(at_contact(facts), garbled, CFG).state, garbled, CFG).state
    d = step(state, turn(Intent.OTHER, facts, postcodes=("28013",)), CFG)
    assert d.state.verified and "customs" in d.text


def test_max_attempts_come_from_config() -> None:
    cfg = DialogueConfig(policy=PolicyConfig(max_verification_attempts=1))
    facts = order()
    d = step(at_contact(facts), turn(Intent.OTHER, facts, postcodes=("00000",)), cfg)
    assert d.state.stage is Stage.OFFER_HUMAN


@pytest.mark.parametrize(
    "entities",
    [
        {"emails": ("MARIA@example.com",)},
        {"phones": ("612345678",)},
        {"phones": ("0034612345678",)},
        {"postcodes": ("28013",)},
        {"order_ids": ("28013",)},  # a 5-digit postcode heard as a number
    ],
)
def test_contact_matches(entities: dict[str, tuple[str, ...]]) -> None:
    assert contact_matches(MARIA, Entities(**entities))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "entities",
    [
        {"emails": ("maria@example.org",)},
        {"phones": ("612345679",)},
        {"postcodes": ("28014",)},
        {"phones": ("5678",)},
    ],
)
def test_contact_does_not_match(entities: dict[str, tuple[str, ...]]) -> None:
    assert not contact_matches(MARIA, Entities(**entities))  # type: ignore[arg-type]


def test_alphanumeric_postcode_from_text_fallback() -> None:
    irish = replace(MARIA, postcode="D02 X285")
    assert contact_matches(irish, Entities(), "it's d02 x285")
    assert not contact_matches(irish, Entities(), "it's d02 x286")


def test_digits_are_not_an_order_number_while_verifying() -> None:
    ent = Entities(order_ids=("28013",), digits="28013")
    verifying = DialogueState(stage=Stage.AWAIT_CONTACT, order_id="10452")
    assert heard_order_number(verifying, ent) is None
    # after a number that matched no order the digits are looked up too (used only if they are an order)
    assert heard_order_number(DialogueState(stage=Stage.AWAIT_CONTACT), ent) == "28013"
    assert heard_order_number(DialogueState(stage=Stage.AWAIT_ORDER), ent) == "28013"
    assert heard_order_number(DialogueState(stage=Stage.AWAIT_ORDER), Entities(digits="1045")) == "1045"


def test_customs_threshold_boundary() -> None:
    at_seven = step(
        at_contact(order(held_days=7)), turn(Intent.OTHER, order(held_days=7), postcodes=("28013",)), CFG
    )
    assert "normal" in at_seven.text and at_seven.state.stage is Stage.ANYTHING_ELSE
    at_eight = step(
        at_contact(order(held_days=8)), turn(Intent.OTHER, order(held_days=8), postcodes=("28013",)), CFG
    )
    assert "peak-season" in at_eight.text and at_eight.state.stage is Stage.CHOOSE_REMEDY


def test_coupon_threshold_is_strictly_under() -> None:
    facts = order(status="delivered", total=50.0)
    d = step(at_contact(facts, Intent.DAMAGED_ITEM), turn(Intent.OTHER, facts, postcodes=("28013",)), CFG)
    assert d.requests == () and d.state.stage is Stage.CHOOSE_REMEDY
    cheaper = order(status="delivered", total=49.99)
    d = step(at_contact(cheaper, Intent.DAMAGED_ITEM), turn(Intent.OTHER, cheaper, postcodes=("28013",)), CFG)
    # proposed, not made: the caller's yes makes it
    assert d.requests == () and d.state.stage is Stage.CONFIRM_ACTION and "Shall I go ahead?" in d.text
    assert [r.kind for r in d.state.proposal] == ["refund", "coupon"]
    yes = step(d.state, turn(Intent.AFFIRM, cheaper), CFG)
    assert [r.kind for r in yes.requests] == ["refund", "coupon"] and yes.confirmed


def test_existing_refund_is_reported_not_repeated() -> None:
    done = ChangeFacts("refund", 39.9, "EUR", "damaged", NOW - timedelta(days=1), "old-call")
    facts = order(status="delivered", changes=(done,))
    d = step(at_contact(facts, Intent.DAMAGED_ITEM), turn(Intent.OTHER, facts, postcodes=("28013",)), CFG)
    assert d.requests == ()
    assert "already done: a refund of thirty-nine euros and ninety cents was issued yesterday" in d.text


def test_goodbye_anywhere_closes_with_open_door() -> None:
    d = step(DialogueState(stage=Stage.CONFIRM_ORDER, heard_order="10452"), turn(Intent.GOODBYE), CFG)
    assert d.end_call and "any time" in d.text and d.state.stage is Stage.ENDED


def test_store_down_offers_callback() -> None:
    t = replace(turn(Intent.ORDER_STATUS, order_ids=("10452",)), store_ok=False)
    d = step(DialogueState(), t, CFG)
    assert d.state.stage is Stage.OFFER_CALLBACK and "call you back" in d.text


def test_return_window_per_country() -> None:
    p = PolicyConfig()
    assert p.return_window("ES") == 14 and p.return_window("de") == 14
    assert p.return_window("US") == 30 and p.return_window("GB") == 30
    custom = PolicyConfig(return_window_days={"EU": 14, "default": 30, "GB": 28})
    assert custom.return_window("GB") == 28


# -- configs ---------------------------------------------------------------------------------------
def test_shipped_configs_load() -> None:
    cfg = load_config()
    assert cfg.policy.coupon_threshold == 50 and cfg.policy.customs_hold_days == 7
    assert cfg.policy.return_window("FR") == 14 and cfg.policy.return_window("US") == 30
    assert cfg.persona.agent_name == "Alex"


def test_bad_yaml_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "policy.yaml"
    bad.write_text("coupon_threshold: [50\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_policy(bad)
    bad.write_text("coupon_threshold: lots\n")
    with pytest.raises(ConfigError, match="field 'coupon_threshold'"):
        load_policy(bad)
    bad.write_text("coupon_treshold: 50\n")
    with pytest.raises(ConfigError, match="coupon_treshold"):
        load_policy(bad)
    with pytest.raises(ConfigError, match="cannot read"):
        load_policy(tmp_path / "missing.yaml")


# -- spoken phrasing -------------------------------------------------------------------------------
def test_spoken_phrasing() -> None:
    assert say_digits("10452") == "one oh four five two"
    assert say_number(39) == "thirty-nine" and say_number(1250) == "one thousand two hundred fifty"
    assert say_ordinal(28) == "twenty-eighth" and say_ordinal(1) == "first" and say_ordinal(20) == "twentieth"
    assert say_amount(39.9, "EUR") == "thirty-nine euros and ninety cents"
    assert say_amount(1, "USD") == "one dollar" and say_amount(32, "USD") == "thirty-two dollars"
    assert say_amount(12.05, "GBP") == "twelve pounds and five pence"
    assert say_date(date(2026, 11, 28), date(2026, 11, 20)) == "Saturday, November the twenty-eighth"
    assert say_date(date(2026, 11, 21), date(2026, 11, 20)) == "tomorrow"
    assert say_time(datetime(2026, 1, 1, 15, 0)) == "three p m"
    assert say_time(datetime(2026, 1, 1, 9, 5)) == "nine oh five a m"
    assert say_time(datetime(2026, 1, 1, 12, 0)) == "noon"
    assert say_code("YT24") == "Y T two four"
