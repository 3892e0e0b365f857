"""Which model or voice to load, from which PyPI package, with which checksums."""
