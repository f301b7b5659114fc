#!/usr/bin/python3
"""Checks the registry's shipped data and the Tongxiang sample registry.

  services/registry/data/catalogue.json   ListCategoriesResponse
  services/registry/data/calendar.json    GetCalendarResponse
  tools/sample-data/tongxiang/grids.geojson       ImportGrids FeatureCollection
  tools/sample-data/tongxiang/departments.json    ListDepartmentsResponse
  tools/sample-data/tongxiang/duties.json         ListDutyItemsResponse
  tools/sample-data/tongxiang/members.json        ListMembersResponse
  tools/sample-data/tongxiang/rules.json          ListRulesResponse

Every JSON file is parsed with google.protobuf.json_format into its wrapper
message (unknown fields are errors, as for C++ JsonStringToMessage with
default options); then the content and the cross-references are checked
(codes, limits, calendar dates, ring validity and overlaps, member grids and
departments, rule categories, scopes and departments, rule resolution for
every category in every grid), and the generated files are compared with a
fresh run of generate.py.

Needs protoc and the python3 protobuf runtime (Debian: python3-protobuf); use
/usr/bin/python3. Prints every problem found and exits 1 if there was any, 0
otherwise.

  /usr/bin/python3 tools/sample-data/check.py [--root REPO] [--protoc PROTOC]
"""

import argparse
import datetime
import glob
import importlib
import json
import os
import pathlib
import re
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent

CITY_CODE = "330483"
LEVEL_BY_LENGTH = {6: "city", 9: "town", 12: "community", 15: "grid"}
PARENT_LEVEL = {"town": "city", "community": "town", "grid": "community"}
# Rough bounding box of Tongxiang; every sample grid must lie inside it.
TONGXIANG_BOX = (120.25, 30.45, 120.80, 30.85)  # west, south, east, north

MAJOR_NAMES = {
    "C01": "公用设施", "C02": "道路交通", "C03": "市容环境", "C04": "园林绿化",
    "C05": "房屋土地", "C06": "其他",
    "E01": "市容环境", "E02": "宣传广告", "E03": "施工管理", "E04": "街面秩序",
    "E05": "突发事件", "E06": "其他",
}
# Published examples from MISSION.md: category name → HANDLE (amount, unit).
PUBLISHED_HANDLE_LIMITS = {
    "暴露垃圾": (1, "TIME_UNIT_WORKING_DAYS"),
    "道路不洁": (5, "TIME_UNIT_WORKING_HOURS"),
    "道路保洁不及时": (2, "TIME_UNIT_WORKING_HOURS"),
    "绿地养护不到位": (5, "TIME_UNIT_WORKING_DAYS"),
    "私搭乱建": (7, "TIME_UNIT_WORKING_DAYS"),
    "路灯": (1, "TIME_UNIT_WORKING_DAYS"),
}
REQUIRED_DEPARTMENTS = [
    "sanitation", "municipal", "landscaping", "traffic-police", "law-enforcement", "power",
    "water", "gas", "telecom", "housing", "market", "ecology",
]
SEED_TOWNS = ["濮院镇", "乌镇镇", "崇福镇", "高桥"]

ID_RE = re.compile(r"^[a-z0-9_-]{1,64}$")
MEMBER_ID_RE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
ATTR_RE = re.compile(r"^[a-z0-9_]{1,64}$")
PHONE_RE = re.compile(r"^1[358][0-9]{9}$")
DATE_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


class Checker:
    def __init__(self):
        self.errors = []
        self.notes = []

    def error(self, where, message):
        self.errors.append("%s: %s" % (where, message))

    def expect(self, condition, where, message):
        if not condition:
            self.error(where, message)
        return condition


# ---------------------------------------------------------------------------
# Protobuf loading.

def load_stubs(root, protoc, tmp):
    proto_dir = root / "proto"
    sources = sorted(glob.glob(str(proto_dir / "gridcase" / "v1" / "*.proto")))
    if not sources:
        sys.exit("check.py: no .proto files under %s" % proto_dir)
    subprocess.run([protoc, "-I" + str(proto_dir), "--python_out=" + tmp] + sources, check=True)
    sys.path.insert(0, tmp)
    from google.protobuf import json_format  # noqa: E402
    registry_pb2 = importlib.import_module("gridcase.v1.registry_pb2")
    common_pb2 = importlib.import_module("gridcase.v1.common_pb2")
    return json_format, registry_pb2, common_pb2


def parse(ck, json_format, path, message_type):
    """Parses path into message_type; returns (message, dict) or (None, None)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        ck.error(path, "cannot read: %s" % e)
        return None, None
    try:
        raw = json.loads(text)
    except ValueError as e:
        ck.error(path, "not JSON: %s" % e)
        return None, None
    message = message_type()
    try:
        json_format.Parse(text, message, ignore_unknown_fields=False)
    except json_format.ParseError as e:
        ck.error(path, "does not parse as %s: %s" % (message_type.DESCRIPTOR.full_name, e))
        return None, raw
    return message, raw


def enum_name(enum_type, value):
    return enum_type.Name(value)


# ---------------------------------------------------------------------------
# Catalogue.

def check_limits(ck, where, limits, pb, require_handle):
    stages = set()
    for sl in limits:
        stage = enum_name(pb.Stage, sl.stage)
        ck.expect(sl.stage != 0, where, "limit with STAGE_UNSPECIFIED")
        ck.expect(stage not in stages, where, "stage %s listed twice" % stage)
        stages.add(stage)
        ck.expect(sl.limit.amount > 0, where, "%s amount must be > 0" % stage)
        ck.expect(sl.limit.unit != 0, where, "%s unit must be set" % stage)
    if require_handle:
        ck.expect("STAGE_HANDLE" in stages, where, "no STAGE_HANDLE limit")
    return stages


def check_catalogue(ck, msg, pb, path):
    cats = list(msg.categories)
    ck.expect(90 <= len(cats) <= 200, path, "%d categories; expected 90..200" % len(cats))
    codes = [c.code for c in cats]
    ck.expect(codes == sorted(codes), path, "categories not in code order")
    ck.expect(len(set(codes)) == len(codes), path, "duplicate category codes")
    for c in cats:
        where = "%s %s" % (path.name, c.code or "<no code>")
        family = enum_name(pb.CategoryFamily, c.family)
        letter = {"CATEGORY_FAMILY_COMPONENT": "C", "CATEGORY_FAMILY_EVENT": "E"}.get(family)
        ck.expect(letter is not None, where, "family %s" % family)
        ck.expect(re.fullmatch(r"[CE][0-9]{2}", c.major_code) is not None, where,
                  "major_code %r is not a letter and 2 digits" % c.major_code)
        ck.expect(re.fullmatch(r"[0-9]{2,3}", c.minor_code) is not None, where,
                  "minor_code %r is not 2-3 digits" % c.minor_code)
        ck.expect(c.code == c.major_code + c.minor_code, where,
                  "code is not major_code + minor_code (%s + %s)" % (c.major_code, c.minor_code))
        ck.expect(c.major_code[:1] == letter, where,
                  "major_code letter does not match family %s" % family)
        ck.expect(MAJOR_NAMES.get(c.major_code) == c.major_name, where,
                  "major %s named %r, expected %r" % (c.major_code, c.major_name,
                                                       MAJOR_NAMES.get(c.major_code)))
        ck.expect(bool(c.name) and bool(c.name_en), where, "name and name_en must be set")
        ck.expect(c.enabled, where, "shipped categories are enabled")
        ck.expect(0 <= c.duplicate_radius_m <= 1000, where, "duplicate_radius_m outside 0..1000")
        ck.expect(c.duplicate_window.seconds >= 0, where, "negative duplicate_window")
        ck.expect(len(c.description) <= 2000, where, "description over 2000 characters")
        stages = check_limits(ck, where, c.limits, pb, require_handle=True)
        ck.expect(stages == {"STAGE_REGISTER", "STAGE_DISPATCH", "STAGE_HANDLE", "STAGE_VERIFY"},
                  where, "shipped categories list all four stages explicitly")
        handle = [sl.limit for sl in c.limits if sl.stage == pb.STAGE_HANDLE]
        if handle:
            unit = enum_name(pb.TimeUnit, handle[0].unit)
            if c.urgent:
                ck.expect(unit.startswith("TIME_UNIT_CALENDAR_"), where,
                          "urgent category with HANDLE in %s (urgent ones run around the clock)"
                          % unit)
            else:
                ck.expect(unit.startswith("TIME_UNIT_WORKING_"), where,
                          "non-urgent category with HANDLE in %s" % unit)
        ck.expect(c.urgent == (c.major_code == "E05"), where,
                  "urgent must be set exactly on 突发事件 (E05) categories")
        attr_codes = set()
        for a in c.attributes:
            aw = "%s attribute %s" % (where, a.code)
            ck.expect(ATTR_RE.fullmatch(a.code) is not None, aw, "code must be [a-z0-9_]{1,64}")
            ck.expect(a.code not in attr_codes, aw, "defined twice")
            attr_codes.add(a.code)
            ck.expect(a.datatype != 0, aw, "datatype must be set")
            ck.expect(bool(a.description), aw, "description must be set")
            is_list = a.datatype in (pb.ATTRIBUTE_DATATYPE_SINGLE_VALUE_LIST,
                                     pb.ATTRIBUTE_DATATYPE_MULTI_VALUE_LIST)
            if is_list:
                keys = [v.key for v in a.values]
                ck.expect(len(keys) >= 2, aw, "a list attribute needs at least 2 values")
                ck.expect(len(set(keys)) == len(keys), aw, "duplicate value keys")
                for v in a.values:
                    ck.expect(ATTR_RE.fullmatch(v.key) is not None and bool(v.name), aw,
                              "value %r: key must be [a-z0-9_]{1,64} and name set" % v.key)
            else:
                ck.expect(not a.values, aw, "values given for a non-list datatype")
    majors = {}
    for c in cats:
        majors.setdefault(c.major_code, 0)
        majors[c.major_code] += 1
    for major in MAJOR_NAMES:
        ck.expect(majors.get(major, 0) > 0, path.name, "major %s has no category" % major)
    by_name = {c.name: c for c in cats}
    for name, (amount, unit) in PUBLISHED_HANDLE_LIMITS.items():
        c = by_name.get(name)
        if not ck.expect(c is not None, path.name, "published example %s missing" % name):
            continue
        handle = [sl.limit for sl in c.limits if sl.stage == pb.STAGE_HANDLE]
        got = (handle[0].amount, enum_name(pb.TimeUnit, handle[0].unit)) if handle else None
        ck.expect(got == (amount, unit), path.name,
                  "%s HANDLE is %s, MISSION.md publishes %s" % (name, got, (amount, unit)))
    ck.notes.append("catalogue: %d categories (%s)" % (
        len(cats), ", ".join("%s %d" % kv for kv in sorted(majors.items()))))
    return {c.code: c for c in cats}


# ---------------------------------------------------------------------------
# Calendar.

def check_calendar(ck, msg, pb, path):
    cal = msg.calendar
    where = path.name
    ck.expect(cal.time_zone == "Asia/Shanghai", where, "time_zone must be Asia/Shanghai")
    previous_end = 0
    total = 0
    for p in cal.periods:
        ck.expect(0 <= p.start_minute < p.end_minute <= 1440, where,
                  "period %d..%d outside 0..1440 or empty" % (p.start_minute, p.end_minute))
        ck.expect(p.start_minute >= previous_end, where, "periods overlap or are unsorted")
        previous_end = p.end_minute
        total += p.end_minute - p.start_minute
    ck.expect(total == 480, where, "working day is %d minutes, expected 480" % total)
    years = [y.year for y in cal.years]
    ck.expect(years == sorted(set(years)), where, "years not ascending and unique")
    ck.expect({2025, 2026} <= set(years), where, "tables for 2025 and 2026 expected")
    for y in cal.years:
        yw = "%s year %d" % (where, y.year)
        parsed = {}
        for kind, dates in (("holidays", y.holidays), ("makeup_workdays", y.makeup_workdays)):
            ck.expect(list(dates) == sorted(set(dates)), yw, "%s not sorted and unique" % kind)
            parsed[kind] = set()
            for d in dates:
                try:
                    day = datetime.date.fromisoformat(d) if DATE_RE.fullmatch(d) else None
                except ValueError:
                    day = None
                if not ck.expect(day is not None, yw, "%s: bad date %r" % (kind, d)):
                    continue
                ck.expect(day.year == y.year, yw, "%s: %s outside its year" % (kind, d))
                parsed[kind].add(day)
        both = parsed["holidays"] & parsed["makeup_workdays"]
        ck.expect(not both, yw, "dates both holiday and make-up workday: %s" % sorted(both))
        for day in parsed["makeup_workdays"]:
            ck.expect(day.weekday() >= 5, yw,
                      "make-up workday %s is not a Saturday or Sunday" % day)
        ck.expect(datetime.date(y.year, 1, 1) in parsed["holidays"], yw, "01-01 is not a holiday")
        ck.expect(len(parsed["holidays"]) >= 25, yw, "only %d holidays; the State Council "
                  "table has about 28-33" % len(parsed["holidays"]))
    ck.notes.append("calendar: years %s, holidays %s, make-up days %s" % (
        years, [len(y.holidays) for y in cal.years], [len(y.makeup_workdays) for y in cal.years]))


# ---------------------------------------------------------------------------
# Geometry (plain lng/lat plane; fine for validity on small rectangles).

EPS = 1e-13


def orient(a, b, c):
    v = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
    return 0 if abs(v) < EPS else (1 if v > 0 else -1)


def on_segment(p, a, b):
    return (orient(a, b, p) == 0 and min(a[0], b[0]) <= p[0] <= max(a[0], b[0])
            and min(a[1], b[1]) <= p[1] <= max(a[1], b[1]))


def segments_touch(a, b, c, d):
    """True if closed segments ab and cd share any point."""
    o1, o2, o3, o4 = orient(a, b, c), orient(a, b, d), orient(c, d, a), orient(c, d, b)
    if o1 != o2 and o3 != o4 and 0 not in (o1, o2, o3, o4):
        return True
    return on_segment(c, a, b) or on_segment(d, a, b) or on_segment(a, c, d) or on_segment(b, c, d)


def segments_cross(a, b, c, d):
    """True if ab and cd cross at a single interior point of both."""
    o1, o2, o3, o4 = orient(a, b, c), orient(a, b, d), orient(c, d, a), orient(c, d, b)
    return 0 not in (o1, o2, o3, o4) and o1 != o2 and o3 != o4


def signed_area(ring):
    return sum(ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1]
               for i in range(len(ring) - 1)) / 2.0


def edges(ring):
    return [(tuple(ring[i]), tuple(ring[i + 1])) for i in range(len(ring) - 1)]


def in_ring(p, ring):
    """-1 outside, 0 on the boundary, 1 strictly inside."""
    for a, b in edges(ring):
        if on_segment(p, a, b):
            return 0
    inside = False
    for a, b in edges(ring):
        if (a[1] > p[1]) != (b[1] > p[1]):
            x = a[0] + (p[1] - a[1]) * (b[0] - a[0]) / (b[1] - a[1])
            if x > p[0]:
                inside = not inside
    return 1 if inside else -1


def in_polygons(p, polygons):
    """-1 outside, 0 on a boundary, 1 strictly inside (holes excluded)."""
    for rings in polygons:
        shell = in_ring(p, rings[0])
        if shell == -1:
            continue
        if shell == 0:
            return 0
        inner = [in_ring(p, h) for h in rings[1:]]
        if 0 in inner:
            return 0
        if 1 in inner:
            continue
        return 1
    return -1


def ring_self_intersects(ring):
    es = edges(ring)
    n = len(es)
    for i in range(n):
        for j in range(i + 1, n):
            if j == i + 1 or (i == 0 and j == n - 1):
                continue  # neighbours share a vertex
            if segments_touch(*es[i], *es[j]):
                return True
    return False


def rings_touch(r1, r2):
    return any(segments_touch(*e, *f) for e in edges(r1) for f in edges(r2))


def bbox(polygons):
    xs = [p[0] for rings in polygons for p in rings[0]]
    ys = [p[1] for rings in polygons for p in rings[0]]
    return min(xs), min(ys), max(xs), max(ys)


def check_geometry(ck, where, geometry):
    """Validates a grid geometry; returns its polygons (lists of rings) or None."""
    if not ck.expect(isinstance(geometry, dict), where, "grid without geometry"):
        return None
    kind = geometry.get("type")
    coords = geometry.get("coordinates")
    if kind == "Polygon":
        polygons = [coords]
    elif kind == "MultiPolygon":
        polygons = coords
    else:
        ck.error(where, "geometry type %r is not Polygon or MultiPolygon" % kind)
        return None
    ok = True
    for pi, rings in enumerate(polygons):
        if not ck.expect(isinstance(rings, list) and rings, where, "polygon %d has no ring" % pi):
            return None
        for ri, ring in enumerate(rings):
            rw = "%s polygon %d ring %d" % (where, pi, ri)
            ok &= ck.expect(len(ring) >= 4, rw, "fewer than 4 positions")
            for pos in ring:
                good = (isinstance(pos, list) and len(pos) == 2
                        and all(isinstance(v, (int, float)) for v in pos)
                        and -180 <= pos[0] <= 180 and -90 <= pos[1] <= 90)
                ok &= ck.expect(good, rw, "bad position %r" % (pos,))
                if good:
                    ck.expect(all(round(v, 6) == v for v in pos), rw,
                              "position %r has more than 6 decimals" % (pos,))
                    w, s, e, n = TONGXIANG_BOX
                    ck.expect(w <= pos[0] <= e and s <= pos[1] <= n, rw,
                              "position %r outside Tongxiang" % (pos,))
            if not ok:
                return None
            ok &= ck.expect(ring[0] == ring[-1], rw, "ring not closed")
            ok &= ck.expect(not ring_self_intersects(ring), rw, "ring intersects itself")
            area = signed_area(ring)
            if ri == 0:
                ck.expect(area > 0, rw, "exterior ring is not counter-clockwise")
            else:
                ck.expect(area < 0, rw, "hole is not clockwise")
                ok &= ck.expect(not rings_touch(rings[0], ring), rw, "hole touches its shell")
                ok &= ck.expect(all(in_ring(tuple(p), rings[0]) == 1 for p in ring), rw,
                                "hole is not inside its shell")
        for a in range(1, len(rings)):
            for b in range(a + 1, len(rings)):
                ok &= ck.expect(not rings_touch(rings[a], rings[b])
                                and in_ring(tuple(rings[a][0]), rings[b]) == -1
                                and in_ring(tuple(rings[b][0]), rings[a]) == -1, where,
                                "polygon %d holes %d and %d overlap" % (pi, a, b))
    for a in range(len(polygons)):
        for b in range(a + 1, len(polygons)):
            sa, sb = polygons[a][0], polygons[b][0]
            ok &= ck.expect(not rings_touch(sa, sb) and in_ring(tuple(sa[0]), sb) == -1
                            and in_ring(tuple(sb[0]), sa) == -1, where,
                            "MultiPolygon parts %d and %d touch or overlap" % (a, b))
    return [[[tuple(p) for p in ring] for ring in rings] for rings in polygons] if ok else None


def boundary_probes(polygons, other):
    """Points just inside `polygons`, next to every piece of its boundary.

    Each edge is split where the other geometry's boundary crosses or touches
    it; the midpoint of every piece is moved a hair to the left, which is the
    inside for counter-clockwise shells and clockwise holes. If the interiors
    of two geometries overlap, a probe of one of them lies strictly inside the
    other (the overlap's boundary runs along one of their boundaries).
    """
    other_edges = [e for rings in other for ring in rings for e in edges(ring)]
    for rings in polygons:
        for ring in rings:
            for p, q in edges(ring):
                dx, dy = q[0] - p[0], q[1] - p[1]
                length2 = dx * dx + dy * dy
                ts = {0.0, 1.0}
                for c, d in other_edges:
                    if segments_cross(p, q, c, d):
                        ex, ey = d[0] - c[0], d[1] - c[1]
                        denominator = dx * ey - dy * ex
                        ts.add(((c[0] - p[0]) * ey - (c[1] - p[1]) * ex) / denominator)
                    for v in (c, d):
                        if on_segment(v, p, q):
                            ts.add(((v[0] - p[0]) * dx + (v[1] - p[1]) * dy) / length2)
                ts = sorted(ts)
                length = length2 ** 0.5
                step = 1e-7  # about 1 cm
                for t0, t1 in zip(ts, ts[1:]):
                    if t1 - t0 <= 0:
                        continue
                    t = (t0 + t1) / 2
                    yield (p[0] + t * dx - dy / length * step, p[1] + t * dy + dx / length * step)


def grids_overlap(pa, pb):
    """True if the interiors of two valid geometries intersect."""
    for x, y in ((pa, pb), (pb, pa)):
        for probe in boundary_probes(x, y):
            if in_polygons(probe, x) == 1 and in_polygons(probe, y) == 1:
                return True
    return False


# ---------------------------------------------------------------------------
# Grids.

def check_grids(ck, path):
    where = path.name
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        ck.error(where, "not readable JSON: %s" % e)
        return None
    ck.expect(doc.get("type") == "FeatureCollection", where, "not a FeatureCollection")
    for key in ("name", "description"):
        ck.expect("synthetic" in str(doc.get(key, "")).lower(), where,
                  "top-level %r must say the data is SYNTHETIC" % key)
    regions = {}  # code -> (level, name, parent)
    geometries = {}
    seen = set()
    features = doc.get("features") or []
    for i, f in enumerate(features):
        fw = "%s feature[%d]" % (where, i)
        if not ck.expect(isinstance(f, dict) and f.get("type") == "Feature"
                         and isinstance(f.get("properties"), dict), fw, "not a Feature"):
            continue
        p = f["properties"]
        code, name, level, parent = p.get("code"), p.get("name"), p.get("level"), p.get("parent")
        fw += " %s" % code
        if not ck.expect(all(isinstance(v, str) and v for v in (code, name, level)), fw,
                         "code, name and level must be non-empty strings"):
            continue
        ck.expect(code not in seen, fw, "duplicate code")
        seen.add(code)
        ck.expect(code.isdigit() and LEVEL_BY_LENGTH.get(len(code)) == level, fw,
                  "code length does not match level %r" % level)
        ck.expect(code.startswith(CITY_CODE), fw, "code outside %s" % CITY_CODE)
        if level == "city":
            ck.expect(parent in (None, ""), fw, "a city has no parent")
        else:
            ck.expect(isinstance(parent, str) and code.startswith(parent)
                      and len(code) == len(parent) + 3, fw,
                      "parent %r is not the code's 3-digit-shorter prefix" % (parent,))
        regions[code] = (level, name, parent)
        if level == "grid":
            polygons = check_geometry(ck, fw, f.get("geometry"))
            if polygons:
                geometries[code] = polygons
        else:
            ck.expect(f.get("geometry") is None, fw, "only grids carry geometry in the sample")
    for code, (level, _, parent) in regions.items():
        if level != "city":
            ck.expect(parent in regions and regions[parent][0] == PARENT_LEVEL.get(level), where,
                      "%s: parent %s missing or not a %s" % (code, parent, PARENT_LEVEL.get(level)))
    children = {}
    for code, (level, _, parent) in regions.items():
        children.setdefault(parent, []).append(code)
    towns = [c for c, r in regions.items() if r[0] == "town"]
    communities = [c for c, r in regions.items() if r[0] == "community"]
    grids = [c for c, r in regions.items() if r[0] == "grid"]
    ck.expect(sum(1 for r in regions.values() if r[0] == "city") == 1, where, "exactly one city")
    ck.expect(len(towns) >= 8, where, "at least 8 towns")
    for t in towns:
        ck.expect(len(children.get(t, [])) >= 2, where, "town %s has fewer than 2 communities" % t)
    for c in communities:
        ck.expect(len(children.get(c, [])) >= 2, where, "community %s has fewer than 2 grids" % c)
    town_names = [regions[t][1] for t in towns]
    for seed in SEED_TOWNS:
        ck.expect(any(n.startswith(seed) for n in town_names), where, "seed town %s missing" % seed)
    # Grids must not overlap one another.
    boxes = {g: bbox(p) for g, p in geometries.items()}
    codes = sorted(geometries)
    overlaps = 0
    for i, a in enumerate(codes):
        ax0, ay0, ax1, ay1 = boxes[a]
        for b in codes[i + 1:]:
            bx0, by0, bx1, by1 = boxes[b]
            if ax0 >= bx1 or bx0 >= ax1 or ay0 >= by1 or by0 >= ay1:
                continue  # bounding boxes at most touch
            if grids_overlap(geometries[a], geometries[b]):
                overlaps += 1
                ck.error(where, "grids %s and %s overlap" % (a, b))
    # Neighbours share whole edges with exactly the same coordinates.
    edge_owners = {}
    for g, polygons in geometries.items():
        for rings in polygons:
            for a, b in edges(rings[0]):
                edge_owners.setdefault(frozenset((a, b)), set()).add(g)
    for g, polygons in geometries.items():
        shared = sum(1 for rings in polygons for a, b in edges(rings[0])
                     if len(edge_owners[frozenset((a, b))]) > 1)
        ck.expect(shared >= 2, where, "grid %s shares fewer than 2 whole edges with neighbours" % g)
    holes = [g for g, p in geometries.items() if any(len(r) > 1 for r in p)]
    multis = [g for g, p in geometries.items() if len(p) > 1]
    ck.expect(holes, where, "no grid with a hole")
    ck.expect(multis, where, "no MultiPolygon grid")
    ck.notes.append("grids: %d towns, %d communities, %d grids (hole: %s; MultiPolygon: %s)" % (
        len(towns), len(communities), len(grids), holes, multis))
    return regions


# ---------------------------------------------------------------------------
# Departments, members, rules.

def check_departments(ck, msg, pb, path):
    deps = list(msg.departments)
    ids = [d.id for d in deps]
    ck.expect(ids == sorted(ids), path.name, "departments not in id order")
    ck.expect(len(set(ids)) == len(ids), path.name, "duplicate department ids")
    for d in deps:
        where = "%s %s" % (path.name, d.id)
        ck.expect(ID_RE.fullmatch(d.id) is not None, where, "id must be [a-z0-9_-]{1,64}")
        ck.expect(1 <= len(d.name) <= 100, where, "name must be 1..100 characters")
        ck.expect(d.kind != 0, where, "kind must be set")
        ck.expect(len(d.description) <= 2000, where, "description over 2000 characters")
        ck.expect(d.active, where, "sample departments are active")
    for required in REQUIRED_DEPARTMENTS:
        ck.expect(required in ids, path.name, "department %s missing" % required)
    groups = [d for d in deps if d.kind == pb.DEPARTMENT_KIND_ACTION_GROUP]
    ck.expect(len(groups) >= 7, path.name, "expected six action groups plus 乌镇管家")
    for name in ("规划引领", "车乱开", "道乱占", "乌镇管家"):
        ck.expect(any(name in d.name for d in groups), path.name, "action group %s missing" % name)
    ck.notes.append("departments: %d (%d departments, %d action groups)" % (
        len(deps), len(deps) - len(groups), len(groups)))
    return {d.id: d for d in deps}


DUTY_CODE_RE = re.compile(r"[A-Z][A-Z0-9-]{1,15}")


def check_duties(ck, msg, pb, path, categories, departments):
    """The duty catalogue (一员多责): 50+ duties across the six action groups,
    plus routine ones; returns the codes."""
    duties = list(msg.duties)
    codes = [d.code for d in duties]
    ck.expect(codes == sorted(codes), path.name, "duties not in code order")
    ck.expect(len(set(codes)) == len(codes), path.name, "duplicate duty codes")
    groups = {}
    for d in duties:
        where = "%s %s" % (path.name, d.code)
        ck.expect(DUTY_CODE_RE.fullmatch(d.code) is not None, where, "bad code")
        ck.expect(1 <= len(d.name) <= 64, where, "name must be 1..64 characters")
        ck.expect(len(d.description) <= 500, where, "description over 500 characters")
        ck.expect(d.active, where, "sample duties are active")
        if d.group_id and departments is not None:
            group = departments.get(d.group_id)
            ck.expect(group is not None and group.kind == pb.DEPARTMENT_KIND_ACTION_GROUP,
                      where, "group %s is not an action group" % d.group_id)
        for c in d.category_codes:
            ck.expect(categories is None or c in categories, where, "unknown category %s" % c)
        ck.expect(len(set(d.category_codes)) == len(d.category_codes), where,
                  "category listed twice")
        groups[d.group_id] = groups.get(d.group_id, 0) + 1
    special = sum(n for g, n in groups.items() if g)
    ck.expect(special >= 50, path.name, "fewer than 50 action-group duties (50余项工作职责)")
    ck.expect(len([g for g in groups if g]) >= 6, path.name, "duties of fewer than 6 action groups")
    ck.expect(groups.get("", 0) > 0, path.name, "no routine duties")
    ck.notes.append("duties: %d (%d in %d action groups, %d routine)" % (
        len(duties), special, len([g for g in groups if g]), groups.get("", 0)))
    return set(codes)


def check_members(ck, msg, pb, path, regions, departments, duties=None):
    """regions or departments None: that file was unreadable; skip its cross-checks."""
    cross_checks = regions is not None and departments is not None
    regions = regions or {}
    departments = departments or {}
    members = list(msg.members)
    ids = [m.id for m in members]
    ck.expect(ids == sorted(ids), path.name, "members not in id order")
    ck.expect(len(set(ids)) == len(ids), path.name, "duplicate member ids")
    forbidden = {pb.ROLE_UNSPECIFIED, pb.ROLE_CITIZEN, pb.ROLE_SYSTEM}
    phones = set()
    inspectors = {}
    role_count = {}
    staff_count = {}
    for m in members:
        where = "%s %s" % (path.name, m.id)
        ck.expect(MEMBER_ID_RE.fullmatch(m.id) is not None, where, "bad id")
        ck.expect(1 <= len(m.name) <= 64, where, "name must be 1..64 characters")
        ck.expect(PHONE_RE.fullmatch(m.phone) is not None, where,
                  "phone %r is not an 11-digit 13x/15x/18x number" % m.phone)
        ck.expect(m.phone not in phones, where, "phone used twice")
        phones.add(m.phone)
        ck.expect(not m.phone_masked, where, "phone_masked is output only")
        ck.expect(m.active, where, "sample members are active")
        roles = list(m.roles)
        ck.expect(roles and not (set(roles) & forbidden), where,
                  "roles must be non-empty and not UNSPECIFIED, CITIZEN or SYSTEM")
        ck.expect(len(set(roles)) == len(roles), where, "role listed twice")
        for r in set(roles):
            role_count[r] = role_count.get(r, 0) + 1
        for g in m.grid_codes:
            ck.expect(not cross_checks or regions.get(g, ("",))[0] == "grid", where,
                      "grid %s does not exist" % g)
        ck.expect(len(set(m.grid_codes)) == len(m.grid_codes), where, "grid listed twice")
        if pb.ROLE_GRID_MANAGER in roles:
            ck.expect(len(m.grid_codes) > 0, where, "grid manager without grids")
            ck.expect(len(m.grid_duties) > 0, where, "grid manager without duties")
        duty_grids = [g.grid_code for g in m.grid_duties]
        ck.expect(len(set(duty_grids)) == len(duty_grids), where, "grid_duties: grid twice")
        for g in m.grid_duties:
            ck.expect(g.grid_code in m.grid_codes, where,
                      "grid_duties: %s is not one of the member's grids" % g.grid_code)
            ck.expect(len(set(g.duty_codes)) == len(g.duty_codes), where,
                      "grid_duties %s: duty twice" % g.grid_code)
            for code in g.duty_codes:
                ck.expect(duties is None or code in duties, where, "unknown duty %s" % code)
        if pb.ROLE_GRID_MANAGER in roles:
            for g in m.grid_codes:
                inspectors.setdefault(g, []).append(m.id)
        if m.department_id and cross_checks:
            ck.expect(m.department_id in departments, where,
                      "department %s does not exist" % m.department_id)
        if pb.ROLE_DEPARTMENT_STAFF in roles:
            ck.expect(bool(m.department_id), where, "ROLE_DEPARTMENT_STAFF without department_id")
            staff_count[m.department_id] = staff_count.get(m.department_id, 0) + 1
    if not cross_checks:
        ck.notes.append("members: %d (cross-checks skipped: grids or departments unreadable)"
                        % len(members))
        return
    grids = [c for c, r in regions.items() if r[0] == "grid"]
    for g in grids:
        ck.expect(g in inspectors, path.name, "grid %s has no grid manager" % g)
    towns = [c for c, r in regions.items() if r[0] == "town"]
    for t in towns:
        managers = {mid for g, ms in inspectors.items() if g.startswith(t) for mid in ms}
        ck.expect(len(managers) >= 2, path.name, "town %s has fewer than 2 grid managers" % t)
    for role, minimum in ((pb.ROLE_ACCEPTOR, 2), (pb.ROLE_DISPATCHER, 3), (pb.ROLE_DUTY_CHIEF, 2),
                          (pb.ROLE_ADMIN, 1)):
        ck.expect(role_count.get(role, 0) >= minimum, path.name,
                  "fewer than %d members with %s" % (minimum, pb.Role.Name(role)))
    for d in departments:
        ck.expect(staff_count.get(d, 0) >= 2, path.name, "department %s has fewer than 2 staff" % d)
    multi = sum(1 for m in members if len(m.roles) > 1)
    ck.expect(multi > 0, path.name, "nobody holds several roles (一员多责)")
    ck.notes.append("members: %d (%s; %d with several roles)" % (
        len(members), ", ".join("%s %d" % (pb.Role.Name(r)[5:], n)
                                for r, n in sorted(role_count.items())), multi))


def resolve(rules_by_category, category, grid):
    """ResolveResponsibility's precedence: grid > community > town > city, then
    higher priority, then smaller id."""
    for length in (15, 12, 9, 6):
        scope = grid[:length]
        matches = [r for r in rules_by_category.get(category, []) if r.scope_code == scope]
        if matches:
            return min(matches, key=lambda r: (-r.priority, r.id))
    return None


def check_rules(ck, msg, pb, path, categories, regions, departments):
    rules = list(msg.rules)
    order = [(r.category_code, r.scope_code, r.id) for r in rules]
    ck.expect(order == sorted(order), path.name, "rules not in (category, scope, id) order")
    ids = [r.id for r in rules]
    ck.expect(all(ids) and len(set(ids)) == len(ids), path.name, "rule ids must be set and unique")
    keys = {}
    by_category = {}
    for r in rules:
        where = "%s %s" % (path.name, r.id)
        if categories is not None:
            ck.expect(r.category_code in categories, where,
                      "category %s does not exist" % r.category_code)
        if regions is not None:
            ck.expect(r.scope_code in regions, where, "scope %s does not exist" % r.scope_code)
        if departments is not None:
            ck.expect(r.department_id in departments, where,
                      "department %s does not exist" % r.department_id)
        if departments and r.department_id in departments:
            ck.expect(departments[r.department_id].active, where, "department is inactive")
        check_limits(ck, where, r.limit_overrides, pb, require_handle=False)
        ck.expect(r.priority >= 0, where, "negative priority")
        ck.expect(len(r.note) <= 500, where, "note over 500 characters")
        key = (r.category_code, r.scope_code, r.priority)
        ck.expect(key not in keys, where, "same category, scope and priority as %s: only the id "
                  "would decide" % keys.get(key))
        keys[key] = r.id
        by_category.setdefault(r.category_code, []).append(r)
    if categories is None or regions is None:
        ck.notes.append("rules: %d (cross-checks skipped: catalogue or grids unreadable)"
                        % len(rules))
        return
    for code in categories:
        ck.expect(any(r.scope_code == CITY_CODE for r in by_category.get(code, [])), path.name,
                  "category %s has no city-scope rule" % code)
    ck.expect(any(r.limit_overrides and r.priority for r in rules), path.name,
              "no rule with limit overrides and a non-zero priority")
    for length, level in ((9, "town"), (12, "community"), (15, "grid")):
        ck.expect(any(len(r.scope_code) == length for r in rules), path.name,
                  "no %s-scope rule" % level)
    # Resolve every category in every grid, as ResolveResponsibility would.
    grids = sorted(c for c, r in regions.items() if r[0] == "grid")
    by_level = {}
    winners = set()
    for code in categories:
        for g in grids:
            r = resolve(by_category, code, g)
            if not ck.expect(r is not None, path.name, "no rule for %s in grid %s" % (code, g)):
                continue
            winners.add(r.id)
            level = LEVEL_BY_LENGTH[len(r.scope_code)]
            by_level[level] = by_level.get(level, 0) + 1
    shadowed = sorted(set(ids) - winners)
    ck.notes.append("rules: %d; %d category x grid resolutions by scope %s; rules never chosen "
                    "(outranked on purpose): %s" % (len(rules), sum(by_level.values()),
                                                    by_level, shadowed or "none"))


# ---------------------------------------------------------------------------

def check_generated(ck, root, tongxiang):
    """The committed files must equal a fresh run of generate.py."""
    sys.dont_write_bytecode = True  # leave no __pycache__ in the source tree
    sys.path.insert(0, str(HERE))
    generate = importlib.import_module("generate")
    with tempfile.TemporaryDirectory() as out:
        paths = generate.generate(root / "services" / "registry" / "data" / "catalogue.json", out)
        for fresh in paths:
            committed = tongxiang / fresh.name
            same = committed.exists() and committed.read_bytes() == fresh.read_bytes()
            ck.expect(same, str(committed), "differs from a fresh run of generate.py; "
                      "run /usr/bin/python3 tools/sample-data/generate.py")


def check_readmes(ck, root):
    for rel in ("services/registry/data/README.md", "tools/sample-data/README.md",
                "tools/sample-data/tongxiang/README.md"):
        path = root / rel
        ck.expect(path.exists() and "synthe" in path.read_text(encoding="utf-8").lower(), rel,
                  "README missing or does not say what is synthetic")


def ensure_protobuf_runtime():
    """Re-runs this script under /usr/bin/python3 if the current interpreter
    (e.g. a pyenv python3 on PATH) lacks google.protobuf."""
    try:
        importlib.import_module("google.protobuf.json_format")
    except ImportError:
        system = "/usr/bin/python3"
        if os.path.realpath(sys.executable) != os.path.realpath(system) and os.path.exists(system):
            os.execv(system, [system] + sys.argv)
        sys.exit("check.py: python3 protobuf runtime missing (apt-get install python3-protobuf)")


def main():
    ensure_protobuf_runtime()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=str(HERE.parent.parent), help="repository root")
    parser.add_argument("--protoc", default=os.environ.get("PROTOC", "protoc"))
    args = parser.parse_args()
    root = pathlib.Path(args.root).resolve()
    data = root / "services" / "registry" / "data"
    tongxiang = root / "tools" / "sample-data" / "tongxiang"
    ck = Checker()
    with tempfile.TemporaryDirectory() as tmp:
        json_format, rpb, cpb = load_stubs(root, args.protoc, tmp)

        class pb:  # enums of both files under one name
            pass
        for module in (cpb, rpb):
            for name in dir(module):
                if name.isupper() or name[:1].isupper():
                    setattr(pb, name, getattr(module, name))

        catalogue_msg, _ = parse(ck, json_format, data / "catalogue.json",
                                 rpb.ListCategoriesResponse)
        categories = (check_catalogue(ck, catalogue_msg, pb, data / "catalogue.json")
                      if catalogue_msg else None)
        calendar_msg, _ = parse(ck, json_format, data / "calendar.json", rpb.GetCalendarResponse)
        if calendar_msg:
            check_calendar(ck, calendar_msg, pb, data / "calendar.json")
        regions = check_grids(ck, tongxiang / "grids.geojson")
        dep_msg, _ = parse(ck, json_format, tongxiang / "departments.json",
                           rpb.ListDepartmentsResponse)
        departments = check_departments(ck, dep_msg, pb, tongxiang / "departments.json") \
            if dep_msg else None
        duty_msg, _ = parse(ck, json_format, tongxiang / "duties.json", rpb.ListDutyItemsResponse)
        duties = check_duties(ck, duty_msg, pb, tongxiang / "duties.json", categories,
                              departments) if duty_msg else None
        mem_msg, _ = parse(ck, json_format, tongxiang / "members.json", rpb.ListMembersResponse)
        if mem_msg:
            check_members(ck, mem_msg, pb, tongxiang / "members.json", regions, departments,
                          duties)
        rule_msg, _ = parse(ck, json_format, tongxiang / "rules.json", rpb.ListRulesResponse)
        if rule_msg:
            check_rules(ck, rule_msg, pb, tongxiang / "rules.json", categories, regions,
                        departments)
        check_generated(ck, root, tongxiang)
        check_readmes(ck, root)
    for note in ck.notes:
        print("ok   " + note)
    for e in ck.errors:
        print("FAIL " + e)
    if ck.errors:
        print("check.py: %d problem(s)" % len(ck.errors))
        return 1
    print("check.py: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
