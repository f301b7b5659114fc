#!/usr/bin/python3
"""Generates the SYNTHETIC Tongxiang (桐乡市, 330483) sample registry.

Writes, into tools/sample-data/tongxiang/ (or --out):
  grids.geojson     ImportGrids FeatureCollection: city, 12 towns, 36
                    communities, 216 grids (synthetic rectangles near the real
                    town locations).
  departments.json  ListDepartmentsResponse JSON.
  members.json      ListMembersResponse JSON.
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


def generate(catalogue_path, out_dir):
    """Writes the four files into out_dir; returns their paths."""
    with open(catalogue_path, encoding="utf-8") as f:
        catalogue = json.load(f)
    grids = build_grids()
    outputs = {
        "grids.geojson": dumps(grids, width=160, float_format="%.6f"),
        "departments.json": dumps(build_departments(), width=120),
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
