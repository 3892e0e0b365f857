"""Thin pipecat adapters around the pure core in :mod:`pipeline`.

Order in a call: AudioInput → Vad → Stt → Interruption → Dialogue → Tts → Playout.
"""
