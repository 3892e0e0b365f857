"""SIP with real callers on loopback: baresip talks to the agent, sipp sends DTMF and a bad INVITE.

The ``realtime`` tests need the Debian packages ``baresip`` and ``sip-tester`` (sipp) and
``pjsua2-python``; each skips with the reason when one is missing. The first tests (no marker)
check the audio hand-over between pjmedia's thread and the event loop without any SIP.
The server runs in the test's event loop with the real models, the after-sales dialogue and a
seeded temporary SQLite store.
"""

from __future__ import annotations

import asyncio
import contextlib
import glob
import logging
import shutil
import socket
import threading
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import select

from agent.audio_files import read_wav, write_wav
from agent.call import load_models
from agent.calls import CallHost
from agent.config import AgentConfig
from agent.store import Store, open_store
from agent.store.models import CallRecord
from agent.telephony.sip.media import (
    SILENCE,
    SINK_MAX_FRAMES,
    SOURCE_MAX_FRAMES,
    SipAudioSink,
    SipAudioSource,
    redact,
)
from pipeline.devices import FRAME_BYTES

ROOT = Path(__file__).resolve().parent.parent
CLIP = ROOT / "benchmarks" / "scenarios" / "clips" / "damaged-ask.wav"
SCENARIOS = Path(__file__).resolve().parent / "sip"
SIPP_PCAPS = Path("/usr/share/sip-tester")
# pjsip's and pjmedia's native threads, by name (/proc/self/task/*/comm).
PJ_THREADS = {"clock", "media", "ev_thread", "pjsua_0", "pjsip"}

# The caller stays silent through the greeting, asks, then listens to the reply (seconds).
GREETING_S, LISTEN_S = 7.0, 7.0
LOUD_RMS = 330  # about -40 dBFS on int16


def _frame(n: int) -> bytes:
    return bytes([n % 256]) * FRAME_BYTES


def test_sink_primes_plays_in_order_and_reprimes_after_an_underrun() -> None:
    sink = SipAudioSink()
    sink.write_frame(_frame(1), 0)
    assert sink.next_frame() == SILENCE  # one frame is not enough to start
    sink.write_frame(_frame(2), 20)
    assert [sink.next_frame(), sink.next_frame()] == [_frame(1), _frame(2)]
    assert sink.next_frame() == SILENCE and sink.underruns == 1
    sink.write_frame(_frame(3), 40)
    assert sink.next_frame() == SILENCE  # priming again
    sink.write_frame(_frame(4), 60)
    assert sink.next_frame() == _frame(3)


def test_sink_bounds_its_delay_and_clears_on_barge_in() -> None:
    sink = SipAudioSink()
    for i in range(SINK_MAX_FRAMES + 1):
        sink.write_frame(_frame(i), i * 20)
    # Trimmed to the priming depth: only the newest two frames are left.
    assert [sink.next_frame(), sink.next_frame()] == [_frame(SINK_MAX_FRAMES - 1), _frame(SINK_MAX_FRAMES)]
    for i in range(3):
        sink.write_frame(_frame(i), i * 20)
    sink.clear()
    assert sink.next_frame() == SILENCE


async def test_source_reframes_caller_audio_and_ends_with_none() -> None:
    source = SipAudioSource(asyncio.get_running_loop())

    def pjmedia() -> None:
        source.feed(_frame(7)[:100])
        source.feed(_frame(7)[:540] + _frame(8)[:100])
        source.close()

    threading.Thread(target=pjmedia).start()
    assert await asyncio.wait_for(source.read_frame(), 2) == _frame(7)
    assert await asyncio.wait_for(source.read_frame(), 2) is None  # the 100-byte tail of 8s is dropped
    assert await source.read_frame() is None


async def test_source_drops_the_oldest_audio_when_the_loop_falls_behind() -> None:
    source = SipAudioSource(asyncio.get_running_loop())
    for i in range(SOURCE_MAX_FRAMES + 5):
        source.feed(_frame(i))
    await asyncio.sleep(0)  # let the hand-overs run
    assert source.dropped_frames == 5
    assert await source.read_frame() == _frame(5)


def test_pjsip_log_lines_lose_uris_and_numbers() -> None:
    line = 'From: "Bob" <sip:+441632960123@trunk.example.com>;tag=1 tel:+44 1632 960123 status=170488'
    out = redact(line)
    assert "sip:" not in out and "1632" not in out and "trunk.example" not in out
    assert "status=170488" in out


def _need(*tools: str) -> None:
    pytest.importorskip("pjsua2")
    for tool in tools:
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed (Debian: baresip, sip-tester)")


def _free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pj_threads() -> set[str]:
    names = set()
    for comm in glob.glob("/proc/self/task/*/comm"):
        with contextlib.suppress(OSError):
            names.add(Path(comm).read_text().strip())
    return names & PJ_THREADS


class SpyHost(CallHost):
    """A CallHost that also notes the keys each call's pipeline was sent."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.digits: dict[str, list[str]] = {}

    def open_call(self, source: Any, sink: Any, channel: str, call_id: str | None = None,
                  caller_number: str = "") -> Any:
        live = super().open_call(source, sink, channel, call_id, caller_number)
        keys = self.digits.setdefault(live.call_id, [])
        real = live.pipeline.send_dtmf

        async def spy(key: str) -> None:
            keys.append(key)
            await real(key)

        live.pipeline.send_dtmf = spy  # type: ignore[method-assign]
        return live


@pytest.fixture(scope="module")
def models() -> Any:
    return load_models(AgentConfig())


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = open_store(f"sqlite:///{tmp_path / 'calls.db'}")
    s.seed_demo()
    return s


def _records(store: Store) -> list[CallRecord]:
    with store.session() as s:
        rows = list(s.scalars(select(CallRecord)).all())
        s.expunge_all()
        return rows


class Server:
    """``run_sip_server`` as a task of the test's loop on a free port."""

    def __init__(self, host: CallHost, **options: Any) -> None:
        self.host, self.port, self.options = host, _free_udp_port(), options
        self.stop, self.ready = asyncio.Event(), asyncio.Event()
        self.task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Server:
        from agent.telephony.sip import run_sip_server

        self.task = asyncio.create_task(run_sip_server("127.0.0.1", self.port, self.host, self.stop,
                                                       ready=self.ready, **self.options))
        await asyncio.wait([self.task, asyncio.create_task(self.ready.wait())], timeout=10,
                           return_when=asyncio.FIRST_COMPLETED)
        if self.task.done():
            self.task.result()  # raises the start-up error
        assert self.ready.is_set(), "SIP server did not start in 10 s"
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.stop.set()
        assert self.task is not None
        await asyncio.wait_for(self.task, timeout=15)
        assert not any(t.name == "sip" for t in threading.enumerate()), "SIP thread left behind"
        assert not _pj_threads(), f"pjsip threads left behind: {_pj_threads()}"


async def _sipp(*args: str, timeout_s: float = 30.0, cwd: Path) -> tuple[int, str]:
    proc = await asyncio.create_subprocess_exec(
        "sipp", *args, "-m", "1", "-i", "127.0.0.1", "-p", str(_free_udp_port()),
        "-mp", str(_free_udp_port()), "-nostdin", "-trace_err", "-timeout", f"{int(timeout_s)}s",
        cwd=cwd, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    out, _ = await asyncio.wait_for(proc.communicate(), timeout=timeout_s + 10)
    errors = "".join(p.read_text(errors="replace") for p in cwd.glob("*_errors.log"))
    return proc.returncode or 0, out.decode(errors="replace")[-1500:] + errors[-1500:]


def _loud_seconds(pcm: np.ndarray, rate_hz: int, start_s: float = 0.0, end_s: float = 1e9) -> float:
    frame = rate_hz // 50
    part = pcm[int(start_s * rate_hz):int(min(end_s * rate_hz, len(pcm)))].astype(np.float64)
    frames = part[: len(part) // frame * frame].reshape(-1, frame)
    return float((np.sqrt((frames**2).mean(axis=1)) > LOUD_RMS).sum()) * 0.02


def _caller_wav(path: Path) -> float:
    """The caller's side at 8 kHz: silence, the question, silence (baresip hangs up at its end)."""
    ask = read_wav(CLIP, rate_hz=8000)
    silence = [np.zeros(int(s * 8000), dtype=np.int16) for s in (GREETING_S, LISTEN_S)]
    write_wav(path, np.concatenate([silence[0], ask, silence[1]]), 8000)
    return GREETING_S + len(ask) / 8000


def _baresip_config(root: Path, caller_wav: Path) -> Path:
    conf = root / "baresip"
    (conf / "rec").mkdir(parents=True)
    (conf / "config").write_text(f"""\
poll_method epoll
sip_listen 127.0.0.1:{_free_udp_port()}
call_local_timeout 20
audio_player aubridge,nil
audio_alert aubridge,nil
audio_source aufile,{caller_wav}
module_path /usr/lib/baresip/modules
module g711.so
module aufile.so
module aubridge.so
module sndfile.so
module_tmp account.so
module_app menu.so
snd_path {conf / 'rec'}
""")
    (conf / "accounts").write_text("<sip:caller@127.0.0.1>;regint=0\n")
    return conf


@pytest.mark.realtime
async def test_baresip_call_hears_the_greeting_and_a_reply(tmp_path: Path, models: Any, store: Store,
                                                           caplog: pytest.LogCaptureFixture) -> None:
    _need("baresip")
    caplog.set_level(logging.INFO, logger="agent")
    ask_end_s = _caller_wav(tmp_path / "caller.wav")
    conf = _baresip_config(tmp_path, tmp_path / "caller.wav")
    host = CallHost(AgentConfig(), models, store)
    async with Server(host) as server:
        proc = await asyncio.create_subprocess_exec(
            "baresip", "-f", str(conf), "-n", "127.0.0.1", "-t", str(int(ask_end_s + LISTEN_S + 15)),
            "-e", f"/dial sip:agent@127.0.0.1:{server.port}",
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
        assert proc.stdout is not None
        output = []
        while line := await proc.stdout.readline():  # until baresip's own -t limit at worst
            output.append(line.decode(errors="replace"))
            if "terminated" in output[-1]:
                break
        with contextlib.suppress(ProcessLookupError):
            proc.terminate()
        await proc.wait()
        log_text = "".join(output)
        assert "Call established" in log_text, log_text[-2000:]
        for _ in range(50):  # the BYE reaches the pipeline, which writes the record
            if _records(store):
                break
            await asyncio.sleep(0.1)

    heard_files = list((conf / "rec").glob("*-dec.wav"))
    assert heard_files, "baresip recorded nothing"
    heard = read_wav(heard_files[0], rate_hz=16_000)
    greeting_loud = _loud_seconds(heard, 16_000, 0, GREETING_S)
    reply_loud = _loud_seconds(heard, 16_000, ask_end_s)
    greeting_text = models.recognizer.transcribe(heard[: int(GREETING_S * 16_000)]).text
    reply_text = models.recognizer.transcribe(heard[int(ask_end_s * 16_000):]).text
    print(f"heard {len(heard) / 16_000:.1f} s; greeting {greeting_loud:.2f} s loud: {greeting_text!r}; "
          f"reply {reply_loud:.2f} s loud: {reply_text!r}")
    assert greeting_loud > 1.0
    assert any(w in greeting_text.lower() for w in ("alex", "after", "northwind")), greeting_text
    assert reply_loud > 1.0, "no reply after the caller's question"

    records = _records(store)
    assert len(records) == 1
    rec = records[0]
    assert rec.channel == "sip" and rec.ended_at is not None
    speakers = [t["speaker"] for t in rec.transcript]
    print("record:", rec.transcript)
    assert "caller" in speakers and speakers.count("agent") >= 2, rec.transcript
    for r in caplog.records:  # privacy: no SIP URIs of callers in our logs
        assert "caller@" not in r.getMessage() and "sip:" not in r.getMessage(), r.getMessage()


@pytest.mark.realtime
async def test_invite_without_a_common_codec_is_refused_and_calls_go_on(
        tmp_path: Path, models: Any, store: Store, caplog: pytest.LogCaptureFixture) -> None:
    _need("sipp")
    if not (SIPP_PCAPS / "dtmf_2833_1.pcap").exists():
        pytest.skip("sipp's DTMF recordings are missing (Debian sip-tester)")
    caplog.set_level(logging.INFO, logger="agent")
    host = SpyHost(AgentConfig(), models, store)
    bad_offers = {"gsm": "3;GSM/8000", "opus": "111;opus/48000/2"}
    for name, line in bad_offers.items():
        (tmp_path / f"{name}.csv").write_text(f"SEQUENTIAL\n{line}\n")
    async with Server(host) as server:
        target = f"127.0.0.1:{server.port}"
        # A live call (DTMF "1", "#", then 4 s on the line) with the bad INVITEs arriving during it.
        (tmp_path / "live").mkdir()
        live = asyncio.create_task(_sipp("-sf", str(SCENARIOS / "dtmf_call.xml"), target,
                                         cwd=tmp_path / "live"))
        await asyncio.sleep(1.0)
        refusals = []
        for name in bad_offers:
            (tmp_path / name).mkdir()
            refusals.append(await _sipp("-sf", str(SCENARIOS / "no_common_codec.xml"), "-inf",
                                        str(tmp_path / f"{name}.csv"), target, timeout_s=10,
                                        cwd=tmp_path / name))
        live_rc, live_out = await live
        # And a following plain call (sipp's built-in G.711 caller: INVITE, ACK, BYE).
        (tmp_path / "next").mkdir()
        next_rc, next_out = await _sipp("-sn", "uac", target, cwd=tmp_path / "next")
        for _ in range(50):
            if len(_records(store)) >= 2:
                break
            await asyncio.sleep(0.1)

    for (rc, out), name in zip(refusals, bad_offers, strict=True):
        assert rc == 0, f"{name} offer was not refused with 488:\n{out}"
    assert live_rc == 0, live_out
    assert next_rc == 0, next_out
    records = _records(store)
    assert len(records) == 2, "a refused INVITE must not become a call"
    assert all(r.channel == "sip" and r.ended_at is not None for r in records)
    assert sorted(host.digits.values(), key=len) == [[], ["1", "#"]], host.digits
    refused = [r for r in caplog.records if "488" in r.getMessage()]
    assert len(refused) == len(bad_offers), [r.getMessage() for r in caplog.records]


@pytest.mark.realtime
async def test_server_stop_hangs_up_live_calls_and_records_them(tmp_path: Path, models: Any,
                                                                store: Store) -> None:
    _need("sipp")
    host = CallHost(AgentConfig(), models, store)
    async with Server(host) as server:
        caller = asyncio.create_task(_sipp("-sf", str(SCENARIOS / "wait_for_bye.xml"),
                                           f"127.0.0.1:{server.port}", cwd=tmp_path))
        for _ in range(100):
            if host.calls:
                break
            await asyncio.sleep(0.05)
        if not host.calls:
            rc, out = await caller
            pytest.fail(f"the call never reached the pipeline (sipp rc {rc}):\n{out}")
        await asyncio.sleep(1.0)  # mid-greeting
    rc, out = await caller  # the server's BYE ended sipp's scenario
    assert rc == 0, out
    records = _records(store)
    assert len(records) == 1 and records[0].ended_at is not None and records[0].channel == "sip"


@pytest.mark.realtime
async def test_a_caller_that_goes_silent_without_bye_is_hung_up(tmp_path: Path, models: Any,
                                                                store: Store) -> None:
    _need("sipp")
    host = CallHost(AgentConfig(), models, store)
    async with Server(host, rtp_timeout_s=2.0) as server:
        started = asyncio.get_running_loop().time()
        # This caller never sends RTP and waits for a BYE, as if its network had gone.
        rc, out = await _sipp("-sf", str(SCENARIOS / "wait_for_bye.xml"), f"127.0.0.1:{server.port}",
                              cwd=tmp_path)
        waited_s = asyncio.get_running_loop().time() - started
        assert rc == 0, out
        assert 2.0 <= waited_s < 6.0, waited_s
        for _ in range(50):
            if _records(store):
                break
            await asyncio.sleep(0.1)
    assert len(_records(store)) == 1


@pytest.mark.realtime
async def test_a_full_worker_answers_the_next_sip_caller_with_the_busy_notice_and_a_callback(
        tmp_path: Path, models: Any, store: Store) -> None:
    """Reached directly (no front door that fails over), a full worker answers, plays the busy
    notice to its end, books a callback to the number in From, and hangs up."""
    from agent.config import FleetConfig
    from agent.store.models import Callback

    _need("sipp")
    number = "+441632960188"
    host = CallHost(AgentConfig(fleet=FleetConfig(max_calls=1)), models, store)
    host.warm_notices()
    for d in ("held", "busy"):
        (tmp_path / d).mkdir()
    async with Server(host) as server:
        target = f"127.0.0.1:{server.port}"
        held = asyncio.create_task(_sipp("-sf", str(SCENARIOS / "caller_hangs_up.xml"), target,
                                         "-key", "caller", "+441632960100", "-d", "14000",
                                         cwd=tmp_path / "held", timeout_s=40))
        for _ in range(100):
            if host.calls:
                break
            await asyncio.sleep(0.05)
        assert host.calls, "the first call never started"
        started = asyncio.get_running_loop().time()
        rc, out = await _sipp("-sf", str(SCENARIOS / "caller_until_bye.xml"), target,
                              "-key", "caller", number, cwd=tmp_path / "busy", timeout_s=40)
        busy_s = asyncio.get_running_loop().time() - started
        assert rc == 0, out  # answered 200, then the agent's BYE
        assert len(host.calls) == 1  # the first call went on untouched
        rc, out = await held
        assert rc == 0, out
    print(f"busy SIP caller hung up by the agent after {busy_s:.1f} s")
    assert 3.0 < busy_s < 20.0  # the notice was played, not cut
    with store.session() as s:
        callbacks = list(s.scalars(select(Callback)))
        assert len(callbacks) == 1 and number in callbacks[0].reason
    records = _records(store)
    busy = [r for r in records if r.latency.get("overflow")]
    assert len(busy) == 1 and busy[0].channel == "sip" and "busy" in busy[0].transcript[0]["text"]
    assert host.callbacks_booked == 1 and host.overflow_calls == 0


@pytest.mark.realtime
async def test_a_drained_sip_call_hears_the_apology_gets_a_callback_then_the_bye(
        tmp_path: Path, models: Any, store: Store) -> None:
    from agent.store.models import Callback

    _need("sipp")
    number = "+441632960189"
    host = CallHost(AgentConfig(), models, store)
    host.warm_notices()
    async with Server(host) as server:
        caller = asyncio.create_task(_sipp("-sf", str(SCENARIOS / "caller_until_bye.xml"),
                                           f"127.0.0.1:{server.port}", "-key", "caller", number,
                                           cwd=tmp_path, timeout_s=40))
        for _ in range(100):
            if host.calls:
                break
            await asyncio.sleep(0.05)
        assert host.calls, "the call never started"
        await asyncio.sleep(1.0)
        loop = asyncio.get_running_loop()
        started = loop.time()
        assert await host.drain(0.5) == 1  # the call is still going at the limit: ended
        rc, out = await caller
        bye_after_s = loop.time() - started
    assert rc == 0, out
    print(f"drained SIP call: BYE {bye_after_s:.1f} s after the drain began")
    assert bye_after_s > 3.0  # the apology was played before the BYE, not cut
    with store.session() as s:
        callbacks = list(s.scalars(select(Callback)))
        assert len(callbacks) == 1 and number in callbacks[0].reason
        assert "restart" in callbacks[0].reason
