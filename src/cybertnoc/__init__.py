"""cybertnoc: evidence-based analysis of cyber-enabled transnational organised crime.

One pipeline: sources are ingested into a workspace (a DuckDB file with provenance and an audit
log), linked, analysed with social network analysis and machine learning, and turned into policy
evidence (briefs, open data). See ``docs/architecture.md``.
"""

__version__ = "0.1.0"

from cybertnoc.errors import CybertnocError

__all__ = ["CybertnocError", "__version__"]
