"""Twilio Media Streams, as pure protocol: messages, the μ-law codec, resampling, signatures.

No I/O here. :func:`parse_message` turns one WebSocket text message into a frozen dataclass or
raises :class:`ProtocolError` with a reason fit for a log line (it never quotes the payload).
Audio on the wire is G.711 μ-law, 8 kHz mono, 20 ms (160 bytes) per ``media`` message; inside
the pipeline it is 16-bit PCM at 16 kHz (see ``pipeline.devices``).

The protocol as Twilio documents it: https://www.twilio.com/docs/voice/media-streams/websocket-messages
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

WIRE_RATE_HZ = 8_000
WIRE_FRAME_BYTES = 160  # 20 ms of μ-law at 8 kHz
# A Twilio message is ~300 bytes; 64 KiB leaves room for large customParameters and nothing more.
MAX_MESSAGE_BYTES = 64 * 1024
# Twilio sends 20 ms per media message; one second is the most any sane peer would batch.
MAX_PAYLOAD_BYTES = WIRE_RATE_HZ
DTMF_KEYS = frozenset("0123456789*#")
EXPECTED_FORMAT = ("audio/x-mulaw", 8000, 1)


_EVENT_NAME = re.compile(r"[a-z_]{1,32}")


class ProtocolError(ValueError):
    """A message that is not valid Media Streams; the text names what is wrong, never the data."""


@dataclass(frozen=True)
class Connected:
    protocol: str
    version: str


@dataclass(frozen=True)
class Start:
    stream_sid: str
    call_sid: str
    account_sid: str
    tracks: tuple[str, ...]
    encoding: str
    sample_rate_hz: int
    channels: int
    custom_parameters: Mapping[str, str] = field(default_factory=dict)

    def format_problem(self) -> str | None:
        """Why this stream's audio format is unusable, or None when it is μ-law 8 kHz mono."""
        got = (self.encoding, self.sample_rate_hz, self.channels)
        if got != EXPECTED_FORMAT:
            return f"unsupported media format {got}, expected {EXPECTED_FORMAT}"
        return None


@dataclass(frozen=True)
class Media:
    stream_sid: str
    track: str
    chunk: int
    timestamp_ms: int  # since the stream started, by the provider's clock
    payload: bytes  # μ-law bytes


@dataclass(frozen=True)
class Dtmf:
    stream_sid: str
    digit: str


@dataclass(frozen=True)
class Mark:
    stream_sid: str
    name: str


@dataclass(frozen=True)
class Stop:
    stream_sid: str
    call_sid: str


Message = Connected | Start | Media | Dtmf | Mark | Stop


def _obj(parent: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = parent.get(key)
    if not isinstance(value, dict):
        raise ProtocolError(f"'{key}' must be an object")
    return value


def _str(parent: Mapping[str, Any], key: str, default: str | None = None) -> str:
    value = parent.get(key, default)
    if not isinstance(value, str):
        raise ProtocolError(f"'{key}' must be a string")
    return value


def _int(parent: Mapping[str, Any], key: str, default: int | None = None) -> int:
    # Twilio sends counters as decimal strings ("chunk": "3"); accept real integers too.
    value = parent.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ProtocolError(f"'{key}' must be an integer")
    try:
        return int(value)
    except ValueError:
        raise ProtocolError(f"'{key}' must be an integer") from None


def _payload(media: Mapping[str, Any]) -> bytes:
    text = _str(media, "payload")
    # Checked before decoding so a huge payload costs nothing; base64 is 4 chars per 3 bytes.
    if len(text) > (MAX_PAYLOAD_BYTES + 2) // 3 * 4:
        raise ProtocolError(f"media payload over {MAX_PAYLOAD_BYTES} bytes")
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ProtocolError("media payload is not valid base64") from None


def parse_message(raw: str | bytes) -> Message:
    """One Media Streams message, validated. Raises :class:`ProtocolError`."""
    if len(raw) > MAX_MESSAGE_BYTES:
        raise ProtocolError(f"message over {MAX_MESSAGE_BYTES} bytes")
    try:
        msg = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise ProtocolError("message is not valid JSON") from None
    if not isinstance(msg, dict):
        raise ProtocolError("message must be a JSON object")
    event = msg.get("event")
    if event == "connected":
        return Connected(_str(msg, "protocol", ""), _str(msg, "version", ""))
    if event == "start":
        start = _obj(msg, "start")
        fmt = _obj(start, "mediaFormat")
        tracks = start.get("tracks", ["inbound"])
        if not isinstance(tracks, list) or not all(isinstance(t, str) for t in tracks):
            raise ProtocolError("'tracks' must be a list of strings")
        params = start.get("customParameters", {})
        if not isinstance(params, dict) or not all(isinstance(v, str) for v in params.values()):
            raise ProtocolError("'customParameters' must map names to strings")
        return Start(_str(msg, "streamSid", _str(start, "streamSid", "")), _str(start, "callSid", ""),
                     _str(start, "accountSid", ""), tuple(tracks), _str(fmt, "encoding"),
                     _int(fmt, "sampleRate"), _int(fmt, "channels", 1), dict(params))
    if event == "media":
        media = _obj(msg, "media")
        return Media(_str(msg, "streamSid", ""), _str(media, "track", "inbound"),
                     _int(media, "chunk", 0), _int(media, "timestamp", 0), _payload(media))
    if event == "dtmf":
        digit = _str(_obj(msg, "dtmf"), "digit")
        if digit not in DTMF_KEYS:
            raise ProtocolError("dtmf digit must be one of 0-9 * #")
        return Dtmf(_str(msg, "streamSid", ""), digit)
    if event == "mark":
        return Mark(_str(msg, "streamSid", ""), _str(_obj(msg, "mark"), "name"))
    if event == "stop":
        stop = msg.get("stop", {})
        call_sid = _str(stop, "callSid", "") if isinstance(stop, dict) else ""
        return Stop(_str(msg, "streamSid", ""), call_sid)
    if not isinstance(event, str):
        raise ProtocolError("message has no 'event' string")
    # The name comes from the peer and ends up in a log line: only a plain short word is quoted.
    if _EVENT_NAME.fullmatch(event):
        raise ProtocolError(f"unknown event {event!r}")
    raise ProtocolError("unknown event (name not shown)")


# -- outgoing --------------------------------------------------------------------------------

def media_message(stream_sid: str, mulaw: bytes) -> str:
    return json.dumps({"event": "media", "streamSid": stream_sid,
                       "media": {"payload": base64.b64encode(mulaw).decode("ascii")}})


def mark_message(stream_sid: str, name: str) -> str:
    return json.dumps({"event": "mark", "streamSid": stream_sid, "mark": {"name": name}})


def clear_message(stream_sid: str) -> str:
    return json.dumps({"event": "clear", "streamSid": stream_sid})


def twiml_connect_stream(stream_url: str, parameters: Mapping[str, str] | None = None) -> str:
    """TwiML that connects the call to our WebSocket; when the socket closes the call ends.

    ``parameters`` reach the stream's ``start`` message as ``customParameters`` (e.g. the
    caller's number, for a callback when the call cannot be served)."""
    from xml.sax.saxutils import quoteattr

    inner = "".join(f"<Parameter name={quoteattr(k)} value={quoteattr(v)}/>"
                    for k, v in (parameters or {}).items())
    stream = (f"<Stream url={quoteattr(stream_url)}>{inner}</Stream>" if inner
              else f"<Stream url={quoteattr(stream_url)}/>")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<Response><Connect>{stream}</Connect></Response>")


# -- G.711 μ-law -----------------------------------------------------------------------------

_BIAS = 0x84
# 14-bit segment ends, as in the Sun/ITU reference encoder that audioop and most stacks share.
_SEG_END = np.array([0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF, 0x1FFF], dtype=np.int32)


def _decode_table() -> npt.NDArray[np.int16]:
    u = ~np.arange(256, dtype=np.int32) & 0xFF
    exponent = (u >> 4) & 0x07
    mantissa = u & 0x0F
    magnitude = (((mantissa << 3) + _BIAS) << exponent) - _BIAS
    return np.where(u & 0x80, -magnitude, magnitude).astype(np.int16)


_DECODE = _decode_table()


def mulaw_decode(data: bytes) -> npt.NDArray[np.int16]:
    """μ-law bytes → int16 PCM (same sample count)."""
    return _DECODE[np.frombuffer(data, dtype=np.uint8)]


def mulaw_encode(pcm: npt.NDArray[np.int16]) -> bytes:
    """int16 PCM → μ-law bytes, bit-exact with the reference encoder (and Python's audioop)."""
    x = pcm.astype(np.int32) >> 2  # arithmetic shift: negatives round toward -inf, as the reference
    negative = x < 0
    magnitude = np.minimum(np.where(negative, -x, x), 8159) + (_BIAS >> 2)
    segment = np.searchsorted(_SEG_END, magnitude, side="left").astype(np.int32)
    ulaw = (segment << 4) | ((magnitude >> (segment + 1)) & 0x0F)
    ulaw = np.where(segment >= len(_SEG_END), 0x7F, ulaw)  # beyond the last segment: the maximum code
    return (ulaw ^ np.where(negative, 0x7F, 0xFF)).astype(np.uint8).tobytes()


# -- 8 kHz ⇄ 16 kHz ---------------------------------------------------------------------------
# A fixed 2:1 polyphase FIR with carried state rather than soxr's stream: measured here,
# soxr.ResampleStream releases output in ~100 ms blocks at every quality above "QQ", which would
# add 100 ms each way to a 20 ms real-time path; "QQ" has no anti-alias filter.

def _halfband(taps: int = 48, cutoff_hz: float = 3700.0,
              rate_hz: float = 16_000.0) -> npt.NDArray[np.float64]:
    n = np.arange(taps) - (taps - 1) / 2
    h = 2 * cutoff_hz / rate_hz * np.sinc(2 * cutoff_hz / rate_hz * n) * np.kaiser(taps, 8.0)
    return h / h.sum()


_FIR = _halfband()


class Downsampler:
    """16 kHz → 8 kHz, one call's stream. Feed even-length chunks; ~1.5 ms group delay."""

    def __init__(self) -> None:
        self._tail = np.zeros(len(_FIR) - 1)

    def process(self, pcm16k: npt.NDArray[np.int16]) -> npt.NDArray[np.int16]:
        if len(pcm16k) % 2:
            raise ValueError("Downsampler needs an even number of samples")
        x = np.concatenate([self._tail, pcm16k.astype(np.float64)])
        self._tail = x[len(x) - (len(_FIR) - 1):]
        y = np.convolve(x, _FIR, mode="valid")[::2]
        return np.clip(np.round(y), -32768, 32767).astype(np.int16)


class Upsampler:
    """8 kHz → 16 kHz, one call's stream: zero-stuffing then the same low-pass (gain 2)."""

    def __init__(self) -> None:
        self._tail = np.zeros(len(_FIR) - 1)

    def process(self, pcm8k: npt.NDArray[np.int16]) -> npt.NDArray[np.int16]:
        stuffed = np.zeros(2 * len(pcm8k))
        stuffed[::2] = pcm8k
        x = np.concatenate([self._tail, stuffed])
        self._tail = x[len(x) - (len(_FIR) - 1):]
        y = 2.0 * np.convolve(x, _FIR, mode="valid")
        return np.clip(np.round(y), -32768, 32767).astype(np.int16)


# -- X-Twilio-Signature ----------------------------------------------------------------------

def twilio_signature(auth_token: str, url: str, params: Mapping[str, str] | None = None) -> str:
    """base64(HMAC-SHA1(token, url + each POST parameter's name and value, sorted by name))."""
    data = url + "".join(f"{k}{v}" for k, v in sorted((params or {}).items()))
    digest = hmac.new(auth_token.encode("utf-8"), data.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def valid_signature(auth_token: str, signature: str | None, url: str,
                    params: Mapping[str, str] | None = None) -> bool:
    """Constant-time check of an ``X-Twilio-Signature`` header; a missing header is invalid."""
    if not signature:
        return False
    expected = twilio_signature(auth_token, url, params)
    return hmac.compare_digest(expected.encode("ascii"), signature.encode("ascii", "replace"))
