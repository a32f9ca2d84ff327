"""The manifest of a synthetic world: every file written, with its hash, rows and mapping."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["GENERATOR", "MANIFEST_NAME", "SynthFile", "SynthManifest"]

#: Written into manifest.json; a directory whose manifest carries it may be overwritten.
GENERATOR = "cybertnoc.synth"
#: Version of the world's layout; bump when files or columns change.
LAYOUT_VERSION = 1
MANIFEST_NAME = "manifest.json"


@dataclass(frozen=True)
class SynthFile:
    """One file of the synthetic world.

    Attributes
    ----------
    path : str
        Relative to the output directory, with ``/`` separators (``data/bank_transfers.parquet``).
    format : str
        ``csv``, ``tsv``, ``jsonl``, ``parquet`` or ``xlsx``.
    rows : int
        Data rows (not counting a header).
    sha256 : str
        SHA-256 of the file's bytes.
    mapping : str or None
        Name of the built-in mapping that imports it (``synth/bank_transfers``); ``None`` for
        truth files, which are never imported.
    crime_area : str
        ``drugs``, ``laundering``, ``slavery``, ``malware`` or ``networks``.
    description : str
        One line on what it holds.
    """

    path: str
    format: str
    rows: int
    sha256: str
    mapping: str | None
    crime_area: str
    description: str


@dataclass
class SynthManifest:
    """What :func:`cybertnoc.synth.generate` wrote.

    ``files`` are the data files a user imports (under ``data/``); ``truth`` the ground-truth
    files (under ``truth/``), which analyses must never read. ``out_dir`` is the absolute output
    directory; it is not written into ``manifest.json``, so that the manifest is identical for
    the same seed and scale wherever the world is written.
    """

    seed: int
    scale: str
    out_dir: str
    files: list[SynthFile] = field(default_factory=list)
    truth: list[SynthFile] = field(default_factory=list)
    parameters: dict[str, Any] = field(default_factory=dict)
    generator: str = GENERATOR
    layout_version: int = LAYOUT_VERSION

    def file(self, path: str) -> SynthFile:
        """The entry of ``path`` (``data/...`` or ``truth/...``, or just the file name)."""
        for f in [*self.files, *self.truth]:
            if f.path == path or f.path.rsplit("/", 1)[-1] == path:
                return f
        raise KeyError(path)

    def as_dict(self) -> dict[str, Any]:
        """The manifest as plain data (what ``manifest.json`` holds, plus ``out_dir``)."""
        return {
            "generator": self.generator,
            "layout_version": self.layout_version,
            "seed": self.seed,
            "scale": self.scale,
            "out_dir": self.out_dir,
            "parameters": dict(self.parameters),
            "files": [asdict(f) for f in self.files],
            "truth": [asdict(f) for f in self.truth],
        }

    def to_json(self) -> str:
        """``manifest.json``: deterministic (sorted keys, no absolute paths, no clock)."""
        data = self.as_dict()
        del data["out_dir"]
        return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"

    @classmethod
    def read(cls, path: str | Path) -> SynthManifest:
        """Read ``manifest.json`` (a file, or the directory holding it)."""
        p = Path(path)
        if p.is_dir():
            p = p / MANIFEST_NAME
        data = json.loads(p.read_text(encoding="utf-8"))
        return cls(
            seed=int(data["seed"]),
            scale=str(data["scale"]),
            out_dir=str(p.parent.resolve()),
            files=[SynthFile(**f) for f in data.get("files", [])],
            truth=[SynthFile(**f) for f in data.get("truth", [])],
            parameters=dict(data.get("parameters", {})),
            generator=str(data.get("generator", "")),
            layout_version=int(data.get("layout_version", 0)),
        )
