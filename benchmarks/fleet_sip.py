"""SIP callers for the fleet load test (``benchmarks/fleet_load.py --sip-calls N``): sipp through
Kamailio, each with its own number, classified from the callback rows booked for that number.

A SIP caller (``tests/sip/surge_caller.xml``) stays up to 12 s unless the agent hangs up first
(the busy notice, a drain apology). sipp cannot tell a busy notice from a served call, so the
outcome comes from the store: a callback for the caller's number says why the call ended.
"""

from __future__ import annotations

import asyncio
import socket
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "tests" / "sip" / "surge_caller.xml"
# The reasons CallHost books callbacks with (agent/calls.py), by outcome.
REASONS = {"all agents busy": "refused-callback", "ended by a restart": "drained-callback",
           "its worker stopped": "lost-callback"}


def sip_number(i: int) -> str:
    """The number of SIP caller ``i`` (distinct from the media-stream callers')."""
    return f"+4416329{50000 + i:05d}"


def free_udp_port() -> int:
    """A free UDP port on loopback (for sipp's signalling and media)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def sip_call(result: Any, target: str, t0: float, delay_s: float, timeout_s: float,
                   workdir: Path) -> Any:
    """Place one sipp call to ``target`` (host:port) after ``delay_s``; fills ``result``:
    ``outcome`` "sip-ok" (the call ended with a clean BYE either way, to be classified from the
    store) or "dropped" (503, no answer, or a line that died), and ``line_died``."""
    await asyncio.sleep(delay_s)
    result.started_s = round(time.monotonic() - t0, 2)
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        proc = await asyncio.create_subprocess_exec(
            "sipp", "-sf", str(SCENARIO), target, "-key", "caller", result.number, "-m", "1",
            "-i", "127.0.0.1", "-p", str(free_udp_port()), "-mp", str(free_udp_port()),
            "-nostdin", "-trace_err", "-timeout", f"{int(timeout_s)}s",
            cwd=workdir, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
        rc = await asyncio.wait_for(proc.wait(), timeout_s + 10)
    except (OSError, TimeoutError) as exc:
        rc, result.detail = -1, type(exc).__name__
    result.ended_s = round(time.monotonic() - t0, 2)
    if rc == 0:
        result.outcome, result.detail = "sip-ok", "clean BYE"
    else:
        errors = " ".join(p.read_text(errors="replace")[-200:] for p in workdir.glob("*_errors.log"))
        result.outcome, result.line_died = "dropped", True
        result.detail = result.detail or f"sipp rc {rc}: {' '.join(errors.split())[-120:]}"
    return result


def callback_reasons(db_url: str, numbers: list[str]) -> dict[str, list[str]]:
    """Every callback reason that names one of ``numbers``, by number."""
    from sqlalchemy import select

    from agent.store import open_store
    from agent.store.models import Callback

    store = open_store(db_url)
    try:
        with store.session() as s:
            reasons = [r for r in s.scalars(select(Callback.reason)) if r]
    finally:
        store.dispose()
    return {n: [r for r in reasons if n in r] for n in numbers}


def classify(result: Any, reasons: list[str]) -> None:
    """A SIP call's outcome from its callbacks: a clean call with none was served; a line that
    died with a callback booked (by a survivor, or by the busy notice before the kill) is
    ``lost-callback``; one that died without any is ``dropped``."""
    why = [outcome for r in reasons for key, outcome in REASONS.items() if key in r]
    if result.outcome == "sip-ok":
        clean = [w for w in why if w != "lost-callback"]
        result.outcome = clean[0] if clean else "answered"
    elif reasons:  # the line died (its worker was killed), but the caller will be called back
        result.outcome = "lost-callback"
        if "callback" not in result.detail:
            result.detail += f"; callback booked ({', '.join(why) or 'other'})"
