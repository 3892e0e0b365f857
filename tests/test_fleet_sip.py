"""The fleet's SIP front door, with real peers: Kamailio's dispatcher before three workers of one
call each (``deploy/fleet.sh``, FLEET_SIP=1), sipp callers, PostgreSQL behind.

Three callers fill the fleet, one call per worker. A fourth INVITE is refused 503 by two workers
in turn (Kamailio fails over), and its try at the last worker carries ``X-Voice-Agent-Overflow: 1``:
that worker, full too, answers it, plays the busy notice, books a callback to the caller's number
and hangs up. Needs kamailio, haproxy, sipp and PostgreSQL (``setup.sh --dev``).
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import select

from agent.store import open_store
from agent.store.models import Callback, CallRecord
from benchmarks.fleet_sip import free_udp_port

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "tests" / "sip"
FRONT_DOOR = "127.0.0.1:5088"
BUSY_NUMBER = "+441632960150"
HELD_NUMBERS = [f"+44163296016{n}" for n in range(3)]


async def _sipp(scenario: str, number: str, cwd: Path, *extra: str,
                timeout_s: float = 40.0) -> tuple[int, str]:
    cwd.mkdir(parents=True, exist_ok=True)
    proc = await asyncio.create_subprocess_exec(
        "sipp", "-sf", str(SCENARIOS / scenario), FRONT_DOOR, "-key", "caller", number, *extra,
        "-m", "1", "-i", "127.0.0.1", "-p", str(free_udp_port()), "-mp", str(free_udp_port()),
        "-nostdin", "-trace_err", "-timeout", f"{int(timeout_s)}s",
        cwd=cwd, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    out, _ = await asyncio.wait_for(proc.communicate(), timeout=timeout_s + 10)
    errors = "".join(p.read_text(errors="replace") for p in cwd.glob("*_errors.log"))
    return proc.returncode or 0, out.decode(errors="replace")[-1500:] + errors[-1500:]


def _state(port: int) -> str:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
            return str(json.loads(r.read())["state"])
    except urllib.error.HTTPError as exc:
        return str(json.loads(exc.read())["state"])
    except OSError:
        return "down"


@pytest.mark.realtime
async def test_kamailio_fails_over_across_every_worker_then_the_last_caller_hears_the_busy_notice() -> None:
    for tool in ("kamailio", "haproxy", "sipp"):
        assert shutil.which(tool), f"{tool} is missing: scripts/setup.sh --dev installs it"
    fleet_dir = Path(tempfile.mkdtemp(prefix="voice-agent-fleet-sip-"))
    fleet_dir.chmod(0o755)  # PostgreSQL runs as its own user
    env = {**os.environ, "FLEET_DIR": str(fleet_dir), "FLEET_SIP": "1", "FLEET_MAX_CALLS": "1",
           "FLEET_DRAIN_S": "5", "PYTHON": sys.executable}
    fleet = str(ROOT / "deploy" / "fleet.sh")
    db_url = f"postgresql+psycopg://voice_agent@/voice_agent?host={fleet_dir}/pg"
    subprocess.run([fleet, "start"], env=env, check=True, timeout=300, stdout=subprocess.DEVNULL)
    try:
        held = [asyncio.create_task(_sipp("caller_hangs_up.xml", number, fleet_dir / f"held{n}",
                                          "-d", "16000"))
                for n, number in enumerate(HELD_NUMBERS)]
        deadline = time.monotonic() + 20
        while {_state(8100 + n) for n in (1, 2, 3)} != {"full"}:
            assert time.monotonic() < deadline, [_state(8100 + n) for n in (1, 2, 3)]
            await asyncio.sleep(0.2)
        t0 = time.monotonic()
        rc, out = await _sipp("caller_until_bye.xml", BUSY_NUMBER, fleet_dir / "busy", "-trace_msg")
        busy_call_s = time.monotonic() - t0
        assert rc == 0, out  # answered, and the agent's BYE came within 25 s
        trace = "".join(p.read_text(errors="replace") for p in (fleet_dir / "busy").glob("*_messages.log"))
        # Every worker rang (pjsip's 180 comes before the admission decision): all three tried.
        ringing = trace.count("SIP/2.0 180 Ringing")
        for task in held:
            rc, out = await task
            assert rc == 0, out  # the three admitted callers were served to their own BYE
        await asyncio.sleep(2.0)  # the workers write the records after the BYEs
        callbacks, calls = _rows(db_url)
        logs = [(fleet_dir / f"w{n}" / "log").read_text(errors="replace") for n in (1, 2, 3)]
    finally:
        subprocess.run([fleet, "stop"], env=env, timeout=180, stdout=subprocess.DEVNULL)
        shutil.rmtree(fleet_dir, ignore_errors=True)
    print(f"busy SIP call: answered and hung up by the agent after {busy_call_s:.1f} s")
    assert 3.0 < busy_call_s < 25.0  # a spoken notice, not a click
    # Kamailio tried every worker: two refused the 4th INVITE with 503, and the last one, asked
    # with X-Voice-Agent-Overflow, answered it with the notice.
    assert ringing == 3, trace[-3000:]
    refused = sum("SIP call refused with 503" in log for log in logs)
    assert refused >= 2, "\n=====\n".join(log[-1500:] for log in logs)
    assert not any(BUSY_NUMBER in log or HELD_NUMBERS[0] in log for log in logs)  # numbers: store only
    assert len(callbacks) == 1 and BUSY_NUMBER in callbacks[0].reason
    served = [c for c in calls if not c.latency.get("overflow")]
    assert len(served) == 3 and len({c.worker_id for c in served}) == 3  # one call per worker
    assert all(c.ended_at is not None and c.end_reason == "ended" for c in served)
    busy = [c for c in calls if c.latency.get("overflow")]
    assert len(busy) == 1 and "busy" in busy[0].transcript[0]["text"]


def _rows(db_url: str) -> tuple[list[Callback], list[CallRecord]]:
    store = open_store(db_url)
    try:
        with store.session() as s:
            callbacks = list(s.scalars(select(Callback)))
            calls = list(s.scalars(select(CallRecord).where(CallRecord.channel == "sip")))
            for row in (*callbacks, *calls):
                s.expunge(row)
            return callbacks, calls
    finally:
        store.dispose()
