"""Annual report (国办函〔2018〕12号): by 31 January of year Y the homepage links the site's
《政府网站工作年度报表》 of year Y−1.

Links are read from the homepage's anchors: their text, `title` and the `alt` of an image they
wrap. The patterns are data (data/sitechecks.yaml) and narrow on purpose — the
政府信息公开工作年度报告 is another report. The year comes from the same words (2023年度,
二〇二三年); a report link with no year is "present, year unknown" and never a finding.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from typing import Any

from selectolax.lexbor import LexborHTMLParser

from govinspect.crawl.urls import join_url
from govinspect.sitechecks.data import sitecheck_data

_SPACE = re.compile(r"\s+")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年?")
_CN_DIGITS = str.maketrans("〇零○Ｏ一二三四五六七八九", "000012345678" + "9")
_CN_YEAR = re.compile(r"([〇零○Ｏ一二三四五六七八九]{4})\s*年")


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str] | None]:
    data = sitecheck_data()["annual_report"]
    include = re.compile("|".join(f"(?:{p})" for p in data["patterns"]))
    exclude = re.compile("|".join(f"(?:{p})" for p in data["exclude"])) if data.get("exclude") else None
    return include, exclude


def report_year(text: str) -> int | None:
    """The year a report's words name (2023年度…, 二〇二三年…), or None."""
    m = _YEAR.search(text)
    if m:
        return int(m.group(1))
    m = _CN_YEAR.search(text)
    if m:
        year = m.group(1).translate(_CN_DIGITS)
        if year.isdigit():
            return int(year)
    return None


def find_report_links(html: str, page_url: str) -> list[dict[str, Any]]:
    """The homepage's links to a site annual report: [{text, url, year}]."""
    include, exclude = _patterns()
    tree = LexborHTMLParser(html)
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for a in tree.css("a[href]"):
        words = [a.text(deep=True) or "", a.attributes.get("title") or ""]
        words += [img.attributes.get("alt") or "" for img in a.css("img")]
        text = _SPACE.sub("", " ".join(w for w in words if w))
        if not text or not include.search(text) or (exclude is not None and exclude.search(text)):
            continue
        url = join_url(page_url, a.attributes.get("href") or "")
        if url is None or (url, text) in seen:
            continue
        seen.add(url)
        out.append({"text": text[:80], "url": url, "year": report_year(text)})
    return out


def due_year(as_of: date) -> int | None:
    """The report year that must be on the homepage at T (None in January, before the deadline)."""
    month, day = sitecheck_data()["annual_report"]["deadline"]
    if as_of <= date(as_of.year, int(month), int(day)):
        return None
    return as_of.year - 1


def judge_annual_report(links: list[dict[str, Any]], as_of: date) -> dict[str, Any]:
    """results.json `annual_report`: status present | missing | wrong_year | year_unknown | not_due."""
    year = due_year(as_of)
    out: dict[str, Any] = {"due_year": year, "links": links, "status": "not_due"}
    if year is None:
        return out
    if any(link["year"] == year for link in links):
        out["status"] = "present"
    elif any(link["year"] is None for link in links):
        out["status"] = "year_unknown"
    elif links:
        out["status"] = "wrong_year"
    else:
        out["status"] = "missing"
    return out
