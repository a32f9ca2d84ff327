"""Record linkage, for reading: the brief's linkage section, and the match-weight waterfall
of a pair as a chart and as a one-section brief (``cybertnoc link explain --html``).

The explanation itself is computed by :func:`cybertnoc.linkage.workspace.explain`; this module
only draws it.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from cybertnoc import __version__
from cybertnoc.report._brief import (
    Block,
    Brief,
    Callout,
    Figure,
    KeyFigure,
    MethodNote,
    Paragraph,
    Section,
    SourceRow,
)
from cybertnoc.report._brief import Table as ReportTable
from cybertnoc.report.charts import OKABE_ITO, _finish, _new_figure, _style, bar_chart
from cybertnoc.report.sections import _n

if TYPE_CHECKING:
    from cybertnoc.linkage.analysis import LinkageFindings
    from cybertnoc.linkage.workspace import Explanation

__all__ = ["LINKAGE_METHOD", "explanation_brief", "linkage_section", "waterfall_chart"]


def waterfall_chart(expl: Explanation) -> Figure:
    """The waterfall as a chart: each step a bar from the running weight before it to after."""
    steps = [s for s in expl.steps if s.comparison == "prior" or s.match_weight != 0]
    labels = ["prior"] + [f"{s.comparison}: {s.level.split(': ', 1)[-1]}" for s in steps[1:]]
    labels.append("final match weight")
    with _style():
        fig = _new_figure(height=max(2.2, 0.9 + 0.38 * len(labels)))
        ax = fig.add_subplot()
        start = 0.0
        for i, s in enumerate(steps):
            lo, hi = sorted((start if i else 0.0, s.cumulative))
            colour = OKABE_ITO["bluish_green"] if s.match_weight >= 0 else OKABE_ITO["vermillion"]
            if i == 0:
                colour = OKABE_ITO["sky_blue"]
            ax.barh(i, hi - lo, left=lo, color=colour, height=0.6)
            ax.text(hi + 0.2, i, f"{s.match_weight:+.2f}", va="center", fontsize=8)
            start = s.cumulative
        final = expl.match_weight
        ax.barh(len(steps), final, color=OKABE_ITO["blue"], height=0.6)
        ax.text(
            max(final, 0) + 0.2,
            len(steps),
            f"{final:.2f} (p = {expl.match_probability:.4f})",
            va="center",
            fontsize=8,
        )
        ax.axvline(0, color="#1C2128", linewidth=0.8)
        threshold_weight = math.log2(expl.threshold / (1 - expl.threshold))
        ax.axvline(threshold_weight, color=OKABE_ITO["orange"], linestyle="--", linewidth=1)
        ax.set_yticks(range(len(labels)), labels)
        ax.invert_yaxis()
        ax.set_xlabel("match weight (log2 of the Bayes factor)")
        ax.set_title("How the match weight adds up")
        ax.margins(x=0.15)
    verdict = "a match" if expl.match_probability >= expl.threshold else "not a match"
    return _finish(
        fig,
        caption=(
            "Match-weight waterfall: the prior, then each comparison's weight (green for, red "
            f"against); the dashed line is the run's threshold ({expl.threshold:g})."
        ),
        alt=(
            f"The pair scores a match weight of {expl.match_weight:.2f}, match probability "
            f"{expl.match_probability:.4f}: {verdict} at threshold {expl.threshold:g}."
        ),
    )


def explanation_brief(expl: Explanation, sources: list[dict[str, Any]] | None = None) -> Brief:
    """The explanation as a one-section, self-contained page; ``sources`` are the rows of
    :func:`cybertnoc.store.queries.list_sources` of the two records."""
    rows = [
        [
            s.comparison,
            s.level,
            f"{s.bayes_factor:.4g}",
            f"{s.match_weight:+.2f}",
            f"{s.cumulative:.2f}",
            f"{s.probability:.4f}",
        ]
        for s in expl.steps
    ]
    verdict = "match" if expl.match_probability >= expl.threshold else "no match"
    section = Section(
        "explanation",
        f"Why these two records {'matched' if verdict == 'match' else 'did not match'}",
        f"Match probability {expl.match_probability:.4f} (weight {expl.match_weight:.2f}) in "
        f"{expl.run_id}: {verdict} at threshold {expl.threshold:g}; "
        f"{'in one cluster' if expl.same_cluster else 'in different clusters'}.",
        [
            Paragraph(f"Record A: {expl.a} ({expl.datasets[0]})."),
            Paragraph(f"Record B: {expl.b} ({expl.datasets[1]})."),
            waterfall_chart(expl),
            ReportTable(
                ["comparison", "level", "Bayes factor", "weight", "cumulative", "probability"],
                rows,
                caption="Each step: the comparison level the pair fell in, its Bayes factor "
                "m/u, the match weight log2(m/u) and the running total.",
                numeric={2, 3, 4, 5},
            ),
            Callout(
                "Personal values were compared as pseudonyms (equality) and keyed Bloom-filter "
                "encodings (Dice similarity); no plaintext is held or shown."
            ),
        ],
    )
    if not expl.stored:
        section = Section(
            section.id,
            section.title,
            section.lead,
            [
                *section.blocks,
                Callout(
                    "The run did not keep this pair (it was "
                    + ("scored below 0.01" if expl.candidate else "not proposed by a blocking rule")
                    + "); it was scored now with the run's model.",
                    "warning",
                ),
            ],
        )
    return Brief(
        title="Record linkage: explanation of a pair",
        subtitle=f"{expl.schema} linkage {expl.run_id}",
        generated_at=datetime.now(UTC).replace(microsecond=0).isoformat(),
        summary=[
            KeyFigure("Match probability", f"{expl.match_probability:.4f}"),
            KeyFigure("Match weight", f"{expl.match_weight:.2f}"),
            KeyFigure("Same resolved entity", "yes" if expl.same_cluster else "no"),
        ],
        sections=[section],
        sources=[
            SourceRow(
                name=src["title"] or src["file_name"],
                dataset=src["dataset"],
                file=src["file_name"],
                format=src.get("format_name") or src["format"],
                rows=int(src["rows"]),
                flagged=int(src["flagged_rows"]),
                content_hash=src["content_hash"],
                licence=src["licence"] or "",
                publisher=src["publisher"] or "",
                imported_at=str(src["imported_at"]),
                crime_area=src["crime_area"] or "",
            )
            for src in sources or []
        ],
        methods=[
            MethodNote(
                "Fellegi-Sunter match weights (Splink)",
                "The match weight of a pair is the prior log-odds plus, per comparison, log2 of "
                "the ratio m/u of the level the pair falls in (m: share of true matches in the "
                "level, u: share of non-matches), estimated by EM and random sampling.",
                "Fellegi & Sunter (1969), JASA 64(328); Linacre et al. (2022), IJPDS 7(3).",
            )
        ],
        reproducibility={
            "version": __version__,
            "command": f"cybertnoc link explain {expl.a} {expl.b} --run {expl.run_id}",
        },
    )


#: The method note of the brief's linkage section.
LINKAGE_METHOD = MethodNote(
    "Probabilistic record linkage on pseudonyms (Splink)",
    "Person records of all sources are compared field by field: personal values as pseudonym "
    "equality and the Dice similarity of keyed Bloom-filter encodings, other values as "
    "plaintext. Candidate pairs come from blocking rules and MinHash keys; m probabilities are "
    "estimated by expectation maximisation, u by random sampling; pairs at or above the "
    "threshold are joined into resolved entities (connected components). Vendor accounts are "
    "linked across markets by handle similarity, shared PGP keys and listing text.",
    "Fellegi & Sunter (1969) JASA 64(328); Linacre et al. (2022) IJPDS 7(3); Schnell, Bachteler "
    "& Reiher (2009) BMC Med. Inform. Decis. Mak. 9:41; Amigó et al. (2009) Inf. Retr. 12(4)",
)


def linkage_section(f: LinkageFindings) -> Section:
    """Who is who across sources: the active Person linkage run and cross-market vendors."""
    blocks: list[Block] = []
    if f.run is None:
        blocks.append(
            Callout(
                "No person linkage has been run on this workspace: run `cybertnoc link run` "
                "to resolve the people named in several sources."
            )
        )
        lead = "Records have not been linked yet."
    else:
        blocks += [
            KeyFigure("Person records", _n(f.records), provenance=f"linkage run {f.run.run_id}"),
            KeyFigure(
                "Resolved people",
                _n(f.entities),
                note=f"{_n(f.multi_record)} with two or more records",
            ),
            KeyFigure(
                "Found in two or more sources",
                _n(f.cross_source),
                note="resolved people whose records come from different datasets",
            ),
        ]
        lead = (
            f"**{_n(f.records)} person records** resolve to **{_n(f.entities)} people** at "
            f"match probability {f.run.threshold:g}; {_n(f.cross_source)} of them appear in "
            "more than one source."
        )
        if f.evaluation is not None:
            pw, b3 = f.evaluation.pairwise, f.evaluation.bcubed
            blocks.append(
                KeyFigure(
                    "Pairwise F1 against the truth",
                    f"{pw.f1:.3f}",
                    note=f"precision {pw.precision:.3f}, recall {pw.recall:.3f}; "
                    f"B-cubed F1 {b3.f1:.3f}",
                    provenance="synthetic world's ground truth",
                )
            )
            lead += (
                f" Against the synthetic world's ground truth, pairwise F1 is {pw.f1:.3f} "
                f"(B-cubed {b3.f1:.3f})."
            )
        if not f.by_datasets.empty:
            top = f.by_datasets.head(8)
            blocks.append(
                bar_chart(
                    [f"{r.dataset_a} + {r.dataset_b}" for r in top.itertuples()],
                    [float(r.entities) for r in top.itertuples()],
                    title="People found in two sources",
                    xlabel="resolved people",
                    caption="Resolved people with records in both datasets of a pair: where "
                    "offline and online sources name the same person.",
                    alt=f"{top.iloc[0].dataset_a} and {top.iloc[0].dataset_b} share the most "
                    f"people ({_n(top.iloc[0].entities)}).",
                )
            )
        if not f.sizes.empty:
            blocks.append(
                ReportTable(
                    ["records per person", "people"],
                    [[int(r.records), int(r.entities)] for r in f.sizes.itertuples()],
                    caption="How many records each resolved person has.",
                    numeric={0, 1},
                )
            )
    if f.vendor_accounts:
        blocks.append(
            Paragraph(
                f"Darknet vendors: {_n(f.vendor_accounts)} accounts on {_n(f.vendor_markets)} "
                f"markets; {_n(f.vendors_multi_market)} vendors sell on two or more markets "
                "under linked accounts (handle similarity, shared PGP keys, listing text)."
            )
        )
    elif f.vendor_note:
        blocks.append(Paragraph(f"Vendors were not linked across markets: {f.vendor_note}"))
    blocks.append(
        Callout(
            "Linkage compares pseudonyms and keyed encodings only: no name, date of birth or "
            "contact detail is held in plaintext. A resolved person is a statistical judgement; "
            "check a pair with `cybertnoc link explain A B` before acting on it."
        )
    )
    return Section("linkage", "Who is who across sources: record linkage", lead, blocks)
