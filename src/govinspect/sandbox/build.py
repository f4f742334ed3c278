"""Generation of the province: which sites exist, their identity, templates and columns.

Only the skeleton is built here (sites and column sizes); items, the URL index and the defect
plan of a site are derived lazily on first use, so 1,000 sites build in well under a second.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
from typing import cast

from govinspect.sandbox import names
from govinspect.sandbox.defects import ROLE_TABLE
from govinspect.sandbox.external import build_external_hosts
from govinspect.sandbox.freshness import FIRST_LEVEL_KEY, NESTED_POLICY, plan_freshness, scenario_for
from govinspect.sandbox.pagesplan import pages_scenario_for, plan_pages
from govinspect.sandbox.model import (
    DEFAULT_AS_OF,
    DEFAULT_SLOW_SECONDS,
    Column,
    Footer,
    Mode,
    Province,
    SimSite,
)
from govinspect.sandbox.sitescenarios import apply_scenario
from govinspect.sandbox.templates import EXPORTABLE, family
from govinspect.sandbox.templates.base import Family

ENCODINGS = {  # style → (bytes encoding, <meta> charset, Content-Type charset)
    "gbk": ("gbk", "gb2312", None),
    "utf-8": ("utf-8", "utf-8", "utf-8"),
    "misdeclared": ("utf-8", "gb2312", None),
    "gbk_none": ("gbk", None, None),
}
BIG_ITEMS_PER_LEAF = 350
ROADS = ["人民", "解放", "建设", "中山", "府前", "文化", "新华", "振兴", "和平", "朝阳"]


def build_province(
    seed: int = 1,
    n_sites: int = 12,
    *,
    pages_per_site: int | None = None,
    big_site_pages: int | None = None,
    as_of: dt.date = DEFAULT_AS_OF,
    slow_timeout_seconds: float = DEFAULT_SLOW_SECONDS,
    public_port: int | None = None,
    mode: Mode = "live",
    external_port: int = 8182,
    tampered: bool = False,
) -> Province:
    """Build the simulated province deterministically from (seed, n_sites, options).

    pages_per_site: approximate number of pages of every ordinary site (default: 45–85 each).
    big_site_pages: make site 0 at least this large (many columns × list pages × articles).
    as_of: the date the content is fresh against (every item is dated before it).
    slow_timeout_seconds: delay of the slow pages.
    public_port: the port absolute URLs carry (None/80: none, the usual --resolve setup).
    mode: "live" (the aiohttp server, every behaviour) or "static" (an nginx-servable copy:
        path-only templates, no server tricks, outside links on 127.0.0.2/127.0.0.3 only).
    tampered: the homepages of the `tamper` sites load an outside script (the second capture
        of a tampering test, see sandbox/integrity.py).
    """
    if n_sites < 1:
        raise ValueError("n_sites must be at least 1")
    if mode not in ("live", "static"):
        raise ValueError(f"unknown mode {mode!r}")
    externals, dead = build_external_hosts(mode, external_port)
    prov = Province(
        seed=seed,
        sites=[],
        external_hosts=externals,
        as_of=as_of,
        slow_timeout_seconds=slow_timeout_seconds,
        public_port=public_port,
        mode=mode,
        external_port=external_port,
        dead_hosts=dead,
        options={
            "n_sites": n_sites, "pages_per_site": pages_per_site, "big_site_pages": big_site_pages,
            "as_of": as_of.isoformat(), "slow_timeout_seconds": slow_timeout_seconds,
            "public_port": public_port, "mode": mode, "external_port": external_port, "tampered": tampered,
        },
    )
    rng = random.Random(f"{seed}:province")
    serials: dict[str, int] = {}
    for i, (area, dept) in enumerate(_slots(names.areas(rng), n_sites, seed)):
        big = big_site_pages if i == 0 else None
        prov.sites.append(_site(prov, i, area, dept, serials, pages_per_site, big))
    return prov


def _slots(areas: list[names.Area], n: int, seed: int) -> list[tuple[names.Area, names.Department | None]]:
    """(area, department or None for the portal) for each site, in province order: every area's
    portal followed by a few of its departments, then further departments in later passes."""
    depts = names.departments()
    orders: dict[str, list[names.Department]] = {}
    out: list[tuple[names.Area, names.Department | None]] = []
    for p in range(len(depts)):
        for area in areas:
            if area.pinyin not in orders:
                order = depts[:]
                random.Random(f"{seed}:{area.pinyin}:depts").shuffle(order)
                orders[area.pinyin] = order
            k = 4 if area.level == "city" else 2
            if p == 0:
                out.append((area, None))
            out.extend((area, d) for d in orders[area.pinyin][p * k : (p + 1) * k])
            if len(out) >= n:
                return out[:n]
    if len(out) < n:
        raise ValueError(f"the province has room for {len(out)} sites, not {n}")
    return out[:n]


@functools.lru_cache(maxsize=1)
def _town_pool() -> tuple[str, ...]:
    return tuple(n for n, _ in names.two_char_names(random.Random("towns")))


def _site(
    prov: Province,
    i: int,
    area: names.Area,
    dept: names.Department | None,
    serials: dict[str, int],
    pages_per_site: int | None,
    big_pages: int | None,
) -> SimSite:
    rng = random.Random(f"{prov.seed}:{i}:site")
    if prov.mode == "static":
        template = EXPORTABLE[i % len(EXPORTABLE)]
        enc_style, roles = ("gbk" if template == "trs" else "utf-8"), cast(tuple[str, ...], ())
    else:
        template, enc_style, roles = ROLE_TABLE[i % len(ROLE_TABLE)]
    fam = family(template)
    encoding, declared, header = ENCODINGS[enc_style]
    portal = dept is None
    serials[area.code] = serials.get(area.code, 0) + 1
    d = names.data()
    icp_prefix = rng.choice(d["province"]["icp_prefixes"])
    if portal:
        host, name, organiser = f"www.{area.pinyin}.gov.cn", f"{area.name}人民政府", f"{area.name}人民政府办公室"
        aliases: tuple[str, ...] = (f"{area.pinyin}.gov.cn",) if prov.mode == "live" else ()
        undertaker = f"{area.name}大数据发展中心"
    else:
        assert dept is not None
        host, name, organiser = f"{dept.prefix}.{area.pinyin}.gov.cn", f"{area.name}{dept.name}", f"{area.name}{dept.name}"
        aliases = ()
        undertaker = f"{organiser}办公室"
    psb_code = f"{area.code}{rng.randint(10**7, 10**8 - 1)}"
    footer = Footer(
        organiser=organiser,
        undertaker=undertaker,
        address=f"{area.name}{rng.choice(ROADS)}路{rng.randint(1, 300)}号",
        phone=f"0{rng.randint(570, 579)}-{rng.randint(2000_0000, 8999_9999)}",
        email=f"bgs@{host.removeprefix('www.')}",
        icp=f"{icp_prefix}ICP备{rng.randint(10**7, 10**8 - 1)}号-{rng.randint(1, 3)}",
        psb=f"{icp_prefix}公网安备 {psb_code}号",
        psb_code=psb_code,
        conac_id=f"{rng.getrandbits(128):032X}",
    )
    big = big_pages is not None
    n_towns = max(8, big_pages // BIG_ITEMS_PER_LEAF) if big_pages is not None else 8
    pool = _town_pool()
    towns = tuple(n + rng.choice(d["town_suffixes"]) for n in rng.sample(pool, min(n_towns, len(pool))))
    page_size = 20 if big else fam.page_size
    scenario = scenario_for(i, big, prov.mode)
    pages_scenario = pages_scenario_for(i, big, prov.mode)
    columns = _columns(rng, fam, portal, big_pages, towns, scenario, interaction=pages_scenario != "no_channel")
    site = SimSite(
        province=prov,
        index=i,
        host=host,
        aliases=aliases,
        name=name,
        site_code=f"{area.code}{serials[area.code]:04d}",
        organiser=organiser,
        region=f"模拟省{area.name}" if area.level == "city" else f"模拟省{area.city}{area.name}",
        portal=portal,
        template=template,
        encoding=encoding,
        declared_charset=declared,
        header_charset=header,
        columns=columns,
        roles=roles,
        footer=footer,
        link_style="root" if "repeating_path" in roles else fam.link_style,
        page_size=page_size,
        body_chars=(6000, 8000) if big else (700, 1300),
        related_count=16 if big else 4,
        home_block_size=8 if big else 6,
        big=big,
        area_name=area.name,
        area_short=area.short,
        towns=towns,
        dept_short=dept.short if dept else "",
    )
    site.freshness = scenario
    if prov.mode == "live":
        apply_scenario(site, area.pinyin, dept.prefix if dept else None)
    site.pages_scenario = pages_scenario
    _allocate(rng, site, pages_per_site, big_pages)
    plan_freshness(site)
    plan_pages(site)
    return site


def _columns(
    rng: random.Random, fam: Family, portal: bool, big_pages: int | None, towns: tuple[str, ...],
    scenario: str = "fresh", *, interaction: bool = True,
) -> list[Column]:
    """The column tree (parents before children) from the catalogue, shaped by the scenario:
    通知公告/政策文件 raised to the main menu, or 政策文件 split into nested sub-columns."""
    cols: list[Column] = []

    def add(key: str, name: str, category: str, parent: Column | None, images: bool = False) -> Column:
        col = Column(len(cols), key, name, category, parent, fam.col_id_base + len(cols) * fam.col_id_step, images=images)
        cols.append(col)
        if parent is not None:
            parent.children.append(col)
        return col

    big = big_pages is not None
    extra_leaves = max(0, big_pages // BIG_ITEMS_PER_LEAF - 20) if big_pages else 0
    for top in names.data()["columns"]:
        children = [c for c in top["children"] if c.get("scope", "all") in ("all", "portal" if portal else "dept")]
        if not big and top["key"] in ("ztzl", "hdjl", "bsfw"):
            keep = [children[0]] + [c for c in children[1:] if rng.random() < 0.6]
            children = keep
        if top["key"] == "hdjl" and not interaction:
            continue  # a site with no 互动交流 at all (after drawing, so the other columns stay as they were)
        if scenario in FIRST_LEVEL_KEY and top["key"] == "xxgk":
            for ch in children:
                if ch["key"] in ("tzgg", "zcwj"):
                    add(ch["key"], ch["name"], ch["category"], None)
            children = [c for c in children if c["key"] not in ("tzgg", "zcwj")]
        parent = add(top["key"], top["name"], "other", None)
        for ch in children:
            key, cat = ch["key"], ch["category"]
            if scenario in NESTED_POLICY and key == "zcwj" and not big:
                sub = add(key, ch["name"], cat, parent)
                add("gfxwj", "规范性文件", cat, sub)
                add("bmwj", "部门文件", cat, sub)
                continue
            if big and key in ("bmdt", "xzdt") and extra_leaves:
                sub = add(key, ch["name"], cat, parent)
                if key == "bmdt":
                    for dep in names.departments()[: min(26, extra_leaves)]:
                        add(f"bm{dep.prefix}", f"{dep.short}动态", cat, sub)
                else:
                    for k, town in enumerate(towns[: max(1, extra_leaves - 26)]):
                        add(f"xz{k + 1:02d}", f"{town}动态", cat, sub)
                continue
            add(key, ch["name"], cat, parent, images=bool(ch.get("images")))
    return cols


def _weights(site: SimSite, rng: random.Random) -> dict[int, float]:
    catalogue = {c["key"]: c for top in names.data()["columns"] for c in top["children"]}
    out: dict[int, float] = {}
    for col in site.leaf_columns:
        w = float(catalogue.get(col.key, {}).get("weight", 3.0))
        # A few optional columns are left blank, as on real sites (空白栏目).
        if not site.big and col.category in ("interaction", "other", "should_update") and rng.random() < 0.12:
            w = 0.0
        out[col.index] = w
    return out


def count_pages(site: SimSite) -> int:
    """Distinct real HTML pages of the site, computed from column sizes alone."""
    n = 2 + len(site.family.extra_pages(site)) + (1 if site.robots_disallow() else 0)  # home, sitemap
    for col in site.columns:
        # One per list page: a second path serving the same page (TRS dir/ and dir/index.html)
        # is not counted, as it may not be linked from anywhere.
        n += site.list_pages(col) + col.n_items if col.is_leaf else 1
    return n


def _allocate(rng: random.Random, site: SimSite, pages_per_site: int | None, big_pages: int | None) -> None:
    """Share the articles among the leaf columns so the site reaches its page target."""
    weights = _weights(site, rng)
    total_w = sum(weights.values()) or 1.0
    if big_pages or pages_per_site:
        budget = max(0, (big_pages or pages_per_site or 0) - count_pages(site))
        budget = budget * site.page_size // (site.page_size + 1)
    else:
        budget = rng.randint(40, 80)  # articles: the structural pages come on top
    for col in site.leaf_columns:
        w = weights[col.index]
        if w == 0.0:
            col.n_items = 0
        elif col.category == "static" and not site.big:
            col.n_items = rng.randint(1, 3)
        else:
            share = budget * w / total_w
            col.n_items = max(1, int(share * rng.uniform(0.8, 1.2)))
    for key, least in (("tzgg", 3), ("zcwj", 2)):
        found = site.column_by_key(key)
        if found is not None and found.is_leaf:
            found.n_items = max(found.n_items, least)
    busiest = site.column_by_key("gzdt") or site.leaf_columns[0]
    busiest.n_items = max(busiest.n_items, site.page_size + 1 + rng.randint(0, site.page_size // 2))
    if big_pages:
        leaves = [c for c in site.leaf_columns if c.n_items]
        while (missing := big_pages - count_pages(site)) > 0:
            add = -(-missing * site.page_size // (site.page_size + 1))
            for k, col in enumerate(leaves):
                col.n_items += add // len(leaves) + (1 if k < add % len(leaves) else 0)
