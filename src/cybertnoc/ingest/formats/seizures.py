"""Built-in formats: seizures (see docs/formats.md)."""
