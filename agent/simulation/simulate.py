"""``voice-agent simulate``: a scripted call played in real time through the real pipeline.

The caller's clips go into a simulated microphone at real-time pace; the agent's voice comes out
of a simulated speaker at real-time pace; both are recorded from call time 0. Outputs (written
only when the call completes, each file atomically): ``report.json``, ``agent.wav``,
``caller.wav`` (16 kHz, 16-bit mono) and ``transcript.txt``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import tempfile
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np

from agent.audio_files import read_wav, speak_text, write_wav
from agent.call import CallFactory, CallSession, load_models, our_call_factory
from agent.config import AgentConfig
from agent.simulation.caller import AnswerLine, Line, SimulatedCaller
from agent.simulation.line import AgentSpeaker, CallerMic
from agent.simulation.report import build_report
from agent.simulation.scenario import AnswerRule, CallerTurn, Scenario
from agent.simulation.voices import speak_as_caller
from agent.store.spool import CallbackSpool
from intents.types import DialogueManager
from pipeline.clock import MonotonicClock
from pipeline.devices import FRAME_MS, PIPELINE_RATE_HZ

log = logging.getLogger(__name__)

CALLER_VOICE = "en-gb-scotland"  # the built-in caller voice for `text:` lines; not the agent's
END_GRACE_MS = 1500.0  # after the script ends, keep recording this long (the agent may still talk)
# `store_unreachable: true`: the dialogue's store points at a PostgreSQL server nobody runs. Port 1
# refuses at once, so every lookup fails the way a database that is down does (OperationalError,
# then StoreUnavailable from the store) without waiting for a timeout.
UNREACHABLE_DB_URL = "postgresql+psycopg://voice-agent@127.0.0.1:1/orders"


@dataclass(frozen=True)
class SimulationResult:
    report: dict
    out_dir: Path


def _render(audio: Path | None, text: str | None, voice: str | None = None) -> np.ndarray:
    if audio is not None:
        return read_wav(audio, PIPELINE_RATE_HZ)
    assert text is not None
    if voice is None:
        return speak_text(text, voice=CALLER_VOICE, rate_hz=PIPELINE_RATE_HZ)
    return speak_as_caller(text, voice, PIPELINE_RATE_HZ)


def config_for(scenario: Scenario, config: AgentConfig) -> AgentConfig:
    """``config`` with the scenario's served languages (issue #14), validated again so that the
    recognizer follows them (more than English: Whisper base)."""
    if scenario.languages is None:
        return config
    from pydantic import ValidationError

    from intents.policy.config import ConfigError

    raw = config.model_dump(exclude_unset=True)
    raw["languages"] = {**raw.get("languages", {}), "served": list(scenario.languages)}
    try:
        return AgentConfig.model_validate(raw)
    except ValidationError as exc:  # e.g. asr.model tiny.en in the config, more languages here
        message = str(exc.errors()[0]["msg"]).removeprefix("Value error, ")
        raise ConfigError(f"{scenario.path}: languages: {message}") from exc


def _turn_line(turn: CallerTurn, voice: str | None = None) -> Line:
    return Line("turn", _render(turn.audio, turn.text if turn.audio is None else None, voice),
                turn.reference_text or (turn.text if turn.audio is None else None), turn.expect_intent,
                float(turn.start.after_agent_silence_ms or 600),
                None if turn.start.into_agent_speech_ms is None else float(turn.start.into_agent_speech_ms))


def _answer_line(rule: AnswerRule, voice: str | None = None) -> AnswerLine:
    pcm = _render(rule.audio, rule.text if rule.audio is None else None, voice)
    line = Line("answer", pcm, rule.reference_text or rule.text, None)
    return AnswerLine(rule.when, line, rule.max_uses)


class _ScenarioStore:
    """A fresh store per simulated call (a temporary SQLite file), loaded with the fixtures.

    With ``store_unreachable`` the dialogue gets a second store at :data:`UNREACHABLE_DB_URL`
    instead, so every lookup and change of the call fails; the report still reads the call's
    changes from the first one (there must be none)."""

    def __init__(self, scenario: Scenario, config: AgentConfig, call_id: str) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="voice-agent-sim-")
        self.spool = CallbackSpool(Path(self._tmp.name) / "pending-callbacks.jsonl")
        self.call_id = call_id
        self.store = None
        self.down = None
        if config.dialogue.kind == "after_sales":
            from agent.store import Store, open_store, system_clock

            now = scenario.now
            clock = (lambda: now) if now is not None else None
            self.store = open_store(f"sqlite:///{self._tmp.name}/sim.db", clock=clock)
            if scenario.fixtures:
                self.store.load_fixtures(scenario.fixtures)
            if scenario.store_unreachable:
                from sqlalchemy import create_engine

                engine = create_engine(UNREACHABLE_DB_URL, connect_args={"connect_timeout": 3})
                self.down = Store(engine, clock or system_clock)

    def dialogue(self, config: AgentConfig, now: datetime | None,
                 caller_id: str | None = None) -> DialogueManager:
        from agent.dialogue_factory import make_dialogue

        return make_dialogue(config, self.down or self.store, now=(lambda: now) if now else None,
                             call_id=self.call_id, spool=self.spool, channel="phone", caller_id=caller_id)

    def changes(self) -> list[dict]:
        if self.store is None:
            return []
        return [{"kind": a.kind, "order_id": a.order_id, "amount": a.amount, "currency": a.currency}
                for a in self.store.changes_for_call(self.call_id)]

    def pending_callbacks(self) -> list[dict]:
        """Callbacks the call promised that the (unreachable) store never took: spooled."""
        return [{"kind": r.kind, "order_id": r.order_id, "call_id": call_id,
                 "due_at": r.due_at.isoformat() if r.due_at else None}
                for call_id, r in self.spool.pending()]

    def close(self) -> None:
        for store in (self.store, self.down):
            if store is not None:
                store.dispose()
        self._tmp.cleanup()


async def run_simulation(scenario: Scenario, out_dir: Path, config: AgentConfig,
                         call_factory: CallFactory | None = None,
                         progress: bool = False) -> SimulationResult:
    """Play ``scenario`` in real time; write the outputs into ``out_dir`` (created if needed).

    ``call_factory`` builds the pipeline under test (default: ours, with models loaded once per
    process); the benchmark passes a stock-pipecat one for its baseline.
    """
    config = config_for(scenario, config)  # the dialogue serves the scenario's languages too
    if call_factory is None:
        call_factory = our_call_factory(config, load_models(config))
    turns = [_turn_line(t, scenario.caller_voice) for t in scenario.turns]
    answers = [_answer_line(a, scenario.caller_voice) for a in scenario.answers]
    call_id = f"sim-{uuid.uuid4().hex[:8]}"
    store = _ScenarioStore(scenario, config, call_id)
    try:
        clock = MonotonicClock()
        mic, speaker = CallerMic(clock), AgentSpeaker()
        dialogue = store.dialogue(config, scenario.now, scenario.caller_id)
        call = call_factory(mic, speaker, dialogue, clock, call_id)
        caller = SimulatedCaller(turns, answers, mic, speaker, call.log, clock, call.agent_hung_up)
        ended_by = await _drive(call, caller, clock, scenario.max_call_s, progress)
        # As a live call does (agent.calls): save the record, and the callbacks promised while
        # the store was down if it is back. Never raises.
        await asyncio.to_thread(dialogue.close, "voice")
        duration_ms = clock.now_ms()
        n_frames = int(duration_ms // FRAME_MS) + 1
        caller_pcm, agent_pcm = mic.track.to_array(n_frames), speaker.track.to_array(n_frames)
        report = build_report(scenario.name, call_id, caller.spoken, call.log, caller_pcm, agent_pcm,
                              store.changes(), ended_by, duration_ms, store.pending_callbacks())
    finally:
        store.close()
    _write_outputs(out_dir, report, caller_pcm, agent_pcm)
    return SimulationResult(report, out_dir)


async def _drive(call: CallSession, caller: SimulatedCaller, clock: MonotonicClock,
                 max_call_s: float, progress: bool) -> str:
    pipeline_task = asyncio.create_task(call.run(), name=f"call-{call.call_id}")
    caller_task = asyncio.create_task(caller.run(), name=f"caller-{call.call_id}")
    ended_by = "max_call_s"
    try:
        deadline_ms = max_call_s * 1000.0
        while clock.now_ms() < deadline_ms:
            if pipeline_task.done():
                pipeline_task.result()  # surfaces a crash of the pipeline
                ended_by = "pipeline_stopped"
                break
            if caller_task.done():
                caller_task.result()
                ended_by = "agent_hung_up" if call.agent_hung_up.is_set() else "script_done"
                await asyncio.sleep(END_GRACE_MS / 1000.0)
                break
            if progress:
                print(f"\r  call time {clock.now_ms() / 1000:6.1f} s", end="", flush=True)
            await asyncio.sleep(0.1)
    finally:
        if progress:
            print()
        caller_task.cancel()
        await call.aclose()
        await asyncio.gather(pipeline_task, caller_task, return_exceptions=True)
    return ended_by


def _write_outputs(out_dir: Path, report: dict, caller_pcm: np.ndarray, agent_pcm: np.ndarray) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    write_wav(out_dir / "caller.wav", caller_pcm, PIPELINE_RATE_HZ)
    write_wav(out_dir / "agent.wav", agent_pcm, PIPELINE_RATE_HZ)
    _atomic_text(out_dir / "transcript.txt", transcript_text(report))
    _atomic_text(out_dir / "report.json", json.dumps(report, indent=2, default=str) + "\n")


def _atomic_text(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def transcript_text(report: dict) -> str:
    """A readable call transcript, in call-time order."""
    rows: list[tuple[float, str]] = []
    for c in report["caller"]:
        tag = " (barge-in)" if c["barge_in"] else ""
        rows.append((c["caller_start_ms"], f"CALLER{tag}: {c['transcript'] or '(nothing recognised)'}"))
    for a in report["agent"]:
        if a["audio_start_ms"] is None:
            continue
        text = a["text"] if not a["interrupted"] else f"{a['heard_text']} [cut; unsaid: " \
            f"{a['text'][len(a['heard_text']):].strip()}]"
        rows.append((a["audio_start_ms"], f"AGENT: {text}"))
    rows.sort(key=lambda r: r[0])
    lines = [f"# {report['scenario']} ({report['call_id']}), ended by {report['ended_by']}"]
    lines += [f"[{t / 1000:7.2f} s] {line}" for t, line in rows]
    return "\n".join(lines) + "\n"
