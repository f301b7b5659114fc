#!/usr/bin/python3
"""Generates the SYNTHETIC Tongxiang (桐乡市, 330483) sample registry.

Writes, into tools/sample-data/tongxiang/ (or --out):
  grids.geojson     ImportGrids FeatureCollection: city, 12 towns, 36
                    communities, 216 grids (synthetic rectangles near the real
                    town locations).
  departments.json  ListDepartmentsResponse JSON.
  duties.json       ListDutyItemsResponse JSON: 64 duties of grid members
                    (一员多责), 52 across the six action groups and 12 routine.
  members.json      ListMembersResponse JSON; grid managers carry duties per
                    grid (gridDuties).
  rules.json        ListRulesResponse JSON, one city rule for every category
                    of services/registry/data/catalogue.json plus overrides.

Deterministic: the same catalogue gives byte-identical files. Standard library
only. Run it with /usr/bin/python3 tools/sample-data/generate.py and check the
result with tools/sample-data/check.py (which also verifies that the committed
files equal a fresh run).
"""

import argparse
import json
import math
import pathlib
import random
import sys

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
DEFAULT_CATALOGUE = ROOT / "services" / "registry" / "data" / "catalogue.json"
DEFAULT_OUT = HERE / "tongxiang"

CITY_CODE = "330483"
CITY_NAME = "桐乡市"

# Grid cell size and lattice. Each community is a 3 × 2 lattice of cells; the
# three communities of a town sit side by side, west to east, so a town block
# is 9 × 2 cells (about 3.6 km × 0.8 km) centred on the town's centre.
CELL_M = 400.0
COLUMNS_PER_COMMUNITY = 3
ROWS = 2
METRES_PER_DEGREE_LAT = 110_850.0
METRES_PER_DEGREE_LNG_EQUATOR = 111_320.0

# (3-digit town code, name, centre latitude, centre longitude, communities).
# Codes are synthetic: 00x for subdistricts (街道), 10x for towns (镇). Centres
# are approximate real town seats (WGS84), good to about a kilometre.
TOWNS = [
    ("001", "梧桐街道", 30.6300, 120.5650, ["庆丰社区", "文华社区", "北港社区"]),
    ("002", "凤鸣街道", 30.6400, 120.5250, ["凤栖社区", "环城社区", "金鸡社区"]),
    ("003", "龙翔街道", 30.6680, 120.5780, ["龙翔社区", "东兴社区", "新生社区"]),
    ("004", "高桥街道", 30.5980, 120.6050, ["高桥社区", "三里桥社区", "骑塘社区"]),
    ("101", "濮院镇", 30.6840, 120.6300, ["永越社区", "濮院社区", "凯旋社区"]),
    ("102", "乌镇镇", 30.7450, 120.4870, ["西栅社区", "东栅社区", "虹桥社区"]),
    ("103", "崇福镇", 30.5330, 120.4300, ["春阳社区", "御驾桥社区", "虎啸社区"]),
    ("104", "洲泉镇", 30.6320, 120.3950, ["洲泉社区", "湘溪社区", "晚村社区"]),
    ("105", "大麻镇", 30.5550, 120.3550, ["大麻社区", "海华社区", "金星社区"]),
    ("106", "河山镇", 30.6950, 120.4400, ["河山社区", "五泾社区", "八泉社区"]),
    ("107", "石门镇", 30.5980, 120.4550, ["石门社区", "羔羊社区", "桂花社区"]),
    ("108", "屠甸镇", 30.5720, 120.6600, ["屠甸社区", "汇丰社区", "荣星社区"]),
]

# The grid with a hole and the MultiPolygon grid.
HOLE_GRID = CITY_CODE + "001" + "001" + "005"       # 梧桐街道庆丰社区第5网格
MULTIPOLYGON_GRID = CITY_CODE + "102" + "001" + "001"  # 乌镇镇西栅社区第1网格
# A grid with its own responsibility rule (grid-scope override).
MARKET_GRID = CITY_CODE + "101" + "002" + "003"     # 濮院镇濮院社区第3网格


def town_code(suffix):
    return CITY_CODE + suffix


def rounded(value):
    return round(value, 6)


def rectangle(west, south, east, north):
    """Counter-clockwise closed ring (RFC 7946 exterior orientation)."""
    return [[west, south], [east, south], [east, north], [west, north], [west, south]]


def clockwise(ring):
    return list(reversed(ring))


def build_grids():
    """Returns the GeoJSON FeatureCollection as a dict."""
    features = [{
        "type": "Feature",
        "properties": {"code": CITY_CODE, "name": CITY_NAME, "level": "city"},
        "geometry": None,
    }]
    for suffix, town_name, lat0, lng0, communities in TOWNS:
        tcode = town_code(suffix)
        features.append({
            "type": "Feature",
            "properties": {"code": tcode, "name": town_name, "level": "town",
                           "parent": CITY_CODE},
            "geometry": None,
        })
        dy = CELL_M / METRES_PER_DEGREE_LAT
        dx = CELL_M / (METRES_PER_DEGREE_LNG_EQUATOR * math.cos(math.radians(lat0)))
        columns = COLUMNS_PER_COMMUNITY * len(communities)
        # Lattice node coordinates, rounded once so that neighbours share
        # exactly the same numbers on their common edges.
        xs = [rounded(lng0 - columns / 2 * dx + i * dx) for i in range(columns + 1)]
        ys = [rounded(lat0 + ROWS / 2 * dy - j * dy) for j in range(ROWS + 1)]  # north → south
        for k, community_name in enumerate(communities):
            ccode = tcode + "%03d" % (k + 1)
            features.append({
                "type": "Feature",
                "properties": {"code": ccode, "name": community_name, "level": "community",
                               "parent": tcode},
                "geometry": None,
            })
            number = 0
            for row in range(ROWS):
                for col in range(COLUMNS_PER_COMMUNITY):
                    number += 1
                    gcode = ccode + "%03d" % number
                    i = k * COLUMNS_PER_COMMUNITY + col
                    west, east = xs[i], xs[i + 1]
                    north, south = ys[row], ys[row + 1]
                    properties = {
                        "code": gcode,
                        "name": "%s%s第%d网格" % (town_name, community_name, number),
                        "level": "grid",
                        "parent": ccode,
                    }
                    shell = rectangle(west, south, east, north)
                    geometry = {"type": "Polygon", "coordinates": [shell]}
                    if gcode == HOLE_GRID:
                        # A lake of about 160 m × 120 m in the middle of the
                        # cell, carved out as a hole (clockwise ring).
                        cx, cy = (west + east) / 2, (south + north) / 2
                        hx = 80.0 / CELL_M * (east - west)
                        hy = 60.0 / CELL_M * (north - south)
                        hole = rectangle(rounded(cx - hx), rounded(cy - hy),
                                         rounded(cx + hx), rounded(cy + hy))
                        geometry["coordinates"].append(clockwise(hole))
                        properties["note"] = (
                            "合成示例：中部湖面（约160 m × 120 m）挖为洞，湖面不属于任何网格。"
                            " Synthetic: a lake in the middle is a hole;"
                            " points on it locate to no grid.")
                    if gcode == MULTIPOLYGON_GRID:
                        # A detached 200 m square exclave, 200–400 m west of
                        # the town block's western edge.
                        ex_east = rounded(xs[0] - (east - west) / 2)
                        ex_west = rounded(xs[0] - (east - west))
                        ex_north = north
                        ex_south = rounded(north - (north - south) / 2)
                        geometry = {"type": "MultiPolygon", "coordinates": [
                            [shell], [rectangle(ex_west, ex_south, ex_east, ex_north)]]}
                        properties["note"] = (
                            "合成示例：两部分（主体 + 西侧约200 m × 200 m 飞地）。"
                            " Synthetic: two parts, the main cell"
                            " and a detached exclave to the west.")
                    if gcode == MARKET_GRID:
                        properties["note"] = (
                            "合成示例：设想为羊毛衫市场周边，有网格级责任规则。"
                            " Synthetic: imagined market area with a grid-scope rule.")
                    features.append({"type": "Feature", "properties": properties,
                                     "geometry": geometry})
    return {
        "type": "FeatureCollection",
        "name": "桐乡市网格（合成示例数据） Tongxiang sample grids - SYNTHETIC",
        "description": (
            "SYNTHETIC sample data for gridcase, generated by tools/sample-data/generate.py. "
            "Town centres are approximately the real town seats of Tongxiang (330483), but the "
            "town, community and grid codes, the community names and every polygon are made up: "
            "each town is a 3.6 km x 0.8 km block of 400 m x 400 m rectangular grids. "
            "Do not use as real administrative boundaries. "
            "合成示例数据：镇街中心位置大致真实，编码、社区名称和网格边界均为虚构。"),
        "features": features,
    }


# ---------------------------------------------------------------------------
# Departments and action groups.

DEPARTMENTS = [
    # (id, name, kind, description)
    ("sanitation", "桐乡市环境卫生管理处", "D",
     "环卫：道路清扫保洁、垃圾收集清运、公厕与垃圾设施、道路积雪清除。"),
    ("municipal", "桐乡市市政设施管理处", "D",
     "市政：道路、人行道、桥梁、雨水设施、路灯与景观照明、井盖缺失的先行处置。"),
    ("landscaping", "桐乡市园林管理处", "D",
     "园林：行道树、古树名木、绿地养护、花坛花钵、城市雕塑、倒伏树木。"),
    ("traffic-police", "桐乡市公安局交通警察大队", "D",
     "交警：交通信号灯、标志标线、隔离设施、机动车违停、废弃车辆。"),
    ("law-enforcement", "桐乡市综合行政执法局", "D",
     "综合行政执法（城管）：违法搭建、占道经营、店外经营、户外广告、小广告、施工噪声与渣土运输等。"),
    ("power", "国网浙江桐乡市供电公司", "D",
     "供电：电力井盖、箱变、电杆电线、电力线路断落抢修（95598）。"),
    ("water", "桐乡市水务集团有限公司", "D",
     "供排水：上水与污水井盖、消防栓、自来水管破裂、下水道堵塞抢修。"),
    ("gas", "桐乡市燃气有限公司", "D",
     "燃气：燃气井盖、燃气管道破裂与泄漏抢修。"),
    ("telecom", "桐乡市通信管线联合维护中心（电信、移动、联通、广电）", "D",
     "通信：通信井盖、电话亭、架空通信线缆、通信线缆断落。"),
    ("housing", "桐乡市住房和城乡建设局", "D",
     "住建：危险房屋与房屋险情、建筑外立面、工地扬尘与围挡、施工废弃料。"),
    ("market", "桐乡市市场监督管理局", "D",
     "市场监管：无证照经营店铺等。"),
    ("ecology", "嘉兴市生态环境局桐乡分局", "D",
     "生态环境：违法排放污水等环境污染。"),
    ("transport", "桐乡市交通运输局", "D",
     "交通运输：公交站亭站牌、公共自行车、非法营运。"),
    ("water-resources", "桐乡市水利局", "D",
     "水利：河道保洁、驳岸、水域护栏、防汛设施、河埠码头。"),
    ("postal", "中国邮政集团有限公司桐乡市分公司", "D", "邮政：邮筒。"),
    ("fire-rescue", "桐乡市消防救援大队", "D", "消防：公共场所消防器材。"),
    ("public-security", "桐乡市公安局", "D", "公安：门牌管理、流浪犬只收容。"),
    ("planning", "桐乡市自然资源和规划局", "D", "自然资源和规划：违法用地。"),
    ("sports", "桐乡市文化和广电旅游体育局", "D", "文体旅：公共健身设施。"),
    # Special action groups. The seed article names 规划引领, 车乱开 and 道乱占
    # among six groups; 线乱拉, 低小散 and 房乱建 are assumed (the article reports
    # results on 上改下 cable works, 低小散 workshops and demolition of illegal
    # buildings). 乌镇管家 is Wuzhen's linkage centre from the article.
    ("ag-planning", "规划引领专项行动组", "G",
     "专项行动组（种子文章提及）：规划设计引领，统筹违法用地等问题。"),
    ("ag-traffic", "车乱开专项行动组", "G",
     "专项行动组（种子文章提及）：整治交通违法、非机动车违规行驶集中点位。"),
    ("ag-road-occupation", "道乱占专项行动组", "G",
     "专项行动组（种子文章提及）：整治占道经营、店外经营等“道乱占”问题。"),
    ("ag-wires", "线乱拉专项行动组", "G",
     "专项行动组（假定）：架空线缆“上改下”、私拉乱挂整治。"),
    ("ag-small-enterprises", "低小散专项行动组", "G",
     "专项行动组（假定）：“低小散”企业（作坊）整治。"),
    ("ag-illegal-building", "房乱建专项行动组", "G",
     "专项行动组（假定）：违法建筑（“三改一拆”）整治。"),
    ("ag-wuzhen-guanjia", "乌镇管家联动中心", "G",
     "乌镇镇“乌镇管家”联动中心：依托微信、手机APP和数字城管，多网合一、一员多责，"
     "就地处置乌镇镇范围内的市容环境问题。"),
]

KIND = {"D": "DEPARTMENT_KIND_DEPARTMENT", "G": "DEPARTMENT_KIND_ACTION_GROUP"}


def build_departments():
    rows = [{"id": i, "name": n, "kind": KIND[k], "description": d, "active": True}
            for i, n, k, d in DEPARTMENTS]
    rows.sort(key=lambda d: d["id"])
    return {"departments": rows}


# ---------------------------------------------------------------------------
# Members.

SURNAMES = list("沈徐朱陈张王李吴钱姚陆顾周金蒋杨孙费邱俞褚屠郁高汤")
GIVEN = ["建华", "伟", "丽", "晓东", "海燕", "国强", "敏", "婷", "志刚", "雪梅", "佳", "磊",
         "静", "俊杰", "红英", "利民", "春燕", "立新", "斌", "霞", "卫东", "文君", "浩", "玲",
         "明", "燕", "杰", "芳", "涛", "颖", "建平", "秀英", "永良", "梦琪", "宇航", "雅婷"]
PHONE_PREFIXES = ["130", "131", "132", "133", "135", "136", "137", "138", "139",
                  "150", "151", "152", "153", "155", "157", "158", "159",
                  "180", "181", "182", "183", "186", "187", "188", "189"]

STAFF_PER_DEPARTMENT = {"sanitation": 3, "municipal": 3, "law-enforcement": 3}


class People:
    """Deterministic source of unique names and phone numbers."""

    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.names = set()
        self.phones = set()

    def name(self):
        while True:
            n = self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)
            if n not in self.names:
                self.names.add(n)
                return n

    def phone(self):
        while True:
            p = self.rng.choice(PHONE_PREFIXES) + "%08d" % self.rng.randrange(10 ** 8)
            if p not in self.phones:
                self.phones.add(p)
                return p


def build_members(grids_geojson):
    people = People(CITY_CODE)
    grids_of = {}
    for f in grids_geojson["features"]:
        p = f["properties"]
        if p["level"] == "grid":
            grids_of.setdefault(p["parent"], []).append(p["code"])
    members = []

    def add(roles, grid_codes=(), department_id=""):
        m = {"id": "m-%04d" % (len(members) + 1), "name": people.name(),
             "phone": people.phone(), "roles": roles}
        if grid_codes:
            m["gridCodes"] = sorted(grid_codes)
            if "ROLE_GRID_MANAGER" in roles:
                m["gridDuties"] = grid_duties(grid_codes)
        if department_id:
            m["departmentId"] = department_id
        m["active"] = True
        members.append(m)

    add(["ROLE_ADMIN"])
    add(["ROLE_ACCEPTOR"])
    add(["ROLE_ACCEPTOR"])
    add(["ROLE_DISPATCHER"])
    add(["ROLE_DISPATCHER"])
    add(["ROLE_DISPATCHER"])
    add(["ROLE_DUTY_CHIEF"])
    add(["ROLE_DUTY_CHIEF", "ROLE_DISPATCHER"])  # 值班长兼派遣
    # Grid managers: one per community, covering its six grids.
    for suffix, _, _, _, communities in TOWNS:
        tcode = town_code(suffix)
        for k in range(len(communities)):
            ccode = tcode + "%03d" % (k + 1)
            if suffix == "102":
                # 乌镇: 多网合一、一员多责 — grid managers are also staff of the
                # 乌镇管家 linkage centre.
                add(["ROLE_GRID_MANAGER", "ROLE_DEPARTMENT_STAFF"], grids_of[ccode],
                    "ag-wuzhen-guanjia")
            elif suffix == "101" and k == 0:
                # 濮院: the first community's grid manager also accepts reports.
                add(["ROLE_GRID_MANAGER", "ROLE_ACCEPTOR"], grids_of[ccode])
            else:
                add(["ROLE_GRID_MANAGER"], grids_of[ccode])
        if suffix == "101":
            # 濮院's town supervisor inspects every grid of the town, so each
            # 濮院 grid has two inspectors.
            town_grids = [g for c, gs in grids_of.items() if c.startswith(tcode) for g in gs]
            add(["ROLE_GRID_MANAGER", "ROLE_ACCEPTOR"], town_grids)
    # Department staff.
    for dept_id, _, _, _ in sorted(DEPARTMENTS):
        count = STAFF_PER_DEPARTMENT.get(dept_id, 2)
        if dept_id == "ag-wuzhen-guanjia":
            count = 1  # plus the three 乌镇 grid managers above
        for _ in range(count):
            add(["ROLE_DEPARTMENT_STAFF"], department_id=dept_id)
    return {"members": members}


# ---------------------------------------------------------------------------
# Responsibility rules.

# City-wide department for every category code of the default catalogue.
CITY_RULES = {
    "C0101": "water", "C0102": "water", "C0103": "municipal", "C0104": "municipal",
    "C0105": "power", "C0106": "telecom", "C0107": "gas", "C0108": "water",
    "C0109": "municipal", "C0110": "municipal", "C0111": "municipal", "C0112": "power",
    "C0113": "power", "C0114": "telecom", "C0115": "postal", "C0116": "telecom",
    "C0201": "transport", "C0202": "transport", "C0203": "traffic-police",
    "C0204": "traffic-police", "C0205": "municipal", "C0206": "traffic-police",
    "C0207": "municipal", "C0208": "municipal", "C0209": "municipal", "C0210": "municipal",
    "C0211": "municipal", "C0212": "municipal", "C0213": "traffic-police",
    "C0214": "transport", "C0215": "traffic-police",
    "C0301": "sanitation", "C0302": "sanitation", "C0303": "sanitation",
    "C0304": "sanitation", "C0305": "sanitation", "C0306": "law-enforcement",
    "C0307": "law-enforcement", "C0308": "law-enforcement", "C0309": "law-enforcement",
    "C0401": "landscaping", "C0402": "landscaping", "C0403": "landscaping",
    "C0404": "landscaping", "C0405": "landscaping", "C0406": "landscaping",
    "C0407": "landscaping", "C0408": "landscaping",
    "C0501": "housing", "C0502": "housing", "C0503": "law-enforcement",
    "C0504": "law-enforcement", "C0505": "housing", "C0506": "public-security",
    "C0507": "planning",
    "C0601": "sports", "C0602": "water-resources", "C0603": "water-resources",
    "C0604": "water-resources", "C0605": "fire-rescue", "C0606": "municipal",
    "C0607": "water-resources", "C0699": "municipal",
    "E0101": "sanitation", "E0102": "sanitation", "E0103": "sanitation",
    "E0104": "water-resources", "E0105": "landscaping", "E0106": "law-enforcement",
    "E0107": "law-enforcement", "E0108": "law-enforcement", "E0109": "law-enforcement",
    "E0110": "law-enforcement", "E0111": "sanitation", "E0112": "sanitation",
    "E0113": "sanitation", "E0114": "law-enforcement", "E0115": "law-enforcement",
    "E0116": "landscaping", "E0117": "ecology",
    "E0201": "law-enforcement", "E0202": "law-enforcement", "E0203": "law-enforcement",
    "E0204": "law-enforcement", "E0205": "law-enforcement", "E0206": "law-enforcement",
    "E0207": "law-enforcement",
    "E0301": "law-enforcement", "E0302": "housing", "E0303": "law-enforcement",
    "E0304": "municipal", "E0305": "law-enforcement", "E0306": "housing",
    "E0307": "municipal", "E0308": "housing",
    "E0401": "law-enforcement", "E0402": "law-enforcement", "E0403": "law-enforcement",
    "E0404": "traffic-police", "E0405": "law-enforcement", "E0406": "law-enforcement",
    "E0407": "law-enforcement", "E0408": "ag-wires", "E0409": "law-enforcement",
    "E0410": "transport", "E0411": "ag-traffic", "E0412": "traffic-police",
    "E0413": "law-enforcement",
    "E0501": "municipal", "E0502": "water", "E0503": "gas", "E0504": "water",
    "E0505": "municipal", "E0506": "sanitation", "E0507": "municipal", "E0508": "power",
    "E0509": "landscaping", "E0510": "telecom", "E0511": "housing",
    "E0512": "law-enforcement",
    "E0601": "law-enforcement", "E0602": "public-security", "E0603": "planning",
    "E0604": "landscaping", "E0605": "ag-small-enterprises", "E0606": "market",
    "E0699": "law-enforcement",
}

CITY_NOTES = {
    "C0699": "兜底规则：其他部件先派市政，派遣员可改派。",
    "E0699": "兜底规则：其他事件先派综合行政执法，派遣员可改派。",
    "E0507": "井盖缺失由市政先行设置警示并补盖，再移交权属单位。",
}

WUZHEN = town_code("102")
PUYUAN = town_code("101")
CHONGFU = town_code("103")

# Overrides: (category, scope, department, priority, limit overrides, note).
OVERRIDES = [
    # 乌镇管家 handles Wuzhen's 市容环境 problems on the spot.
    *[(code, WUZHEN, "ag-wuzhen-guanjia", 0, None, "乌镇镇：由乌镇管家联动中心就地处置。")
      for code in ["E0101", "E0102", "E0103", "E0105", "E0111", "E0112", "E0115", "E0201"]],
    # ...except in 虹桥社区, outside the linkage centre's service zone (community
    # scope beats town scope).
    ("E0103", WUZHEN + "003", "sanitation", 0, None,
     "乌镇镇虹桥社区（合成示例）：不在乌镇管家服务区内，道路不洁仍由环卫处处置。"),
    # 道乱占 in 濮院镇: the normal town rule and a campaign rule that outranks it
    # by priority and tightens the limit.
    ("E0402", PUYUAN, "law-enforcement", 0, None, "濮院镇常态规则。"),
    ("E0402", PUYUAN, "ag-road-occupation", 10,
     [("STAGE_HANDLE", 2, "TIME_UNIT_WORKING_HOURS")],
     "濮院镇道乱占专项整治期间（合成示例）：优先级高于常态规则，处置时限2个工作小时；"
     "专项结束时删除本规则即恢复常态。"),
    ("E0403", PUYUAN, "ag-road-occupation", 0, None, "濮院镇：店外经营纳入道乱占专项整治。"),
    ("E0402", CHONGFU, "ag-road-occupation", 0, None, "崇福镇：占道经营纳入道乱占专项整治。"),
    ("E0403", CHONGFU, "ag-road-occupation", 0, None, "崇福镇：店外经营纳入道乱占专项整治。"),
    ("C0116", CHONGFU, "ag-wires", 0, None, "崇福镇古镇风貌区：架空线缆“上改下”由线乱拉专项行动组统筹。"),
    ("E0106", town_code("003"), "ag-illegal-building", 0, None,
     "龙翔街道（合成示例）：私搭乱建纳入房乱建专项整治。"),
    ("E0603", town_code("004"), "ag-planning", 0, None,
     "高桥街道：整治分为规划设计引领等四大块（种子文章），违法用地由规划引领专项行动组处置。"),
    # Grid scope: a market area with a faster clearance limit.
    ("E0101", MARKET_GRID, "sanitation", 5,
     [("STAGE_HANDLE", 4, "TIME_UNIT_WORKING_HOURS")],
     "濮院镇濮院社区第3网格（合成示例，设想为羊毛衫市场周边）：暴露垃圾4个工作小时内清运。"),
]


def build_rules(catalogue):
    codes = [c["code"] for c in catalogue["categories"]]
    missing = [c for c in codes if c not in CITY_RULES]
    unknown = [c for c in CITY_RULES if c not in codes]
    if missing or unknown:
        sys.exit("generate.py: CITY_RULES out of step with the catalogue: missing %s, unknown %s"
                 % (missing, unknown))
    rules = []

    def add(category, scope, department, priority=0, limits=None, note=""):
        r = {"id": "r-%04d" % (len(rules) + 1), "categoryCode": category,
             "scopeCode": scope, "departmentId": department}
        if limits:
            r["limitOverrides"] = [{"stage": s, "limit": {"amount": a, "unit": u}}
                                   for s, a, u in limits]
        if priority:
            r["priority"] = priority
        if note:
            r["note"] = note
        rules.append(r)

    for code in sorted(codes):
        add(code, CITY_CODE, CITY_RULES[code], note=CITY_NOTES.get(code, ""))
    for category, scope, department, priority, limits, note in OVERRIDES:
        add(category, scope, department, priority, limits, note)
    # ListRules order: category_code, scope_code, id.
    rules.sort(key=lambda r: (r["categoryCode"], r["scopeCode"], r["id"]))
    return {"rules": rules}


# ---------------------------------------------------------------------------
# Output.

def _inline(value, float_format):
    if isinstance(value, dict):
        return "{" + ", ".join(json.dumps(k, ensure_ascii=False) + ": " + _inline(v, float_format)
                               for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_inline(v, float_format) for v in value) + "]"
    if isinstance(value, float) and float_format:
        return float_format % value
    return json.dumps(value, ensure_ascii=False)


def dumps(value, indent=0, width=100, prefix=0, float_format=None):
    """JSON with small objects and arrays kept on one line.

    indent is the indentation of the line the value starts on; prefix counts
    the characters before the value on that line beyond indent (e.g. its key).
    float_format, e.g. "%.6f", formats every float.
    """
    one = _inline(value, float_format)
    if not isinstance(value, (dict, list)) or (indent > 0 and indent + prefix + len(one) <= width):
        return one
    pad = " " * (indent + 2)
    if isinstance(value, dict):
        items = []
        for k, v in value.items():
            key = json.dumps(k, ensure_ascii=False) + ": "
            items.append(pad + key + dumps(v, indent + 2, width, len(key), float_format))
        return "{\n" + ",\n".join(items) + "\n" + " " * indent + "}"
    items = [pad + dumps(v, indent + 2, width, 0, float_format) for v in value]
    return "[\n" + ",\n".join(items) + "\n" + " " * indent + "]"


# ---------------------------------------------------------------------------
# The grid member's duties (一员多责): the seed article's "50余项工作职责" of
# the six special action groups, plus the routine patrol duties every grid
# manager carries. (code, name, group id or "" for routine, categories,
# description)
DUTIES = [
    # 道乱占 — roads and pavements kept clear
    ("DLZ-01", "店外经营巡查", "ag-road-occupation", ["E0403"], "沿街店铺超出门窗、占用人行道经营"),
    ("DLZ-02", "占道经营巡查", "ag-road-occupation", ["E0402"], "流动摊点、早夜市占道经营"),
    ("DLZ-03", "无照游商劝离", "ag-road-occupation", ["E0401"], "无照经营游商的发现与劝离"),
    ("DLZ-04", "乱堆物料巡查", "ag-road-occupation", ["E0406"], "道路、人行道堆放物料杂物"),
    ("DLZ-05", "露天作业巡查", "ag-road-occupation", ["E0407"], "占道加工、维修、洗车等露天作业"),
    ("DLZ-06", "地桩地锁清理", "ag-road-occupation", ["E0409"], "私设地桩地锁、占用公共停车位"),
    ("DLZ-07", "沿街晾挂巡查", "ag-road-occupation", ["E0115"], "临街晾晒、悬挂衣物"),
    ("DLZ-08", "施工占道巡查", "ag-road-occupation", ["E0304", "E0308"], "施工围挡、占道施工许可核对"),
    ("DLZ-09", "户外广告占道巡查", "ag-road-occupation", ["E0203", "E0206"], "占道广告牌、流动广告车"),
    # 车乱开 — traffic and parking order
    ("CLK-01", "机动车乱停放巡查", "ag-traffic", ["E0404"], "人行道、消防通道机动车违停"),
    ("CLK-02", "非机动车停放整治", "ag-traffic", ["E0405"], "非机动车乱停放与停放点秩序"),
    ("CLK-03", "非机动车违规行驶劝导", "ag-traffic", ["E0411"], "逆行、闯红灯、机动车道骑行劝导"),
    ("CLK-04", "非法营运拉客巡查", "ag-traffic", ["E0410"], "站点周边非法营运、拉客"),
    ("CLK-05", "废弃车辆排查", "ag-traffic", ["E0412"], "僵尸车、废弃非机动车登记清理"),
    ("CLK-06", "交通设施完好巡查", "ag-traffic", ["C0203", "C0204", "C0205", "C0215"], "标志牌、信号灯、护栏、标线损坏"),
    ("CLK-07", "公交站亭站牌巡查", "ag-traffic", ["C0201", "C0202"], "公交站亭、站牌破损与卫生"),
    ("CLK-08", "停车设施巡查", "ag-traffic", ["C0213", "C0214"], "停车设施与公共自行车租赁点"),
    ("CLK-09", "渣土车辆运输巡查", "ag-traffic", ["E0305", "E0303"], "渣土车违规运输、道路遗撒"),
    # 房乱建 — illegal building (三改一拆)
    ("FLJ-01", "违章建筑发现上报", "ag-illegal-building", ["E0106"], "新增违建的第一时间发现与上报"),
    ("FLJ-02", "在建违建制止", "ag-illegal-building", ["E0106"], "在建违法建筑的劝阻与跟踪"),
    ("FLJ-03", "拆后土地利用巡查", "ag-illegal-building", ["C0507"], "拆违后空地复绿、防止回潮"),
    ("FLJ-04", "违章接坡巡查", "ag-illegal-building", ["E0107"], "私自接坡、占用绿化带"),
    ("FLJ-05", "防盗窗雨棚巡查", "ag-illegal-building", ["C0503"], "违规加装防盗窗、雨棚"),
    ("FLJ-06", "危险房屋排查", "ag-illegal-building", ["C0501", "E0511"], "危旧房屋隐患排查"),
    ("FLJ-07", "建筑外立面巡查", "ag-illegal-building", ["C0502", "C0504"], "外立面破损、空调外机安装"),
    ("FLJ-08", "围墙门牌巡查", "ag-illegal-building", ["C0505", "C0506"], "围墙破损、门牌缺失"),
    ("FLJ-09", "农村建房巡查", "ag-illegal-building", ["E0106"], "农房建设批后监管、超面积超高度"),
    # 线乱拉 — overhead lines (上改下)
    ("XLL-01", "架空线缆巡查", "ag-wires", ["C0116"], "飞线、乱拉线缆、线缆下垂"),
    ("XLL-02", "乱拉乱挂巡查", "ag-wires", ["E0408"], "乱拉电线、乱挂横幅标语"),
    ("XLL-03", "电力杆线巡查", "ag-wires", ["C0113", "E0508"], "电杆倾斜、电力线路断落"),
    ("XLL-04", "通信线缆巡查", "ag-wires", ["C0106", "E0510"], "通信线缆断落、通信井盖"),
    ("XLL-05", "上改下施工巡查", "ag-wires", ["E0307", "E0304"], "管线上改下施工的占道与恢复"),
    ("XLL-06", "变压器箱巡查", "ag-wires", ["C0112"], "变压器箱破损、围护缺失"),
    ("XLL-07", "路灯景观灯巡查", "ag-wires", ["C0109", "C0110", "C0111"], "路灯、地灯、景观灯不亮或破损"),
    ("XLL-08", "违规横幅巡查", "ag-wires", ["E0205", "E0202"], "违规横幅、张贴悬挂"),
    # 低小散 — small polluting workshops
    ("DXS-01", "低小散作坊排查", "ag-small-enterprises", [], "家庭作坊、低小散企业摸排登记"),
    ("DXS-02", "违法排污巡查", "ag-small-enterprises", ["E0117"], "违法排放污水、偷排"),
    ("DXS-03", "餐饮油烟巡查", "ag-small-enterprises", ["E0110", "E0109"], "餐饮油烟、露天烧烤"),
    ("DXS-04", "焚烧垃圾树叶巡查", "ag-small-enterprises", ["E0108"], "露天焚烧垃圾、秸秆、树叶"),
    ("DXS-05", "工地扬尘巡查", "ag-small-enterprises", ["E0302", "E0306"], "工地扬尘、施工废弃料"),
    ("DXS-06", "噪声扰民巡查", "ag-small-enterprises", ["E0301", "E0413"], "施工扰民、社会生活噪声"),
    ("DXS-07", "消防安全隐患排查", "ag-small-enterprises", ["C0605", "C0108"], "三合一场所、消防设施"),
    ("DXS-08", "整治回潮复查", "ag-small-enterprises", [], "已关停作坊复查、防止回潮"),
    ("DXS-09", "燃气安全巡查", "ag-small-enterprises", ["C0107", "E0503"], "燃气管道、井盖与瓶装燃气安全"),
    # 规划引领 — plans and projects
    ("GHY-01", "整治项目进度巡查", "ag-planning", [], "小城镇环境综合整治项目进度跟踪"),
    ("GHY-02", "闲置地块巡查", "ag-planning", ["C0507"], "闲置地块围挡、垃圾与复绿"),
    ("GHY-03", "绿地养护巡查", "ag-planning", ["E0116", "E0105", "C0405"], "绿地养护、绿地脏乱"),
    ("GHY-04", "行道树古树巡查", "ag-planning", ["C0401", "C0402", "C0403", "E0509"], "古树名木、行道树与护树设施"),
    ("GHY-05", "公园游园设施巡查", "ag-planning", ["C0408", "C0601", "C0406"], "公园设施、健身设施、城市雕塑"),
    ("GHY-06", "河道水域巡查", "ag-planning", ["E0104", "C0602", "C0603", "C0607"], "水域不洁、护栏驳岸、河埠码头"),
    ("GHY-07", "户外广告规划巡查", "ag-planning", ["E0204", "C0306", "C0308"], "违规户外广告、店招牌匾"),
    ("GHY-08", "宣传栏报刊亭巡查", "ag-planning", ["C0309", "C0307"], "宣传栏、报刊亭破损与内容"),
    # Routine (日常巡查): every grid manager, every grid
    ("RC-01", "日常环境卫生巡查", "", ["E0101", "E0102", "E0103", "E0111", "E0112"], "暴露垃圾、道路不洁、垃圾满溢"),
    ("RC-02", "垃圾分类督导", "", ["C0305", "C0302", "C0303"], "分类投放点、垃圾箱、垃圾房"),
    ("RC-03", "小广告清理", "", ["E0201", "E0207", "E0114"], "非法小广告、散发广告、乱涂写"),
    ("RC-04", "公用设施巡查", "", ["C0101", "C0102", "C0103", "C0104", "E0507"], "井盖、雨水箅子缺失破损"),
    ("RC-05", "道路设施巡查", "", ["C0207", "C0208", "C0209", "C0210", "E0501"], "道路、人行道、盲道、路面塌陷"),
    ("RC-06", "防汛排涝巡查", "", ["C0604", "E0504", "E0505"], "防汛设施、下水道堵塞、道路积水"),
    ("RC-07", "公共厕所巡查", "", ["C0301"], "公厕卫生与设施"),
    ("RC-08", "动物尸体清理", "", ["E0113"], "道路、水域动物尸体"),
    ("RC-09", "综治信息采集", "", [], "人口、房屋、单位等网格基础信息采集更新"),
    ("RC-10", "矛盾纠纷排查", "", [], "邻里纠纷、信访苗头的发现与上报"),
    ("RC-11", "安全隐患排查", "", ["C0606", "C0602"], "无障碍设施、水域护栏等安全隐患"),
    ("RC-12", "群众诉求回访", "", [], "已结案件回访、群众满意度了解"),
]

# Routine duties every grid manager carries in every grid; the other
# duties are shared out among the member's grids.
ROUTINE_EVERYWHERE = ["RC-01", "RC-02", "RC-03", "RC-04", "RC-05", "RC-09"]


def build_duties(catalogue):
    codes = {c["code"] for c in catalogue["categories"]}
    duties = []
    for code, name, group, categories, description in DUTIES:
        missing = [c for c in categories if c not in codes]
        if missing:
            raise SystemExit("duty %s: categories not in the catalogue: %s" % (code, missing))
        d = {"code": code, "name": name}
        if group:
            d["groupId"] = group
        d["description"] = description
        if categories:
            d["categoryCodes"] = categories
        d["active"] = True
        duties.append(d)
    return {"duties": sorted(duties, key=lambda d: d["code"])}


def grid_duties(grid_codes):
    """The duties of a grid manager in each of their grids: the everyday
    routine ones everywhere, every other duty in one of the member's grids
    (so a member of six grids carries all 64 duties, about 16 per grid)."""
    others = [d[0] for d in DUTIES if d[0] not in ROUTINE_EVERYWHERE]
    grids = sorted(grid_codes)
    out = []
    for i, grid in enumerate(grids):
        mine = [code for j, code in enumerate(others) if j % len(grids) == i]
        out.append({"gridCode": grid, "dutyCodes": ROUTINE_EVERYWHERE + mine})
    return out


def generate(catalogue_path, out_dir):
    """Writes the five files into out_dir; returns their paths."""
    with open(catalogue_path, encoding="utf-8") as f:
        catalogue = json.load(f)
    grids = build_grids()
    outputs = {
        "grids.geojson": dumps(grids, width=160, float_format="%.6f"),
        "departments.json": dumps(build_departments(), width=120),
        "duties.json": dumps(build_duties(catalogue), width=120),
        "members.json": dumps(build_members(grids), width=120),
        "rules.json": dumps(build_rules(catalogue), width=120),
    }
    out_dir = pathlib.Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in outputs.items():
        path = out_dir / name
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(text + "\n")
        paths.append(path)
    return paths


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--catalogue", default=str(DEFAULT_CATALOGUE),
                        help="category catalogue JSON (default: %(default)s)")
    parser.add_argument("--out", default=str(DEFAULT_OUT),
                        help="output directory (default: %(default)s)")
    args = parser.parse_args()
    for path in generate(args.catalogue, args.out):
        print("wrote", path)


if __name__ == "__main__":
    main()
