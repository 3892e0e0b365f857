"""The latency lab: scenario suite, metrics and the bench command."""
