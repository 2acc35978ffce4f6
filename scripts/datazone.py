"""The local data zone (数据专区): a deterministic stand-in for 50,000+ enterprises' public records.

Enterprise `i` of seed `s` is made by its own `random.Random`, so a smaller data set is the first
part of a larger one and one enterprise can be made again without the rest (tests pick theirs by
index). Sizes follow the 2011 size standard's groups (every indicator of a size class inside that
class's bounds), industries lean on each district's economy, and a realistic share holds patents,
trademarks, pledges, real estate and procurement contracts.

    python -m scripts.datazone build [--size N] [--seed S] [--out PATH]   # the local file (SQLite)
    python -m scripts.datazone load --table NAME [--size N] [--seed S]   # DATAZONE#<uscc> items (AWS)

The file is a build product (build/datazone/, never committed): `make run` and the tests build it
on first use in a few seconds and reuse it afterwards.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import sys
import time
import zlib
from datetime import date, timedelta
from pathlib import Path

DEFAULT_SEED = 2022
DEFAULT_SIZE = 50_000
FORMAT = 1                    # bump when the records' shape changes: an older file is rebuilt
AS_OF = {"registration": "2026-11-01", "tax": "2026-05-31", "social_insurance": "2026-10-31",
         "real_estate": "2026-11-01", "patents": "2026-11-01", "trademarks": "2026-11-01",
         "ip_pledges": "2026-11-01", "procurement_contracts": "2026-10-31"}
TAX_YEAR = 2025
REFERENCE_DAY = date(2026, 11, 1)

_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

# district: (administrative division code, name, weight of registrations, industry mix)
DISTRICTS = {
    "haidian": ("110108", "海淀", 16, {"software": 30, "information": 12, "research": 14, "business": 12,
                                      "retail": 8, "catering": 6, "wholesale": 8, "industry": 5, "construction": 5}),
    "chaoyang": ("110105", "朝阳", 18, {"business": 22, "wholesale": 14, "retail": 14, "catering": 12,
                                       "software": 12, "information": 5, "accommodation": 5, "construction": 8,
                                       "research": 8}),
    "dongcheng": ("110101", "东城", 5, {"business": 25, "retail": 20, "catering": 20, "accommodation": 15,
                                       "software": 10, "wholesale": 10}),
    "xicheng": ("110102", "西城", 6, {"business": 30, "retail": 15, "catering": 15, "software": 15,
                                     "information": 10, "wholesale": 15}),
    "fengtai": ("110106", "丰台", 9, {"wholesale": 20, "construction": 18, "warehousing": 10, "transport": 12,
                                     "retail": 12, "business": 14, "software": 8, "industry": 6}),
    "shijingshan": ("110107", "石景山", 3, {"business": 25, "software": 20, "retail": 20, "catering": 15,
                                          "construction": 20}),
    "mentougou": ("110109", "门头沟", 2, {"accommodation": 20, "catering": 25, "retail": 25, "construction": 15,
                                        "industry": 15}),
    "fangshan": ("110111", "房山", 4, {"industry": 35, "construction": 20, "warehousing": 10, "retail": 15,
                                      "transport": 10, "catering": 10}),
    "tongzhou": ("110112", "通州", 8, {"business": 20, "industry": 15, "construction": 15, "wholesale": 15,
                                      "warehousing": 10, "retail": 15, "software": 10}),
    "shunyi": ("110113", "顺义", 6, {"industry": 30, "transport": 15, "warehousing": 15, "wholesale": 15,
                                    "retail": 15, "catering": 10}),
    "changping": ("110114", "昌平", 8, {"research": 15, "software": 15, "industry": 25, "construction": 15,
                                       "retail": 15, "catering": 15}),
    "daxing": ("110115", "大兴", 8, {"industry": 30, "warehousing": 15, "transport": 15, "wholesale": 15,
                                    "research": 10, "retail": 15}),
    "huairou": ("110116", "怀柔", 2, {"research": 20, "industry": 25, "accommodation": 20, "catering": 20,
                                     "retail": 15}),
    "pinggu": ("110117", "平谷", 2, {"industry": 25, "wholesale": 20, "retail": 25, "catering": 15,
                                    "warehousing": 15}),
    "miyun": ("110118", "密云", 2, {"accommodation": 25, "catering": 25, "retail": 25, "industry": 25}),
    "yanqing": ("110119", "延庆", 1, {"accommodation": 30, "catering": 25, "retail": 25, "construction": 20}),
}

# group: (GB/T 4754-2017 classes, name word, size indicators with bounds small / medium / large
# (staff in persons, money in 万元), chance of patents, trademarks, real estate, procurement contracts)
GROUPS = {
    "software": (("6511", "6513", "6520", "6531", "6540", "6550"), "软件科技",
                 {"staff": (10, 100, 300), "revenue": (50, 1000, 10000)}, 0.35, 0.25, 0.05, 0.12),
    "information": (("6311", "6312", "6421", "6422", "6432"), "信息技术",
                    {"staff": (10, 100, 2000), "revenue": (100, 1000, 100000)}, 0.25, 0.25, 0.05, 0.08),
    "research": (("7320", "7340", "7512", "7514", "7517"), "生物技术",
                 {"staff": (10, 100, 300)}, 0.45, 0.15, 0.10, 0.06),
    "business": (("7211", "7224", "7241", "7251", "7281"), "商务咨询",
                 {"staff": (10, 100, 300), "assets": (100, 8000, 120000)}, 0.03, 0.20, 0.08, 0.08),
    "wholesale": (("5131", "5147", "5173", "5191"), "商贸",
                  {"staff": (5, 20, 200), "revenue": (1000, 5000, 40000)}, 0.02, 0.30, 0.10, 0.04),
    "retail": (("5211", "5221", "5251", "5271"), "商店",
               {"staff": (10, 50, 300), "revenue": (100, 500, 20000)}, 0.01, 0.35, 0.12, 0.01),
    "catering": (("6210", "6220", "6231", "6241"), "餐饮管理",
                 {"staff": (10, 100, 300), "revenue": (100, 2000, 10000)}, 0.01, 0.35, 0.08, 0.01),
    "accommodation": (("6110", "6121"), "酒店管理",
                      {"staff": (10, 100, 300), "revenue": (100, 2000, 10000)}, 0.01, 0.25, 0.30, 0.01),
    "industry": (("1391", "2710", "3311", "3471", "3562", "3914", "3982", "4011"), "制造",
                 {"staff": (20, 300, 1000), "revenue": (300, 2000, 40000)}, 0.30, 0.20, 0.30, 0.06),
    "construction": (("4710", "4813", "4910", "5011"), "建筑工程",
                     {"revenue": (300, 6000, 80000), "assets": (300, 5000, 80000)}, 0.05, 0.05, 0.20, 0.15),
    "transport": (("5431", "5437", "5439"), "运输",
                  {"staff": (20, 300, 1000), "revenue": (200, 3000, 30000)}, 0.01, 0.05, 0.15, 0.03),
    "warehousing": (("5910", "5920", "5990"), "仓储物流",
                    {"staff": (20, 100, 200), "revenue": (100, 1000, 30000)}, 0.02, 0.05, 0.30, 0.02),
}
SIZES = (("micro", 72), ("small", 20), ("medium", 7), ("large", 1))
BRANDS = "华创泽瑞博远恒信安达鼎盛锦程启明云智天弘中科睿新源海润汇通嘉禾永顺立德卓越光合星辰和美"
PATENT_SUBJECTS = ("数据同步方法", "图像识别装置", "电池管理系统", "检测方法及设备", "传动机构", "过滤组件",
                   "调度方法", "加密通信方法", "包装结构", "冷却装置", "传感器封装结构", "物料输送系统")
UNITS = ("北京市海淀区教育委员会", "北京市朝阳区卫生健康委员会", "北京市交通委员会", "北京市公安局",
         "北京市东城区城市管理委员会", "北京市规划和自然资源委员会", "北京市第一中级人民法院", "首都医科大学")
BANKS = ("ICBC-BJ", "BOB-BJ", "BOC-BJ", "CCB-BJ", "ABC-BJ")
CREDIT_GRADES = (("A", 35), ("B", 45), ("M", 8), ("C", 9), ("D", 3))


def _check(alphabet: str, weights, body: str, modulus: int) -> int:
    return sum(alphabet.index(c) * w for c, w in zip(body, weights)) % modulus


def uscc_of(index: int, district: str) -> str:
    """A valid USCC (GB 32100-2015, its organization code GB 11714 valid too) that no test builder
    makes: organization codes MA1nnnnn (tests' own enterprises use digits only)."""
    org = f"MA1{index:05d}"
    remainder = 11 - _check(_ORG_ALPHABET, _ORG_WEIGHTS, org, 11)
    org_check = {10: "X", 11: "0"}.get(remainder, str(remainder))
    body = f"91{DISTRICTS[district][0]}{org}{org_check}"
    return body + _USCC_ALPHABET[(31 - _check(_USCC_ALPHABET, _USCC_WEIGHTS, body, 31)) % 31]


def _weighted(rng: random.Random, pairs) -> str:
    names, weights = zip(*pairs)
    return rng.choices(names, weights)[0]


def _district(rng: random.Random) -> str:
    return _weighted(rng, ((d, spec[2]) for d, spec in DISTRICTS.items()))


def _in_class(rng: random.Random, bounds: tuple, size: str) -> float:
    """A value inside `size`'s interval of one indicator (micro below small; large up to 3×)."""
    small, medium, large = bounds
    low, high = {"micro": (max(small / 8, 1), small), "small": (small, medium),
                 "medium": (medium, large), "large": (large, large * 3)}[size]
    return rng.uniform(low, high - (high - low) * 0.001)


def _indicators(rng: random.Random, group: str, size: str) -> tuple[int, int, int]:
    """(staff, revenue yuan, assets yuan) with every indicator of the group in `size`'s class."""
    bounds = GROUPS[group][2]
    staff = int(_in_class(rng, bounds["staff"], size)) if "staff" in bounds else None
    revenue = _in_class(rng, bounds["revenue"], size) if "revenue" in bounds else None
    assets = _in_class(rng, bounds["assets"], size) if "assets" in bounds else None
    if revenue is None:
        revenue = (staff or 10) * rng.uniform(15, 60) if assets is None else assets * rng.uniform(0.4, 1.5)
    if assets is None:
        assets = revenue * rng.uniform(0.3, 1.4)
    if staff is None:
        staff = max(3, int(revenue / rng.uniform(40, 120)))
    return max(staff, 1), round(revenue * 10_000, -3), round(assets * 10_000, -3)


def patent_number(year: int, kind: int, serial: int) -> str:
    application = f"{year:04d}{kind}{serial:07d}"
    total = sum(int(d) * w for d, w in zip(application, (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)))
    return f"ZL{application}.{'X' if total % 11 == 10 else total % 11}"


def _day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def _patents(rng: random.Random, name: str) -> list[dict]:
    out = []
    for _ in range(min(1 + int(rng.expovariate(0.45)), 12)):
        kind = _weighted(rng, ((1, 45), (2, 45), (3, 10)))
        filed = _day(rng, date(2010, 1, 1), date(2025, 6, 30))
        years = {1: 20, 2: 10, 3: 15 if filed.year >= 2021 else 10}[kind]
        out.append({"number": patent_number(filed.year, kind, rng.randrange(10**7)),
                    "title": f"一种{rng.choice(PATENT_SUBJECTS)}",
                    "type": {1: "invention", 2: "utility_model", 3: "design"}[kind],
                    "owner": name, "filed_on": filed.isoformat(),
                    "valid_until": f"{filed.year + years:04d}{filed.isoformat()[4:8]}{min(filed.day, 28):02d}"})
    return out


def enterprise(index: int, seed: int = DEFAULT_SEED) -> dict:
    """Enterprise `index` of the data set made from `seed`: its records, each section with its
    source and as_of (the same every time)."""
    rng = random.Random(seed * 1_000_003 + index)
    district = _district(rng)
    code, district_zh, _, mix = DISTRICTS[district]
    group = _weighted(rng, mix.items())
    classes, word, _, p_patent, p_trademark, p_estate, p_contract = GROUPS[group]
    size = _weighted(rng, SIZES)
    staff, revenue, assets = _indicators(rng, group, size)
    uscc = uscc_of(index, district)
    name = f"北京{rng.choice(BRANDS)}{rng.choice(BRANDS)}{word}有限公司"
    established = _day(rng, date(1998, 1, 1), date(2024, 12, 31))

    def section(name_: str, **fields) -> dict:
        return {**fields, "source": name_, "as_of": AS_OF[name_]}

    patents = _patents(rng, name) if rng.random() < p_patent else []
    pledges = []
    for patent in patents:
        if rng.random() < 0.12 and patent["valid_until"] > REFERENCE_DAY.isoformat():
            pledges.append({"patent_number": patent["number"], "pledgee": rng.choice(BANKS),
                            "registered_on": _day(rng, date(2021, 1, 1), date(2026, 9, 30)).isoformat(),
                            "amount": round(rng.uniform(50, 800)) * 10_000})
    trademarks = [{"registration_number": f"{rng.randrange(10**7, 10**8)}", "owner": name,
                   "class": rng.choice((9, 35, 42, 43, 30, 25, 37, 41)),
                   "valid_until": _day(rng, date(2027, 1, 1), date(2035, 12, 31)).isoformat()}
                  for _ in range(rng.randint(1, 4))] if rng.random() < p_trademark else []
    estates = [{"certificate_number": f"京({rng.randint(2010, 2025)}){district_zh}区不动产权第{rng.randrange(10**7):07d}号",
                "address": f"北京市{district_zh}区{rng.choice('东西南北中')}{rng.randint(1, 9)}路{rng.randint(1, 300)}号",
                "area_sqm": round(rng.uniform(60, 5000), 1), "use": rng.choice(("office", "industrial", "commercial"))}
               for _ in range(rng.randint(1, 2))] if rng.random() < p_estate else []
    contracts = []
    if rng.random() < p_contract:
        for n in range(rng.randint(1, 3)):
            signed = _day(rng, date(2024, 1, 1), date(2026, 10, 15))
            amount = round(rng.uniform(20, 800)) * 10_000
            unit = rng.randrange(len(UNITS))
            contracts.append({"contract_number": f"BJCG-{signed.year}-{index:05d}{n}",
                              "purchasing_unit": {"id": f"PU-110000-{unit + 1:04d}", "name": UNITS[unit]},
                              "contract_amount": amount, "signed_on": signed.isoformat(),
                              "notice_url": f"https://www.ccgp-beijing.gov.cn/xxgg/htgg/t{signed:%Y%m%d}_{index:07d}.html"})
    return {
        "uscc": uscc,
        "registration": section("registration", name=name, established=established.isoformat(), district=district,
                                industry_code=rng.choice(classes),
                                registered_capital=round(max(assets * rng.uniform(0.1, 0.6), 100_000), -4)),
        "tax": section("tax", year=TAX_YEAR, annual_revenue=revenue, total_assets=assets,
                       credit_grade="M" if established.year >= 2024 else _weighted(rng, CREDIT_GRADES)),
        "social_insurance": section("social_insurance", insured_staff=staff,
                                    new_hires_last_year=int(staff * rng.uniform(0, 0.3))),
        "real_estate": section("real_estate", items=estates),
        "patents": section("patents", items=patents),
        "trademarks": section("trademarks", items=trademarks),
        "ip_pledges": section("ip_pledges", items=pledges),
        "procurement_contracts": section("procurement_contracts", items=contracts),
    }


def enterprises(size: int = DEFAULT_SIZE, seed: int = DEFAULT_SEED):
    return (enterprise(i, seed) for i in range(size))


def find(predicate, seed: int = DEFAULT_SEED, limit: int = DEFAULT_SIZE) -> dict:
    """The first enterprise of the data set for which `predicate(records)` holds (tests, walkthrough)."""
    for i in range(limit):
        records = enterprise(i, seed)
        if predicate(records):
            return records
    raise LookupError("no enterprise in the data set matches")


# ---- the local file ---------------------------------------------------------------------------
def default_path(size: int = DEFAULT_SIZE, seed: int = DEFAULT_SEED) -> Path:
    return Path(__file__).resolve().parent.parent / "build" / "datazone" / f"enterprises-{seed}-{size}-v{FORMAT}.sqlite"


def build(path: Path | str, size: int = DEFAULT_SIZE, seed: int = DEFAULT_SEED) -> Path:
    """Write the data set to `path` (SQLite, keyed by USCC): built beside it and renamed into
    place, so a concurrent builder or reader never sees half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    partial.unlink(missing_ok=True)
    db = sqlite3.connect(partial)
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    db.execute("CREATE TABLE records (uscc TEXT PRIMARY KEY, doc BLOB NOT NULL)")   # zlib'd JSON
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    db.executemany("INSERT INTO records VALUES (?, ?)",
                   ((r["uscc"], zlib.compress(json.dumps(r, ensure_ascii=False, separators=(",", ":")).encode()))
                    for r in enterprises(size, seed)))
    db.executemany("INSERT INTO meta VALUES (?, ?)", (("seed", str(seed)), ("size", str(size)),
                                                      ("format", str(FORMAT))))
    db.commit()
    db.close()
    os.replace(partial, path)
    return path


def ensure(path: Path | str, size: int = DEFAULT_SIZE, seed: int = DEFAULT_SEED) -> Path:
    """The file at `path`, built first if it is missing."""
    path = Path(path)
    if not path.exists():
        build(path, size, seed)
    return path


# ---- the deployed table -------------------------------------------------------------------------
def load(client, table: str, records, batch: int = 25) -> int:
    """Put every record as a `DATAZONE#<uscc>` item (BatchWriteItem, unprocessed items retried)."""
    from chalicelib.adapters.datazone import dynamo_item
    written, chunk = 0, []
    for records_doc in records:
        chunk.append({"PutRequest": {"Item": dynamo_item(records_doc)}})
        if len(chunk) == batch:
            written += _write(client, table, chunk)
            chunk = []
    if chunk:
        written += _write(client, table, chunk)
    return written


def _write(client, table: str, requests: list) -> int:
    pending, delay = {table: requests}, 0.05
    while pending:
        pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
        if pending:
            time.sleep(delay)
            delay = min(delay * 2, 2.0)
    return len(requests)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.datazone", description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("build", "load"))
    parser.add_argument("--size", type=int, default=DEFAULT_SIZE)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", help="build: where to write the file (default build/datazone/...)")
    parser.add_argument("--table", help="load: the DynamoDB table (e.g. gc-prod-main)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    if args.command == "build":
        path = build(args.out or default_path(args.size, args.seed), args.size, args.seed)
        print(f"{args.size} enterprises → {path} in {time.perf_counter() - started:.1f} s")
        return 0
    if not args.table:
        parser.error("load needs --table")
    import boto3
    written = load(boto3.client("dynamodb"), args.table, enterprises(args.size, args.seed))
    print(f"{written} DATAZONE# items → {args.table} in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
