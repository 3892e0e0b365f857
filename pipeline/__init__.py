"""Real-time audio: VAD, recognition, synthesis, playout and the interruption controller.

Modules without ``pipecat`` in their imports are the pure core; ``pipeline.processors`` holds the
thin pipecat adapters around it.
"""
