"""A deterministic synthetic Cyber-TNOC world with ground truth.

:func:`generate` writes, for a seed and a scale, the files a user would import (``data/``: call
records, police, arrest and court records, bank transfers and customer records, crypto
transactions, darknet listings, drug seizures, adverts, trafficking cases, C2 indicators and
infections, in CSV, TSV, JSON lines, Parquet and XLSX), the ground truth behind them
(``truth/``: who is who, which transfers are laundering, which adverts one controller posted,
the infection tree...) and ``manifest.json``. Built-in mappings ``synth/<file stem>`` import the
data files. See ``docs/synth.md``.

Every personal value (names, dates of birth, phone numbers, addresses, accounts, handles) is
synthetic.

Examples
--------
>>> from cybertnoc.synth import SCALES
>>> sorted(SCALES)
['large', 'medium', 'small']
"""

from cybertnoc.synth._manifest import SynthFile, SynthManifest
from cybertnoc.synth._scales import SCALES, Scale
from cybertnoc.synth._world import DATA_FILES, TRUTH_FILES, generate

__all__ = [
    "DATA_FILES",
    "SCALES",
    "TRUTH_FILES",
    "Scale",
    "SynthFile",
    "SynthManifest",
    "generate",
]
