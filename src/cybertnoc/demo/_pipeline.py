"""synth → import → link → analyse → brief, in one output directory."""

from __future__ import annotations

import json
import logging
import secrets
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cybertnoc import __version__
from cybertnoc.errors import CybertnocError
from cybertnoc.ethics import Pseudonymiser, load_key
from cybertnoc.ingest import import_file
from cybertnoc.linkage.workspace import link_workspace
from cybertnoc.report import write_brief
from cybertnoc.report.workspace import workspace_brief, workspace_findings
from cybertnoc.store import Workspace, append_audit
from cybertnoc.synth import SCALES, generate

__all__ = ["DEMO_MARKER", "DemoResult", "run_demo"]

log = logging.getLogger(__name__)

#: File that marks a directory as the output of a demo run (so a new run may replace it).
DEMO_MARKER = "demo.json"

Progress = Callable[[str, int, int], None]

_NOTES = [
    "Every record behind this brief is synthetic (cybertnoc synth): no real person, account, "
    "host or advert is described. The world was generated with ground truth beside it, which "
    "the analyses never read.",
    "Personal columns were pseudonymised at import with a key from CYBERTNOC_KEY, or, when it "
    "is not set, a random key made for this run and then forgotten.",
]


@dataclass(frozen=True)
class DemoResult:
    """What a demo run produced.

    Attributes
    ----------
    out_dir : Path
        The output directory.
    brief : Path
        The evidence brief (``out_dir/brief.html``).
    workspace : Path
        The workspace (``out_dir/workspace``), for further commands.
    world : Path
        The synthetic world (``out_dir/world``: ``data/``, ``truth/``, ``manifest.json``).
    seed, scale
        Of the synthetic world.
    imported : list of dict
        One entry per imported file: file, mapping, rows, entities, relationships, flagged.
    seconds : float
        Wall-clock time of the run.
    headlines : list of str
        The brief's key figures, as lines.
    """

    out_dir: Path
    brief: Path
    workspace: Path
    world: Path
    seed: int
    scale: str
    imported: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0
    headlines: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "out_dir": str(self.out_dir),
            "brief": str(self.brief),
            "workspace": str(self.workspace),
            "world": str(self.world),
            "seed": self.seed,
            "scale": self.scale,
            "imported": self.imported,
            "seconds": round(self.seconds, 2),
            "headlines": self.headlines,
        }


def _prepare(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise CybertnocError(f"{out} is a file; give a directory for the demo output.")
    if out.is_dir() and any(out.iterdir()) and not (out / DEMO_MARKER).is_file():
        raise CybertnocError(
            f"{out} is not empty and holds no earlier demo ({DEMO_MARKER} is missing); "
            "nothing was changed. Give a new or empty directory with --out."
        )
    for sub in ("workspace", "world"):
        if (out / sub).exists():
            shutil.rmtree(out / sub)
    (out / "brief.html").unlink(missing_ok=True)
    out.mkdir(parents=True, exist_ok=True)


def run_demo(
    out_dir: str | Path = "demo-output",
    *,
    seed: int = 0,
    scale: str = "small",
    key: bytes | None = None,
    progress: Progress | None = None,
) -> DemoResult:
    """Run the whole pipeline on a synthetic world and write ``out_dir/brief.html``.

    Parameters
    ----------
    out_dir : path-like
        A new or empty directory, or the output of an earlier demo (which is replaced).
    seed : int
        Seed of the synthetic world and of every analysis.
    scale : {"small", "medium", "large"}
        Size of the world (see :data:`cybertnoc.synth.SCALES`).
    key : bytes, optional
        Pseudonymisation key. By default ``CYBERTNOC_KEY`` when set, else a random key made for
        this run (and forgotten: the demo workspace then accepts no further personal imports).
    progress : callable, optional
        Called as ``progress(step, done, total)``; steps are ``synthesise``, ``import``,
        ``link`` (people across sources), ``analyse`` and ``brief``.

    Returns
    -------
    DemoResult

    Raises
    ------
    CybertnocError
        When ``out_dir`` is a file, or a non-empty directory that no demo wrote.
    InvalidValue
        For an unknown scale or a bad seed.
    """
    started = time.perf_counter()
    if scale not in SCALES:
        from cybertnoc.errors import InvalidValue

        raise InvalidValue(scale, f"a scale, one of {', '.join(SCALES)}", "e.g. --scale small")
    out = Path(out_dir)
    _prepare(out)
    world = out / "world"
    ws_path = out / "workspace"

    def step(name: str, done: int, total: int) -> None:
        if progress:
            progress(name, done, total)

    synth_steps: list[str] = []

    def synth_progress(label: str, done: int, total: int) -> None:
        if done == 0:
            synth_steps.append(label)
        step("synthesise", len(synth_steps) - (done == 0), 10)

    manifest = generate(world, seed=seed, scale=scale, progress=synth_progress)
    step("synthesise", 10, 10)

    secret = key if key is not None else load_key()
    if secret is None:
        secret = secrets.token_bytes(32)
        log.info("CYBERTNOC_KEY is not set: pseudonymising with a random key for this run")
    pseudonymiser = Pseudonymiser(secret)
    del secret

    imported: list[dict[str, Any]] = []
    with Workspace.create(ws_path, name=f"demo-seed{seed}-{scale}") as ws:
        files = manifest.files
        for i, f in enumerate(files):
            step("import", i, len(files))
            result = import_file(ws, world / f.path, f.mapping, pseudonymiser=pseudonymiser)
            imported.append(
                {
                    "file": f.path,
                    "mapping": f.mapping,
                    "rows": result.rows,
                    "entities": result.entities,
                    "relationships": result.relationships,
                    "flagged": result.flagged_rows,
                }
            )
        step("import", len(files), len(files))

        command = f"cybertnoc demo --seed {seed} --scale {scale}"
        step("link", 0, 1)
        link_workspace(ws, "Person", seed=seed)
        step("link", 1, 1)
        findings = workspace_findings(ws, seed=seed, progress=progress, truth=world)
        step("brief", 0, 1)
        brief = workspace_brief(
            ws,
            subtitle=f"Demonstration on a synthetic world (seed {seed}, {scale} scale)",
            seed=seed,
            command=command,
            notes=_NOTES,
            findings=findings,
        )
        path = write_brief(brief, out / "brief.html")
        with ws.transaction():
            append_audit(
                ws.con,
                "demo",
                {"seed": seed, "scale": scale, "brief": str(path)},
                [s["file"] for s in imported],
            )
        step("brief", 1, 1)
    seconds = time.perf_counter() - started
    (out / DEMO_MARKER).write_text(
        json.dumps(
            {"cybertnoc": __version__, "seed": seed, "scale": scale, "brief": "brief.html"},
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    headlines = [
        f"{k.label}: {k.value}" + (f" ({k.note})" if k.note else "") for k in brief.summary
    ]
    log.info("demo finished in %.1f s", seconds)
    return DemoResult(
        out_dir=out.resolve(),
        brief=Path(path),
        workspace=ws_path.resolve(),
        world=world.resolve(),
        seed=seed,
        scale=scale,
        imported=imported,
        seconds=seconds,
        headlines=headlines,
    )
