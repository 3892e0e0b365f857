"""``voice-agent talk``: the agent on this machine's microphone and speaker.

The speaker feeds WebRTC's echo canceller with what it plays, and the microphone is cleaned
before the VAD sees it, so the agent's own voice does not barge in on itself.
"""

from __future__ import annotations

import asyncio
import sys
from typing import TextIO

from agent.call import CallPipeline, load_models
from agent.config import AgentConfig
from intents.types import DialogueManager
from pipeline.events import CallLog, FinalLogged, PartialLogged, ReplyLogged

NO_DEVICE_EXIT = 2


def _make_dialogue(config: AgentConfig) -> DialogueManager:
    from agent.dialogue_factory import make_dialogue
    from agent.store import open_store

    store = open_store(config.dialogue.db_url) if config.dialogue.kind != "simple" else None
    return make_dialogue(config, store)


async def _show(log: CallLog, out: TextIO) -> None:
    """Print partials in place and finals/replies on their own lines, as they arrive."""
    seen = 0
    while True:
        for event in log.events[seen:]:
            if isinstance(event, PartialLogged):
                out.write(f"\r  you (partial): {event.text[:100]:<100}")
            elif isinstance(event, FinalLogged) and event.text:
                # the language it was heard in, when the line serves more than English (issue #14)
                lang = f" [{event.language}]" if event.guessed is not None else ""
                out.write(f"\r  you{lang}: {event.text:<110}\n")
            elif isinstance(event, ReplyLogged):
                out.write(f"  agent: {event.text}\n")
            out.flush()
        seen = len(log.events)
        await asyncio.sleep(0.1)


def run_talk(config: AgentConfig, out: TextIO = sys.stdout) -> int:
    """Run a live call until Ctrl-C or the agent says goodbye. Exit 2 without an audio device."""
    from agent.sound_devices import MicrophoneSource, SpeakerSink, check_audio_devices, echo_delay_ms
    from pipeline.echo import EchoCanceller

    problem = check_audio_devices()
    if problem:
        print(problem, file=sys.stderr)
        return NO_DEVICE_EXIT
    out.write("Loading models...\n")
    models = load_models(config)
    echo = EchoCanceller()
    sink, mic = SpeakerSink(echo), MicrophoneSource(echo)

    async def main() -> None:
        call = CallPipeline(config, models, mic, sink, _make_dialogue(config))
        sink.open()
        mic.open(asyncio.get_running_loop())
        echo.set_stream_delay_ms(echo_delay_ms(sink, mic))
        out.write("Talking. Press Ctrl-C to hang up.\n")
        shower = asyncio.create_task(_show(call.log, out))
        runner = asyncio.create_task(call.run())
        try:
            await call.agent_hung_up.wait()
        finally:
            shower.cancel()
            await call.aclose()
            await asyncio.gather(runner, shower, return_exceptions=True)
            mic.close()
            sink.close()

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        out.write("\nHung up.\n")
    return 0
