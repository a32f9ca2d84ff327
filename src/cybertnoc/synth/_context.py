"""Shared state of one generation run: random streams, the clock, and what parts hand on."""

from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from cybertnoc.synth._scales import Scale

__all__ = ["Context", "stream"]

#: Reference dates of the world (all parts place their events relative to these).
WORLD_START = dt.date(2023, 1, 1)
WIRETAP_START = dt.date(2023, 9, 1)
WIRETAP_DAYS = 182
BANK_START = dt.date(2024, 1, 1)
MALWARE_START = dt.datetime(2024, 3, 4, 8, 0, tzinfo=dt.UTC)


def stream(seed: int, part: str) -> np.random.Generator:
    """The random generator of one part of the world.

    Each part draws from its own child of ``SeedSequence(seed)``, addressed by a fixed
    ``spawn_key`` derived from the part's name (CRC-32), exactly as
    :meth:`numpy.random.SeedSequence.spawn` addresses children by index. Parts are therefore
    independent of each other and of the order in which they run: adding a part, or drawing more
    numbers in one part, leaves every other part's numbers unchanged.
    """
    key = zlib.crc32(part.encode("utf-8"))
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(key,)))


@dataclass
class Context:
    """What one run of :func:`cybertnoc.synth.generate` carries from part to part."""

    seed: int
    scale: Scale
    out_dir: Path
    # Filled by the parts, in order: people -> finance -> darknet -> ... (see _world.py).
    people: list[Any] = field(default_factory=list)
    groups: list[Any] = field(default_factory=list)
    edges: list[tuple[int, int, str]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def rng(self, part: str) -> np.random.Generator:
        return stream(self.seed, part)

    @property
    def data_dir(self) -> Path:
        return self.out_dir / "data"

    @property
    def truth_dir(self) -> Path:
        return self.out_dir / "truth"
