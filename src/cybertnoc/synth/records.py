"""Person records of police, arrests and courts, with duplicates and realistic noise.

Each true person appears in one to four sources (police nominal records, arrests, court cases,
bank customer records written by :mod:`cybertnoc.synth.finance`), and sometimes twice in one
source. Each record is rendered from the true identity through :func:`render_identity`, which
applies the noise of :mod:`cybertnoc.synth.noise` with a source-specific rate, and in the
source's own layout (``SURNAME, Forename``; ``FORENAME SURNAME``; dates ``dd/mm/yyyy`` or
``3 March 1985``). ``truth/person_identities.csv`` maps every record to its true person and
lists the noise applied.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from cybertnoc.synth._context import Context
from cybertnoc.synth.geo import format_phone, messy_country, messy_nationality
from cybertnoc.synth.names import NAME_ORDER_FAMILY_FIRST
from cybertnoc.synth.noise import date_typo, keyboard_typo, swap_day_month
from cybertnoc.synth.people import Person, ascii_fold
from cybertnoc.synth.writers import write_csv

__all__ = ["Identity", "render_identity", "write_identity_truth", "write_person_records"]

# fmt: off
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
# fmt: on


@dataclass
class Identity:
    given: str
    family: str
    dob: dt.date | None
    nickname: str | None
    noise: list[str] = field(default_factory=list)


def render_identity(
    rng: np.random.Generator,
    person: Person,
    p_noise: float,
    *,
    ascii_only: bool = False,
    native: float = 0.0,
) -> Identity:
    """The person's identity as one record shows it, with noise at rate ``p_noise``.

    ``ascii_only`` folds diacritics (many police and custody systems do); ``native`` is the
    probability of writing the passport name in its own script where there is one.
    """
    given_e, fam_e = person.given, person.family
    given = given_e.canonical
    family = [e.canonical for e in fam_e]
    dob: dt.date | None = person.dob
    noise: list[str] = []
    nickname = None
    if given_e.nicknames and rng.random() < 0.5:
        nickname = given_e.nicknames[int(rng.integers(len(given_e.nicknames)))]
    if native and rng.random() < native and given_e.native and all(e.native for e in fam_e):
        given = given_e.native[0]
        family = [e.native[0] for e in fam_e]
        noise.append("native_script")
    n_ops = 0
    if rng.random() < p_noise:
        n_ops = 1 + int(rng.random() < 0.3)
    ops = ["spelling", "nickname", "typo", "swap", "dob_swap", "dob_typo", "dob_missing"]
    weights = np.array([0.25, 0.1, 0.3, 0.08, 0.1, 0.07, 0.1])
    if len(family) > 1:
        ops.append("surname_dropped")
        weights = np.append(weights, 0.15)
    chosen = rng.choice(
        len(ops), size=min(n_ops, len(ops)), replace=False, p=weights / weights.sum()
    )
    # apply in a fixed order, so that a later operation never undoes an earlier one (a spelling
    # variant replacing a mistyped name, a dropped surname taking its typo with it)
    order = ("spelling", "nickname", "surname_dropped", "typo", "swap", "dob_swap", "dob_typo",
             "dob_missing")  # fmt: skip
    for op in sorted((ops[int(i)] for i in chosen), key=order.index):
        if op == "spelling":
            options = [(0, v) for v in given_e.latin_variants]
            for k, e in enumerate(fam_e[: len(family)]):
                options += [(k + 1, v) for v in e.latin_variants]
            if not options or "native_script" in noise:
                op = "typo"
            else:
                which, v = options[int(rng.integers(len(options)))]
                if which == 0:
                    given = v
                else:
                    family[which - 1] = v
                noise.append("spelling_variant")
                continue
        if op == "nickname":
            if given_e.nicknames and "native_script" not in noise:
                given = given_e.nicknames[int(rng.integers(len(given_e.nicknames)))]
                noise.append("nickname")
                continue
            op = "typo"
        if op == "typo":
            if rng.random() < 0.5:
                new, kind = keyboard_typo(rng, given)
                if kind and new not in given_e.spellings:  # not back to a real spelling
                    given = new
                    noise.append(f"typo_given_{kind}")
            else:
                k = int(rng.integers(len(family)))
                new, kind = keyboard_typo(rng, family[k])
                if kind and new not in fam_e[k].spellings:
                    family[k] = new
                    noise.append(f"typo_family_{kind}")
        elif op == "swap":
            noise.append("names_swapped")
        elif op == "surname_dropped":
            family = family[:1]
            noise.append("surname_dropped")
        elif op == "dob_swap" and dob is not None:
            swapped = swap_day_month(dob)
            if swapped is not None:
                dob = swapped
                noise.append("dob_day_month_swapped")
        elif op == "dob_typo" and dob is not None:
            dob = date_typo(rng, dob)
            noise.append("dob_typo")
        elif op == "dob_missing":
            dob = None
            noise.append("dob_missing")
    fam = " ".join(family)
    if "names_swapped" in noise or (
        person.nationality in NAME_ORDER_FAMILY_FIRST and rng.random() < 0.3
    ):
        given, fam = fam, given
        if "names_swapped" not in noise:
            noise.append("names_swapped")
    if ascii_only:
        folded_g, folded_f = ascii_fold(given), ascii_fold(fam)
        if (folded_g, folded_f) != (given, fam) and folded_g and folded_f:
            given, fam = folded_g, folded_f
    return Identity(given=given, family=fam, dob=dob, nickname=nickname, noise=noise)


def _dmy(d: dt.date | None, rng: np.random.Generator) -> str | None:
    if d is None:
        return None
    if rng.random() < 0.15:  # not zero-padded, as typed
        return f"{d.day}/{d.month}/{d.year}"
    return d.strftime("%d/%m/%Y")


def _long_date(d: dt.date | None) -> str | None:
    if d is None:
        return None
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


_FLAGS = {
    "drugs": ("drugs supply", "class A supply", "drugs importation", "county lines"),
    "trafficking": ("modern slavery", "exploitation", "sexual exploitation", "labour exploitation"),
    "laundering": ("money laundering", "fraud", "money mule activity"),
    "cyber": ("computer misuse", "fraud", "malware"),
}
_OFFENCES = {
    "drugs": (
        "Possession with intent to supply a controlled drug of Class A",
        "Conspiracy to supply controlled drugs",
        "Being concerned in the supply of cocaine",
        "Importation of a controlled drug",
        "Possession with intent to supply a controlled drug of Class B",
    ),
    "trafficking": (
        "Arranging or facilitating travel of another person with a view to exploitation",
        "Holding a person in slavery or servitude",
        "Controlling prostitution for gain",
        "Requiring a person to perform forced or compulsory labour",
    ),
    "laundering": (
        "Acquiring, using or possessing criminal property",
        "Entering into or becoming concerned in a money laundering arrangement",
        "Concealing, disguising, converting or transferring criminal property",
        "Fraud by false representation",
    ),
    "cyber": (
        "Unauthorised access to computer material",
        "Making, supplying or obtaining articles for use in computer misuse offences",
        "Unauthorised acts with intent to impair operation of a computer",
        "Concealing, disguising, converting or transferring criminal property",
    ),
}
# fmt: off
_AGENCIES = {
    "GB": ("Metropolitan Police Service", "Merseyside Police", "West Midlands Police",
           "Greater Manchester Police", "National Crime Agency", "Kent Police",
           "West Yorkshire Police"),
    "NL": ("Politie Rotterdam", "Politie Amsterdam", "FIOD", "Koninklijke Marechaussee"),
    "DE": ("Bundeskriminalamt", "Landeskriminalamt Berlin", "Zollfahndung Hamburg"),
    "ES": ("Guardia Civil", "Policía Nacional", "Vigilancia Aduanera"),
}
_COURTS = {
    "GB": ("Southwark Crown Court", "Liverpool Crown Court", "Birmingham Crown Court",
           "Manchester Crown Court", "Leeds Crown Court", "Central Criminal Court"),
    "NL": ("Rechtbank Rotterdam", "Rechtbank Amsterdam", "Rechtbank Den Haag"),
    "DE": ("Landgericht Hamburg", "Landgericht Berlin", "Landgericht Köln"),
    "ES": ("Audiencia Nacional", "Audiencia Provincial de Málaga"),
}
# fmt: on


def _home(country: str) -> str:
    return country if country in _AGENCIES else "GB"


def write_person_records(ctx: Context) -> dict[str, int]:
    """Write police_records.csv, arrests.csv and court_cases.tsv; return their row counts.

    Identity rows for the truth file are kept in ``ctx.extra['identities']``.
    """
    rng = ctx.rng("records")
    people: list[Person] = ctx.people
    groups = ctx.groups
    identities: list[tuple[str, str, str, str]] = ctx.extra.setdefault("identities", [])
    offenders = [p for p in people if p.is_offender]
    population = [p for p in people if not p.is_offender]
    adjacency: dict[int, list[int]] = {p.index: [] for p in offenders}
    for u, v, _ in ctx.edges:
        if u in adjacency and v in adjacency:
            adjacency[u].append(v)
            adjacency[v].append(u)

    # -- police nominal records
    police: list[tuple[Person, int]] = []
    for p in offenders:
        if rng.random() < (0.6 if p.role == "leader" else 0.85):
            police.append((p, 0))
            if rng.random() < 0.08:
                police.append((p, 1))  # a second nominal record of the same person
    for p in population:
        if rng.random() < 0.1:
            police.append((p, 0))
    order = rng.permutation(len(police))
    police_rows = []
    for rid, k in enumerate(order, start=1):
        p, _ = police[int(k)]
        ident = render_identity(rng, p, 0.35, ascii_only=True)
        record_id = f"NIM-{rid:06d}"
        phone = None
        if p.phones and rng.random() < 0.8:
            e164 = p.phones[int(rng.integers(len(p.phones)))]
            style = ("national", "national_compact", "international", "e164")[
                int(rng.choice(4, p=[0.4, 0.25, 0.2, 0.15]))
            ]
            phone = format_phone(e164, style, home="GB")
        nationality = messy_nationality(rng, p.nationality) if rng.random() > 0.08 else None
        if nationality is None:
            ident.noise.append("nationality_missing")
        flags = None
        if p.is_offender:
            opts = _FLAGS[groups[p.group].activity]
            flags = opts[int(rng.integers(len(opts)))]
            if p.role == "money_mule" and rng.random() < 0.6:
                flags += "; money mule activity"
        moved = rng.random() < 0.15  # an older address on file
        street, town, post = (p.street, p.city, p.postcode)
        if moved:
            street, town, post = None, p.city, None
            ident.noise.append("address_missing")
        updated = dt.date(2021, 1, 1) + dt.timedelta(days=int(rng.integers(0, 1200)))
        dob_text = _dmy(ident.dob, rng)
        if dob_text and rng.random() < 0.01:  # a system's placeholder for "not known"
            dob_text = "00/00/0000"
            ident.noise.append("dob_placeholder")
        police_rows.append(
            [
                record_id,
                ident.family.upper() if rng.random() < 0.7 else ident.family,
                ident.given,
                ident.nickname if ident.nickname and rng.random() < 0.6 else None,
                p.sex,
                dob_text,
                nationality,
                phone,
                street,
                town,
                post,
                flags,
                updated.isoformat(),
            ]
        )
        identities.append(("data/police_records.csv", record_id, p.pid, ";".join(ident.noise)))
    n_police = write_csv(
        ctx.data_dir / "police_records.csv",
        [
            "record_id",
            "surname",
            "forenames",
            "aka",
            "sex",
            "date_of_birth",
            "nationality",
            "phone",
            "address",
            "town",
            "postcode",
            "flags",
            "last_updated",
        ],
        police_rows,
    )

    # -- arrests: co-offending incidents
    n_incidents = max(10, int(len(offenders) * 0.8))
    weights = np.array(
        [
            {
                "courier": 3.0,
                "vendor": 2.0,
                "money_mule": 1.5,
                "recruiter": 1.5,
                "broker": 1.0,
                "affiliate": 1.0,
                "leader": 0.15,
            }[p.role]
            for p in offenders
        ]
    )
    incidents: list[tuple[dt.date, list[Person]]] = []
    for _ in range(n_incidents):
        a = offenders[int(rng.choice(len(offenders), p=weights / weights.sum()))]
        involved = [a]
        neigh = [n for n in adjacency[a.index] if people[n].role != "leader"]
        k = min(len(neigh), int(rng.choice([0, 1, 1, 2, 2, 3])))
        if k:
            involved += [people[int(n)] for n in rng.choice(neigh, size=k, replace=False)]
        day = dt.date(2022, 6, 1) + dt.timedelta(days=int(rng.integers(0, 760)))
        incidents.append((day, involved))
    incidents.sort(key=lambda x: x[0])
    arrest_rows = []
    court_rows = []
    n_arrest = 0
    n_case = 0
    for inc_no, (day, involved) in enumerate(incidents, start=1):
        lead = involved[0]
        activity = groups[lead.group].activity
        home = _home(lead.country)
        agency_opts = _AGENCIES[home]
        agency = agency_opts[int(rng.integers(len(agency_opts)))]
        incident_ref = f"INC/{day.year}/{inc_no:05d}"
        offences = _OFFENCES[activity]
        offence = offences[int(rng.integers(len(offences)))]
        defendants = []
        for p in involved:
            n_arrest += 1
            arrest_id = f"ARR-{n_arrest:06d}"
            ident = render_identity(rng, p, 0.3, ascii_only=True)
            name = f"{ident.given} {ident.family}".upper()
            nationality = messy_country(rng, p.nationality, p_clean=0.6)
            address = f"{p.street}, {p.city} {p.postcode}" if rng.random() < 0.7 else None
            if address is None:
                ident.noise.append("address_missing")
            arrest_rows.append(
                [
                    arrest_id,
                    incident_ref,
                    day.isoformat(),
                    agency,
                    messy_country(rng, home, p_clean=0.5),
                    offence,
                    name,
                    ident.dob.isoformat() if ident.dob else None,
                    nationality,
                    address,
                ]
            )
            identities.append(("data/arrests.csv", arrest_id, p.pid, ";".join(ident.noise)))
            if rng.random() < 0.8:
                defendants.append(p)
        # about half of the incidents reach court, with the arrestees charged as co-defendants
        if defendants and rng.random() < 0.55:
            n_case += 1
            case_no = f"{'T' if home == 'GB' else 'K'}{day.year}{n_case:05d}"
            courts = _COURTS[home]
            court = courts[int(rng.integers(len(courts)))]
            hearing = day + dt.timedelta(days=int(rng.integers(90, 500)))
            for d_no, p in enumerate(defendants, start=1):
                ident = render_identity(rng, p, 0.2)
                outcome = ("Guilty", "Guilty", "Guilty plea", "Not guilty", "Adjourned")[
                    int(rng.integers(5))
                ]
                sentence = (
                    str(int(rng.integers(6, 180)))
                    if outcome.startswith("Guilty") and rng.random() < 0.9
                    else None
                )
                record_id = f"{case_no}-{d_no}"
                court_rows.append(
                    [
                        case_no,
                        court,
                        _long_date(hearing),
                        str(d_no),
                        f"{ident.family.upper()}, {ident.given}",
                        _long_date(ident.dob),
                        messy_nationality(rng, p.nationality, p_clean=0.7),
                        offence,
                        outcome,
                        sentence,
                    ]
                )
                identities.append(("data/court_cases.tsv", record_id, p.pid, ";".join(ident.noise)))
    n_arrests = write_csv(
        ctx.data_dir / "arrests.csv",
        [
            "arrest_id",
            "incident_ref",
            "arrest_date",
            "arresting_agency",
            "arrest_country",
            "offence",
            "full_name",
            "date_of_birth",
            "nationality",
            "address",
        ],
        arrest_rows,
    )
    n_court = write_csv(
        ctx.data_dir / "court_cases.tsv",
        [
            "case_number",
            "court",
            "hearing_date",
            "defendant_no",
            "defendant",
            "date_of_birth",
            "nationality",
            "charge",
            "outcome",
            "sentence_months",
        ],
        court_rows,
        delimiter="\t",
    )
    return {
        "police_records.csv": n_police,
        "arrests.csv": n_arrests,
        "court_cases.tsv": n_court,
    }


def write_identity_truth(ctx: Context, path: Path) -> int:
    rows = sorted(ctx.extra.get("identities", []))
    return write_csv(path, ["source_file", "record_id", "person_id", "noise"], rows)
