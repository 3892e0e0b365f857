"""Media Streams protocol, codec, resampling and signatures: fast, no server, no models."""

from __future__ import annotations

import base64
import json
import warnings
from typing import Any
from xml.etree import ElementTree

import numpy as np
import pytest

from agent.call_stats import interruption_latencies, response_latencies, summary
from agent.telephony.twilio import (
    MAX_MESSAGE_BYTES,
    Connected,
    Downsampler,
    Dtmf,
    Mark,
    Media,
    ProtocolError,
    Start,
    Stop,
    Upsampler,
    clear_message,
    mark_message,
    media_message,
    mulaw_decode,
    mulaw_encode,
    parse_message,
    twilio_signature,
    twiml_connect_stream,
    valid_signature,
)
from pipeline.events import AgentAudioLogged, CallEvent, CallLog, FinalLogged, ReplyLogged, VadLogged

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import audioop  # the reference G.711 codec (stdlib until 3.13)

START: dict[str, Any] = {"event": "start", "sequenceNumber": "1", "streamSid": "MZ1", "start": {
    "streamSid": "MZ1", "callSid": "CA1", "accountSid": "AC1", "tracks": ["inbound"],
    "customParameters": {"lang": "en"},
    "mediaFormat": {"encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1}}}


def _media(payload: str) -> str:
    return json.dumps({"event": "media", "streamSid": "MZ1", "sequenceNumber": "3",
                       "media": {"track": "inbound", "chunk": "2", "timestamp": "40", "payload": payload}})


def test_parses_every_twilio_event() -> None:
    assert parse_message('{"event": "connected", "protocol": "Call", "version": "1.0.0"}') == \
        Connected("Call", "1.0.0")
    start = parse_message(json.dumps(START))
    assert isinstance(start, Start)
    assert (start.stream_sid, start.call_sid, start.custom_parameters) == ("MZ1", "CA1", {"lang": "en"})
    assert start.format_problem() is None
    media = parse_message(_media(base64.b64encode(b"\x01" * 160).decode()))
    assert media == Media("MZ1", "inbound", 2, 40, b"\x01" * 160)
    assert parse_message(json.dumps({"event": "dtmf", "streamSid": "MZ1",
                                     "dtmf": {"track": "inbound_track", "digit": "#"}})) == Dtmf("MZ1", "#")
    assert parse_message(json.dumps({"event": "mark", "streamSid": "MZ1",
                                     "mark": {"name": "reply-3"}})) == Mark("MZ1", "reply-3")
    assert parse_message(json.dumps({"event": "stop", "streamSid": "MZ1",
                                     "stop": {"callSid": "CA1"}})) == Stop("MZ1", "CA1")


@pytest.mark.parametrize(("raw", "reason"), [
    ("{not json", "not valid JSON"),
    (b"\xff\xfe", "not valid JSON"),
    ("[1, 2]", "JSON object"),
    ('{"event": 5}', "no 'event'"),
    ('{"event": "surprise"}', "unknown event 'surprise'"),
    ('{"event": "+15551234567"}', r"unknown event \(name not shown\)"),
    ('{"event": "media"}', "'media' must be an object"),
    (_media("%%%"), "not valid base64"),
    (_media("AAE"), "not valid base64"),  # bad padding
    (_media(base64.b64encode(bytes(9000)).decode()), "payload over"),
    (json.dumps({"event": "media", "pad": "x" * MAX_MESSAGE_BYTES}), "message over"),
    (json.dumps({"event": "dtmf", "dtmf": {"digit": "A"}}), "dtmf digit"),
    (json.dumps({"event": "mark", "mark": {}}), "'name' must be a string"),
    (json.dumps({**START, "start": {**START["start"], "mediaFormat": {"encoding": "x",
                                                                      "sampleRate": "fast"}}}),
     "'sampleRate' must be an integer"),
])
def test_bad_messages_raise_a_clear_error(raw: str | bytes, reason: str) -> None:
    with pytest.raises(ProtocolError, match=reason):
        parse_message(raw)


def test_error_text_never_quotes_the_payload() -> None:
    with pytest.raises(ProtocolError) as info:
        parse_message(_media("secret+order+4711!"))
    assert "secret" not in str(info.value)
    with pytest.raises(ProtocolError) as info:
        parse_message(json.dumps({"event": "x" * 500}))
    assert len(str(info.value)) < 60


def test_unsupported_media_format_is_named() -> None:
    start = parse_message(json.dumps({**START, "start": {**START["start"], "mediaFormat": {
        "encoding": "audio/x-l16", "sampleRate": 16000, "channels": 1}}}))
    assert isinstance(start, Start)
    assert "unsupported media format" in (start.format_problem() or "")


def test_outgoing_messages() -> None:
    media = json.loads(media_message("MZ1", b"\x00\xff"))
    assert media == {"event": "media", "streamSid": "MZ1", "media": {"payload": "AP8="}}
    assert json.loads(mark_message("MZ1", "reply-2")) == {"event": "mark", "streamSid": "MZ1",
                                                         "mark": {"name": "reply-2"}}
    assert json.loads(clear_message("MZ1")) == {"event": "clear", "streamSid": "MZ1"}
    url = 'wss://voice.example.com/twilio/stream?a=1&b="2"'
    stream = ElementTree.fromstring(twiml_connect_stream(url).split("\n", 1)[1]).find("Connect/Stream")
    assert stream is not None and stream.get("url") == url  # escaped, and parses back


def test_mulaw_is_bit_exact_with_the_reference_codec() -> None:
    every_sample = np.arange(-32768, 32768, dtype=np.int32).astype(np.int16)
    assert mulaw_encode(every_sample) == audioop.lin2ulaw(every_sample.tobytes(), 2)
    every_code = bytes(range(256))
    assert mulaw_decode(every_code).tobytes() == audioop.ulaw2lin(every_code, 2)


def _tone(freq_hz: float, rate_hz: int, seconds: float = 1.0) -> np.ndarray:
    t = np.arange(int(rate_hz * seconds)) / rate_hz
    return (10_000 * np.sin(2 * np.pi * freq_hz * t)).astype(np.int16)


def test_resampling_keeps_speech_band_and_frame_sizes() -> None:
    down, up = Downsampler(), Upsampler()
    tone = _tone(1000, 16_000)
    narrow = np.concatenate([down.process(tone[i:i + 320]) for i in range(0, len(tone), 320)])
    wide = np.concatenate([up.process(narrow[i:i + 160]) for i in range(0, len(narrow), 160)])
    assert (len(narrow), len(wide)) == (8000, 16000)
    assert 9500 < np.abs(narrow[200:]).max() < 10_100  # 1 kHz passes at full level
    assert 9500 < np.abs(wide[400:]).max() < 10_100
    aliased = Downsampler()
    high = _tone(6000, 16_000)
    out = np.concatenate([aliased.process(high[i:i + 320]) for i in range(0, len(high), 320)])
    assert np.abs(out[200:]).max() < 100  # 6 kHz would alias to 2 kHz: filtered out
    with pytest.raises(ValueError):
        Downsampler().process(np.zeros(3, dtype=np.int16))


def test_chunked_resampling_equals_one_shot() -> None:
    # State carries across 20 ms chunks: no click at frame edges.
    noise = np.random.default_rng(1).normal(0, 3000, 8000).astype(np.int16)
    whole = Upsampler().process(noise)
    up = Upsampler()
    chunked = np.concatenate([up.process(noise[i:i + 160]) for i in range(0, len(noise), 160)])
    assert np.array_equal(whole, chunked)


def test_signature_matches_twilios_documented_example() -> None:
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    params = {"CallSid": "CA1234567890ABCDE", "Caller": "+12349013030", "Digits": "1234",
              "From": "+12349013030", "To": "+18005551212"}
    assert twilio_signature("12345", url, params) == "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
    assert valid_signature("12345", "0/KCTR6DLpKmkAf8muzZqo1nDgQ=", url, params)
    assert not valid_signature("12345", "0/KCTR6DLpKmkAf8muzZqo1nDgQ=", url, {**params, "Digits": "9"})
    assert not valid_signature("12345", "0/KCTR6DLpKmkAf8muzZqo1nDgQ=", url + "&x=1", params)
    assert not valid_signature("other", "0/KCTR6DLpKmkAf8muzZqo1nDgQ=", url, params)
    assert not valid_signature("12345", None, url, params)
    assert not valid_signature("12345", "ü", url, params)


def test_call_figures_from_the_log() -> None:
    log = CallLog()
    events: list[CallEvent] = [
        VadLogged("speech_start", 1100, 1000), VadLogged("speech_end", 2200, 1000),
        VadLogged("turn_end", 2500, 1000), FinalLogged("where is it", 2600, 2500, 1000, 90),
        ReplyLogged(2, "It is on its way.", "order_status", 2610, "where is it"),
        AgentAudioLogged("started", 2, 2900, ""),
        VadLogged("onset", 3400, 3380), AgentAudioLogged("paused", 2, 3400, "It is"),
        AgentAudioLogged("cut", 2, 4100, "It is"),
    ]
    for event in events:
        log.add(event)
    turns = response_latencies(log, vad_stop_ms=200)
    assert [(t.reply_id, t.response_ms) for t in turns] == [(2, 900.0)]  # 2900 - (2200 - 200)
    assert interruption_latencies(log) == [20.0]
    assert summary(log, 200) == {"response_p50_ms": 900.0, "response_max_ms": 900.0,
                                 "interruption_p50_ms": 20.0, "interruption_max_ms": 20.0}
