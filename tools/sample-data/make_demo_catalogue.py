#!/usr/bin/python3
"""Writes demo-catalogue.json: the default catalogue with DEMO time limits.

The demo of tools/run-local and gridcase-sim compresses a working day into
about a minute, so every stage limit becomes a few seconds of wall time
(TIME_UNIT_CALENDAR_SECONDS). The mapping keeps the order of the real limits:

  REGISTER, DISPATCH, VERIFY      -> 15 s
  HANDLE of h real hours          -> 15 * sqrt(h / 2) s, rounded to 5 s,
                                     at least 15 s
  (a working day counts 8 h, 2 h -> 15 s, 1 day -> 30 s, 10 days -> 95 s)

Every category keeps its code, names, attributes and radius; its description
starts with a DEMO notice. Never load this file in production.

  /usr/bin/python3 tools/sample-data/make_demo_catalogue.py
"""
import json
import math
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]
SOURCE = ROOT / "services" / "registry" / "data" / "catalogue.json"
TARGET = pathlib.Path(__file__).resolve().parent / "demo-catalogue.json"
NOTICE = ("【演示时限 DEMO】时限已压缩为秒，仅供 tools/run-local 演示，"
          "切勿用于生产。DEMO limits in seconds, never for production. ")
HOURS_PER_UNIT = {
    "TIME_UNIT_WORKING_MINUTES": 1 / 60,
    "TIME_UNIT_WORKING_HOURS": 1,
    "TIME_UNIT_WORKING_DAYS": 8,
    "TIME_UNIT_CALENDAR_SECONDS": 1 / 3600,
    "TIME_UNIT_CALENDAR_MINUTES": 1 / 60,
    "TIME_UNIT_CALENDAR_HOURS": 1,
}


def demo_seconds(stage, limit):
    if stage != "STAGE_HANDLE":
        return 15
    hours = limit["amount"] * HOURS_PER_UNIT[limit["unit"]]
    return max(15, int(5 * round(3 * math.sqrt(hours / 2))))


def main():
    catalogue = json.loads(SOURCE.read_text(encoding="utf-8"))
    for c in catalogue["categories"]:
        for l in c["limits"]:
            l["limit"] = {"amount": demo_seconds(l["stage"], l["limit"]),
                          "unit": "TIME_UNIT_CALENDAR_SECONDS"}
        c["description"] = NOTICE + c.get("description", "")
    text = json.dumps(catalogue, ensure_ascii=False, indent=1) + "\n"
    TARGET.write_text(text, encoding="utf-8")
    print("wrote %s: %d categories" % (TARGET, len(catalogue["categories"])))


if __name__ == "__main__":
    main()
