"""Record linkage in a workspace, summarised for the brief: who is who across sources.

Reads the active ``Person`` linkage run (:func:`cybertnoc.linkage.workspace.link_workspace`;
nothing is linked here) and links darknet vendor accounts across markets
(:func:`cybertnoc.linkage.vendors.link_vendors`, computed, not stored). With ground truth (a
synthetic world directory, or a mapping entity id -> true entity) the person run is scored too.

References
----------
.. [1] Fellegi, I. P. & Sunter, A. B. (1969). A theory for record linkage. JASA 64(328).
.. [2] Amigó, E., Gonzalo, J., Artiles, J. & Verdejo, F. (2009). A comparison of extrinsic
   clustering evaluation metrics based on formal constraints. Information Retrieval 12(4).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from cybertnoc.errors import CybertnocError

if TYPE_CHECKING:
    from cybertnoc.linkage.workspace import Evaluation, LinkageRun
    from cybertnoc.store import Workspace

__all__ = ["LinkageFindings", "analyse"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LinkageFindings:
    """What linkage found in a workspace.

    Attributes
    ----------
    run : LinkageRun or None
        The active Person run (None: no run yet).
    records : int
        Person records of the run.
    entities : int
        Resolved entities (clusters), singletons included.
    multi_record : int
        Entities of two or more records.
    cross_source : int
        Entities whose records come from two or more datasets.
    largest : int
        Records of the largest entity.
    by_datasets : DataFrame
        Per pair of datasets (``dataset_a <= dataset_b``), the resolved entities holding
        records of both: ``dataset_a``, ``dataset_b``, ``entities``; largest first.
    sizes : DataFrame
        ``records`` (entity size) and ``entities`` (how many entities have it).
    evaluation : Evaluation or None
        Scores against ground truth, where it was given.
    vendor_accounts : int
        Darknet vendor accounts (0 without listings on two or more markets).
    vendor_markets : int
        Markets they sell on.
    vendors_multi_market : int
        Vendor clusters with accounts on two or more markets.
    vendor_note : str
        Why vendors were not linked, when they were not.
    """

    run: LinkageRun | None
    records: int = 0
    entities: int = 0
    multi_record: int = 0
    cross_source: int = 0
    largest: int = 0
    by_datasets: pd.DataFrame = field(default_factory=pd.DataFrame)
    sizes: pd.DataFrame = field(default_factory=pd.DataFrame)
    evaluation: Evaluation | None = None
    vendor_accounts: int = 0
    vendor_markets: int = 0
    vendors_multi_market: int = 0
    vendor_note: str = ""


def _dataset_pairs(members: pd.DataFrame) -> pd.DataFrame:
    per = members.groupby("cluster_id")["dataset"].agg(lambda s: sorted(set(s)))
    counts: dict[tuple[str, str], int] = {}
    for sets in per:
        for i, a in enumerate(sets):
            for b in sets[i + 1 :]:
                counts[(a, b)] = counts.get((a, b), 0) + 1
    frame = pd.DataFrame(
        [(a, b, n) for (a, b), n in counts.items()], columns=["dataset_a", "dataset_b", "entities"]
    )
    return frame.sort_values(
        ["entities", "dataset_a", "dataset_b"], ascending=[False, True, True], kind="stable"
    ).reset_index(drop=True)


def analyse(
    ws: Workspace,
    *,
    seed: int = 0,
    truth: Mapping[str, str] | str | Path | None = None,
) -> LinkageFindings:
    """Summarise the active Person run of ``ws`` and link its vendors across markets.

    Parameters
    ----------
    ws : Workspace
    seed : int
        Seed of the vendor linkage (u sampling).
    truth : mapping or path, optional
        Ground truth to score the run against (see
        :func:`cybertnoc.linkage.workspace.evaluate_run`).

    Returns
    -------
    LinkageFindings
    """
    from cybertnoc.linkage.vendors import link_vendors
    from cybertnoc.linkage.workspace import clusters, evaluate_run, runs

    active = [r for r in runs(ws, "Person") if r.status == "active"]
    run = active[-1] if active else None
    found: dict[str, Any] = {"run": run}
    if run is not None:
        members = clusters(ws, run.run_id)
        members["dataset"] = members["dataset"].fillna("")
        size = members.groupby("cluster_id").size()
        spread = members.groupby("cluster_id")["dataset"].nunique()
        sizes = size.value_counts().sort_index()
        found.update(
            records=len(members),
            entities=len(size),
            multi_record=int((size > 1).sum()),
            cross_source=int((spread > 1).sum()),
            largest=int(size.max()) if len(size) else 0,
            by_datasets=_dataset_pairs(members),
            sizes=pd.DataFrame({"records": sizes.index.astype(int), "entities": sizes.values}),
        )
        if truth is not None:
            found["evaluation"] = evaluate_run(ws, truth, run.run_id)
    try:
        vendors = link_vendors(ws, seed=seed)
    except CybertnocError as exc:
        found["vendor_note"] = str(exc).splitlines()[0]
    else:
        accounts = vendors.accounts
        markets = accounts.groupby("cluster")["market"].nunique()
        found.update(
            vendor_accounts=len(accounts),
            vendor_markets=int(accounts["market"].nunique()),
            vendors_multi_market=int((markets > 1).sum()),
        )
    return LinkageFindings(**found)
