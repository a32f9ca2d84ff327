"""Cross-market vendor linkage: one darknet vendor behind accounts on several markets.

Vendors move between markets when one closes, and keep what their customers trust: a handle
close to the old one (``FrostyRabbit`` / ``Fr0styRabb1t``), often the same PGP key, the same
products written the same way. :func:`link_vendors` links the market accounts of a workspace
(``UserAccount`` entities with a ``service``, the market) across markets with a Splink model
(Fellegi & Sunter 1969; Linacre et al. 2022) on four pieces of evidence:

- **handle**: Jaro-Winkler of the normalised handle (:func:`normalise_handle`: case folded,
  leetspeak read back, trailing digits, ``The``/``Official`` and country suffixes dropped),
  exact at the top level;
- **PGP keys**: the fingerprints published in the account's listings, shared or not;
- **listing text**: cosine similarity of the TF-IDF vectors of the account's listing titles
  (hashed into 256 dimensions);
- **ships from**: the countries the listings ship from, shared or not.

Handles and fingerprints are market pseudonyms, kept as published (not personal data of a
named person); the output aggregates them.

Two accounts on the same market are never compared (a market forbids duplicate handles, and
a vendor's second account on one market is out of scope). m-probabilities are trained by EM
on two blocking rules (handle, PGP key), u by random sampling with a seed.

References
----------
.. [1] Fellegi, I. P. & Sunter, A. B. (1969). A theory for record linkage. JASA 64(328).
.. [2] Linacre, R. et al. (2022). Splink: free software for probabilistic record linkage at
   scale. International Journal of Population Data Science 7(3).
.. [3] Tai, X. H., Soska, K. & Christin, N. (2019). Adversarial matching of dark net market
   vendor accounts. KDD '19, 1871-1880.
"""

from __future__ import annotations

import hashlib
import logging
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cybertnoc.errors import InvalidValue
from cybertnoc.store.workspace import Workspace, connect

__all__ = ["VendorLinks", "link_vendors", "normalise_handle", "vendor_accounts"]

logger = logging.getLogger(__name__)

_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a"})
_AFFIXES = re.compile(r"^(the)|(official|shop|store|uk|nl|de|us|eu)$")
_DIMENSIONS = 256


def normalise_handle(handle: str) -> str:
    """A handle as a vendor would say it: ``Fr0styRabb1t`` and ``FrostyRabbit`` agree.

    Examples
    --------
    >>> [normalise_handle(h) for h in ("Fr0styRabb1t", "frosty_rabbit", "WhiteBear7")]
    ['frostyrabbit', 'frostyrabbit', 'whitebear']
    >>> normalise_handle("TheUncleFarm"), normalise_handle("RedBearOfficial")
    ('unclefarm', 'redbear')
    >>> normalise_handle("DrTulip_NL")
    'drtulip'
    """
    text = handle.strip().casefold()
    text = re.sub(r"[\W_]*\d+$", "", text) or text  # trailing digits: a counter, not a name
    text = text.translate(_LEET)
    text = re.sub(r"[^a-z]", "", text)
    stripped = _AFFIXES.sub("", text)
    stripped = _AFFIXES.sub("", stripped)
    return stripped if len(stripped) >= 3 else text


def _tokens(text: str) -> list[str]:
    return re.findall(r"[a-z]{3,}", text.casefold())


def _tfidf(documents: list[list[str]]) -> list[list[float]]:
    """TF-IDF vectors of token lists, hashed into 256 dimensions and L2-normalised."""
    df = Counter(t for doc in documents for t in set(doc))
    n = len(documents)
    out = []
    for doc in documents:
        vec = np.zeros(_DIMENSIONS)
        for token, count in Counter(doc).items():
            slot = int.from_bytes(hashlib.blake2b(token.encode(), digest_size=4).digest(), "big")
            vec[slot % _DIMENSIONS] += (1 + math.log(count)) * math.log((1 + n) / (1 + df[token]))
        norm = np.linalg.norm(vec)
        out.append((vec / norm if norm else vec).tolist())
    return out


def vendor_accounts(ws: Workspace) -> pd.DataFrame:
    """One row per market account: ``unique_id`` (entity id), ``market``, ``handle``,
    ``handle_norm``, ``pgp`` (fingerprints of its listings), ``ships_from``, ``text``
    (TF-IDF vector of its listing titles) and ``listings``."""
    rows = ws.con.execute(
        """
        WITH acc AS (
            SELECT entity_id AS id,
                   min(value) FILTER (WHERE prop = 'service') AS market,
                   min(value) FILTER (WHERE prop = 'username') AS handle
            FROM statements WHERE schema = 'UserAccount' GROUP BY entity_id
            HAVING market IS NOT NULL AND handle IS NOT NULL
        ), lst AS (
            SELECT DISTINCT entity_id AS listing, value AS account
            FROM statements WHERE schema = 'Listing' AND prop = 'vendor'
        ), props AS (
            SELECT lst.account,
                   list(DISTINCT s.value ORDER BY s.value)
                       FILTER (WHERE s.prop = 'pgpFingerprint') AS pgp,
                   list(DISTINCT s.value ORDER BY s.value)
                       FILTER (WHERE s.prop = 'shipsFrom') AS ships_from,
                   string_agg(s.value, ' ') FILTER (WHERE s.prop = 'name') AS titles,
                   count(DISTINCT lst.listing) AS listings
            FROM lst JOIN statements s ON s.entity_id = lst.listing
            WHERE s.prop IN ('pgpFingerprint', 'shipsFrom', 'name')
            GROUP BY lst.account
        )
        SELECT acc.id, acc.market, acc.handle, props.pgp, props.ships_from, props.titles,
               coalesce(props.listings, 0)
        FROM acc LEFT JOIN props ON props.account = acc.id
        ORDER BY acc.market, acc.handle, acc.id
        """
    ).fetchall()
    frame = pd.DataFrame(
        rows, columns=["unique_id", "market", "handle", "pgp", "ships_from", "titles", "listings"]
    )
    frame["handle_norm"] = frame["handle"].map(normalise_handle)
    frame["handle_key"] = frame["handle_norm"].str[:3]
    for column in ("pgp", "ships_from"):
        frame[column] = frame[column].map(lambda v: list(v) if v is not None and len(v) else None)
    frame["pgp_first"] = frame["pgp"].map(lambda v: v[0] if v else None)
    frame["text"] = _tfidf([_tokens(t or "") for t in frame["titles"]])
    frame.loc[frame["titles"].isna(), "text"] = None
    return frame.drop(columns=["titles"])


@dataclass(frozen=True)
class VendorLinks:
    """Accounts linked across markets.

    Attributes
    ----------
    accounts : pandas.DataFrame
        :func:`vendor_accounts` with a ``cluster`` column (the smallest member id).
    pairs : pandas.DataFrame
        Scored cross-market pairs above the threshold: ``id_a``, ``id_b``, handles, markets,
        ``match_probability``, ``match_weight`` and each comparison's level (``gamma_*``).
    threshold : float
        Match probability at which pairs are linked.
    model : dict
        The trained Splink settings (m and u probabilities), for the record.
    """

    accounts: pd.DataFrame
    pairs: pd.DataFrame
    threshold: float
    model: dict = field(repr=False)


def _settings(seed: int) -> dict:
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    cross = "l.market <> r.market"
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=[
            cl.JaroWinklerAtThresholds("handle_norm", [0.95, 0.88]),
            cl.ArrayIntersectAtSizes("pgp", [1]),
            cl.CosineSimilarityAtThresholds("text", [0.8, 0.5]),
            cl.ArrayIntersectAtSizes("ships_from", [1]),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("handle_key").get_blocking_rule("duckdb").blocking_rule_sql + f" AND {cross}",
            block_on("pgp_first").get_blocking_rule("duckdb").blocking_rule_sql + f" AND {cross}",
            f"list_has_any(l.pgp, r.pgp) AND {cross}",
            f"jaro_winkler_similarity(l.handle_norm, r.handle_norm) >= 0.8 AND {cross}",
        ],
        retain_intermediate_calculation_columns=False,
        additional_columns_to_retain=["market", "handle"],
    )


def link_vendors(
    ws: Workspace,
    *,
    threshold: float = 0.9,
    seed: int = 0,
    max_pairs: float = 1e6,
) -> VendorLinks:
    """Link the market accounts of ``ws`` that belong to one vendor (see the module text).

    Parameters
    ----------
    ws : Workspace
        A workspace with darknet listings imported (``UserAccount`` vendors with a market).
    threshold : float
        Match probability above which two accounts are linked; clusters are the connected
        components of the linked pairs.
    seed : int
        Seed of the u-probability sampling.
    max_pairs : float
        Pairs sampled to estimate u.

    Returns
    -------
    VendorLinks

    Raises
    ------
    InvalidValue
        ``threshold`` outside (0, 1), or fewer than two markets in the workspace.
    """
    import logging as _logging

    from splink import DuckDBAPI, Linker, block_on

    if not 0 < threshold < 1:
        raise InvalidValue(threshold, "a match probability between 0 and 1 (threshold)")
    accounts = vendor_accounts(ws)
    if accounts["market"].nunique() < 2:
        raise InvalidValue(
            accounts["market"].nunique(),
            "market accounts on at least two markets",
            "Import darknet listings of several markets (cybertnoc formats lists them)",
        )
    import pyarrow as pa

    db = DuckDBAPI(connection=connect())  # no network; spills to the temp directory
    table = pa.Table.from_pandas(accounts, preserve_index=False)
    vectors = pa.array(accounts["text"].tolist(), type=pa.list_(pa.float64(), _DIMENSIONS))
    table = table.set_column(table.schema.get_field_index("text"), "text", vectors)
    linker = Linker(db.register(table), _settings(seed), log_level=_logging.ERROR)
    logger.info(
        "vendor linkage: %d accounts on %d markets", len(accounts), accounts.market.nunique()
    )
    linker.training.estimate_probability_two_random_records_match(
        [block_on("pgp_first"), block_on("handle_norm")], recall=0.8
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed)
    for rule in (block_on("handle_key"), block_on("pgp_first")):
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, fix_u_probabilities=True
        )
    scored = linker.inference.predict(threshold_match_probability=0.01).as_pandas_dataframe()
    scored = scored[scored["market_l"] != scored["market_r"]]
    linked = scored[scored["match_probability"] >= threshold]
    edges = zip(linked["unique_id_l"], linked["unique_id_r"], strict=True)
    cluster = _components(accounts["unique_id"], edges)
    accounts = accounts.assign(cluster=accounts["unique_id"].map(cluster))
    gammas = [c for c in linked.columns if c.startswith("gamma_")]
    pairs = linked.rename(
        columns={
            "unique_id_l": "id_a",
            "unique_id_r": "id_b",
            "handle_l": "handle_a",
            "handle_r": "handle_b",
            "market_l": "market_a",
            "market_r": "market_b",
        }
    )[
        [
            "id_a",
            "id_b",
            "handle_a",
            "handle_b",
            "market_a",
            "market_b",
            "match_probability",
            "match_weight",
            *gammas,
        ]
    ]
    pairs = pairs.sort_values(["match_probability", "id_a", "id_b"], ascending=[False, True, True])
    return VendorLinks(
        accounts, pairs.reset_index(drop=True), threshold, linker.misc.save_model_to_json()
    )


def _components(nodes: Iterable[str], edges: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Connected components (union-find), each named by its smallest member."""
    parent = {n: n for n in nodes}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {n: find(n) for n in parent}
