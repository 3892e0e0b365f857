"""A bounded load test of the fleet's HTTP front door, on loopback only, with real callers.

``python -m benchmarks.fleet_load --calls 12 --ramp-s 20 --kill 3@15 --restart 2@25`` ramps media
stream callers (``tests/media_stream_caller.Caller``: real WebSockets, μ-law in real time, marks
echoed as Twilio does) against HAProxy (``deploy/fleet.sh start``), SIGKILLs one worker and
drains-and-restarts another mid-surge (through ``deploy/fleet.sh``), and reports each call:

- ``answered``: greeted, asked one question, got a reply, hung up itself;
- ``refused-callback``: heard the busy notice to its end and a callback row is in the store;
- ``drained-callback``: its worker was restarted; it heard the apology and has a callback row;
- ``lost-callback``: its worker was killed and the line died, but within 30 s of the kill a
  surviving worker closed the call in the store and a callback row was booked for it;
- ``dropped``: anything else (the line died unnoticed, no notice, or no callback row).

Response p50/p95 of answered calls, and a plot over time, go to ``--out``. Bounded: at most
``--calls`` callers (cap 40), each ends within ``--call-timeout-s``, the whole run within
``--max-s``; the URL must be a loopback address.

``--sip-calls N`` adds N SIP callers (sipp through Kamailio at ``--sip-target``), interleaved
with the media-stream callers; they add load and admission decisions, not response times (sipp
does not speak), and their outcomes come from the callback rows (``benchmarks/fleet_sip.py``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from statistics import median, quantiles
from typing import Any
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the Twilio-like caller the server tests use

from media_stream_caller import Caller, clip  # noqa: E402

from benchmarks import fleet_sip  # noqa: E402

MAX_CALLS = 40
OUTCOMES = ("answered", "refused-callback", "drained-callback", "lost-callback", "dropped")
QUESTIONS = ["smoke-ask.wav", "barge-in-ask.wav", "cough-knock-ask.wav", "phone-ask.wav"]


@dataclass
class CallResult:
    index: int
    call_sid: str
    started_s: float  # since the run started
    outcome: str = "dropped"
    detail: str = ""
    line_died: bool = False  # the stream closed without a handshake (1006) or never opened
    channel: str = "twilio"  # or "sip"
    number: str = ""
    greeting_s: float | None = None
    response_ms: float | None = None
    ended_s: float | None = None


async def one_call(i: int, url: str, t0: float, delay_s: float, timeout_s: float) -> CallResult:
    await asyncio.sleep(delay_s)
    number = f"+4416329{i:05d}"
    result = CallResult(i, "", round(time.monotonic() - t0, 2), number=number)
    caller: Caller | None = None
    step = "connect"
    try:
        async with asyncio.timeout(timeout_s):
            async with Caller(url, token=None, parameters={"from": number}) as c:
                caller = c
                result.call_sid = c.call_sid
                started = time.monotonic()
                step = "greeting"
                first = await c.wait_for(lambda: c.first_audio(), 15.0)
                result.greeting_s = round(first - started, 2)
                # The greeting's mark (reply-1) or the busy notice's mark, whichever comes.
                await c.wait_for(lambda: {"reply-1", "notice-end"} & set(c.echoed_marks), 30.0)
                if "notice-end" in c.echoed_marks:
                    await _until_closed(c, 5.0)
                    result.outcome, result.detail = "refused", f"close {c.close_code}"
                    return result
                step = "question"
                _, end = await c.say(clip(QUESTIONS[i % len(QUESTIONS)]))
                reply = await c.wait_for(lambda: c.first_audio(after=end), 15.0)
                result.response_ms = round((reply - end) * 1000)
                step = "end of reply"
                await c.quiet_after(reply, quiet_s=0.8)
                result.outcome = "answered"
    except AssertionError as exc:  # the caller's wait_for: the stream closed or timed out
        if caller is not None and "notice-end" in caller.echoed_marks:
            result.outcome, result.detail = "drained", f"close {caller.close_code}"
        else:
            result.detail = f"{step}: {str(exc)[:60]}"
            result.line_died = caller is not None and caller.close_code == 1006
    except (TimeoutError, OSError) as exc:
        result.detail = f"{step}: {type(exc).__name__}"
        result.line_died = caller is not None and caller.close_code == 1006
    except Exception as exc:  # noqa: BLE001 - a handshake refused etc.: the call did not happen
        result.detail = f"{type(exc).__name__}: {str(exc)[:60]}"
    finally:
        result.ended_s = round(time.monotonic() - t0, 2)
    return result


async def _until_closed(c: Caller, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while c.close_code is None and time.monotonic() < deadline:
        await asyncio.sleep(0.05)


def _fleet(*args: str, fleet_dir: str | None) -> subprocess.Popen[bytes]:
    import os

    env = dict(os.environ)
    if fleet_dir:
        env["FLEET_DIR"] = fleet_dir
    env.setdefault("PYTHON", sys.executable)
    return subprocess.Popen([str(ROOT / "deploy" / "fleet.sh"), *args], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def _at(t0: float, at_s: float, *args: str, fleet_dir: str | None,
              events: list[dict[str, Any]]) -> None:
    await asyncio.sleep(max(0.0, t0 + at_s - time.monotonic()))
    events.append({"at_s": round(time.monotonic() - t0, 2), "what": " ".join(args),
                   "wall": datetime.now(UTC).isoformat()})
    proc = _fleet(*args, fleet_dir=fleet_dir)
    await asyncio.to_thread(proc.wait, 240)


def _callback_calls(db_url: str, call_sids: list[str]) -> set[str]:
    from sqlalchemy import select

    from agent.store import open_store
    from agent.store.models import Callback

    store = open_store(db_url)
    try:
        with store.session() as s:
            rows = s.scalars(select(Callback.call_id).where(Callback.call_id.in_(call_sids)))
            return {r for r in rows if r}
    finally:
        store.dispose()


def _lost_and_booked(db_url: str, call_sids: list[str]) -> dict[str, datetime]:
    """Of ``call_sids``, those with a callback row whose call record is closed (whoever closed
    it: a survivor for an admitted call, the busy notice's own booking for a refused one), with
    when it was closed."""
    from sqlalchemy import select

    from agent.store import open_store
    from agent.store.models import CallRecord

    booked = _callback_calls(db_url, call_sids)
    store = open_store(db_url)
    try:
        with store.session() as s:
            rows = s.execute(select(CallRecord.id, CallRecord.ended_at).where(
                CallRecord.id.in_(booked), CallRecord.ended_at.is_not(None)))
            return {sid: ended.replace(tzinfo=ended.tzinfo or UTC) for sid, ended in rows
                    if ended is not None}
    finally:
        store.dispose()


async def _survivors_close(db_url: str, died: list[CallResult], t_kill: float, kill_wall: datetime,
                           limit_s: float = 30.0) -> None:
    """Wait up to ``limit_s`` after the kill for survivors to close the calls whose line died,
    marking each that got its callback ``lost-callback``, with when its record was closed (a
    media stream: from the record; a SIP call: when its callback was first seen)."""
    streams = {r.call_sid: r for r in died if r.call_sid and r.channel == "twilio"}
    sip = {r.number: r for r in died if r.channel == "sip"}
    while streams or sip:
        closed = await asyncio.to_thread(_lost_and_booked, db_url, list(streams))
        for sid, ended in closed.items():
            r = streams.pop(sid)
            r.outcome = "lost-callback"
            after_s = (ended - kill_wall).total_seconds()
            r.detail += (f"; closed by a survivor {after_s:.1f} s after the kill" if after_s > 0
                         else "; its callback was booked before the kill")
        for number, reasons in (await asyncio.to_thread(fleet_sip.callback_reasons, db_url,
                                                        list(sip))).items():
            if reasons:
                r = sip.pop(number)
                r.outcome = "lost-callback"
                r.detail += f"; callback seen {time.monotonic() - t_kill:.1f} s after the kill"
        if time.monotonic() > t_kill + limit_s:
            return
        await asyncio.sleep(0.5)


def _event(text: str | None) -> tuple[int, float] | None:
    if not text:
        return None
    worker, _, at = text.partition("@")
    return int(worker), float(at)


async def run(args: argparse.Namespace) -> dict[str, Any]:
    t0 = time.monotonic()
    events: list[dict[str, Any]] = []
    total = args.calls + args.sip_calls
    step = args.ramp_s / max(1, total - 1)
    calls: list[Any] = []
    n_sip = n_stream = 0
    for slot in range(total):  # SIP callers spread evenly among the others: both meet one load
        if (slot + 1) * args.sip_calls // total > slot * args.sip_calls // total:
            r = CallResult(n_sip, "", 0.0, channel="sip", number=fleet_sip.sip_number(n_sip))
            calls.append(fleet_sip.sip_call(r, args.sip_target, t0, slot * step, args.call_timeout_s,
                                            Path(args.out) / "sipp" / f"call{n_sip}"))
            n_sip += 1
        else:
            calls.append(one_call(n_stream, args.url, t0, slot * step, args.call_timeout_s))
            n_stream += 1
    chores = []
    kill, restart = _event(args.kill), _event(args.restart)
    for what, event in (("kill", kill), ("restart", restart)):
        if event:
            chores.append(_at(t0, event[1], what, str(event[0]), fleet_dir=args.fleet_dir, events=events))
    async with asyncio.timeout(args.max_s):
        *done, = await asyncio.gather(*calls, *chores)
    results = [r for r in done[:len(calls)] if isinstance(r, CallResult)]
    if kill:
        killed = next(e for e in events if e["what"].startswith("kill"))
        await _survivors_close(args.db_url, [r for r in results if r.line_died], t0 + killed["at_s"],
                               datetime.fromisoformat(killed["wall"]))
    if kill:  # bring the killed worker back, as a supervisor would
        proc = _fleet("start-worker", str(kill[0]), fleet_dir=args.fleet_dir)
        await asyncio.to_thread(proc.wait, 240)
    sip_results = [r for r in results if r.channel == "sip"]
    reasons = fleet_sip.callback_reasons(args.db_url, [r.number for r in sip_results])
    for r in sip_results:
        fleet_sip.classify(r, reasons[r.number])
    booked = _callback_calls(args.db_url, [r.call_sid for r in results if r.call_sid])
    for r in results:  # a notice without its callback row is a dropped call
        if r.outcome in ("refused", "drained"):
            r.outcome = f"{r.outcome}-callback" if r.call_sid in booked else "dropped"
            if r.outcome == "dropped":
                r.detail = "notice heard but no callback row"
    answered = sorted(r.response_ms for r in results if r.outcome == "answered" and r.response_ms is not None)
    counts = {k: sum(r.outcome == k for r in results)
              for k in OUTCOMES}
    report = {
        "calls": len(results), "ramp_s": args.ramp_s, "counts": counts, "events": events,
        "response_p50_ms": median(answered) if answered else None,
        "response_p95_ms": (quantiles(answered, n=20, method="inclusive")[18] if len(answered) > 1
                            else (answered[0] if answered else None)),
        "wall_s": round(time.monotonic() - t0, 1),
        "per_call": [asdict(r) for r in results],
    }
    return report


def plot(report: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 4))
    styles = {"answered": ("o", "tab:green"), "refused-callback": ("s", "tab:orange"),
              "drained-callback": ("D", "tab:blue"), "lost-callback": ("v", "tab:purple"),
              "dropped": ("x", "tab:red")}
    for outcome, (marker, color) in styles.items():
        rows = [c for c in report["per_call"] if c["outcome"] == outcome]
        if rows:
            ys = [c["response_ms"] if c["response_ms"] is not None else 0 for c in rows]
            ax.scatter([c["started_s"] for c in rows], ys, marker=marker, color=color,
                       label=f"{outcome} ({len(rows)})")
    for e in report["events"]:
        ax.axvline(e["at_s"], color="grey", linestyle="--")
        ax.annotate(e["what"], (e["at_s"], ax.get_ylim()[1] * 0.95), rotation=90, fontsize=8,
                    va="top", ha="right")
    ax.set_xlabel("call start (s into the run)")
    ax.set_ylabel("response latency (ms; 0 = no reply measured)")
    ax.set_title("fleet load test: each call's outcome over time")
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.fleet_load", description=__doc__.split("\n")[0])
    p.add_argument("--url", default="ws://127.0.0.1:8088/twilio/stream")
    p.add_argument("--db-url",
                   default="postgresql+psycopg://voice_agent@/voice_agent?host=/tmp/voice-agent-fleet/pg")
    p.add_argument("--fleet-dir", default=None, help="FLEET_DIR of deploy/fleet.sh")
    p.add_argument("--calls", type=int, default=12, help="media-stream callers")
    p.add_argument("--sip-calls", type=int, default=0, help="SIP callers (sipp) besides them")
    p.add_argument("--sip-target", default="127.0.0.1:5088", help="Kamailio's host:port")
    p.add_argument("--ramp-s", type=float, default=20.0)
    p.add_argument("--kill", metavar="WORKER@S", help="SIGKILL a worker S seconds in, e.g. 3@15")
    p.add_argument("--restart", metavar="WORKER@S", help="drain and restart a worker, e.g. 2@25")
    p.add_argument("--call-timeout-s", type=float, default=90.0)
    p.add_argument("--max-s", type=float, default=300.0)
    p.add_argument("--out", default="out/fleet-load")
    args = p.parse_args(argv)
    if urlparse(args.url).hostname not in ("127.0.0.1", "localhost", "::1"):
        p.error("--url must be a loopback address")
    if not 1 <= args.calls + args.sip_calls <= MAX_CALLS or min(args.calls, args.sip_calls) < 0:
        p.error(f"--calls + --sip-calls must be 1..{MAX_CALLS}")
    if args.sip_calls and args.sip_target.rpartition(":")[0] not in ("127.0.0.1", "localhost"):
        p.error("--sip-target must be a loopback address")
    report = asyncio.run(run(args))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "fleet-load.json").write_text(json.dumps(report, indent=2))
    plot(report, out / "fleet-load.png")
    print(json.dumps({k: v for k, v in report.items() if k != "per_call"}, indent=2))
    for c in report["per_call"]:
        print(f"{c['channel']:<6} call {c['index']:>2} at {c['started_s']:>5.1f} s: {c['outcome']:<17} "
              f"response {c['response_ms'] if c['response_ms'] is not None else '-':>5} ms  {c['detail']}")
    print(f"wrote {out}/fleet-load.json and fleet-load.png")
    return 0 if report["counts"]["dropped"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
