"""Built-in formats: finance (see docs/formats.md)."""
