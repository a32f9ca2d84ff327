"""Entity resolution in a workspace: runs, clusters, undo, explanations, evaluation.

A *linkage run* links the records of one schema (:mod:`cybertnoc.linkage.splink_link`) and
stores, beside the untouched source entities:

- ``linkage_runs``: the run (id ``run-N``, schema, threshold, seed, status, the settings with
  the trained Splink model, a summary);
- ``linkage_clusters``: every record of the schema in exactly one cluster (the resolved
  entity; its id is the smallest member entity id), with the strongest match probability that
  put it there;
- ``linkage_pairs``: the scored candidate pairs (match probability ≥ 0.01) with their
  evidence: per comparison the level, its Bayes factor and match weight.

The view ``resolved_entities`` holds the clusters of the *active* run of each schema. A new
run of a schema supersedes the active one (kept, status ``superseded``); :func:`undo` deletes
a run's clusters and pairs, marks it ``undone`` and, if it was active, makes the run it
superseded active again, so undo returns the workspace to the state before the run. Runs
refer to entities by id, and entity ids are derived from the source keys, so re-running an
import (a no-op for a file already imported) leaves every run valid.
"""

from __future__ import annotations

import getpass
import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from cybertnoc import __version__
from cybertnoc.errors import InvalidValue
from cybertnoc.linkage.evaluate import (
    CURVE_THRESHOLDS,
    Scores,
    bcubed_scores,
    pairwise_scores,
    threshold_curve,
    truth_from_world,
)
from cybertnoc.linkage.splink_link import (
    DEFAULT_THRESHOLD,
    M_FLOOR,
    PAIR_FLOOR,
    LinkResult,
    SchemaSettings,
    _check_threshold,
    _link,
    get_schema_settings,
    record_table,
    schema_names,
)
from cybertnoc.store.audit import append_audit

if TYPE_CHECKING:
    from cybertnoc.store import Workspace

__all__ = [
    "Evaluation",
    "Explanation",
    "LinkageRun",
    "WaterfallStep",
    "clusters",
    "evaluate_run",
    "explain",
    "get_run",
    "link_workspace",
    "pairs",
    "runs",
    "undo",
]

Progress = Callable[[str, int, int], None]

_STATUSES = ("active", "superseded", "undone")


@dataclass(frozen=True)
class LinkageRun:
    """One linkage run of a workspace.

    Attributes
    ----------
    run_id : str
        ``run-N``.
    schema : str
        The schema settings linked (``Person``).
    threshold : float
        Match probability at or above which a pair joined two clusters.
    seed : int
    status : str
        ``active`` (its clusters are the resolved entities), ``superseded`` (a later run of
        the schema is active) or ``undone`` (its clusters and pairs were deleted).
    created_at : datetime
    created_by : str
    settings : dict
        The fields, rules and trained Splink model (``settings["model"]``).
    summary : dict
        Records, candidate pairs, clusters, timings.
    changed_at : datetime or None
        When the status last changed.
    """

    run_id: str
    seq: int
    schema: str
    threshold: float
    seed: int
    status: str
    created_at: datetime
    created_by: str
    settings: dict[str, Any] = field(repr=False)
    summary: dict[str, Any] = field(repr=False)
    changed_at: datetime | None = None

    def as_dict(self, *, with_model: bool = False) -> dict[str, Any]:
        settings = dict(self.settings)
        if not with_model:
            settings.pop("model", None)
        return {
            "run_id": self.run_id,
            "schema": self.schema,
            "threshold": self.threshold,
            "seed": self.seed,
            "status": self.status,
            "created_at": self.created_at.isoformat(),
            "created_by": self.created_by,
            "changed_at": self.changed_at.isoformat() if self.changed_at else None,
            "summary": self.summary,
            "settings": settings,
        }


def _actor() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user database entry, e.g. in some containers
        return "unknown"


def _row_to_run(row: tuple[Any, ...]) -> LinkageRun:
    (
        run_id,
        seq,
        created_at,
        created_by,
        schema,
        threshold,
        seed,
        status,
        settings,
        summary,
        changed_at,
    ) = row
    return LinkageRun(
        run_id=run_id,
        seq=int(seq),
        schema=schema,
        threshold=float(threshold),
        seed=int(seed),
        status=status,
        created_at=created_at,
        created_by=created_by or "",
        settings=json.loads(settings),
        summary=json.loads(summary),
        changed_at=changed_at,
    )


_RUN_COLUMNS = (
    "run_id, seq, created_at, created_by, schema, threshold, seed, status, settings, summary, "
    "changed_at"
)


def runs(ws: Workspace, schema: str | None = None) -> list[LinkageRun]:
    """The linkage runs of the workspace, oldest first (optionally of one schema)."""
    where, params = "", []
    if schema is not None:
        where, params = "WHERE lower(schema) = lower(?)", [schema]
    rows = ws.con.execute(
        f"SELECT {_RUN_COLUMNS} FROM linkage_runs {where} ORDER BY seq", params
    ).fetchall()
    return [_row_to_run(r) for r in rows]


def _normalise_run_id(run_id: str | int) -> str:
    text = str(run_id).strip()
    return f"run-{text}" if text.isdigit() else text


def get_run(
    ws: Workspace, run_id: str | int | None = None, *, schema: str = "Person"
) -> LinkageRun:
    """A run by id (``run-3`` or ``3``), or, without one, the active run of ``schema``.

    Raises
    ------
    InvalidValue
        When there is no such run, or no active run of the schema.
    """
    if run_id is None:
        found = [r for r in runs(ws, schema) if r.status == "active"]
        if not found:
            raise InvalidValue(
                schema,
                "a schema with an active linkage run in this workspace",
                f"run `cybertnoc link run --schema {get_schema_settings(schema).schema}` first "
                "(`cybertnoc link runs` lists the runs)",
            )
        return found[-1]
    wanted = _normalise_run_id(run_id)
    rows = ws.con.execute(
        f"SELECT {_RUN_COLUMNS} FROM linkage_runs WHERE run_id = ?", [wanted]
    ).fetchall()
    if not rows:
        known = [r.run_id for r in runs(ws)]
        raise InvalidValue(
            str(run_id),
            "a linkage run of this workspace"
            + (f" ({', '.join(known[-10:])})" if known else " (there are none yet)"),
            "`cybertnoc link runs` lists them",
        )
    return _row_to_run(rows[0])


def link_workspace(
    ws: Workspace,
    schema: str | SchemaSettings = "Person",
    *,
    threshold: float = DEFAULT_THRESHOLD,
    seed: int = 0,
    progress: Progress | None = None,
    threads: int | None = 1,
) -> LinkageRun:
    """Link the records of ``schema`` in the workspace and store the run, its clusters and
    pairs (one transaction, with an audit entry). The previous active run of the schema, if
    any, becomes ``superseded``.

    Parameters
    ----------
    ws : Workspace
    schema : str or SchemaSettings
        A schema with linkage settings (``Person``, ``LegalEntity``, ``UserAccount``), or
        settings of your own.
    threshold : float
        Match probability at or above which two records are put in one cluster.
    seed : int
        Seed of u sampling and of the MinHash blocking keys.
    progress : callable, optional
        Called as ``progress(step, done, total)`` with steps ``records``, ``link``, ``store``.
    threads : int or None
        DuckDB threads of the linkage (default 1: the same records and seed give the same
        model to the last bit; None: every core, equal up to rounding).

    Returns
    -------
    LinkageRun

    Raises
    ------
    SchemaError
        For a schema without linkage settings.
    InvalidValue
        For a bad threshold or too few records of the schema.
    """
    settings = get_schema_settings(schema)
    threshold = _check_threshold(threshold)

    def step(name: str, done: int) -> None:
        if progress:
            progress(name, done, 3)

    step("records", 0)
    frame = record_table(ws, settings)
    step("link", 1)
    result = _link(frame, settings, "encoded", threshold=threshold, seed=seed, threads=threads)
    step("store", 2)
    run = _store(ws, settings, result, frame)
    step("store", 3)
    return run


def _settings_json(result: LinkResult, settings: SchemaSettings) -> dict[str, Any]:
    return {
        "schema": settings.schema,
        "schemata": list(settings.schemata),
        "mode": result.mode,
        "fields": [
            {
                "name": f.name,
                "props": list(f.props),
                "kind": f.kind,
                "encoded": f.encoded,
                "lsh": f.lsh,
                "label": f.title,
            }
            for f in settings.fields
            if f.name in result.comparisons
        ],
        "block_on": [list(r) for r in settings.block_on],
        "train_on": [list(r) for r in settings.train_on],
        "deterministic": [list(r) for r in settings.deterministic],
        "recall": settings.recall,
        "pair_floor": PAIR_FLOOR,
        "m_floor": M_FLOOR,
        "threshold": result.threshold,
        "seed": result.seed,
        "cybertnoc_version": __version__,
        "model": result.model,
    }


def _store(
    ws: Workspace, settings: SchemaSettings, result: LinkResult, frame: pd.DataFrame
) -> LinkageRun:
    schema = settings.schema
    now = datetime.now(UTC).replace(microsecond=0)
    summary = result.summary()
    summary["sources"] = sorted(
        int(r[0])
        for r in ws.con.execute(
            "SELECT DISTINCT source_id FROM entities WHERE schema IN "
            f"({', '.join('?' * len(settings.schemata))})",
            list(settings.schemata),
        ).fetchall()
    )
    settings_json = json.dumps(_settings_json(result, settings), sort_keys=True, default=str)
    datasets = dict(zip(frame["unique_id"], frame["dataset"], strict=True))
    clusters = result.clusters.copy()
    sizes = clusters.groupby("cluster_id")["entity_id"].transform("size")
    clusters["dataset"] = clusters["entity_id"].map(datasets)
    clusters["cluster_size"] = sizes.astype(int)
    pairs_frame = result.pairs.copy()
    pairs_frame["evidence"] = (
        [json.dumps(e, sort_keys=True) for e in result.pairs["evidence"]]
        if len(pairs_frame)
        else []
    )
    with ws.transaction() as con:
        row = con.execute("SELECT coalesce(max(seq), 0) + 1 FROM linkage_runs").fetchall()
        seq = int(row[0][0])
        run_id = f"run-{seq}"
        superseded = [
            r[0]
            for r in con.execute(
                "SELECT run_id FROM linkage_runs WHERE schema = ? AND status = 'active'",
                [schema],
            ).fetchall()
        ]
        con.execute(
            "UPDATE linkage_runs SET status = 'superseded', changed_at = ? "
            "WHERE schema = ? AND status = 'active'",
            [now, schema],
        )
        con.execute(
            f"INSERT INTO linkage_runs ({_RUN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                run_id,
                seq,
                now,
                _actor(),
                schema,
                result.threshold,
                result.seed,
                "active",
                settings_json,
                json.dumps(summary, sort_keys=True, default=str),
                None,
            ],
        )
        c = pd.DataFrame(
            {
                "run_id": run_id,
                "cluster_id": clusters["cluster_id"],
                "entity_id": clusters["entity_id"],
                "dataset": clusters["dataset"],
                "cluster_size": clusters["cluster_size"],
                "match_probability": clusters["match_probability"],
            }
        )
        con.register("_link_clusters", c)
        con.execute("INSERT INTO linkage_clusters SELECT * FROM _link_clusters")
        con.unregister("_link_clusters")
        if len(pairs_frame):
            p = pd.DataFrame(
                {
                    "run_id": run_id,
                    "entity_a": pairs_frame["entity_a"],
                    "entity_b": pairs_frame["entity_b"],
                    "match_probability": pairs_frame["match_probability"],
                    "match_weight": pairs_frame["match_weight"],
                    "evidence": pairs_frame["evidence"],
                }
            )
            con.register("_link_pairs", p)
            con.execute("INSERT INTO linkage_pairs SELECT * FROM _link_pairs")
            con.unregister("_link_pairs")
        append_audit(
            con,
            "link run",
            {"schema": schema, "threshold": result.threshold, "seed": result.seed},
            outcome=(
                f"{run_id}: {summary['records']} records in {summary['clusters']} clusters"
                + (f"; superseded {', '.join(superseded)}" if superseded else "")
            ),
        )
    return get_run(ws, run_id)


def undo(ws: Workspace, run_id: str | int) -> LinkageRun:
    """Undo a run: delete its clusters and pairs, mark it ``undone``; if it was active, the
    run it superseded (the latest superseded run of its schema) becomes active again. The
    source entities are never touched. Returns the undone run.

    Raises
    ------
    InvalidValue
        For an unknown run, or one already undone.
    """
    run = get_run(ws, run_id)
    if run.status == "undone":
        raise InvalidValue(
            run.run_id,
            "a run still in effect (it was undone already)",
            "start a new one with `cybertnoc link run`",
        )
    now = datetime.now(UTC).replace(microsecond=0)
    restored: str | None = None
    with ws.transaction() as con:
        con.execute("DELETE FROM linkage_clusters WHERE run_id = ?", [run.run_id])
        con.execute("DELETE FROM linkage_pairs WHERE run_id = ?", [run.run_id])
        con.execute(
            "UPDATE linkage_runs SET status = 'undone', changed_at = ? WHERE run_id = ?",
            [now, run.run_id],
        )
        if run.status == "active":
            previous = con.execute(
                "SELECT run_id FROM linkage_runs WHERE schema = ? AND status = 'superseded' "
                "ORDER BY seq DESC LIMIT 1",
                [run.schema],
            ).fetchall()
            if previous:
                restored = previous[0][0]
                con.execute(
                    "UPDATE linkage_runs SET status = 'active', changed_at = ? WHERE run_id = ?",
                    [now, restored],
                )
        append_audit(
            con,
            "link undo",
            {"run_id": run.run_id},
            outcome=f"{run.run_id} undone" + (f"; {restored} active again" if restored else ""),
        )
    return get_run(ws, run.run_id)


def clusters(
    ws: Workspace, run_id: str | int | None = None, *, schema: str = "Person"
) -> pd.DataFrame:
    """The clusters of a run (default: the active run of ``schema``): ``cluster_id``,
    ``entity_id``, ``dataset``, ``cluster_size``, ``match_probability``, sorted."""
    run = get_run(ws, run_id, schema=schema)
    return ws.con.execute(
        "SELECT cluster_id, entity_id, dataset, cluster_size, match_probability "
        "FROM linkage_clusters WHERE run_id = ? ORDER BY cluster_id, entity_id",
        [run.run_id],
    ).df()


def pairs(
    ws: Workspace, run_id: str | int | None = None, *, schema: str = "Person"
) -> pd.DataFrame:
    """The scored pairs of a run: ``entity_a``, ``entity_b``, ``match_probability``,
    ``match_weight``, ``evidence`` (dict), sorted."""
    run = get_run(ws, run_id, schema=schema)
    frame = ws.con.execute(
        "SELECT entity_a, entity_b, match_probability, match_weight, evidence "
        "FROM linkage_pairs WHERE run_id = ? ORDER BY entity_a, entity_b",
        [run.run_id],
    ).df()
    frame["evidence"] = [json.loads(e) for e in frame["evidence"]]
    return frame


# -- explain --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class WaterfallStep:
    """One bar of a match-weight waterfall.

    ``comparison`` is ``prior`` for the first step (the probability that two random records
    match, as a weight); ``bayes_factor`` is m/u of the level (the prior odds for the prior),
    ``match_weight`` its log2, ``cumulative`` the running sum and ``probability`` the match
    probability of the running sum."""

    comparison: str
    level: str
    bayes_factor: float
    match_weight: float
    cumulative: float
    probability: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "comparison": self.comparison,
            "level": self.level,
            "bayes_factor": self.bayes_factor,
            "match_weight": self.match_weight,
            "cumulative": self.cumulative,
            "probability": self.probability,
        }


@dataclass(frozen=True)
class Explanation:
    """Why two records matched, or did not, in a run.

    Attributes
    ----------
    a, b : str
        The entity ids (as given, resolved).
    run_id, schema : str
    steps : list of WaterfallStep
        The prior, then one step per comparison; the last ``cumulative`` is ``match_weight``.
    match_weight, match_probability : float
    threshold : float
        The run's threshold.
    same_cluster : bool
        Whether the run put them in one cluster (possibly through other records).
    cluster_a, cluster_b : str
    stored : bool
        The pair was scored by the run (a candidate with probability ≥ 0.01); otherwise it
        was scored now with the run's model on the workspace's current records.
    candidate : bool or None
        Whether a blocking rule of the run proposes the pair.
    datasets : tuple of str
        The datasets of a and b.
    sources : tuple of int
        The source (``sources.source_id``) that first made a and b.
    """

    a: str
    b: str
    run_id: str
    schema: str
    steps: list[WaterfallStep]
    match_weight: float
    match_probability: float
    threshold: float
    same_cluster: bool
    cluster_a: str
    cluster_b: str
    stored: bool
    candidate: bool | None
    datasets: tuple[str, str]
    sources: tuple[int | None, int | None] = (None, None)

    def as_dict(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "run_id": self.run_id,
            "schema": self.schema,
            "match_weight": self.match_weight,
            "match_probability": self.match_probability,
            "threshold": self.threshold,
            "matched": self.match_probability >= self.threshold,
            "same_cluster": self.same_cluster,
            "cluster_a": self.cluster_a,
            "cluster_b": self.cluster_b,
            "stored": self.stored,
            "candidate": self.candidate,
            "datasets": list(self.datasets),
            "sources": list(self.sources),
            "waterfall": [s.as_dict() for s in self.steps],
        }


def _probability(weight: float) -> float:
    if weight > 1000:
        return 1.0
    if weight < -1000:
        return 0.0
    odds = 2.0**weight
    return odds / (1 + odds)


def _resolve_entity(ws: Workspace, value: str) -> tuple[str, str]:
    text = value.strip()
    rows = ws.con.execute(
        "SELECT DISTINCT id, schema FROM entities WHERE id = ?", [text]
    ).fetchall()
    if not rows and len(text) >= 6:
        rows = ws.con.execute(
            "SELECT DISTINCT id, schema FROM entities WHERE starts_with(id, ?) LIMIT 3", [text]
        ).fetchall()
        if len(rows) > 1:
            raise InvalidValue(
                value, "an entity id (this prefix matches several)", "give more of it"
            )
    if not rows:
        raise InvalidValue(
            value,
            "an entity id of this workspace",
            "`cybertnoc link clusters` or `cybertnoc export ftm` list entity ids",
        )
    return rows[0][0], rows[0][1]


def _waterfall(model: dict[str, Any], evidence: Mapping[str, Any]) -> list[WaterfallStep]:
    prior = float(model["probability_two_random_records_match"])
    prior_odds = prior / (1 - prior)
    cumulative = math.log2(prior_odds)
    steps = [
        WaterfallStep(
            "prior",
            f"P(two random records match) = {prior:.4g}",
            prior_odds,
            cumulative,
            cumulative,
            _probability(cumulative),
        )
    ]
    for comp in model["comparisons"]:
        name = comp["output_column_name"]
        ev = evidence.get(name)
        if ev is None:
            continue
        weight = float(ev["match_weight"])
        cumulative += weight
        steps.append(
            WaterfallStep(
                name,
                ev["level"],
                float(ev["bayes_factor"]),
                weight,
                cumulative,
                _probability(cumulative),
            )
        )
    return steps


def _score_now(
    ws: Workspace, run: LinkageRun, a: str, b: str
) -> tuple[dict[str, Any], float, bool | None]:
    """Score a pair the run did not keep, with the run's model on the current records."""
    from splink import DuckDBAPI, Linker

    from cybertnoc.linkage.splink_link import BLOCK_KEYS, _pairs_frame, _with_block_keys
    from cybertnoc.store import connect

    settings = get_schema_settings(run.schema)
    frame = record_table(ws, settings)
    used = [f["name"] for f in run.settings["fields"]]
    table = _with_block_keys(frame, settings, "encoded", run.seed, used)
    index = {uid: i for i, uid in enumerate(frame["unique_id"])}
    con = connect()
    try:
        db = DuckDBAPI(connection=con)
        linker = Linker(db.register(table), run.settings["model"], log_level=None)
        left = db.register(table.slice(index[a], 1))
        right = db.register(table.slice(index[b], 1))
        scored = linker.inference.score_pair(
            left, right, include_found_by_blocking_rules=True
        ).as_pandas_dataframe()
    finally:
        con.close()
    found = (
        bool(scored["found_by_blocking_rules"].iloc[0])
        if "found_by_blocking_rules" in scored
        else None
    )
    if BLOCK_KEYS in table.column_names and found is not True:
        # Splink compares the exploded key lists whole: a shared key is what counts.
        keys = table.column(BLOCK_KEYS)
        shared = set(keys[index[a]].as_py() or ()) & set(keys[index[b]].as_py() or ())
        found = bool(shared) or bool(found)
    weight = float(scored["match_weight"].iloc[0])
    scored = scored.assign(match_probability=1.0)  # keep the row through the pair floor
    pair = _pairs_frame(scored, run.settings["model"])
    return pair["evidence"].iloc[0], weight, found


def explain(ws: Workspace, a: str, b: str, run_id: str | int | None = None) -> Explanation:
    """Explain a pair of records: the match-weight waterfall of their comparison in a run.

    Parameters
    ----------
    a, b : str
        Entity ids (or unique prefixes of at least 6 characters).
    run_id : str, optional
        Default: the active run of the records' schema.

    Raises
    ------
    InvalidValue
        For an unknown entity, the same entity twice, no active run, or an entity that is
        not a record of the run (another schema, or imported after it).
    """
    a_id, a_schema = _resolve_entity(ws, a)
    b_id, _ = _resolve_entity(ws, b)
    if a_id == b_id:
        raise InvalidValue(b, "an entity other than the first", "give two different records")
    if run_id is None:
        schema = next(
            (s for s in schema_names() if a_schema in get_schema_settings(s).schemata), a_schema
        )
        run = get_run(ws, None, schema=schema)
    else:
        run = get_run(ws, run_id)
    if run.status == "undone":
        raise InvalidValue(
            run.run_id, "a run still in effect (it was undone)", "explain with another --run"
        )
    members = dict(
        ws.con.execute(
            "SELECT entity_id, cluster_id FROM linkage_clusters WHERE run_id = ? "
            "AND entity_id IN (?, ?)",
            [run.run_id, a_id, b_id],
        ).fetchall()
    )
    for given, eid in ((a, a_id), (b, b_id)):
        if eid not in members:
            raise InvalidValue(
                given,
                f"a {run.schema} record of {run.run_id}",
                "it is of another schema or was imported after the run; run "
                "`cybertnoc link run` again to include it",
            )
    lo, hi = sorted((a_id, b_id))
    stored = ws.con.execute(
        "SELECT match_weight, evidence FROM linkage_pairs WHERE run_id = ? AND entity_a = ? "
        "AND entity_b = ?",
        [run.run_id, lo, hi],
    ).fetchall()
    model = run.settings["model"]
    if stored:
        weight, evidence = float(stored[0][0]), json.loads(stored[0][1])
        candidate: bool | None = True
    else:
        evidence, weight, candidate = _score_now(ws, run, lo, hi)
    steps = _waterfall(model, evidence)
    datasets = dict(
        ws.con.execute(
            "SELECT entity_id, dataset FROM linkage_clusters WHERE run_id = ? "
            "AND entity_id IN (?, ?)",
            [run.run_id, a_id, b_id],
        ).fetchall()
    )
    sources = dict(
        ws.con.execute(
            "SELECT id, min(source_id) FROM entities WHERE id IN (?, ?) GROUP BY id", [a_id, b_id]
        ).fetchall()
    )
    return Explanation(
        a=a_id,
        b=b_id,
        run_id=run.run_id,
        schema=run.schema,
        steps=steps,
        match_weight=steps[-1].cumulative if steps else weight,
        match_probability=_probability(steps[-1].cumulative if steps else weight),
        threshold=run.threshold,
        same_cluster=members[a_id] == members[b_id],
        cluster_a=members[a_id],
        cluster_b=members[b_id],
        stored=bool(stored),
        candidate=candidate,
        datasets=(str(datasets.get(a_id) or ""), str(datasets.get(b_id) or "")),
        sources=(sources.get(a_id), sources.get(b_id)),
    )


# -- evaluation -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Evaluation:
    """Scores of a run against ground truth.

    Attributes
    ----------
    run_id : str
    threshold : float
        The run's threshold (the scores are of its stored clusters).
    pairwise, bcubed : Scores
    curve : DataFrame
        Scores of connected-component clusterings of the run's pairs at other thresholds
        (:func:`cybertnoc.linkage.evaluate.threshold_curve`).
    records : int
        Records of the run that the truth covers.
    truth_entities : int
        True entities among them.
    """

    run_id: str
    threshold: float
    pairwise: Scores
    bcubed: Scores
    curve: pd.DataFrame
    records: int
    truth_entities: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "threshold": self.threshold,
            "records": self.records,
            "truth_entities": self.truth_entities,
            "pairwise": self.pairwise.as_dict(),
            "bcubed": self.bcubed.as_dict(),
            "curve": self.curve.to_dict("records"),
        }


def evaluate_run(
    ws: Workspace,
    truth: Mapping[str, str] | str | Path,
    run_id: str | int | None = None,
    *,
    schema: str = "Person",
    thresholds: tuple[float, ...] = CURVE_THRESHOLDS,
) -> Evaluation:
    """Pairwise and B-cubed scores of a run's clusters against the truth, with the curve.

    ``truth`` is a mapping entity id → true entity, or a synthetic world directory
    (:func:`cybertnoc.linkage.evaluate.truth_from_world`).
    """
    run = get_run(ws, run_id, schema=schema)
    if run.status == "undone":
        raise InvalidValue(
            run.run_id, "a run still in effect (it was undone)", "evaluate another --run"
        )
    if isinstance(truth, str | Path):
        truth = truth_from_world(ws, truth, schema=list(get_schema_settings(run.schema).schemata))
    members = clusters(ws, run.run_id)
    predicted = dict(zip(members["entity_id"], members["cluster_id"], strict=True))
    pw = pairwise_scores(predicted, truth)
    b3 = bcubed_scores(predicted, truth)
    curve = threshold_curve(members["entity_id"].tolist(), pairs(ws, run.run_id), truth, thresholds)
    covered = [e for e in predicted if e in truth]
    return Evaluation(
        run_id=run.run_id,
        threshold=run.threshold,
        pairwise=pw,
        bcubed=b3,
        curve=curve,
        records=len(covered),
        truth_entities=len({truth[e] for e in covered}),
    )
