"""办事指南 (service guide) pages: the ten key element categories, which are missing, and the
forms a guide offers for download.

A guide is read from its labelled fields (`analyze/labels.py`: table cells, definition lists,
"标签：值" lines, headings) with the label variants of `data/guides.yaml` (申请材料 for 办理材料,
受理地点 for 办理地点, 法律依据 for 设定依据 …). An element whose label is shown with an empty
value (a blank cell, "暂无", "—") is missing, as an inspector reads it. `looks_like_guide` is
the cheap test run on every page first: only pages naming labels of three categories are parsed.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any, NamedTuple

import ahocorasick_rs
from selectolax.lexbor import LexborHTMLParser

from govinspect.analyze.labels import Vocabulary, read_fields
from govinspect.crawl.urls import join_url
from govinspect.yamlfiles import load_yaml

__all__ = ["CATEGORIES", "Guide", "guide_rules", "looks_like_guide", "page_guide"]

FOOTER_MARKERS = ("网站标识码", "ICP备", "公网安备", "主办单位", "版权所有")
MAX_FORMS = 30


class Guide(NamedTuple):
    """One service guide as read from its page."""

    title: str
    present: tuple[str, ...]  # categories shown with a value, in the official order
    missing: tuple[str, ...]  # categories not shown, or shown empty (official order)
    empty: tuple[str, ...]  # of `missing`, those whose label is shown with no value
    forms: tuple[tuple[str, str], ...]  # (link text, absolute URL) of downloadable forms
    values: tuple[tuple[str, str], ...]  # (category, first 80 characters of its value)


@lru_cache(maxsize=1)
def guide_rules() -> dict[str, Any]:
    """The parsed `data/guides.yaml` with its vocabulary."""
    text = resources.files("govinspect.data").joinpath("guides.yaml").read_text("utf-8")
    conf: dict[str, Any] = load_yaml(text)
    conf["_vocab"] = Vocabulary.build(conf["categories"], conf.get("stop_labels", ()))
    conf["_empty"] = frozenset(conf.get("empty_values", ()))
    conf["_exts"] = tuple(f".{e.lower()}" for e in conf["form_exts"])
    # `looks_like_guide` runs on every page: one automaton pass over the HTML instead of a
    # substring search per label variant (about a hundred of them, 1 ms a page).
    labels: dict[str, set[int]] = {}
    for i, variants in enumerate(conf["categories"].values()):
        for v in variants:
            if len(v) >= 3:
                labels.setdefault(v, set()).add(i)
    conf["_label_list"] = tuple(labels)
    conf["_label_categories"] = tuple(frozenset(c) for c in labels.values())
    conf["_label_ac"] = ahocorasick_rs.AhoCorasick(conf["_label_list"]) if labels else None
    return conf


def _categories() -> tuple[str, ...]:
    return tuple(guide_rules()["categories"])


CATEGORIES: tuple[str, ...] = _categories()


def looks_like_guide(html: str) -> bool:
    """Whether the page names labels of enough categories to be worth parsing as a guide
    (label variants of three characters or more, anywhere in the HTML)."""
    conf = guide_rules()
    need = conf["min_categories"]
    automaton = conf["_label_ac"]
    if automaton is None:
        return False
    label_categories = conf["_label_categories"]
    seen: set[int] = set()
    hit: set[int] = set()
    for idx, _start, _end in automaton.find_matches_as_indexes(html, overlapping=True):
        if idx not in seen:
            seen.add(idx)
            hit |= label_categories[idx]
            if len(hit) >= need:
                return True
    return False


def _title(tree: LexborHTMLParser, name: str) -> str:
    if name:
        return name[:120]
    for sel in ("h1", "h2", "title"):
        node = tree.css_first(sel)
        if node is not None:
            text = " ".join(node.text().split())
            if text:
                return text.split("_")[0].split("-")[0].strip()[:120]
    return ""


def _forms(tree: LexborHTMLParser, url: str) -> tuple[tuple[str, str], ...]:
    conf = guide_rules()
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    root = tree.body or tree.root
    if root is None:
        return ()
    for a in root.css("a[href]"):
        href = (a.attributes.get("href") or "").strip()
        if not href or href.lower().startswith(("javascript", "mailto", "#")):
            continue
        target = join_url(url, href)
        if target is None or target in seen:
            continue
        text = " ".join(a.text(deep=True).split())
        path = target.split("?", 1)[0].lower()
        named = text.lower().endswith(conf["_exts"])
        if path.endswith(conf["_exts"]) or named or ("download" in path and any(w in text for w in conf["form_words"])):
            seen.add(target)
            out.append((text[:80], target))
            if len(out) >= MAX_FORMS:
                break
    return tuple(out)


def page_guide(html: str, url: str, *, tree: LexborHTMLParser | None = None) -> Guide | None:
    """The guide on a page, or None when the page does not show enough guide labels."""
    conf = guide_rules()
    if tree is None:
        tree = LexborHTMLParser(html)
    fields = read_fields(tree, conf["_vocab"], end_markers=FOOTER_MARKERS)
    if len(fields) < conf["min_categories"]:
        return None
    empty_values = conf["_empty"]
    present: list[str] = []
    empty: list[str] = []
    values: list[tuple[str, str]] = []
    for cat in CATEGORIES:
        f = fields.get(cat)
        if f is None:
            continue
        value = next((v for v in f.all_values if v and v.strip(" 。.") not in empty_values), "")
        if value:
            present.append(cat)
            values.append((cat, value[:80]))
        else:
            empty.append(cat)
    missing = tuple(c for c in CATEGORIES if c not in present)
    name = fields["事项名称"].value if "事项名称" in fields and "事项名称" in present else ""
    return Guide(_title(tree, name), tuple(present), missing, tuple(empty), _forms(tree, url), tuple(values))
