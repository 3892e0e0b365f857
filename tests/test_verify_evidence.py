"""The identifier check's pure half, and its hook into the rule dialogue (no model needed)."""

from __future__ import annotations

import math

from dialogue_fakes import keyword_match, keyword_understand
from helpers import NOW

from agent.store import Store
from intents.dialogue import build_dialogue
from intents.policy.types import CustomerFacts
from intents.types import Entities
from intents.verify_evidence import (
    Expected,
    IdKind,
    Scores,
    Thresholds,
    Verdict,
    decide,
    expected_now,
    guided_near_misses,
    national_phone,
    near_misses,
    plausible,
    render_as,
    renderings,
    with_evidence,
)


def _diff(a: str, b: str) -> int:
    return sum(x != y for x, y in zip(a, b, strict=True))


def test_near_misses_are_one_character_away_and_cover_every_position() -> None:
    item = Expected(IdKind.POSTCODE, "SW1A 1AA")
    misses = near_misses(item, limit=16)
    assert len(misses) == 16 and len(set(misses)) == 16
    assert all(len(m) == len(item.value) and _diff(m, item.value) == 1 for m in misses)
    changed = {next(i for i, (x, y) in enumerate(zip(m, item.value, strict=True)) if x != y) for m in misses}
    assert changed == {0, 1, 2, 3, 5, 6, 7}  # every character, never the space


def test_short_numbers_get_every_alternative() -> None:
    misses = near_misses(Expected(IdKind.ORDER, "28013"), limit=24)
    assert len(misses) == 45  # 5 positions x 9 other digits


def test_guided_near_misses_put_what_was_heard_first() -> None:
    item = Expected(IdKind.ORDER, "32676")
    misses = guided_near_misses(item, "Order 3, 2, 6, 9, 6", limit=8)
    assert misses[0] == "32696"
    assert item.value not in misses


def test_phone_numbers_are_read_nationally() -> None:
    assert national_phone("+447700900123") == "07700900123"
    assert national_phone("+14155550123") == "4155550123"
    assert national_phone("+34612345678") == "612345678"
    forms = renderings(Expected(IdKind.PHONE, "+447700900123"))
    assert forms[0] == "0 7 7 0 0 9 0 0 1 2 3"
    assert render_as(Expected(IdKind.PHONE, "+447700900123"), "spaced", "07700900124").endswith("2 4")


def test_email_is_rendered_written_and_spoken() -> None:
    forms = renderings(Expected(IdKind.EMAIL, "Li.Wei@Example.com"))
    assert forms == ("li.wei@example.com", "li dot wei at example dot com")


def test_the_value_is_rendered_in_the_style_the_transcript_was_written_in() -> None:
    email = Expected(IdKind.EMAIL, "ines.wei16@example.com")
    assert renderings(email, "i n e s dot w e i 1 6, and example dot com")[0] == (
        "i n e s dot w e i 1 6 at example dot com")
    hyphens = "I-N-E-S dot W-E-I-1-6 at example.com"
    assert renderings(email, hyphens)[0] == hyphens
    phone = Expected(IdKind.PHONE, "+13125550147")
    assert renderings(phone, "312, 555, 01477")[0] == "312, 555, 0147"  # the caller's own groups
    assert renderings(phone, "3125550147.")[0] == "3125550147"
    postcode = Expected(IdKind.POSTCODE, "SW1A 1AA")
    nato = renderings(postcode, "S for Sierra, W for Whiskey, 1, A for Alpha")[0]
    assert nato.startswith("S for Sierra, W for")
    # a near miss is written in the winning style, one character apart
    assert render_as(phone, "heard_groups", "3125550148", "312, 555, 01477") == "312, 555, 0148"


def test_decide_needs_margin_floor_and_weakest_token() -> None:
    th = Thresholds(margin=2.0, floor=-1.5, weakest=-5.0)
    good = Scores(total=-4.0, mean=-0.5, weakest=-2.0, best_decoy=-7.0, decoys=8)
    assert decide(good, th) is Verdict.MATCH
    assert decide(Scores(-4.0, -0.5, -2.0, -5.5, 8), th) is Verdict.UNCLEAR  # a near miss too close
    assert decide(Scores(-4.0, -2.0, -2.0, -9.0, 8), th) is Verdict.UNCLEAR  # weak overall
    assert decide(Scores(-4.0, -0.5, -6.0, -9.0, 8), th) is Verdict.UNCLEAR  # one token unheard
    assert decide(Scores(-4.0, -0.5, -2.0, -math.inf, 0), th) is Verdict.UNCLEAR  # nothing compared


def test_evidence_becomes_entities_and_only_while_verifying() -> None:
    customer = CustomerFacts("c1", "Li Wei", "li.wei@example.com", "+447700900123", "GB", "SW1A 1AA")
    assert expected_now(False, customer) == ()
    assert expected_now(True, None) == ()
    expected = expected_now(True, customer)
    assert [e.kind for e in expected] == [IdKind.POSTCODE, IdKind.PHONE, IdKind.EMAIL]
    ents = with_evidence(Entities(), (Expected(IdKind.POSTCODE, "sw1a  1aa"),))
    assert ents.postcodes == ("SW1A 1AA",) and ents.emails == ()


def test_plausible_checks_the_kind_the_answer_sounds_like() -> None:
    expected = (Expected(IdKind.POSTCODE, "SW1A 1AA"), Expected(IdKind.PHONE, "+447700900123"),
                Expected(IdKind.EMAIL, "li.wei@example.com"))
    assert plausible(expected, "It's Lee dot way at example dot com")[0].kind is IdKind.EMAIL
    assert plausible(expected, "0 7 7 0 0 9 0 0 1 2 3")[0].kind is IdKind.PHONE
    assert plausible(expected, "S W one A")[0].kind is IdKind.POSTCODE


def _dialogue(store: Store):  # type: ignore[no-untyped-def]
    d = build_dialogue(store, now=lambda: NOW, understand=keyword_understand, match=keyword_match)
    d.greeting()
    return d


def test_proven_detail_verifies_a_garbled_answer(store: Store) -> None:
    d = _dialogue(store)
    d.on_final("it says delivered but i never got it")
    assert d.expects() == ()  # no order yet: nothing to check
    d.on_final("55018")
    proven = [e for e in d.expects() if e.kind is IdKind.POSTCODE]
    assert proven and proven[0].value == "SW1A 1AA"
    d.note_evidence(tuple(proven))
    reply = d.on_final("My host called in the next number of 1A, 1A")
    assert d.state.verified
    assert "SW1A" not in reply.text and "S W" not in reply.text  # never says the stored value
    assert d.expects() == ()  # verified: no more checks


def test_garbled_answer_without_evidence_is_not_accepted(store: Store) -> None:
    d = _dialogue(store)
    d.on_final("it says delivered but i never got it")
    d.on_final("55018")
    d.note_evidence(())
    d.on_final("My host called in the next number of 1A, 1A")
    assert not d.state.verified


def test_plainly_heard_skips_the_check_only_on_a_real_match() -> None:
    from intents.verify_evidence import plainly_heard

    expected = (Expected(IdKind.POSTCODE, "10115"), Expected(IdKind.PHONE, "+34612907345"))
    assert plainly_heard(expected, "It's 612 907 345")
    assert plainly_heard(expected, "The postcode is 10115.")
    assert not plainly_heard(expected, "The post code is only a row 11 file.")
    assert not plainly_heard(expected, "It's 612 907 346")
