"""Online adverts with contact selectors, and the trafficking cases some of them lead to.

Victims and lists
-----------------
A population of ``scale.victims`` trafficking victims is drawn (citizenship, sex, age group,
form of exploitation, in proportions close to the UK National Referral Mechanism statistics and
UNODC GLOTIP). Each victim is identified independently by up to six lists (the agency types of
the UK 2013 multiple-systems estimate: local authorities LA, NGOs NG, police forces PF,
government organisations GO, the general public GP and the National Crime Agency NCA), with
probabilities that depend on the form of exploitation, plus a positive dependence between police
and NCA referrals. Only victims found by at least one list become cases, so the dark figure is
known: ``truth/trafficking_population.csv`` lists every victim, observed or not (for testing
multiple systems estimation, Bales, Hesketh & Silverman 2015).

Adverts
-------
Controllers (``scale.controllers``; recruiters of the trafficking groups first) advertise the
sexual-exploitation victims they control, moving them between cities, and post exploitative
job offers; each controller uses one to four phones (burners replaced over time), sometimes an
e-mail address or a handle, so that shared selectors link the adverts of one controller
(Ibanez & Suthers 2014). Independent advertisers and employers post the rest, each with their
own contact. Phones are written in many layouts ("+44 7911 123456", "07911123456",
"0044-7911-123456"); ``truth/advert_controllers.csv`` maps every advert to who posted it.

References
----------
.. [1] Bales, K., Hesketh, O. & Silverman, B. (2015). Modern slavery in the UK: how many victims?
   Significance 12(3), 16-21.
.. [2] Ibanez, M. & Suthers, D. D. (2014). Detection of domestic human trafficking indicators and
   movement trends using content available on open internet sources. HICSS 47.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from cybertnoc.synth._context import Context
from cybertnoc.synth.geo import (
    CITIES,
    PHONE_STYLES,
    format_phone,
    messy_country,
    messy_nationality,
    random_phone,
)
from cybertnoc.synth.writers import write_jsonl, write_xlsx

__all__ = ["write_adverts_and_cases"]

_LISTS = ("LA", "NG", "PF", "GO", "GP", "NCA")
_LIST_NAMES = {
    "LA": "Local authority",
    "NG": "NGO",
    "PF": "Police force",
    "GO": "Government organisation",
    "GP": "Member of the public",
    "NCA": "National Crime Agency",
}
_CAPTURE = {
    "sexual": (0.05, 0.22, 0.25, 0.08, 0.03, 0.08),
    "labour": (0.10, 0.15, 0.12, 0.15, 0.05, 0.05),
    "criminal": (0.20, 0.05, 0.30, 0.05, 0.02, 0.05),
    "domestic servitude": (0.05, 0.20, 0.08, 0.10, 0.08, 0.03),
}
_EXPLOITATION = {"sexual": 0.42, "labour": 0.33, "criminal": 0.17, "domestic servitude": 0.08}
_TYPE_LABEL = {
    "sexual": ("Sexual exploitation", "Sexual", "sexual exploitation"),
    "labour": ("Labour exploitation", "Labour", "Forced labour"),
    "criminal": ("Criminal exploitation", "Criminal", "Forced criminality"),
    "domestic servitude": ("Domestic servitude", "Domestic servitude", "domestic servitude"),
}
# fmt: off
_CITIZENSHIP = {
    "sexual": {"RO": 0.3, "AL": 0.15, "GB": 0.2, "NG": 0.1, "VN": 0.05, "CN": 0.05, "UA": 0.1,
               "PL": 0.05},
    "labour": {"RO": 0.15, "AL": 0.15, "VN": 0.15, "PL": 0.15, "GB": 0.1, "IN": 0.1, "ER": 0.1,
               "SD": 0.1},
    "criminal": {"GB": 0.55, "VN": 0.2, "AL": 0.15, "ER": 0.05, "SD": 0.05},
    "domestic servitude": {"NG": 0.3, "IN": 0.2, "ER": 0.1, "CN": 0.1, "GB": 0.1, "RO": 0.2},
}
# fmt: on
_P_FEMALE = {"sexual": 0.92, "labour": 0.3, "criminal": 0.25, "domestic servitude": 0.8}
_P_CHILD = {"sexual": 0.2, "labour": 0.08, "criminal": 0.55, "domestic servitude": 0.1}
_EXPLOIT_COUNTRY = {"GB": 0.8, "NL": 0.08, "DE": 0.06, "IE": 0.06}

# fmt: off
_WORKER_NAMES = ("Lena", "Sofia", "Bianca", "Anna", "Mia", "Nikki", "Jasmine", "Roxy", "Kira",
                 "Elena", "Vanessa", "Lily", "Amira", "Daria", "Eva", "Luna", "Nina", "Sara")
# fmt: on
_HANDLE_A = ("sweet", "vip", "angel", "luxury", "hot", "new", "kiss", "dream", "secret", "pink")
_HANDLE_B = ("girls", "agency", "bookings", "models", "relax", "angels", "spa", "massage")
_MAIL = ("inbox.example", "quickpost.example", "mailhub.example", "securemsg.example")
_SITES_SEX = ("Citynights", "RelaxGuide", "Citynights", "LocalClassifieds")
_SITES_JOB = ("QuickJobs", "LocalClassifieds", "QuickJobs")


def _cities(country: str) -> tuple[str, ...]:
    return CITIES.get(country, ("London",))


def _pick(rng: np.random.Generator, weights: dict[str, float]) -> str:
    keys = list(weights)
    p = np.array([weights[k] for k in keys])
    return keys[int(rng.choice(len(keys), p=p / p.sum()))]


def _phone_text(rng: np.random.Generator, e164: str) -> str:
    style = PHONE_STYLES[int(rng.choice(6, p=[0.1, 0.25, 0.3, 0.2, 0.1, 0.05]))]
    return format_phone(e164, style, home="GB")


def write_adverts_and_cases(ctx: Context) -> dict[str, int]:
    rng = ctx.rng("adverts")
    scale = ctx.scale
    start = dt.datetime(2023, 1, 1, tzinfo=dt.UTC)
    span = 730 * 86400
    # -- victims and their identification by lists
    victims = []
    for v in range(scale.victims):
        typ = _pick(rng, _EXPLOITATION)
        cit = _pick(rng, _CITIZENSHIP[typ])
        sex = "F" if rng.random() < _P_FEMALE[typ] else "M"
        child = rng.random() < _P_CHILD[typ]
        country = _pick(rng, _EXPLOIT_COUNTRY)
        p = np.array(_CAPTURE[typ])
        caught = rng.random(6) < p
        if caught[2] and rng.random() < 0.3:  # police refer to the NCA
            caught[5] = True
        lists = [_LISTS[i] for i in range(6) if caught[i]]
        victims.append(
            {
                "vid": f"VIC{v + 1:06d}",
                "type": typ,
                "citizenship": cit,
                "sex": sex,
                "child": child,
                "country": country,
                "lists": lists,
                "controller": -1,
                "adverts": [],
                "when": int(rng.integers(0, span)),
            }
        )
    # -- controllers
    recruiters = [
        p
        for p in ctx.people
        if p.role == "recruiter" and ctx.groups[p.group].activity == "trafficking"
    ]
    recruiters += [p for p in ctx.people if p.role == "recruiter" and p not in recruiters]
    controllers = []
    for c in range(scale.controllers):
        person = recruiters[c] if c < len(recruiters) else None
        n_phones = int(rng.choice([1, 2, 3, 4], p=[0.35, 0.35, 0.2, 0.1]))
        home = "GB" if rng.random() < 0.8 else ("RO", "AL", "NL")[int(rng.integers(3))]
        phones = list(person.phones[:1]) if person is not None and rng.random() < 0.5 else []
        while len(phones) < n_phones:
            phones.append(random_phone(rng, home if rng.random() < 0.7 else "GB"))
        email = None
        if rng.random() < 0.5:
            email = (
                f"{_HANDLE_A[int(rng.integers(10))]}.{_HANDLE_B[int(rng.integers(8))]}"
                f"{int(rng.integers(1, 99))}@{_MAIL[int(rng.integers(len(_MAIL)))]}"
            )
        handle = None
        if rng.random() < 0.5:
            a, b = _HANDLE_A[int(rng.integers(10))], _HANDLE_B[int(rng.integers(8))]
            handle = f"{a}_{b}_{int(rng.integers(10, 99))}"
        controllers.append(
            {
                "cid": f"CTRL{c + 1:04d}",
                "person": person.pid if person else "",
                "group": ctx.groups[person.group].gid if person else "",
                "phones": phones,
                "email": email,
                "handle": handle,
                "weight": float(rng.pareto(1.2) + 1),
            }
        )
    cw = np.array([c["weight"] for c in controllers])
    adverts = []  # (posted seconds, record, truth)
    # sexual exploitation victims advertised by controllers
    for v in victims:
        if v["type"] == "sexual" and not v["child"] and rng.random() < 0.35 and controllers:
            c_i = int(rng.choice(len(controllers), p=cw / cw.sum()))
            ctrl = controllers[c_i]
            v["controller"] = c_i
            name = _WORKER_NAMES[int(rng.integers(len(_WORKER_NAMES)))]
            age = int(rng.integers(19, 30))
            cities = _cities(v["country"])
            city = cities[int(rng.integers(len(cities)))]
            n = int(rng.integers(2, 13))
            t0 = max(0, v["when"] - int(rng.integers(0, 120)) * 86400)
            for k in range(n):
                t = min(
                    span - 1,
                    t0 + k * int(rng.integers(2, 20)) * 86400 + int(rng.integers(0, 86400)),
                )
                if rng.random() < 0.3:  # moved to another city
                    city = cities[int(rng.integers(len(cities)))]
                # the phone in use at that time
                phone_i = min(len(ctrl["phones"]) - 1, int(k * len(ctrl["phones"]) / n))
                rec = _sex_advert(rng, name, age, city, v, ctrl, ctrl["phones"][phone_i])
                adverts.append((t, rec, (ctrl["cid"], "trafficking", ctrl["person"], v["vid"])))
                v["adverts"].append((rec, ctrl["phones"][phone_i]))
    # exploitative job offers by controllers
    for ctrl in controllers:
        for _ in range(int(rng.integers(1, 6))):
            t = int(rng.integers(0, span))
            rec = _job_advert(
                rng, ctrl["phones"][int(rng.integers(len(ctrl["phones"])))], ctrl["email"], True
            )
            adverts.append((t, rec, (ctrl["cid"], "trafficking", ctrl["person"], "")))
    # independent advertisers and employers
    for i in range(scale.independent_advertisers):
        phone = random_phone(rng, "GB")
        adv_id = f"IND{i + 1:05d}"
        employer = rng.random() < 0.3
        name = _WORKER_NAMES[int(rng.integers(len(_WORKER_NAMES)))]
        age = int(rng.integers(21, 45))
        city = _cities("GB")[int(rng.integers(len(_cities("GB"))))]
        email = None
        if rng.random() < 0.4:
            email = (
                f"{name.lower()}{int(rng.integers(1, 999))}@{_MAIL[int(rng.integers(len(_MAIL)))]}"
            )
        for _ in range(int(rng.choice([1, 1, 2, 3, 5]))):
            t = int(rng.integers(0, span))
            if employer:
                rec = _job_advert(rng, phone, email, False)
            else:
                rec = _independent_advert(rng, name, age, city, phone, email)
            adverts.append((t, rec, (adv_id, "employer" if employer else "independent", "", "")))
    adverts.sort(key=lambda a: (a[0], a[1]["title"], a[1]["phone"] or ""))
    records = []
    truth = []
    for no, (t, rec, tr) in enumerate(adverts, start=1):
        aid = f"AD-{no:07d}"
        rec["advert_id"] = aid
        rec["posted_at"] = (start + dt.timedelta(seconds=t)).strftime("%Y-%m-%dT%H:%M:%SZ")
        records.append(rec)
        truth.append((aid, *tr))
    # put fields in a stable order
    keys = (
        "advert_id",
        "site",
        "posted_at",
        "category",
        "city",
        "country",
        "title",
        "text",
        "phone",
        "email",
        "handle",
    )
    n_ads = write_jsonl(
        ctx.data_dir / "adverts.jsonl", ({k: r.get(k) for k in keys} for r in records)
    )
    ctx.extra["advert_truth"] = sorted(truth)

    # -- cases: victims seen by at least one list
    observed = [v for v in victims if v["lists"]]
    observed.sort(key=lambda v: (v["when"], v["vid"]))
    case_rows = []
    pop_rows = []
    case_of = {}
    for no, v in enumerate(observed, start=1):
        case_id = f"NRM-{(start + dt.timedelta(seconds=v['when'])).year}-{no:05d}"
        case_of[v["vid"]] = case_id
        referral = (
            start + dt.timedelta(seconds=v["when"] + int(rng.integers(0, 60)) * 86400)
        ).date()
        lists = list(v["lists"])
        first = lists[int(rng.integers(len(lists)))]
        phone = None
        advert = None
        if v["adverts"] and rng.random() < 0.6:
            rec, e164 = v["adverts"][int(rng.integers(len(v["adverts"])))]
            phone = _phone_text(rng, e164)
            if rng.random() < 0.5:
                advert = rec["advert_id"]
        labels = _TYPE_LABEL[v["type"]]
        case_rows.append(
            [
                case_id,
                referral,
                _LIST_NAMES[first],
                ";".join(lists),
                messy_nationality(rng, v["citizenship"], 0.5),
                messy_country(rng, v["country"], 0.6),
                labels[int(rng.integers(len(labels)))],
                ("Female", "F", "female")[int(rng.integers(3))]
                if v["sex"] == "F"
                else ("Male", "M", "male")[int(rng.integers(3))],
                "Child (0-17)" if v["child"] else "Adult (18+)",
                phone,
                advert,
            ]
        )
    for v in victims:
        pop_rows.append(
            (
                v["vid"],
                v["type"],
                v["citizenship"],
                v["sex"],
                "child" if v["child"] else "adult",
                v["country"],
                ";".join(v["lists"]),
                case_of.get(v["vid"], ""),
                controllers[v["controller"]]["cid"] if v["controller"] >= 0 else "",
            )
        )
    ctx.extra["trafficking_population"] = pop_rows
    codes = [[k, v] for k, v in _LIST_NAMES.items()]
    n_cases = write_xlsx(
        ctx.data_dir / "trafficking_cases.xlsx",
        [
            (
                "cases",
                [
                    "case_id",
                    "referral_date",
                    "first_responder",
                    "identified_by",
                    "citizenship",
                    "country_of_exploitation",
                    "exploitation_type",
                    "sex",
                    "age_group",
                    "linked_advert_phone",
                    "linked_advert_id",
                ],
                case_rows,
            ),
            ("codes", ["code", "agency_type"], codes),
        ],
        title="Synthetic trafficking case records",
    )
    return {"adverts.jsonl": n_ads, "trafficking_cases.xlsx": n_cases}


def _sex_advert(rng, name, age, city, victim, ctrl, phone) -> dict:
    nat = messy_nationality(rng, victim["citizenship"], 0.8)
    phone_txt = _phone_text(rng, phone)
    title = (
        f"{name} {age} - new in {city}",
        f"Sweet {nat} girl {name}, just arrived",
        f"{name} - young and friendly, 24/7",
        f"NEW {name} {age} outcall only",
    )[int(rng.integers(4))]
    text = (
        f"{name} is {age}, new in town for a few days only. Available 24/7, outcalls only. "
        f"Call or text {phone_txt}."
    )
    if rng.random() < 0.4:
        text += " Other girls available, ask for the menu."
    rec = {
        "site": _SITES_SEX[int(rng.integers(len(_SITES_SEX)))],
        "category": "escort" if rng.random() < 0.7 else "massage",
        "city": city,
        "country": messy_country(rng, victim["country"], 0.5),
        "title": title,
        "text": text,
        "phone": _phone_text(rng, phone) if rng.random() > 0.05 else None,
        "email": ctrl["email"] if ctrl["email"] and rng.random() < 0.3 else None,
        "handle": ctrl["handle"] if ctrl["handle"] and rng.random() < 0.4 else None,
    }
    return rec


def _independent_advert(rng, name, age, city, phone, email) -> dict:
    return {
        "site": _SITES_SEX[int(rng.integers(len(_SITES_SEX)))],
        "category": "escort" if rng.random() < 0.6 else "massage",
        "city": city,
        "country": messy_country(rng, "GB", 0.5),
        "title": f"{name}, independent, {city}",
        "text": (
            f"I am {name}, {age}, independent and working for myself. By appointment only, "
            f"please call {_phone_text(rng, phone)} during the day."
        ),
        "phone": _phone_text(rng, phone),
        "email": email,
        "handle": None,
    }


def _job_advert(rng, phone, email, exploitative: bool) -> dict:
    city = _cities("GB")[int(rng.integers(len(_cities("GB"))))]
    job = ("warehouse", "car wash", "farm", "construction", "cleaning", "nail bar", "factory")[
        int(rng.integers(7))
    ]
    if exploitative:
        title = f"{job.title()} workers needed urgently - {city}"
        text = (
            f"{job.title()} work in {city}. No experience and no English needed. Accommodation "
            "and transport provided, cash paid weekly, start tomorrow. "
            f"Call {_phone_text(rng, phone)}."
        )
    else:
        rate = f"£{rng.uniform(11.5, 16):.2f}"
        title = f"{job.title()} operative - {city} - {rate}/hr"
        text = (
            f"We are hiring {job} operatives in {city}, {rate} per hour, permanent contract after "
            f"12 weeks. Right to work checks apply. Apply online or call {_phone_text(rng, phone)}."
        )
    return {
        "site": _SITES_JOB[int(rng.integers(len(_SITES_JOB)))],
        "category": "jobs",
        "city": city,
        "country": messy_country(rng, "GB", 0.5),
        "title": title,
        "text": text,
        "phone": _phone_text(rng, phone),
        "email": email if email and rng.random() < 0.5 else None,
        "handle": None,
    }
