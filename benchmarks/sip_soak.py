"""SIP soak: many calls in a row and at once, garbage-collector pressure, server stops and starts.

Run from the repository root (needs Debian's ``sip-tester`` for sipp, and ``pjsua2-python``)::

    python -m benchmarks.sip_soak                      # 5 processes x 4 rounds x 8 calls
    python -m benchmarks.sip_soak --processes 20 --rounds 6 --calls 12 --out /tmp/soak.json

Each *process* is a fresh Python that loads the real models once, then runs ``--rounds`` rounds;
a round starts ``run_sip_server`` on a free loopback port, places ``--calls`` sipp calls (half one
after another, half at the same time; plain INVITE/ACK/BYE calls and calls that press DTMF keys and
stay on the line), and stops the server while a call may still be live. Meanwhile ``--gc-threads``
threads make cyclic garbage with finalizers and call ``gc.collect()`` every few milliseconds, so that
whatever pjsua2 object Python frees is freed at a random moment, in a thread pjlib does not know.

A native fault kills the process (exit status 139 for SIGSEGV, 134 for SIGABRT): the parent counts
those as crashes, and a round that cannot finish in time as a hang. The summary is printed and, with
``--out``, written as JSON. Exit status 1 when any process crashed or hung.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SIPP_SCENARIOS = ROOT / "tests" / "sip"
ROUND_TIMEOUT_S = 90.0


@dataclass(frozen=True)
class ProcessResult:
    index: int
    exit_code: int
    outcome: str  # ok | crash | hang | error
    rounds_done: int
    calls_ok: int
    calls_failed: int
    wall_s: float
    call_failures: tuple[str, ...] = ()  # what sipp reported for each failed call


def _free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Garbage:
    """A cycle with a finalizer: only the cyclic collector frees it, in whatever thread runs it."""

    def __init__(self) -> None:
        self.me = self
        self.payload = [object() for _ in range(8)]

    def __del__(self) -> None:
        self.payload.clear()


def _gc_pressure(stop: threading.Event) -> None:
    # Cyclic garbage keeps the young generations collecting in this thread; a full collection
    # every ~50 ms walks everything else. Full collections back to back would hold the GIL most
    # of the time and starve the calls, which tests the machine, not the server.
    rounds = 0
    while not stop.is_set():
        for _ in range(200):
            _Garbage()
        rounds += 1
        gc.collect(2 if rounds % 10 == 0 else 0)
        time.sleep(0.005)


async def _sipp(target: str, scenario: list[str], workdir: Path) -> bool:
    calldir = Path(tempfile.mkdtemp(prefix="call-", dir=workdir))
    proc = await asyncio.create_subprocess_exec(
        "sipp", *scenario, target, "-m", "1", "-i", "127.0.0.1", "-p", str(_free_udp_port()),
        "-mp", str(_free_udp_port()), "-nostdin", "-timeout", "30s", "-trace_err",
        cwd=calldir, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
    ok = await proc.wait() == 0
    if not ok:  # what sipp saw, for the log of this process
        text = "".join(p.read_text(errors="replace") for p in calldir.glob("*_errors.log"))
        errors = " ".join(text.split())
        print(f"CALL FAILED ({Path(scenario[-1]).name}): {errors[-600:]}", flush=True)
    return ok


async def _round(host: Any, calls: int, workdir: Path) -> tuple[int, int]:
    from agent.telephony.sip import run_sip_server

    port = _free_udp_port()
    stop, ready = asyncio.Event(), asyncio.Event()
    server = asyncio.create_task(run_sip_server("127.0.0.1", port, host, stop, ready=ready))
    await asyncio.wait([server, asyncio.create_task(ready.wait())], timeout=10,
                       return_when=asyncio.FIRST_COMPLETED)
    if server.done():
        server.result()
    target = f"127.0.0.1:{port}"
    plain = ["-sn", "uac"]
    dtmf = ["-sf", str(SIPP_SCENARIOS / "dtmf_call.xml")]  # keys "1#", 4 s on the line, BYE
    held = ["-sf", str(SIPP_SCENARIOS / "wait_for_bye.xml")]  # on the line until the server's BYE
    results: list[bool] = []
    in_row = calls // 2
    for i in range(in_row):
        results.append(await _sipp(target, dtmf if i % 2 else plain, workdir))
    at_once = [asyncio.create_task(_sipp(target, held if i % 2 else plain, workdir))
               for i in range(calls - in_row)]
    # Stop the server while the held calls are on the line: the stop path hangs them up. Wait
    # until they are answered (a stop during call set-up fails the caller by design, not by fault).
    held_calls = (calls - in_row) // 2
    for _ in range(200):
        if len(host.calls) >= held_calls:
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.5)
    stop.set()
    await asyncio.wait_for(server, timeout=20)
    results += await asyncio.gather(*at_once)
    return sum(results), len(results) - sum(results)


async def _child(rounds: int, calls: int, gc_threads: int) -> int:
    from agent.call import load_models
    from agent.calls import CallHost
    from agent.config import AgentConfig, FleetConfig
    from agent.store import open_store

    # Room for every call of a round at once: the soak tests the SIP stack, not admission.
    config = AgentConfig(fleet=FleetConfig(max_calls=64, max_overflow_calls=64))
    models = load_models(config)
    tmp = Path(tempfile.mkdtemp(prefix="sip-soak-"))
    store = open_store(f"sqlite:///{tmp / 'calls.db'}")
    store.seed_demo()
    stop = threading.Event()
    threads = [threading.Thread(target=_gc_pressure, args=(stop,), daemon=True) for _ in range(gc_threads)]
    for t in threads:
        t.start()
    ok = failed = 0
    try:
        for r in range(rounds):
            host = CallHost(config, models, store)
            try:
                good, bad = await asyncio.wait_for(_round(host, calls, tmp), timeout=ROUND_TIMEOUT_S)
            except TimeoutError:
                _dump_native_stacks()
                raise
            ok, failed = ok + good, failed + bad
            print(f"ROUND {r + 1} {good} {bad}", flush=True)
    finally:
        stop.set()
    return 0


def _dump_native_stacks() -> None:
    """A hang is a deadlock in native code more often than not: print every thread's C stack."""
    import faulthandler
    import shutil

    faulthandler.dump_traceback(all_threads=True)
    if shutil.which("gdb"):
        subprocess.run(["gdb", "-p", str(os.getpid()), "-batch", "-ex", "thread apply all bt 25"],
                       check=False, timeout=60)


def _run_process(index: int, rounds: int, calls: int, gc_threads: int,
                 keep_logs: Path | None = None) -> ProcessResult:
    started = time.monotonic()
    cmd = [sys.executable, "-m", "benchmarks.sip_soak", "--child", "--rounds", str(rounds),
           "--calls", str(calls), "--gc-threads", str(gc_threads)]
    env = {**os.environ, "PYTHONFAULTHANDLER": "1"}
    with tempfile.TemporaryFile(mode="w+") as log_file:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log_file, stderr=subprocess.STDOUT, env=env,
                                start_new_session=True)
        try:
            code = proc.wait(timeout=60 + rounds * ROUND_TIMEOUT_S)
            hung = False
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            code, hung = proc.wait(), True
        # A crashed process leaves its sipp callers behind (same process group): end them too.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        log_file.seek(0)
        lines = log_file.read().splitlines()
    done = [line.split() for line in lines if line.startswith("ROUND ")]
    ok = sum(int(d[2]) for d in done)
    failed = sum(int(d[3]) for d in done)
    if hung:
        outcome = "hang"
    elif code < 0 or code in (134, 139):
        outcome = "crash"
    else:
        outcome = "ok" if code == 0 else "error"
    if outcome != "ok":
        crash = [i for i, line in enumerate(lines) if "Fatal Python error" in line]
        tail = "\n".join(lines[crash[0]:crash[0] + 30] if crash else lines[-25:])
        print(f"  process {index}: {outcome} (exit {code}); last lines:\n{tail}", file=sys.stderr)
        if keep_logs is not None:
            keep_logs.mkdir(parents=True, exist_ok=True)
            (keep_logs / f"process-{index}.log").write_text("\n".join(lines) + "\n")
    call_failures = tuple(line for line in lines if line.startswith("CALL FAILED"))
    return ProcessResult(index, code, outcome, len(done), ok, failed, round(time.monotonic() - started, 1),
                         call_failures)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.sip_soak", description=__doc__.split("\n")[0])
    parser.add_argument("--processes", type=int, default=5, help="fresh Python processes (default 5)")
    parser.add_argument("--rounds", type=int, default=4, help="server starts and stops per process")
    parser.add_argument("--calls", type=int, default=8, help="sipp calls per round")
    parser.add_argument("--gc-threads", type=int, default=2, help="threads making garbage and collecting")
    parser.add_argument("--out", type=Path, help="write the summary as JSON here")
    parser.add_argument("--logs", type=Path, help="keep the full output of failed processes in this folder")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if min(args.processes, args.rounds, args.calls) < 1 or args.gc_threads < 0:
        parser.error("--processes, --rounds and --calls must be >= 1, --gc-threads >= 0")
    if args.child:
        return asyncio.run(_child(args.rounds, args.calls, args.gc_threads))
    import shutil

    if shutil.which("sipp") is None:
        print("sip_soak: sipp is not installed (Debian package sip-tester)", file=sys.stderr)
        return 2
    results = []
    for i in range(args.processes):
        res = _run_process(i, args.rounds, args.calls, args.gc_threads, args.logs)
        results.append(res)
        print(f"process {i + 1}/{args.processes}: {res.outcome}, {res.rounds_done} rounds, "
              f"{res.calls_ok} calls ok, {res.calls_failed} failed, {res.wall_s} s", flush=True)
    summary = {
        "processes": len(results),
        "rounds": sum(r.rounds_done for r in results),
        "calls_ok": sum(r.calls_ok for r in results),
        "calls_failed": sum(r.calls_failed for r in results),
        "crashes": sum(r.outcome == "crash" for r in results),
        "hangs": sum(r.outcome == "hang" for r in results),
        "errors": sum(r.outcome == "error" for r in results),
        "per_process": [asdict(r) for r in results],
    }
    print(json.dumps({k: v for k, v in summary.items() if k != "per_process"}))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(summary, indent=2) + "\n")
    return 1 if summary["crashes"] or summary["hangs"] or summary["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
