"""Build data/territories.csv from the administrative-code table shipped in `cpca`.

Source: the ``adcodes.csv`` resource of the PyPI package cpca 0.5.5 (published
2021-02; codes, names and coordinates of China's provinces, prefecture cities and
counties). Run once, by hand, when refreshing the data:

    python -m venv /tmp/cpca && /tmp/cpca/bin/pip install cpca==0.5.5
    /tmp/cpca/bin/python scripts/build_territories_csv.py 44 43 > data/territories.csv

City tiers are DealerHub's defaults for dealer-strength rules (editable by admins):
provincial capitals and sub-provincial cities are key cities.
"""

from __future__ import annotations

import csv
import sys
from importlib import resources

KEY_CITIES = {"440100", "440300", "430100"}
TIER2_CITIES = {
    "440600",
    "441900",
    "440400",
    "442000",
    "441300",
    "440500",
    "440700",
    "440800",
    "430200",
    "430300",
    "430600",
    "430400",
    "430700",
}


def level_of(code: str) -> str:
    if code[2:6] == "0000":
        return "province"
    if code[4:6] == "00":
        return "city"
    return "county"


def main(provinces: list[str]) -> None:
    source = resources.files("cpca") / "resources" / "adcodes.csv"
    with source.open(encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if row["adcode"][:2] in provinces]
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["code", "name", "parent_code", "level", "tier", "longitude", "latitude"])
    for row in sorted(rows, key=lambda r: r["adcode"]):
        code = row["adcode"][:6]
        if row["name"] == "市辖区" or not row["longitude"]:
            continue  # placeholder nodes without a place of their own
        level = level_of(code)
        parent = (
            ""
            if level == "province"
            else (code[:2] + "0000" if level == "city" else code[:4] + "00")
        )
        tier = ""
        if level == "city":
            tier = "key" if code in KEY_CITIES else "tier2" if code in TIER2_CITIES else "tier3"
        writer.writerow([code, row["name"], parent, level, tier, row["longitude"], row["latitude"]])


if __name__ == "__main__":
    main(sys.argv[1:] or ["44", "43"])
