"""Built-in formats: darknet (see docs/formats.md)."""
