"""Items and their text: titles, dates, attachments, images and article bodies.

Every random stream is seeded by a string (`random.Random(str)` hashes it with SHA-512), so the
output does not depend on PYTHONHASHSEED or on the order in which pages are requested.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import TYPE_CHECKING

from govinspect.sandbox.model import Attachment, Column, Item
from govinspect.sandbox.names import data

if TYPE_CHECKING:
    from govinspect.sandbox.model import SimSite

ID_STRIDE = 100_000  # ids of one column: base + column.index * ID_STRIDE + position

ATTACH_EXTS = {
    "notice": ["pdf", "doc", "docx", "xls"],
    "policy": ["pdf", "pdf", "doc", "docx"],
    "should_update": ["xls", "xlsx", "pdf", "zip"],
    "service": ["doc", "docx", "pdf", "rar"],
}
ATTACH_PROB = {"notice": 0.35, "policy": 0.5, "should_update": 0.6, "service": 0.4}
ATTACH_LABELS = ["申报表", "实施方案", "名单", "汇总表", "办理流程图", "申请书（样表）", "明细表", "说明"]


def item_id(site: SimSite, column: Column, position: int) -> int:
    """The id of the item at `position` (0 = newest) of `column`."""
    return site.family.id_base + column.index * ID_STRIDE + position


def locate_item(site: SimSite, ident: int) -> Item | None:
    """The item with id `ident`, or None when no such item exists (e.g. a deleted article)."""
    col_index, position = divmod(ident - site.family.id_base, ID_STRIDE)
    if ident < site.family.id_base or not 0 <= col_index < len(site.columns):
        return None
    column = site.columns[col_index]
    if not column.is_leaf or position >= column.n_items:
        return None
    return site.items(column)[position]


def _fill(template: str, rng: random.Random, site: SimSite, year: int) -> str:
    d = data()
    depts = d["departments"]
    dept = site.dept_short or rng.choice(depts)[2]
    town = rng.choice(site.towns) if site.towns else site.area_short + "镇"
    return template.format(
        area=site.area_name,
        dept=dept,
        town=town,
        topic=rng.choice(d["topics"]),
        year=year,
        month=rng.randint(1, 12),
        num=rng.randint(12, 480),
        num2=rng.randint(3, 960),
        phone=site.footer.phone,
    )


def generate_items(site: SimSite, column: Column) -> list[Item]:
    """All items of a leaf column, newest first. Deterministic per (seed, site, column)."""
    rng = random.Random(f"{site.seed_key}:col:{column.index}")
    d = data()
    (age_lo, age_hi), (gap_lo, gap_hi) = d["freshness"].get(column.category, d["freshness"]["other"])
    if column.gap_days is not None:
        gap_lo, gap_hi = column.gap_days
    templates = d["titles"].get(column.category, d["titles"]["other"])
    sources = d["sources"]
    fam = site.family
    as_of = site.province.as_of
    day = as_of - dt.timedelta(days=rng.randint(age_lo, age_hi))
    if column.newest_age is not None:
        day = as_of - dt.timedelta(days=column.newest_age)
    items: list[Item] = []
    for pos in range(column.n_items):
        if pos == 0 and column.future_days is not None:
            day = as_of + dt.timedelta(days=column.future_days)  # a forged date after T
        elif pos == 1 and column.future_days is not None:
            day = as_of - dt.timedelta(days=rng.randint(age_lo, age_hi))
        elif pos:
            day -= dt.timedelta(days=rng.randint(gap_lo, gap_hi))
        published = dt.datetime(day.year, day.month, day.day, rng.randint(8, 18), rng.randint(0, 59))
        title = _fill(rng.choice(templates), rng, site, day.year)
        src = rng.choice(sources)
        source = site.organiser if src == "本网" else f"{site.organiser}{src}" if src != "融媒体中心" else src
        item = Item(item_id(site, column, pos), column, pos, title, published, source)
        item.path = fam.article_path(site, item)
        n_att = 0
        p = ATTACH_PROB.get(column.category, 0.04)
        if rng.random() < p:
            n_att = 1 if site.big else rng.choice((1, 1, 2))
        exts = ATTACH_EXTS.get(column.category, ["pdf", "doc"])
        atts = []
        for k in range(n_att):
            ext = rng.choice(exts)
            label = f"附件{k + 1}：{rng.choice(ATTACH_LABELS)}.{ext}"
            atts.append(Attachment(fam.attachment_path(site, item, k, ext), ext, label))
        item.attachments = tuple(atts)
        img_p = 0.9 if column.images else (0.3 if column.category == "news" else 0.0)
        if rng.random() < img_p:
            item.images = (fam.image_path(site, item, 0),)
        items.append(item)
    from govinspect.sandbox.pagesplan import decorate_items

    decorate_items(site, column, items)
    return items


def article_body(site: SimSite, item: Item) -> list[str]:
    """Paragraphs of an article (about `site.body_chars` characters), generated on demand."""
    rng = random.Random(f"{site.seed_key}:body:{item.id}")
    sentences = data()["sentences"]
    lo, hi = site.body_chars
    target = rng.randint(lo, hi)
    paras: list[str] = []
    total = 0
    if item.column.category == "policy":
        issuer = site.area_short[:1] + (site.dept_short[:1] if site.dept_short else "政")
        num = f"{issuer}发〔{item.date.year}〕{rng.randint(1, 60)}号"
        paras.append(num)
        total += len(num)
    while total < target:
        para = "".join(_fill(rng.choice(sentences), rng, site, item.date.year) for _ in range(rng.randint(2, 4)))
        paras.append(para)
        total += len(para)
    return paras
