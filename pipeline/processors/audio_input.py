"""Pulls caller audio from an :class:`AudioSource` and pushes it into the pipeline."""

from __future__ import annotations

import asyncio

from pipecat.frames.frames import CancelFrame, EndFrame, Frame, InputAudioRawFrame, StartFrame
from pipecat.processors.frame_processor import FrameDirection, FrameProcessor

from pipeline.devices import PIPELINE_RATE_HZ, AudioSource


class AudioInputProcessor(FrameProcessor):
    """The pipeline's head. Its reader task starts with StartFrame and stops with End/Cancel."""

    def __init__(self, source: AudioSource, on_source_end: asyncio.Event | None = None) -> None:
        super().__init__(name="audio-input")
        self._source = source
        self._reader: asyncio.Task | None = None
        self.source_ended = on_source_end or asyncio.Event()

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        await super().process_frame(frame, direction)
        if isinstance(frame, StartFrame):
            await self.push_frame(frame, direction)
            self._reader = self.create_task(self._read_loop(), name="audio-input-reader")
            return
        if isinstance(frame, (EndFrame, CancelFrame)) and self._reader:
            await self.cancel_task(self._reader)
            self._reader = None
        await self.push_frame(frame, direction)

    async def _read_loop(self) -> None:
        while True:
            pcm = await self._source.read_frame()
            if pcm is None:
                self.source_ended.set()
                return
            await self.push_frame(InputAudioRawFrame(audio=pcm, sample_rate=PIPELINE_RATE_HZ,
                                                     num_channels=1))

    async def cleanup(self) -> None:
        if self._reader:
            await self.cancel_task(self._reader)
            self._reader = None
        await super().cleanup()
