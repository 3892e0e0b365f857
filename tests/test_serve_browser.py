"""The browser page against ``voice-agent serve``: headless Debian Chromium with a WAV as its mic.

Needs the Debian package ``chromium`` and the PyPI package ``playwright`` (never
``playwright install``: Playwright drives /usr/bin/chromium). The screenshot is kept in the
test's tmp dir and copied to /tmp/voice-agent-browser.png.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import numpy as np
import pytest
from media_stream_caller import CLIPS, start_server, stop_server

from agent.audio_files import read_wav, write_wav
from agent.store import open_store
from agent.store.models import CallRecord

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOT_COPY = Path("/tmp/voice-agent-browser.png")
LEAD_SILENCE_S = 9.0  # the greeting plays first; speaking over it would be a barge-in
TAIL_SILENCE_S = 40.0  # Chromium loops the file: the caller must not speak twice

pytestmark = [
    pytest.mark.realtime,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian chromium (apt-get install chromium)"),
]


def _mic_wav(path: Path) -> None:
    rate = 48_000
    speech = read_wav(CLIPS / "in-transit-ask.wav", rate_hz=rate)
    pad = np.zeros(int(LEAD_SILENCE_S * rate), dtype=np.int16)
    tail = np.zeros(int(TAIL_SILENCE_S * rate), dtype=np.int16)
    write_wav(path, np.concatenate([pad, speech, tail]), rate)


def _flags(wav: Path) -> list[str]:
    return ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-audio-capture={wav}", "--autoplay-policy=no-user-gesture-required"]


async def test_browser_call_shows_transcript_and_reply(tmp_path: Path) -> None:
    playwright_api = pytest.importorskip("playwright.async_api")
    wav = tmp_path / "caller.wav"
    _mic_wav(wav)
    server = start_server(tmp_path, token=None)
    shot = tmp_path / "browser.png"
    try:
        async with playwright_api.async_playwright() as pw:
            context = await pw.chromium.launch_persistent_context(
                str(tmp_path / "profile"), executable_path=str(CHROMIUM), headless=True,
                args=_flags(wav), viewport={"width": 390, "height": 844}, is_mobile=True,
                has_touch=True, device_scale_factor=2)
            try:
                page = context.pages[0] if context.pages else await context.new_page()
                await page.goto(server.http + "/")
                await page.click("#talk")
                await page.wait_for_selector("#status:has-text('Connected')", timeout=15_000)
                first_agent = page.locator("#transcript li.agent").first
                await first_agent.wait_for(timeout=15_000)  # the greeting's text
                caller = page.locator("#transcript li.caller").first
                await caller.wait_for(timeout=LEAD_SILENCE_S * 1000 + 20_000)
                # The clip is two sentences; the agent may answer after the first one too. The
                # question ("where is my parcel?") must end with the agent asking for the order.
                reply = page.locator("#transcript li.caller ~ li.agent", has_text="order number").first
                await reply.wait_for(timeout=25_000)
                await page.wait_for_function(
                    "document.getElementById('response-ms').textContent.includes('ms')", timeout=10_000)
                time.sleep(0.5)  # the reply's first words are playing; let the page settle
                caller_text = " ".join(await page.locator("#transcript li.caller").all_inner_texts())
                reply_text = await reply.inner_text()
                response = await page.inner_text("#response-ms")
                overflow = await page.evaluate(
                    "document.documentElement.scrollWidth - document.documentElement.clientWidth")
                await page.screenshot(path=str(shot), full_page=True)
                shutil.copyfile(shot, SCREENSHOT_COPY)
                await page.click("#talk")  # hang up
                await page.wait_for_selector("#status:has-text('Call ended')", timeout=5_000)
            except Exception:
                # what the page showed when it failed, kept next to the server log
                await page.screenshot(path=str(tmp_path / "failure.png"), full_page=True)
                shutil.copyfile(tmp_path / "failure.png", SCREENSHOT_COPY)
                raise
            finally:
                await context.close()
        print(f"caller: {caller_text!r}\nagent: {reply_text!r}\nresponse: {response}")
        assert "ordered" in caller_text.lower() or "where" in caller_text.lower()
        assert "order number" in reply_text.lower()
        assert overflow <= 0  # fits a phone-sized screen without sideways scrolling
        deadline = time.monotonic() + 10
        rows: list[CallRecord] = []
        while time.monotonic() < deadline and not rows:
            store = open_store(server.db_url)
            with store.session() as s:
                rows = [r for r in s.query(CallRecord).all() if r.ended_at is not None]
                for r in rows:
                    s.expunge(r)
            store.dispose()
            time.sleep(0.3)
        assert rows and rows[0].channel == "browser"
        assert any(t["speaker"] == "caller" for t in rows[0].transcript)
    finally:
        assert stop_server(server) == 0, server.log_text()[-3000:]
