"""Built-in formats: trafficking (see docs/formats.md)."""
