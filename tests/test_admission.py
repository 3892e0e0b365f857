"""The worker's admission rules and the callback slot (pure; no server)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from agent.admission import (
    Admission,
    CallbackHours,
    WorkerLimits,
    WorkerState,
    admit,
    busy_notice,
    callback_request,
    callback_slot,
    drain_apology,
    sip_admission,
    worker_state,
)

LIMITS = WorkerLimits(max_calls=3, max_overflow_calls=2)
HOURS = CallbackHours("Europe/London", open_hour=8, close_hour=20, days=(0, 1, 2, 3, 4, 5),
                      lead_minutes=60)


@pytest.mark.parametrize("live,draining,state", [
    (0, False, WorkerState.OK), (2, False, WorkerState.OK), (3, False, WorkerState.FULL),
    (7, False, WorkerState.FULL), (0, True, WorkerState.DRAINING), (3, True, WorkerState.DRAINING)])
def test_worker_state(live: int, draining: bool, state: WorkerState) -> None:
    assert worker_state(live, LIMITS, draining) is state


def test_admission_admits_up_to_max_calls_then_overflows_then_refuses() -> None:
    decisions = [admit(live, 0, LIMITS, False) for live in range(5)]
    assert decisions == [Admission.ADMIT] * 3 + [Admission.OVERFLOW] * 2
    assert [admit(3, o, LIMITS, False) for o in range(4)] == [Admission.OVERFLOW] * 2 + [Admission.REFUSE] * 2
    assert admit(0, 0, LIMITS, True) is Admission.REFUSE  # draining takes nothing, even when idle
    assert admit(3, 0, WorkerLimits(3, 0), False) is Admission.REFUSE


def _london(y: int, mo: int, d: int, h: int, mi: int = 0) -> datetime:
    from zoneinfo import ZoneInfo

    return datetime(y, mo, d, h, mi, tzinfo=ZoneInfo("Europe/London"))


@pytest.mark.parametrize("now,expected", [
    (_london(2026, 11, 24, 10, 0), _london(2026, 11, 24, 11)),  # Tuesday morning: one hour on
    (_london(2026, 11, 24, 10, 1), _london(2026, 11, 24, 12)),  # whole hours only
    (_london(2026, 11, 24, 19, 30), _london(2026, 11, 25, 8)),  # after hours: next opening
    (_london(2026, 11, 24, 3, 0), _london(2026, 11, 24, 8)),  # night: this morning
    (_london(2026, 11, 28, 19, 0), _london(2026, 11, 30, 8)),  # Saturday evening: Monday (no Sunday)
    (_london(2026, 11, 29, 12, 0), _london(2026, 11, 30, 8)),  # Sunday
])
def test_callback_slot_is_inside_the_team_hours(now: datetime, expected: datetime) -> None:
    slot = callback_slot(now, HOURS)
    assert slot == expected
    assert slot - now >= timedelta(minutes=HOURS.lead_minutes)


def test_callback_slot_from_utc_and_other_zones() -> None:
    now = datetime(2026, 7, 1, 6, 0, tzinfo=UTC)  # 07:00 in London (summer time), 60 min lead
    slot = callback_slot(now, HOURS)
    assert (slot.hour, slot.minute, str(slot.tzinfo)) == (8, 0, "Europe/London")
    madrid = CallbackHours("Europe/Madrid", 9, 18, (0, 1, 2, 3, 4), 30)
    slot = callback_slot(datetime(2026, 7, 3, 16, 45, tzinfo=UTC), madrid)  # Fri 18:45 Madrid
    assert (slot.weekday(), slot.hour) == (0, 9)  # Monday 9:00


def test_every_slot_over_a_week_is_open() -> None:
    start = datetime(2026, 11, 23, 0, 7, tzinfo=UTC)
    for minutes in range(0, 7 * 24 * 60, 37):
        now = start + timedelta(minutes=minutes)
        slot = callback_slot(now, HOURS)
        assert slot.weekday() in HOURS.days and 8 <= slot.hour < 20 and slot.minute == 0
        assert timedelta(minutes=60) <= slot - now <= timedelta(days=2, hours=14)


def test_bad_hours_are_refused() -> None:
    with pytest.raises(ValueError):
        CallbackHours(open_hour=20, close_hour=8)
    with pytest.raises(ValueError):
        CallbackHours(days=())
    with pytest.raises(Exception):  # noqa: B017 - zoneinfo's own error type
        CallbackHours(time_zone="Mars/Olympus")


def test_messages_name_the_slot_and_the_number() -> None:
    now = _london(2026, 11, 24, 10, 0)
    slot = callback_slot(now, HOURS)
    notice = busy_notice(slot, now, has_number=True)
    assert "busy" in notice and "today at eleven a m" in notice and "number you're calling from" in notice
    assert "number" not in busy_notice(slot, now, has_number=False)
    late = _london(2026, 11, 24, 19, 30)
    apology = drain_apology(callback_slot(late, HOURS), late, has_number=True)
    assert "sorry" in apology and "tomorrow at eight a m" in apology
    assert "  " not in drain_apology(slot, now, has_number=False)


def test_callback_request_keeps_the_number_for_the_team() -> None:
    slot = _london(2026, 11, 24, 11)
    r = callback_request("all agents busy", "+441632960123", slot)
    assert (r.kind, r.order_id, r.due_at) == ("callback", None, slot)
    assert "+441632960123" in r.reason and "busy" in r.reason
    assert "unknown" in callback_request("restart", "", slot).reason


@pytest.mark.parametrize(
    ("live", "overflow", "draining", "failover", "last", "expected"),
    [
        (1, 0, False, True, False, Admission.ADMIT),  # room: the call, whatever the front door
        (2, 0, False, False, False, Admission.OVERFLOW),  # reached directly and full: the notice
        (2, 0, False, True, False, Admission.REFUSE),  # behind Kamailio: 503, try the next worker
        (2, 0, False, True, True, Admission.OVERFLOW),  # ... unless none is left: the notice
        (0, 0, True, True, False, Admission.REFUSE),  # draining: 503, the next worker
        (0, 0, True, True, True, Admission.OVERFLOW),  # draining, last try: the notice, not a bare 503
        (2, 3, False, True, True, Admission.REFUSE),  # every notice slot taken: 503
        (0, 3, True, True, True, Admission.REFUSE),
    ],
)
def test_sip_admission_leaves_the_notice_to_the_front_doors_last_try(
        live: int, overflow: int, draining: bool, failover: bool, last: bool, expected: Admission) -> None:
    limits = WorkerLimits(max_calls=2, max_overflow_calls=3)
    assert sip_admission(live, overflow, limits, draining, failover, last) is expected
