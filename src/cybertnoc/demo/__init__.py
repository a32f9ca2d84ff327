"""The demo pipeline: a synthetic world, imported, analysed and written up as an evidence brief.

:func:`run_demo` is what ``cybertnoc demo`` runs: it generates a synthetic Cyber-TNOC world
(:func:`cybertnoc.synth.generate`), imports every data file through its built-in mapping into a
new workspace exactly as a user would (``cybertnoc import FILE --mapping synth/NAME``),
pseudonymising personal columns, runs the first analysis of every crime area and writes the
brief. See ``docs/getting-started.md``.
"""

from cybertnoc.demo._pipeline import DEMO_MARKER, DemoResult, run_demo

__all__ = ["DEMO_MARKER", "DemoResult", "run_demo"]
