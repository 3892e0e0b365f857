"""Understanding and dialogue: intents, entities, the after-sales policy. No pipecat here."""
