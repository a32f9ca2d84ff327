"""A common drug taxonomy for seizure reports and darknet market categories.

Seizure reports name drugs (UNODC's ``Drug`` and ``DrugGroup`` columns: "Cocaine salts",
"Hashish (resin)", "Heroin"), darknet markets file listings under category paths (Agora's
``Drugs/Cannabis/Weed``, Hansa's bare ``Drugs``, ``Drugs/Stimulants/Cocaine`` of the synthetic
markets). Both are mapped here onto one set of **drug groups**, those of the UNODC World Drug
Report statistical annex [1]_ with ecstasy inside the amphetamine-type stimulants:

=================  =========================================================================
group              what it holds
=================  =========================================================================
``cannabis``       herb, resin, oil, edibles
``cocaine``        cocaine salts, base and paste, crack; **not** coca leaf or bush
``opioids``        heroin, opium, morphine, pharmaceutical opioids
``ats``            amphetamine, methamphetamine, ecstasy-type substances (MDMA, MDA)
``hallucinogens``  LSD, mushrooms, DMT, mescaline, 2C-x, NBOMe
``sedatives``      benzodiazepines, barbiturates, GHB, methaqualone
``nps``            substances not under international control: ketamine, GBL, synthetic
                   cannabinoids and cathinones, research chemicals
``other``          steroids, unspecified prescription medicines, weight-loss drugs, solvents
``plants``         coca leaf and bush, cannabis plants and seed, poppy plants and seed: crops,
                   left out of the drug totals as the World Drug Report leaves them out
``precursors``     ephedrine, acetic anhydride, APAAN...
``unspecified``    a drug of unstated type (Hansa's ``Drugs``, Agora's ``Drugs/Other``,
                   UNODC's "Non-specified")
=================  =========================================================================

A category that is known not to be a drug (``Information``, ``Counterfeits``, ``Weapons``...)
maps to ``None``; a name or path that no rule knows is **unmapped**: :func:`classify_seizures`
and :func:`classify_listings` give it the group ``None`` and report it in ``attrs["unmapped"]``
with its count, so nothing is silently dropped or silently guessed.

Rules are data (:data:`SEIZURE_DRUGS`, :data:`SEIZURE_GROUPS`, :data:`MARKET_CATEGORIES`);
matching ignores case and surrounding spaces. A market path matches its longest known prefix,
so ``Drugs/Cannabis/Synthetics`` is ``nps`` while ``Drugs/Cannabis/Weed`` is ``cannabis``.

References
----------
.. [1] UNODC (2018). World Drug Report 2018, statistical annex: drug seizures. United Nations
   publication, Sales No. E.18.XI.9.
.. [2] Branwen, G., Christin, N., Décary-Hétu, D., et al. (2015). Dark Net Market archives,
   2011-2015. https://www.gwern.net/DNM-archives (Agora's category tree).
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterable

import pandas as pd

from cybertnoc.errors import InvalidValue

__all__ = [
    "DRUG_GROUPS",
    "MARKET_CATEGORIES",
    "NOT_DRUGS",
    "SEIZURE_DRUGS",
    "SEIZURE_GROUPS",
    "classify_listings",
    "classify_seizures",
    "market_group",
    "seizure_group",
    "taxonomy_table",
]

logger = logging.getLogger(__name__)

#: The common drug groups, with a short description (see the module docstring).
DRUG_GROUPS: dict[str, str] = {
    "cannabis": "Cannabis herb, resin and oil",
    "cocaine": "Cocaine salts, base, paste and crack (not coca leaf or bush)",
    "opioids": "Heroin, opium, morphine and pharmaceutical opioids",
    "ats": "Amphetamine-type stimulants, ecstasy included",
    "hallucinogens": "LSD, mushrooms, DMT, mescaline, phenethylamines of the 2C and NB series",
    "sedatives": "Sedatives and tranquillizers: benzodiazepines, barbiturates, GHB",
    "nps": "Substances not under international control: ketamine, GBL, synthetic cannabinoids",
    "other": "Steroids, unspecified prescription medicines, weight-loss drugs, solvents",
    "plants": "Coca leaf and bush, cannabis plants and seed, poppy plants and seed",
    "precursors": "Precursor chemicals",
    "unspecified": "A drug of unstated type",
}

#: Seizure drug names (lower case) -> group. Checked before :data:`SEIZURE_GROUPS`.
SEIZURE_DRUGS: dict[str, str] = {
    # UNODC annual table: names whose group differs from their DrugGroup's
    "coca leaf": "plants",
    "coca bush": "plants",
    "cannabis plants": "plants",
    "cannabis seed": "plants",
    "poppy plants": "plants",
    "poppy seed": "plants",
    "synthetic cannabinoids under international control": "nps",
    "synthetic cannabinoids (spice)": "nps",
    "ketamine and phencyclidine-type substances": "nps",
    "other prescription medicines": "other",
    "other plant-based substances": "other",
    "psychotropic substances": "unspecified",
    # UNODC IDS route list
    "cannabis herb (marijuana)": "cannabis",
    "cocaine": "cocaine",
    "heroin": "opioids",
    # names as seizure reports write them (the synthetic world's reports among them)
    "cannabis herb": "cannabis",
    "cannabis resin": "cannabis",
    "marijuana": "cannabis",
    "hashish": "cannabis",
    "cocaine hydrochloride": "cocaine",
    "crack cocaine": "cocaine",
    "crack": "cocaine",
    "amphetamine": "ats",
    "methamphetamine": "ats",
    "mdma (ecstasy)": "ats",
    "mdma": "ats",
    "ecstasy": "ats",
    "opium": "opioids",
    "oxycodone": "opioids",
    "fentanyl": "opioids",
    "morphine": "opioids",
    "ketamine": "nps",
    "lsd": "hallucinogens",
    "alprazolam": "sedatives",
    "diazepam": "sedatives",
}

#: Seizure drug group names (lower case), UNODC's and the synthetic world's -> group.
SEIZURE_GROUPS: dict[str, str] = {
    "cannabis-type": "cannabis",
    "cocaine-type": "cocaine",
    "opioids": "opioids",
    "ats": "ats",
    "hallucinogens": "hallucinogens",
    "sedatives and tranquillizers": "sedatives",
    "substances not under international control": "nps",
    "other miscellaneous": "other",
    "solvents and inhallants": "other",
    "solvents and inhalants": "other",
    "precursors": "precursors",
    "non-specified": "unspecified",
    "cannabis": "cannabis",
    "cocaine": "cocaine",
}

#: Top-level market categories that are not drugs (lower case).
NOT_DRUGS: frozenset[str] = frozenset(
    {
        # Agora
        "counterfeits", "data", "drug paraphernalia", "forgeries", "information", "listings",
        "services", "tobacco", "weapons",
        # Hansa
        "digital goods", "guides & tutorials", "fraud related", "erotica", "miscellaneous",
        "security & hosting", "jewellery", "electronics",
    }
)  # fmt: skip

#: Market category paths (lower case, ``/``-separated) -> group; the longest prefix wins.
MARKET_CATEGORIES: dict[str, str] = {
    "drugs": "unspecified",  # Hansa: no subcategory
    "drugs/other": "unspecified",
    "drugs/cannabis": "cannabis",
    "drugs/cannabis/synthetics": "nps",
    "drugs/stimulants": "ats",
    "drugs/stimulants/cocaine": "cocaine",
    "drugs/ecstasy": "ats",
    "drugs/ecstasy-mdma": "ats",
    "drugs/opioids": "opioids",
    "drugs/psychedelics": "hallucinogens",
    "drugs/psychedelics/salvia": "nps",
    "drugs/psychedelics/spores": "plants",
    "drugs/benzos": "sedatives",
    "drugs/disassociatives": "nps",
    "drugs/dissociatives": "nps",
    "drugs/disassociatives/ghb": "sedatives",
    "drugs/methylone": "nps",
    "drugs/rcs": "nps",
    "drugs/prescription": "other",
    "drugs/steroids": "other",
    "drugs/weight loss": "other",
}

_SPACES = re.compile(r"\s+")


def _norm(text: object) -> str:
    if text is None or (isinstance(text, float) and text != text) or text is pd.NA:
        return ""
    return _SPACES.sub(" ", str(text)).strip().lower()


def seizure_group(drug: object, drug_group: object = None) -> str | None:
    """The common group of a seizure's drug name, else of its drug group; None if unknown.

    Examples
    --------
    >>> seizure_group("Cocaine salts", "Cocaine-type"), seizure_group("Coca leaf", "Cocaine-type")
    ('cocaine', 'plants')
    >>> seizure_group("Cannabis Herb (Marijuana)"), seizure_group("Unobtainium")
    ('cannabis', None)
    """
    name = _norm(drug)
    if name in SEIZURE_DRUGS:
        return SEIZURE_DRUGS[name]
    return SEIZURE_GROUPS.get(_norm(drug_group)) or SEIZURE_GROUPS.get(name)


def market_group(path: object) -> str | bool | None:
    """The common group of a market category path.

    Returns the group, ``None`` for a category known not to be a drug, and ``False`` for a
    path that no rule knows (unmapped).

    Examples
    --------
    >>> market_group("Drugs/Cannabis/Weed"), market_group("Drugs/Cannabis/Synthetics")
    ('cannabis', 'nps')
    >>> market_group("Drugs"), market_group("Information/Guides"), market_group("Potions")
    ('unspecified', None, False)
    """
    parts = [p for p in (_norm(x) for x in _norm(path).split("/")) if p]
    if not parts:
        return False
    if parts[0] in NOT_DRUGS:
        return None
    for n in range(len(parts), 0, -1):
        group = MARKET_CATEGORIES.get("/".join(parts[:n]))
        if group is not None:
            return group
    return False


def _report(unmapped: Iterable[str], what: str) -> dict[str, int]:
    counts = dict(sorted(Counter(unmapped).items(), key=lambda kv: (-kv[1], kv[0])))
    if counts:
        logger.info("%d unmapped %s (%d rows)", len(counts), what, sum(counts.values()))
    return counts


def classify_seizures(
    seizures: pd.DataFrame, *, drug: str = "drug", drug_group: str | None = "drugGroup"
) -> pd.Series:
    """The common group of every seizure, named by its drug and (optionally) drug group.

    Parameters
    ----------
    seizures : pandas.DataFrame
        One row per seizure.
    drug, drug_group : str
        Columns with the drug name and the reported drug group (``drug_group`` may be None or
        absent).

    Returns
    -------
    pandas.Series
        The group per row (None where unmapped). ``attrs["unmapped"]`` maps every unmapped
        drug name to its row count.

    Raises
    ------
    InvalidValue
        When the ``drug`` column is missing.
    """
    if drug not in seizures.columns:
        raise InvalidValue(
            drug,
            f"a column of the seizures table (found: {', '.join(map(str, seizures.columns))})",
            "Pass the column with the drug name as drug=...",
        )
    groups = seizures[drug_group] if drug_group in seizures.columns else None
    values = [
        seizure_group(d, groups.iloc[i] if groups is not None else None)
        for i, d in enumerate(seizures[drug].tolist())
    ]
    out = pd.Series(values, index=seizures.index, dtype=object, name="drug_group")
    out.attrs["unmapped"] = _report(
        (str(seizures[drug].iloc[i]) for i, v in enumerate(values) if v is None),
        "seizure drug name(s)",
    )
    return out


def listing_paths(listings: pd.DataFrame) -> pd.Series:
    """A listing's category path: ``category/subcategory``, or its ``keywords`` path when
    that starts with the category (Agora's three-level paths)."""
    cat = listings["category"] if "category" in listings else pd.Series("", index=listings.index)
    sub = (
        listings["subcategory"]
        if "subcategory" in listings
        else pd.Series(None, index=listings.index)
    )
    kw = listings["keywords"] if "keywords" in listings else pd.Series(None, index=listings.index)
    paths = []
    for c, s, k in zip(cat.tolist(), sub.tolist(), kw.tolist(), strict=True):
        c, s, k = (_SPACES.sub(" ", str(x)).strip() if _norm(x) else "" for x in (c, s, k))
        if k and c and k.lower().startswith(c.lower() + "/"):
            paths.append(k)
        else:
            paths.append("/".join(p for p in (c, s) if p))
    return pd.Series(paths, index=listings.index, dtype=object)


def classify_listings(listings: pd.DataFrame) -> pd.DataFrame:
    """The category path, whether it is a drug, and the common group of every listing.

    Parameters
    ----------
    listings : pandas.DataFrame
        One row per listing with ``category`` and optionally ``subcategory`` and ``keywords``
        (as the ``Listing`` entities of a workspace hold them).

    Returns
    -------
    pandas.DataFrame
        Columns ``path``, ``is_drug`` (True for a drug path, False for a known non-drug
        category, None when unmapped) and ``drug_group`` (None unless a drug), on the index of
        ``listings``. ``attrs["unmapped"]`` maps every unmapped path to its row count.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"category": ["Drugs", "Drugs", "Data", "Potions"],
    ...                       "subcategory": ["Cannabis/Weed", None, "Accounts", None]})
    >>> out = classify_listings(frame)
    >>> out["drug_group"].tolist(), out.attrs["unmapped"]
    (['cannabis', 'unspecified', None, None], {'Potions': 1})
    """
    paths = listing_paths(listings)
    groups = [market_group(p) for p in paths.tolist()]
    out = pd.DataFrame(
        {
            "path": paths,
            "is_drug": [None if g is False else g is not None for g in groups],
            "drug_group": pd.Series(
                [g if isinstance(g, str) else None for g in groups],
                index=listings.index,
                dtype=object,
            ),
        },
        index=listings.index,
    )
    out.attrs["unmapped"] = _report(
        (p or "(no category)" for p, g in zip(paths.tolist(), groups, strict=True) if g is False),
        "market category path(s)",
    )
    return out


def taxonomy_table() -> pd.DataFrame:
    """Every rule as a row: ``system`` (seizure drug, seizure group, market path), ``name``
    and ``group`` (None for a category that is not a drug). The table of ``docs/flows.md``."""
    rows = [("seizure drug", k, v) for k, v in SEIZURE_DRUGS.items()]
    rows += [("seizure group", k, v) for k, v in SEIZURE_GROUPS.items()]
    rows += [("market path", k, v) for k, v in MARKET_CATEGORIES.items()]
    rows += [("market path", k, None) for k in sorted(NOT_DRUGS)]
    return pd.DataFrame(rows, columns=["system", "name", "group"])


__all__ += ["listing_paths"]
