"""``cybertnoc crypto``: address clustering, tags and taint tracing on crypto transactions.

Registered on the main command with ``cli.add_command(crypto)`` in :mod:`cybertnoc.cli`. Every
command reads a ledger (the crypto Payments of the workspace given by ``-w``, or files given
with ``--transfers`` or ``--inputs``/``--outputs``) and asks
:mod:`cybertnoc.domains.laundering.crypto`; nothing is computed here. See docs/crypto.md.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from cybertnoc.cli.main import _Group, _json_option, _print_json, _workspace_option, err, out
from cybertnoc.errors import CybertnocError

__all__ = ["crypto"]

_FILE = click.Path(dir_okay=False, exists=True, path_type=Path)


def _ledger_options(f: Any) -> Any:
    f = click.option(
        "--tags",
        "tag_paths",
        type=click.Path(exists=True, path_type=Path),
        multiple=True,
        help="GraphSense TagPacks (.yaml) or OFAC lists (sanctioned_addresses_<ASSET>.txt), "
        "files or directories (repeatable) [default: the tags imported into the workspace].",
    )(f)
    f = click.option(
        "--transactions",
        type=_FILE,
        default=None,
        help="With --inputs/--outputs: a table tx_id, timestamp that orders the transactions.",
    )(f)
    f = click.option(
        "--outputs",
        type=_FILE,
        default=None,
        help="Outputs table (CSV/Parquet): tx_id, address, value, index.",
    )(f)
    f = click.option(
        "--inputs",
        type=_FILE,
        default=None,
        help="Inputs table (CSV/Parquet): tx_id, address, value. Needs --outputs.",
    )(f)
    f = click.option(
        "--transfers",
        type=_FILE,
        default=None,
        help="Transfers table (CSV/Parquet): txid, from_address, to_address, amount, timestamp "
        "(as synth's crypto_transactions.csv), instead of the workspace.",
    )(f)
    f = click.option(
        "--key-file",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="The pseudonymisation key the workspace was imported with (default: env "
        "CYBERTNOC_KEY), to match tags and addresses with pseudonymised wallets.",
    )(f)
    f = _workspace_option(f)
    return f


def _heuristic_options(f: Any) -> Any:
    f = click.option(
        "--keep-coinjoin",
        is_flag=True,
        help="Also cluster the inputs of CoinJoin-like transactions (false merges).",
    )(f)
    f = click.option(
        "--change-heuristic",
        is_flag=True,
        help="Also join one-time change outputs to their inputs' cluster (Meiklejohn et al. "
        "2013, heuristic 2; off by default: it can merge unrelated owners).",
    )(f)
    return f


def _taint_options(f: Any) -> Any:
    f = click.option(
        "--taint",
        type=click.Choice(["haircut", "poison"]),
        default="haircut",
        show_default=True,
        help="haircut: taint shared in proportion to value; poison: any tainted input taints "
        "all outputs in full.",
    )(f)
    f = click.option(
        "--hops",
        type=click.IntRange(min=1),
        default=3,
        show_default=True,
        help="The most transactions between a source and an address reached.",
    )(f)
    return f


class _Inputs:
    """The ledger and tags a command reads, from a workspace or from files."""

    def __init__(
        self,
        workspace: Path,
        transfers: Path | None,
        inputs: Path | None,
        outputs: Path | None,
        transactions: Path | None,
        tag_paths: tuple[Path, ...],
        key_file: Path | None = None,
    ) -> None:
        from cybertnoc.domains.laundering import crypto as c

        self.pseudonymiser: Any = None
        self.from_files = any(p is not None for p in (transfers, inputs, outputs))
        if transactions is not None and inputs is None:
            raise CybertnocError("--transactions goes with --inputs and --outputs")
        if self.from_files:
            self.ledger = c.ledger_from_files(
                transfers=transfers, inputs=inputs, outputs=outputs, transactions=transactions
            )
            self.tags = c.load_tags(*tag_paths) if tag_paths else c.load_tags()
        else:
            from cybertnoc.store import Workspace

            with Workspace.open(workspace, read_only=True) as ws:
                self.ledger = c.ledger_from_workspace(ws)
                self.tags = c.load_tags(*tag_paths) if tag_paths else c.tags_from_workspace(ws)
        self._pseudonyms(c, workspace, key_file)

    def _pseudonyms(self, c: Any, workspace: Path, key_file: Path | None) -> None:
        from cybertnoc.ethics import Pseudonymiser, is_pseudonym, load_key

        addresses = self.ledger.addresses
        if not len(addresses) or not all(is_pseudonym(a) for a in addresses[:100]):
            return
        key = load_key(key_file, workspace=None if self.from_files else workspace)
        if key is None:
            if len(self.tags):
                err.print(
                    "The wallet addresses are pseudonymised and no key is set: tags cannot "
                    "match them. Set CYBERTNOC_KEY (or --key-file) to the import key.",
                    highlight=False,
                )
            return
        self.pseudonymiser = Pseudonymiser(key)
        if len(self.tags):
            self.tags = c.pseudonymise_tags(self.tags, self.pseudonymiser)

    def resolve(self, address: str) -> str:
        """The address as the ledger holds it (its pseudonym in a pseudonymised ledger)."""
        address = address.strip()
        if self.pseudonymiser is not None and address not in self.known:
            return str(self.pseudonymiser(address))
        return address

    @property
    def known(self) -> set[str]:
        if not hasattr(self, "_known"):
            self._known = set(self.ledger.addresses)
        return self._known


def _num(value: Any) -> Any:
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _tag_list(frame: Any) -> list[dict[str, Any]]:
    cols = ["label", "category", "source", "tagged_address"]
    rows = frame[cols].drop_duplicates().to_dict(orient="records")
    return [{k: _num(v) for k, v in r.items()} for r in rows]


def _fmt(v: Any) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:,.4f}" if abs(v) < 100 else f"{v:,.1f}"
    if isinstance(v, int) and not isinstance(v, bool):
        return f"{v:,}"
    return str(v)


def _table(rows: list[dict[str, Any]], title: str, columns: list[str]) -> None:
    if not rows:
        out.print(f"{title}: nothing to show.")
        return
    table = Table(title=title, header_style="bold")
    for col in columns:
        table.add_column(col, overflow="fold")
    for row in rows:
        table.add_row(*(_fmt(row.get(c)) for c in columns))
    out.print(table)


def _path_text(path: list[dict[str, Any]]) -> str:
    if not path:
        return "-"
    hops = [path[0]["from_address"]] + [f"--{s['tx_id'][:12]}--> {s['to_address']}" for s in path]
    return " ".join(hops)


@click.group(cls=_Group, name="crypto")
def crypto() -> None:
    """Crypto tracing: address clusters, tags, and funds reaching tagged addresses.

    Reads the crypto Payments of the workspace (`cybertnoc import` crypto transfers first) or
    files (--transfers, or --inputs/--outputs of a UTXO chain), with tags from GraphSense
    TagPacks and OFAC lists (--tags, or those imported). See docs/crypto.md.
    """


# -- cluster ------------------------------------------------------------------------------------
@crypto.command("cluster")
@_ledger_options
@_heuristic_options
@click.option("--address", default=None, help="Show the cluster holding this address in full.")
@click.option("--tagged", "tagged_only", is_flag=True, help="Only clusters that carry a tag.")
@click.option(
    "--top", type=click.IntRange(min=1), default=20, show_default=True, help="Clusters shown."
)
@_json_option
def cluster_cmd(
    workspace: Path,
    transfers: Path | None,
    inputs: Path | None,
    outputs: Path | None,
    transactions: Path | None,
    tag_paths: tuple[Path, ...],
    key_file: Path | None,
    change_heuristic: bool,
    keep_coinjoin: bool,
    address: str | None,
    tagged_only: bool,
    top: int,
    as_json: bool,
) -> None:
    """Cluster addresses by common-input ownership (Meiklejohn et al. 2013), and tag them.

    --json prints {transactions, addresses, clusters, multi_input, coinjoin, change_links,
    change_heuristic, tagged_clusters, shown: [{cluster, size, addresses, tags: [{label,
    category, source, tagged_address}]}]}, the largest clusters first (at most 50 addresses
    each, all with --address).
    """
    from cybertnoc.domains.laundering.crypto import cluster_addresses, tag_clusters

    data = _Inputs(workspace, transfers, inputs, outputs, transactions, tag_paths, key_file)
    clusters = cluster_addresses(
        data.ledger, change_heuristic=change_heuristic, exclude_coinjoin=not keep_coinjoin
    )
    tags = tag_clusters(clusters, data.tags)
    tagged_ids = set(tags["cluster"])
    if address is not None:
        hit = clusters[clusters["address"] == data.resolve(address)]
        if hit.empty:
            raise CybertnocError(
                f"The address {address!r} is not in the ledger ({len(clusters):,} addresses). "
                "Check it as written in the data"
            )
        ids = [int(hit["cluster"].iloc[0])]
    else:
        sizes = clusters.drop_duplicates("cluster").sort_values("cluster")
        if tagged_only:
            sizes = sizes[sizes["cluster"].isin(tagged_ids)]
        ids = [int(i) for i in sizes["cluster"].head(top)]
    members = clusters[clusters["cluster"].isin(ids)].groupby("cluster")["address"].apply(list)
    limit = None if address is not None else 50
    shown = []
    for i in ids:
        m = members[i]
        shown.append(
            {
                "cluster": i,
                "size": len(m),
                "addresses": m[:limit],
                "tags": _tag_list(tags[tags["cluster"] == i]),
            }
        )
    a = clusters.attrs
    result = {
        "transactions": a["transactions"],
        "addresses": len(clusters),
        "clusters": a["clusters"],
        "multi_input": a["multi_input"],
        "coinjoin": a["coinjoin"],
        "change_links": a["change_links"],
        "change_heuristic": change_heuristic,
        "tagged_clusters": len(tagged_ids),
        "shown": shown,
    }
    if as_json:
        _print_json(result)
        return
    err.print(
        f"{result['addresses']:,} addresses in {result['clusters']:,} clusters from "
        f"{result['transactions']:,} transactions ({result['multi_input']:,} multi-input, "
        f"{result['coinjoin']:,} CoinJoin-like left out, {result['change_links']:,} change "
        f"links); {result['tagged_clusters']:,} tagged clusters.",
        highlight=False,
    )
    rows = [
        {
            "cluster": s["cluster"],
            "size": s["size"],
            "addresses": ", ".join(s["addresses"][:3]) + (" ..." if s["size"] > 3 else ""),
            "tags": "; ".join(sorted({f"{t['label']} ({t['category']})" for t in s["tags"]})),
        }
        for s in shown
    ]
    _table(rows, "Clusters", ["cluster", "size", "addresses", "tags"])


def _sources(data: _Inputs, addresses: tuple[str, ...], expand: bool, **heur: bool) -> list[str]:
    from cybertnoc.domains.laundering.crypto import cluster_addresses

    known = data.known
    wanted = [data.resolve(a) for a in addresses]
    unknown = [a for a, w in zip(addresses, wanted, strict=True) if w not in known]
    if unknown:
        raise CybertnocError(
            f"Address(es) not in the ledger: {', '.join(unknown[:5])}. Check them as written "
            f"in the data ({len(known):,} addresses)"
        )
    if not expand:
        return wanted
    clusters = cluster_addresses(data.ledger, **heur)
    ids = set(clusters.loc[clusters["address"].isin(wanted), "cluster"])
    return sorted(set(clusters.loc[clusters["cluster"].isin(ids), "address"]))


# -- trace --------------------------------------------------------------------------------------
@crypto.command("trace")
@click.argument("addresses", nargs=-1, required=True)
@_ledger_options
@_taint_options
@click.option(
    "--expand", is_flag=True, help="Trace the whole cluster of each address (common inputs)."
)
@_heuristic_options
@click.option(
    "--top", type=click.IntRange(min=1), default=25, show_default=True, help="Addresses shown."
)
@_json_option
def trace_cmd(
    addresses: tuple[str, ...],
    workspace: Path,
    transfers: Path | None,
    inputs: Path | None,
    outputs: Path | None,
    transactions: Path | None,
    tag_paths: tuple[Path, ...],
    key_file: Path | None,
    hops: int,
    taint: str,
    expand: bool,
    change_heuristic: bool,
    keep_coinjoin: bool,
    top: int,
    as_json: bool,
) -> None:
    """Follow the funds of ADDRESSES forward through at most --hops transactions.

    --json prints {sources, taint, hops, reached: [{address, hops, taint, received, share,
    tags, path: [{step, tx_id, timestamp, from_address, to_address, value, taint}]}]}, the
    most tainted first.
    """
    from cybertnoc.domains.laundering.crypto import tag_clusters, trace

    data = _Inputs(workspace, transfers, inputs, outputs, transactions, tag_paths, key_file)
    sources = _sources(
        data,
        addresses,
        expand,
        change_heuristic=change_heuristic,
        exclude_coinjoin=not keep_coinjoin,
    )
    result = trace(data.ledger, sources, hops=hops, taint=taint)  # type: ignore[arg-type]
    reached = result.reached.head(top)
    import pandas as pd

    singletons = pd.DataFrame({"address": reached["address"], "cluster": range(len(reached))})
    tags = tag_clusters(singletons, data.tags, spread=False)
    rows = []
    for r in reached.itertuples(index=False):
        rows.append(
            {
                "address": r.address,
                "hops": int(r.hops),
                "taint": float(r.taint),
                "received": float(r.received),
                "share": _num(r.share),
                "tags": _tag_list(tags[tags["address"] == r.address]),
                "path": result.path(r.address),
            }
        )
    payload = {
        "sources": sources,
        "taint": taint,
        "hops": hops,
        "addresses_reached": len(result.reached),
        "reached": rows,
    }
    if as_json:
        _print_json(payload)
        return
    err.print(
        f"{len(result.reached):,} addresses reached from {len(sources):,} source(s) within "
        f"{hops} hops ({taint}).",
        highlight=False,
    )
    shown = [
        {
            **r,
            "tags": "; ".join(sorted({t["label"] or "?" for t in r["tags"]})),
            "path": _path_text(r["path"]),
        }
        for r in rows
    ]
    _table(shown, f"Funds traced ({taint})", ["address", "hops", "taint", "share", "tags", "path"])


# -- exposure -----------------------------------------------------------------------------------
@crypto.command("exposure")
@click.argument("addresses", nargs=-1, required=True)
@_ledger_options
@_taint_options
@click.option(
    "--direction",
    type=click.Choice(["sent", "received"]),
    default="sent",
    show_default=True,
    help="sent: funds of ADDRESSES reaching tagged addresses; received: funds reaching "
    "ADDRESSES from tagged addresses.",
)
@click.option(
    "--no-clusters",
    is_flag=True,
    help="Tags hold for their address only [default: for its whole common-input cluster].",
)
@_heuristic_options
@_json_option
def exposure_cmd(
    addresses: tuple[str, ...],
    workspace: Path,
    transfers: Path | None,
    inputs: Path | None,
    outputs: Path | None,
    transactions: Path | None,
    tag_paths: tuple[Path, ...],
    key_file: Path | None,
    hops: int,
    taint: str,
    direction: str,
    no_clusters: bool,
    change_heuristic: bool,
    keep_coinjoin: bool,
    as_json: bool,
) -> None:
    """Exposure of ADDRESSES to tagged (TagPack) and sanctioned (OFAC) addresses.

    --json prints {addresses, direction, taint, hops, tags, exposures: [{address, tagged,
    label, category, source, hops, taint, share, path: [{step, tx_id, timestamp,
    from_address, to_address, value, taint}]}]}, the largest taint first.
    """
    from cybertnoc.domains.laundering.crypto import cluster_addresses, exposure

    data = _Inputs(workspace, transfers, inputs, outputs, transactions, tag_paths, key_file)
    if data.tags.empty:
        where = "the files given with --tags" if tag_paths else "the workspace"
        raise CybertnocError(
            f"No tags in {where}. Give TagPacks or OFAC lists with --tags (e.g. --tags "
            "../shared/data/finance/ofac_sanctioned_addresses), or import them first"
        )
    sources = _sources(data, addresses, False)
    clusters = None
    if not no_clusters:
        clusters = cluster_addresses(
            data.ledger, change_heuristic=change_heuristic, exclude_coinjoin=not keep_coinjoin
        )
    frame = exposure(
        data.ledger,
        data.tags,
        sources,
        hops=hops,
        taint=taint,  # type: ignore[arg-type]
        direction=direction,  # type: ignore[arg-type]
        clusters=clusters,
    )
    rows = [{k: _num(v) for k, v in r.items()} for r in frame.to_dict(orient="records")]
    payload = {
        "addresses": sources,
        "direction": direction,
        "taint": taint,
        "hops": hops,
        "tags": len(data.tags),
        "exposures": rows,
    }
    if as_json:
        _print_json(payload)
        return
    total = sum(r["taint"] for r in rows)
    err.print(
        f"{len(rows):,} exposure(s) within {hops} hops ({taint}, {direction}); tainted value "
        f"{total:,.8g}.",
        highlight=False,
    )
    shown = [{**r, "path": _path_text(r["path"])} for r in rows]
    _table(
        shown,
        f"Exposure ({direction})",
        ["address", "tagged", "label", "category", "hops", "taint", "share", "path"],
    )
