"""The fleet load test, small: 3 workers of 1 call each behind HAProxy and Kamailio, 6 callers
(2x capacity: 4 media streams, 2 SIP), one worker killed and another drained and restarted
mid-surge (``benchmarks/fleet_load.py``).

Starts its own fleet (``deploy/fleet.sh``, own FLEET_DIR) on the fixed loopback ports; needs
haproxy, kamailio, sipp and PostgreSQL installed (``scripts/setup.sh --dev``). Every call must
end answered, refused with a callback row, or drained with a callback row, except calls on the
killed worker, whose line dies: a surviving worker closes those in the store and books their
callbacks within 30 s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from benchmarks.fleet_load import run

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.realtime
async def test_small_surge_with_a_kill_and_a_rolling_restart() -> None:
    for tool in ("haproxy", "kamailio", "sipp"):
        assert shutil.which(tool), f"{tool} is missing: scripts/setup.sh --dev installs it"
    # Not pytest's tmp_path: its parents are private, and PostgreSQL runs as its own user.
    fleet_dir = Path(tempfile.mkdtemp(prefix="voice-agent-fleet-"))
    fleet_dir.chmod(0o755)
    env = {**os.environ, "FLEET_DIR": str(fleet_dir), "FLEET_SIP": "1", "FLEET_MAX_CALLS": "1",
           "FLEET_DRAIN_S": "5", "PYTHON": sys.executable}
    fleet = str(ROOT / "deploy" / "fleet.sh")
    subprocess.run([fleet, "start"], env=env, check=True, timeout=240, stdout=subprocess.DEVNULL)
    old_env = dict(os.environ)
    os.environ.update(env)  # the load test's kill/restart steps run fleet.sh with these
    try:
        args = argparse.Namespace(
            url="ws://127.0.0.1:8088/twilio/stream", fleet_dir=str(fleet_dir),
            db_url=f"postgresql+psycopg://voice_agent@/voice_agent?host={fleet_dir}/pg",
            calls=4, sip_calls=2, sip_target="127.0.0.1:5088", out=str(fleet_dir / "out"),
            ramp_s=3.0, kill="3@8", restart="2@9", call_timeout_s=60.0, max_s=150.0)
        report = await run(args)
    finally:
        os.environ.clear()
        os.environ.update(old_env)
        subprocess.run([fleet, "stop"], env=env, timeout=120, stdout=subprocess.DEVNULL)
        shutil.rmtree(fleet_dir, ignore_errors=True)
    counts = report["counts"]
    print(counts, report["response_p50_ms"], report["response_p95_ms"])
    for call in report["per_call"]:
        print(call["channel"], call["index"], call["outcome"], call["detail"])
    assert sum(counts.values()) == 6
    assert counts["answered"] + counts["drained-callback"] >= 1  # calls were served
    assert counts["refused-callback"] >= 1  # 6 callers on 3 slots: some heard the busy notice
    # Only the killed worker's lines may die, and each of those calls was closed by a survivor
    # with a callback booked: no call dropped silently.
    assert counts["dropped"] == 0, report["per_call"]
    assert counts["lost-callback"] <= 3  # one worker's calls at most (1 admitted + its notices)
