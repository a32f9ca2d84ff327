"""Generate the whole synthetic world: data files, ground truth and the manifest."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from pathlib import Path

from cybertnoc.errors import CybertnocError, InvalidValue
from cybertnoc.synth._context import Context
from cybertnoc.synth._manifest import GENERATOR, MANIFEST_NAME, SynthFile, SynthManifest
from cybertnoc.synth._scales import SCALES
from cybertnoc.synth.adverts import write_adverts_and_cases
from cybertnoc.synth.calls import write_calls
from cybertnoc.synth.crypto import write_crypto
from cybertnoc.synth.darknet import VENDOR_TRUTH_COLUMNS, vendor_truth_rows, write_listings
from cybertnoc.synth.finance import write_bank
from cybertnoc.synth.malware import write_malware
from cybertnoc.synth.people import PEOPLE_TRUTH_COLUMNS, build_people, people_truth_rows
from cybertnoc.synth.records import write_identity_truth, write_person_records
from cybertnoc.synth.seizures import ROUTE_TRUTH_COLUMNS, route_truth_rows, write_seizures
from cybertnoc.synth.writers import sha256_file, write_csv

__all__ = ["DATA_FILES", "TRUTH_FILES", "generate"]

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]

#: Data files: name -> (format, crime area, description). The mapping is ``synth/<stem>``.
# fmt: off
DATA_FILES: dict[str, tuple[str, str, str]] = {
    "wiretap_calls.csv": ("csv", "networks",
                          "Intercepted calls and texts of target lines: caller, callee, local time "
                          "with UTC offset, duration"),
    "police_records.csv": ("csv", "networks",
                           "Police nominal records: names, date of birth (dd/mm/yyyy), "
                           "nationality, phone, address, intelligence flags"),
    "arrests.csv": ("csv", "networks",
                    "Arrests; arrestees of one incident share incident_ref (co-offending)"),
    "court_cases.tsv": ("tsv", "networks",
                        "Court cases with co-defendants (SURNAME, Forename; 3 March 1985)"),
    "bank_transfers.parquet": ("parquet", "laundering",
                               "Bank transfers between IBAN accounts (EUR), with planted "
                               "laundering typologies and structuring"),
    "bank_customers.parquet": ("parquet", "laundering",
                               "Know-your-customer records of accounts of interest"),
    "crypto_transactions.csv": ("csv", "laundering",
                                "Bitcoin and Ethereum transfers between checksummed addresses, "
                                "with planted laundering typologies"),
    "market_listings.jsonl": ("jsonl", "drugs",
                              "Darknet market listings over several crawls: vendor handle, PGP "
                              "fingerprint, category, price (BTC or USD), ships from / to"),
    "seizures.csv": ("csv", "drugs",
                     "Drug seizures (semicolon-separated): drug, quantity, unit, origin, "
                     "transit, destination"),
    "adverts.jsonl": ("jsonl", "slavery",
                      "Online adverts with contact phone, e-mail and handle"),
    "trafficking_cases.xlsx": ("xlsx", "slavery",
                               "Trafficking case referrals: citizenship, country and type of "
                               "exploitation, identifying agencies, linked advert"),
    "c2_indicators.csv": ("csv", "malware",
                          "Botnet C2 indicator feed in the style of abuse.ch Feodo Tracker"),
    "infections.csv": ("csv", "malware",
                       "Observed infections: host, owner's bank account, time, infecting "
                       "host (where known), C2"),
}
# fmt: on

#: Truth files: name -> (crime area, description).
# fmt: off
TRUTH_FILES: dict[str, tuple[str, str]] = {
    "people.csv": ("networks", "Every person: true name, date of birth, nationality, group, role"),
    "groups.csv": ("networks", "Organised groups: activity, base country, size, leader"),
    "network_edges.csv": ("networks", "True ties: within cells, leader, bridge, social"),
    "phone_owners.csv": ("networks", "Phone number -> person, and intercepted line id"),
    "person_identities.csv": ("networks",
                              "Person record (source file, record id) -> true person, with the "
                              "noise applied"),
    "vendor_identities.csv": ("drugs", "(market, handle) -> true vendor, person, payout address"),
    "routes.csv": ("drugs", "Planted routes with online and offline weights"),
    "laundering_patterns.csv": ("laundering",
                                "Planted pattern instances: one row per transaction"),
    "laundering_accounts.csv": ("laundering",
                                "Accounts and addresses controlled by each group, with "
                                "controller"),
    "account_holders.csv": ("laundering", "Every bank account: kind and holder"),
    "crypto_wallets.csv": ("laundering", "Every crypto address: chain, kind, owner"),
    "advert_controllers.csv": ("slavery", "Advert -> advertiser, type, person, victim"),
    "trafficking_population.csv": ("slavery",
                                   "Every victim, observed or not, with the lists that found them"),
    "botnet.csv": ("malware", "Infection tree: seeds, infector, generation, C2, observed"),
    "c2_servers.csv": ("malware", "C2 servers: campaign, group, seeded or decoy"),
}
# fmt: on


def _check_args(seed: object, scale: object) -> None:
    if isinstance(scale, str) and scale in SCALES:
        pass
    else:
        raise InvalidValue(
            scale,
            f"a scale of the synthetic world, one of {', '.join(SCALES)}",
            "Pass scale='small' (seconds), 'medium' (about 10x) or 'large' (millions of bank "
            "transfers)",
        )
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise InvalidValue(seed, "a non-negative integer seed", "Pass seed=0, 1, 2, ...")


def _prepare(out: Path) -> None:
    """Make ``out`` ready: new, empty, or a previous synthetic world (whose files are removed)."""
    if out.exists() and not out.is_dir():
        raise CybertnocError(
            f"Output path {out} is a file; give a directory for the synthetic world"
        )
    if out.is_dir() and any(out.iterdir()):
        manifest = out / MANIFEST_NAME
        try:
            old = SynthManifest.read(manifest)
        except (OSError, ValueError, KeyError, TypeError):
            old = None
        if old is None or old.generator != GENERATOR:
            raise CybertnocError(
                f"Output directory {out} is not empty and is not a synthetic world written by "
                f"cybertnoc synth (no {MANIFEST_NAME} of ours in it). Choose a new or empty "
                "directory, or empty this one first."
            )
        for f in [*old.files, *old.truth]:
            p = out / f.path
            if p.is_file() and out.resolve() in p.resolve().parents:
                p.unlink()
        manifest.unlink()
        leftover = [
            str(p.relative_to(out))
            for sub in ("data", "truth")
            if (out / sub).is_dir()
            for p in sorted((out / sub).rglob("*"))
            if p.is_file()
        ]
        if leftover:
            raise CybertnocError(
                f"Output directory {out} holds a previous synthetic world and also other files "
                f"in data/ or truth/: {', '.join(leftover[:10])}. Move them away, or choose a "
                "new directory."
            )
        for sub in ("data", "truth"):
            if (out / sub).is_dir():
                shutil.rmtree(out / sub)
    (out / "data").mkdir(parents=True, exist_ok=True)
    (out / "truth").mkdir(parents=True, exist_ok=True)


def generate(
    out_dir: str | Path,
    *,
    seed: int = 0,
    scale: str = "small",
    progress: Progress | None = None,
) -> SynthManifest:
    """Generate a synthetic Cyber-TNOC world with ground truth.

    Parameters
    ----------
    out_dir : str or Path
        Directory to write into: new, empty, or holding a previous synthetic world (whose
        files are replaced). ``data/`` gets the files a user imports, ``truth/`` the ground
        truth, and ``manifest.json`` lists them all.
    seed : int, default 0
        Non-negative seed. The same seed and scale give byte-identical files (with the same
        versions of numpy, pyarrow, openpyxl and phonenumbers).
    scale : {"small", "medium", "large"}
        Size of the world (see :data:`cybertnoc.synth.SCALES`).
    progress : callable, optional
        Called as ``progress(step, 0, 1)`` when a step starts and ``progress(step, 1, 1)``
        when it is done. The library itself never prints.

    Returns
    -------
    SynthManifest
        Every file written, with format, rows, SHA-256, mapping and description.

    Raises
    ------
    InvalidValue
        For an unknown scale or a negative or non-integer seed.
    CybertnocError
        When ``out_dir`` is a file, or a non-empty directory that is not a previous synthetic
        world.

    Examples
    --------
    >>> import tempfile
    >>> from cybertnoc.synth import generate
    >>> with tempfile.TemporaryDirectory() as d:
    ...     m = generate(d, seed=1)
    ...     m.file("bank_transfers.parquet").rows > 20_000
    True
    """
    _check_args(seed, scale)
    out = Path(out_dir)
    _prepare(out)
    ctx = Context(seed=int(seed), scale=SCALES[scale], out_dir=out)
    rows: dict[str, int] = {}

    steps: list[tuple[str, Callable[[], object]]] = [
        ("people and groups", lambda: build_people(ctx)),
        ("wiretap calls", lambda: rows.__setitem__("wiretap_calls.csv", write_calls(ctx))),
        ("police, arrest and court records", lambda: rows.update(write_person_records(ctx))),
        ("bank accounts and transfers", lambda: rows.update(write_bank(ctx))),
        (
            "darknet listings",
            lambda: rows.__setitem__("market_listings.jsonl", write_listings(ctx)),
        ),
        (
            "crypto transactions",
            lambda: rows.__setitem__("crypto_transactions.csv", write_crypto(ctx)),
        ),
        ("drug seizures", lambda: rows.__setitem__("seizures.csv", write_seizures(ctx))),
        ("adverts and trafficking cases", lambda: rows.update(write_adverts_and_cases(ctx))),
        ("botnet", lambda: rows.update(write_malware(ctx))),
    ]
    truth_rows: dict[str, int] = {}
    steps.append(("ground truth", lambda: truth_rows.update(_write_truth(ctx))))
    for label, fn in steps:
        if progress is not None:
            progress(label, 0, 1)
        log.info("synth: %s", label)
        fn()
        if progress is not None:
            progress(label, 1, 1)

    manifest = SynthManifest(
        seed=int(seed),
        scale=scale,
        out_dir=str(out.resolve()),
        parameters=ctx.scale.as_dict(),
    )
    for name, (fmt, area, description) in DATA_FILES.items():
        path = out / "data" / name
        manifest.files.append(
            SynthFile(
                path=f"data/{name}",
                format=fmt,
                rows=rows[name],
                sha256=sha256_file(path),
                mapping=f"synth/{Path(name).stem}",
                crime_area=area,
                description=description,
            )
        )
    for name, (area, description) in TRUTH_FILES.items():
        path = out / "truth" / name
        manifest.truth.append(
            SynthFile(
                path=f"truth/{name}",
                format="csv",
                rows=truth_rows[name],
                sha256=sha256_file(path),
                mapping=None,
                crime_area=area,
                description=description,
            )
        )
    (out / MANIFEST_NAME).write_text(manifest.to_json(), encoding="utf-8", newline="\n")
    return manifest


def _write_truth(ctx: Context) -> dict[str, int]:
    t = ctx.truth_dir
    people = ctx.people
    n: dict[str, int] = {}
    n["people.csv"] = write_csv(t / "people.csv", PEOPLE_TRUTH_COLUMNS, people_truth_rows(ctx))
    n["groups.csv"] = write_csv(
        t / "groups.csv",
        ["group_id", "activity", "base_country", "size", "leader_id"],
        [
            [g.gid, g.activity, g.base, str(len(g.members)), people[g.leader].pid]
            for g in ctx.groups
        ],
    )
    n["network_edges.csv"] = write_csv(
        t / "network_edges.csv",
        ["source", "target", "kind"],
        [[people[u].pid, people[v].pid, k] for u, v, k in ctx.edges],
    )
    lines = ctx.extra.get("target_lines", {})
    n["phone_owners.csv"] = write_csv(
        t / "phone_owners.csv",
        ["phone", "person_id", "intercepted_line"],
        sorted([ph, pid, lines.get(ph, "")] for ph, pid in ctx.extra.get("phone_owners", [])),
    )
    n["person_identities.csv"] = write_identity_truth(ctx, t / "person_identities.csv")
    n["vendor_identities.csv"] = write_csv(
        t / "vendor_identities.csv", VENDOR_TRUTH_COLUMNS, vendor_truth_rows(ctx)
    )
    n["routes.csv"] = write_csv(t / "routes.csv", ROUTE_TRUTH_COLUMNS, route_truth_rows())
    n["laundering_patterns.csv"] = write_csv(
        t / "laundering_patterns.csv",
        [
            "pattern_id",
            "typology",
            "rail",
            "group_id",
            "step",
            "tx_id",
            "timestamp",
            "from_account",
            "to_account",
            "amount",
        ],
        sorted(ctx.extra.get("laundering_rows", []), key=lambda r: (r[0], r[4])),
    )
    n["laundering_accounts.csv"] = write_csv(
        t / "laundering_accounts.csv",
        ["account", "rail", "group_id", "controller_id", "account_role"],
        sorted(ctx.extra.get("laundering_accounts", [])),
    )
    n["account_holders.csv"] = write_csv(
        t / "account_holders.csv",
        ["account", "kind", "person_id"],
        sorted(ctx.extra.get("bank_truth_accounts", [])),
    )
    n["crypto_wallets.csv"] = write_csv(
        t / "crypto_wallets.csv",
        ["address", "chain", "kind", "owner"],
        sorted(ctx.extra.get("crypto_wallets", [])),
    )
    n["advert_controllers.csv"] = write_csv(
        t / "advert_controllers.csv",
        ["advert_id", "advertiser_id", "advertiser_type", "person_id", "victim_id"],
        ctx.extra.get("advert_truth", []),
    )
    n["trafficking_population.csv"] = write_csv(
        t / "trafficking_population.csv",
        [
            "victim_id",
            "exploitation_type",
            "citizenship",
            "sex",
            "age_group",
            "country_of_exploitation",
            "lists",
            "case_id",
            "controller_id",
        ],
        ctx.extra.get("trafficking_population", []),
    )
    n["botnet.csv"] = write_csv(
        t / "botnet.csv",
        [
            "host_id",
            "person_id",
            "campaign",
            "malware",
            "group_id",
            "is_seed",
            "infected_at",
            "infected_by",
            "generation",
            "c2_ip",
            "c2_port",
            "observed",
        ],
        ctx.extra.get("botnet_truth", []),
    )
    n["c2_servers.csv"] = write_csv(
        t / "c2_servers.csv",
        ["ip", "port", "malware", "campaign", "group_id", "seeded"],
        ctx.extra.get("c2_truth", []),
    )
    return n
