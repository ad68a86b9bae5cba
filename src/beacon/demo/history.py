"""Eighteen months of synthetic ASB history for the demo town, so that trends, seasonality and hot
spots show from the first start.

The incidents are drawn at random (seeded, so every demo is the same) with the patterns an analyst
expects of ASB: more on Friday and Saturday, more in the evening, a summer peak and a spike around
Halloween and Bonfire Night; a few places that draw far more than their share (the market square,
the park, a parade of shops); and a few repeat victims who call again and again. They are written
through Beacon's own importer (`beacon incidents import`, Beacon's CSV format), so they are placed,
flagged, graded and audited as imported records are, and loading twice changes nothing. Every
record is closed: history is not work waiting in a team's inbox. Most were attended: usually within
the hour, some hours later, a few more than a day later, and a few never, so the response-time KPI
has real figures whatever grade each incident got. Every person here is invented.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from beacon.demo.geography import LATS, LONS, NEIGHBOURHOODS
from beacon.incidents.importer import BEACON_COLUMNS, import_incidents
from beacon.incidents.models import Incident

SYSTEM = "demo-history"
DAYS = 548  # about eighteen months, ending a fortnight ago (the last fortnight is the live demo's)
RECENT_GAP = 14
MEAN_PER_DAY = 7.0
SEED = 2026
LONDON = ZoneInfo("Europe/London")

# Monday first: ASB peaks at the weekend.
WEEKDAY = (0.85, 0.8, 0.85, 0.9, 1.2, 1.4, 1.0)
# January first: a summer peak, and October/November for Halloween and fireworks.
MONTH = (0.75, 0.75, 0.85, 0.95, 1.05, 1.2, 1.35, 1.35, 1.05, 1.15, 1.1, 0.75)
# Hour of the day the call comes in: evenings.
HOURS = np.array([2, 1, 1, 0.5, 0.3, 0.3, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 3.5, 4, 5, 6, 7, 8, 8, 7, 6, 4.5, 3])

# Neighbourhood weights: the two "priority" neighbourhoods carry most of it.
NEIGHBOURHOOD_WEIGHT = {"N01": 0.6, "N02": 2.2, "N03": 1.0, "S01": 1.0, "S02": 1.8, "S03": 0.6}

# (asb category, type heading, weight, description)
KINDS = [
    ("nuisance", "rowdy-inconsiderate", 30, "Group of youths shouting and swearing at passers-by."),
    ("nuisance", "rowdy-neighbours", 12, "Neighbours arguing loudly in the street late at night."),
    ("nuisance", "noise", 14, "Loud music from a house party into the early hours."),
    ("nuisance", "vehicle-nuisance", 9, "Cars racing around the estate and revving engines."),
    ("nuisance", "street-drinking", 6, "Street drinkers gathering outside the shops."),
    ("nuisance", "fireworks", 3, "Fireworks set off in the street towards houses."),
    ("environmental", "littering-drugs", 8, "Drug paraphernalia and litter left in the alleyway."),
    ("environmental", "vehicle-abandoned", 3, "Car left on the verge for weeks with flat tyres."),
    ("environmental", "animal-problems", 3, "Dogs off the lead chasing people in the park."),
    ("personal", "malicious-communications", 4, "Threatening messages sent to the caller."),
    ("personal", "rowdy-inconsiderate", 6, "Caller targeted with abuse by a group outside her home."),
]

# Places that draw far more than their share: (name, neighbourhood, lat, lon, address, share).
HOT_SPOTS = [
    ("Market Square", "N02", 52.6080, -1.1000, "Market Square", 0.14),
    ("Castle Hill Park", "S02", 52.5877, -1.1002, "Castle Hill Park", 0.10),
    ("Riverside Parade", "N03", 52.6110, -1.0720, "Riverside Parade shops", 0.05),
]

CLOSURES = [
    ("advice-given", 45, "Caller advised; patrols made aware."),
    ("resolved-at-scene", 25, "Officers attended; group moved on."),
    ("referred-to-partner", 12, "Referred to the council's ASB team."),
    ("no-further-action", 18, "Area checked; no one found."),
]
CHANNELS = [("101", 55), ("999", 15), ("online", 22), ("email", 3), ("patrol", 5)]

# How long after the call officers arrived: (weight, shortest, longest in minutes), or never (None).
# Within the hour meets every grade's target but Immediate's; hours later meets only the 24-hour
# target of the "Other" grade; more than a day later misses them all.
ATTENDANCE: list[tuple[float, tuple[float, float] | None]] = [
    (0.62, (4, 55)),
    (0.22, (75, 20 * 60)),
    (0.09, (25 * 60, 60 * 60)),
    (0.07, None),
]


@dataclass(frozen=True)
class RepeatVictim:
    forename: str
    surname: str
    phone: str
    address: str
    postcode: str
    neighbourhood: str
    calls: int
    kind: tuple[str, str, str]


# Invented people who call again and again about what is done to them.
REPEAT_VICTIMS = [
    RepeatVictim(
        "Doreen",
        "Ashcombe",
        "07700 900311",
        "3 Abbey Close",
        "ZY1 1AB",
        "N01",
        9,
        ("personal", "rowdy-inconsiderate", "Youths knocking on her door and windows and running off."),
    ),
    RepeatVictim(
        "Tomasz",
        "Wierzbicki",
        "07700 900312",
        "11 Mill Lane",
        "ZY3 3AB",
        "N03",
        7,
        ("nuisance", "rowdy-neighbours", "Shouting and banging from the flat above at night."),
    ),
    RepeatVictim(
        "Gloria",
        "Fenwick-Hale",
        "07700 900313",
        "27 Castle Road",
        "ZY5 5AB",
        "S02",
        6,
        ("personal", "malicious-communications", "Abusive notes pushed through the letterbox."),
    ),
    RepeatVictim(
        "Rajinder",
        "Cooper",
        "07700 900314",
        "5 Brook Terrace",
        "ZY6 6AB",
        "S03",
        5,
        ("nuisance", "vehicle-nuisance", "Motorbikes ridden across the green outside his house."),
    ),
]


def _choice(rng: np.random.Generator, weights: list[float]) -> int:
    p = np.asarray(weights, dtype=float)
    return int(rng.choice(len(p), p=p / p.sum()))


def _when(rng: np.random.Generator, day: dt.date) -> dt.datetime:
    hour = int(rng.choice(24, p=HOURS / HOURS.sum()))
    return dt.datetime(day.year, day.month, day.day, hour, int(rng.integers(60)), tzinfo=LONDON)


def _factor(day: dt.date) -> float:
    f = WEEKDAY[day.weekday()] * MONTH[day.month - 1]
    if (day.month, day.day) in {(10, 31), (11, 5)} or (day.month == 11 and day.day <= 6):
        f *= 1.8  # Halloween and Bonfire Night
    return f


def _inside(rng: np.random.Generator, code: str) -> tuple[float, float]:
    """A random point well inside the neighbourhood's rectangle."""
    _, _, area, col, *_ = next(n for n in NEIGHBOURHOODS if n[0] == code)
    south, north = LATS[area]
    west, east = LONS[col], LONS[col + 1]
    margin = 0.001
    return (
        round(float(rng.uniform(south + margin, north - margin)), 6),
        round(float(rng.uniform(west + margin, east - margin)), 6),
    )


def _near(rng: np.random.Generator, lat: float, lon: float, metres: float = 120) -> tuple[float, float]:
    d_lat = float(rng.normal(0, metres / 111_000))
    d_lon = float(rng.normal(0, metres / (111_000 * math.cos(math.radians(lat)))))
    return round(lat + d_lat, 6), round(lon + d_lon, 6)


def _closure(rng: np.random.Generator, received: dt.datetime) -> dict[str, str]:
    code, _, note = CLOSURES[_choice(rng, [w for _, w, _ in CLOSURES])]
    closed = received + dt.timedelta(hours=float(rng.uniform(1, 72)))
    return {"closure_code": code, "closing_note": note, "closed_at": closed.isoformat(timespec="minutes")}


def rows(today: dt.date, seed: int = SEED) -> list[dict[str, str]]:
    """The history as rows of Beacon's import format, the same for the same `today` and seed."""
    rng = np.random.default_rng(seed)
    first = today - dt.timedelta(days=DAYS + RECENT_GAP)
    codes = list(NEIGHBOURHOOD_WEIGHT)
    out: list[dict[str, str]] = []
    spot_share = sum(s[-1] for s in HOT_SPOTS)
    for offset in range(DAYS):
        day = first + dt.timedelta(days=offset)
        for _ in range(int(rng.poisson(MEAN_PER_DAY * _factor(day)))):
            received = _when(rng, day)
            category, heading, _, description = KINDS[_choice(rng, [k[2] for k in KINDS])]
            pick = float(rng.random())
            address = ""
            if pick < spot_share:
                spot = HOT_SPOTS[_choice(rng, [s[-1] for s in HOT_SPOTS])]
                lat, lon = _near(rng, spot[2], spot[3])
                address = spot[4]
            else:
                lat, lon = _inside(rng, codes[_choice(rng, list(NEIGHBOURHOOD_WEIGHT.values()))])
            row = {
                "source_system": SYSTEM,
                "source_id": f"H-{len(out) + 1:06d}",
                "channel": CHANNELS[_choice(rng, [w for _, w in CHANNELS])][0],
                "received_at": received.isoformat(timespec="minutes"),
                "latitude": str(lat),
                "longitude": str(lon),
                "address": address,
                "asb_category": category,
                "type_heading": heading,
                "description": description,
                **_closure(rng, received),
            }
            if heading == "malicious-communications":
                row["no_crime_reason"] = "Caller did not want to support a prosecution; advice given."
            out.append(row)
    out.extend(_repeat_rows(rng, first, len(out)))
    _attend(np.random.default_rng([seed, 1]), out)
    return out


def _attend(rng: np.random.Generator, rows: list[dict[str, str]]) -> None:
    """Give most rows the time officers attended (from a generator of its own, so the rest of the
    history is drawn as before), and close none before it was attended."""
    weights = [w for w, _ in ATTENDANCE]
    for row in rows:
        window = ATTENDANCE[_choice(rng, weights)][1]
        if window is None:
            continue
        received = dt.datetime.fromisoformat(row["received_at"]).astimezone(dt.UTC)  # elapsed, not wall-clock
        attended = received + dt.timedelta(minutes=float(rng.uniform(*window)))
        row["attended_at"] = attended.astimezone(LONDON).isoformat(timespec="minutes")
        if dt.datetime.fromisoformat(row["closed_at"]) < attended:
            closed = attended + dt.timedelta(minutes=float(rng.uniform(20, 180)))
            row["closed_at"] = closed.astimezone(LONDON).isoformat(timespec="minutes")


def _repeat_rows(rng: np.random.Generator, first: dt.date, numbered: int) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for victim in REPEAT_VICTIMS:
        # Their calls bunch together in the last months, as a problem escalates.
        days = sorted(int(d) for d in DAYS - 1 - rng.gamma(2.0, 45.0, victim.calls).clip(0, DAYS - 1))
        lat, lon = _inside(rng, victim.neighbourhood)
        category, heading, description = victim.kind
        for day_offset in days:
            received = _when(rng, first + dt.timedelta(days=day_offset))
            row = {
                "source_system": SYSTEM,
                "source_id": f"H-{numbered + len(out) + 1:06d}",
                "channel": "101",
                "received_at": received.isoformat(timespec="minutes"),
                "latitude": str(lat),
                "longitude": str(lon),
                "address": victim.address,
                "postcode": victim.postcode,
                "asb_category": category,
                "type_heading": heading,
                "description": description,
                "victim_forename": victim.forename,
                "victim_surname": victim.surname,
                "victim_phone": victim.phone,
                "victim_address": victim.address,
                "victim_postcode": victim.postcode,
                **_closure(rng, received),
            }
            if heading == "malicious-communications":
                row["no_crime_reason"] = "Caller did not want to support a prosecution; advice given."
            out.append(row)
    return out


def load_demo_history(today: dt.date | None = None) -> dict[str, Any]:
    """Import the history once (a second call finds it there and does nothing)."""
    if Incident.objects.filter(source_system=SYSTEM).exists():
        return {"incidents": 0}
    data = rows(today or dt.date.today())
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "demo-history.csv"
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(BEACON_COLUMNS))
            writer.writeheader()
            writer.writerows(data)
        result = import_incidents(None, path)
    return {"incidents": result.created, "repeat_victims": len(REPEAT_VICTIMS)}
