"""A site's footer identity, page metadata, letters, guides, channels and services, merged
from the `PageParts` of its crawled pages (and, for surveys and interviews, the list items of
its `PageFacts`).

- **Footer.** Every page's marks are counted, so coverage ("网站标识码 on 118 of 120 pages")
  is measured, not assumed; the site's value of each mark is the homepage's, else the most
  frequent. Only content pages (home, channel, list, article, letters, guide) count towards
  coverage: frames and widgets carry no footer by design.
- **Metadata.** Per page kind the required names (`data/footer.yaml` page_meta) against the
  names present.
- **Letters.** A list row and the letter's detail page are one letter (by URL); the detail
  page's dates and status win. A letter is *counted* when it is valid (not withdrawn, duplicate
  or refused by the page's own words), sits in a consultation channel (not 信访/纪检举报) and
  was asked in the year before T; it is *unanswered over 3 months* when its answer came more
  than three calendar months after it was asked, or it has none (status pending/unanswered,
  or an empty answer column) and was asked more than three months before T.
- **Guides** by URL; **channels**: submission forms, letters lists, and channel links (a link
  to a mailbox on another host cannot be verified, but proves the channel is offered).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date
from typing import Any

from govinspect.analyze.columns import column_key
from govinspect.analyze.footer import FooterFacts, site_code_problem
from govinspect.analyze.letters import Letter, letter_rules
from govinspect.analyze.pagefacts import PageFacts
from govinspect.analyze.pagemeta import required_meta
from govinspect.analyze.pageparts import PageParts

__all__ = ["FOOTER_ITEMS", "SiteParts", "add_months"]

FOOTER_ITEMS = ("site_code", "icp", "psb", "conac", "zhaocuo", "organiser", "contact", "sitemap")
CONTENT_KINDS = frozenset({"home", "channel", "list", "article", "letters", "guide"})
EXAMPLES = 10  # pages listed per missing item


def add_months(d: date, months: int) -> date:
    """`d` moved by whole calendar months (the day clamped to the month's end)."""
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    for day in (d.day, 30, 29, 28):
        try:
            return date(year, month, min(d.day, day))
        except ValueError:
            continue
    return date(year, month, 28)


def _iso(d: str | None) -> date | None:
    try:
        return date.fromisoformat(d[:10]) if d else None
    except ValueError:
        return None


class SiteParts:
    """Collects the parts of one site's pages; the methods below give the site's measures."""

    def __init__(self, home_url: str, *, as_of: date, in_scope: Callable[[str], bool] | None = None) -> None:
        self.home_url = home_url
        self.as_of = as_of
        self.in_scope = in_scope or (lambda _u: True)
        self.pages = 0
        self.footer_pages = 0
        self.shown: Counter[str] = Counter()
        self.missing: dict[str, list[str]] = {k: [] for k in FOOTER_ITEMS}
        self.values: dict[str, Counter[str]] = {k: Counter() for k in ("site_code", "icp", "psb", "organiser", "contact", "zhaocuo_site_code")}
        self.home_footer: FooterFacts | None = None
        self.meta_required: Counter[str] = Counter()
        self.meta_present: Counter[str] = Counter()
        self.meta_missing: dict[str, list[str]] = {}
        self.meta_codes: Counter[str] = Counter()
        self.letters: dict[str, dict[str, Any]] = {}
        self.forms: list[str] = []
        self.excluded_forms: list[str] = []
        self.letter_lists: list[str] = []
        self.channel_links: dict[str, str] = {}
        self.guides: dict[str, dict[str, Any]] = {}
        self.service_links: dict[str, str] = {}
        self.survey_items: dict[str, dict[str, Any]] = {}  # column key → {name, url, items{url: date}}
        self.interview_items: dict[str, dict[str, Any]] = {}
        # When each page was fetched: the "when" of evidence that points at a page (a footer
        # mark missing there, a homepage without any channel).
        self.seen_at: dict[str, str] = {}
        self.home_seen_at: str | None = None

    # ------------------------------------------------------------------ input
    def add(self, url: str, parts: PageParts, *, is_home: bool, depth: int, fetched_at: str | None = None) -> None:
        """Take in one analysed page of the site."""
        self.pages += 1
        if fetched_at:
            self.seen_at.setdefault(url, fetched_at)
            if is_home and self.home_seen_at is None:
                self.home_seen_at = fetched_at
        if parts.kind in CONTENT_KINDS or is_home:
            self._footer(url, parts.footer, is_home)
            self._meta(url, parts, is_home)
        lp = parts.letters
        if lp is not None:
            self._letters(url, lp, fetched_at)
        if parts.guide is not None and url not in self.guides:
            g = parts.guide
            self.guides[url] = {
                "url": url, "title": g.title, "missing": list(g.missing), "present": list(g.present),
                "empty": list(g.empty), "forms": [{"text": t, "url": u} for t, u in g.forms], "seen_at": fetched_at,
            }
        for text, link in parts.channels:
            self.channel_links.setdefault(link, text)
        for text, link in parts.services:
            self.service_links.setdefault(link, text)

    def add_facts(self, url: str, facts: PageFacts) -> None:
        """List items of survey (调查征集) and interview (在线访谈) columns, by column name."""
        if facts.error or facts.kind not in ("list", "letters"):
            return
        crumbs = [n for n, _ in facts.breadcrumb]
        name = facts.column_name or (crumbs[-1] if crumbs else "")
        conf = letter_rules()
        for words, store in ((conf["survey_words"], self.survey_items), (conf["interview_words"], self.interview_items)):
            if name and any(w in name for w in words):
                col = store.setdefault(column_key(url), {"name": name, "url": url, "items": {}})
                own = facts.blocks[facts.primary].items if facts.primary is not None else ()
                for it in own:
                    col["items"].setdefault(it.url, it.date)
                return

    def _footer(self, url: str, f: FooterFacts, is_home: bool) -> None:
        self.footer_pages += 1
        if is_home and self.home_footer is None:
            self.home_footer = f
        for item in FOOTER_ITEMS:
            if getattr(f, item):
                self.shown[item] += 1
            elif len(self.missing[item]) < EXAMPLES or is_home:
                self.missing[item].append(url)
        for key, counter in self.values.items():
            value = getattr(f, key)
            if value:
                counter[value] += 1

    def _meta(self, url: str, parts: PageParts, is_home: bool) -> None:
        present = dict(parts.meta)
        if "SiteIDCode" in present:
            self.meta_codes[present["SiteIDCode"]] += 1
        for name in required_meta("home" if is_home else parts.kind):
            self.meta_required[name] += 1
            if name in present:
                self.meta_present[name] += 1
            else:
                examples = self.meta_missing.setdefault(name, [])
                if len(examples) < EXAMPLES:
                    examples.append(url)

    def _letters(self, url: str, lp: Any, fetched_at: str | None) -> None:
        if lp.kind == "form":
            (self.excluded_forms if lp.excluded else self.forms).append(url)
            return
        if lp.kind == "list" and url not in self.letter_lists and not lp.excluded:
            self.letter_lists.append(url)
        for w in lp.write_links:
            self.channel_links.setdefault(w, "写信")
        for letter in lp.letters:
            self._merge(letter, url, lp, fetched_at)

    def _merge(self, letter: Letter, page: str, lp: Any, fetched_at: str | None) -> None:
        # Pages arrive in whatever order the crawl reads them (and differently in two crawls
        # of one site): every merged field is order-free. The list page a letter is listed on
        # is its source (the smallest URL when several list it). Whether its channel is excluded
        # (网上信访, 纪检举报) is read from the list pages, any of them saying so; a detail page
        # names the letter rather than the channel, so it decides only when no list page lists it.
        key = letter.url or f"{page}#{letter.title}"
        row = self.letters.get(key)
        detail = lp.kind == "detail"
        if row is None:
            row = self.letters[key] = {
                "title": letter.title, "url": letter.url or page, "asked": letter.asked, "answered": letter.answered,
                "status": letter.status, "status_text": letter.status_text, "shows_answers": lp.shows_answers,
                "excluded": lp.excluded, "column": lp.heading.split("_")[0] if not detail else "",
                "source": page, "source_is_list": not detail, "detail_seen": detail, "seen_at": fetched_at,
            }
            return
        if detail:
            if not row["source_is_list"]:
                row["excluded"] = row["excluded"] or lp.excluded
        elif row["source_is_list"]:
            row["excluded"] = row["excluded"] or lp.excluded
        else:
            row["excluded"] = lp.excluded  # the first list page: a detail page's guess gives way
        row["shows_answers"] = row["shows_answers"] or lp.shows_answers
        if fetched_at and (row["seen_at"] is None or fetched_at < row["seen_at"]):
            row["seen_at"] = fetched_at
        if detail:
            for k in ("asked", "answered", "status", "status_text"):
                value = getattr(letter, k)
                if value:
                    row[k] = value
            row["detail_seen"] = True
        elif not row["source_is_list"] or page < row["source"]:
            row["source"], row["source_is_list"] = page, True
            row["column"] = lp.heading.split("_")[0] or row["column"]

    # ------------------------------------------------------------------ output
    def _value(self, key: str) -> str | None:
        home = getattr(self.home_footer, key, None) if self.home_footer is not None else None
        if home:
            return home
        common = self.values[key].most_common(1)
        return common[0][0] if common else None

    def footer(self, registry_code: str | None = None) -> dict[str, Any]:
        """The site's footer (contract fields) with coverage, metadata and code cross-check."""
        h = self.home_footer
        pages = self.footer_pages

        def flag(item: str) -> bool:
            if h is not None and getattr(h, item):
                return True
            return pages > 0 and self.shown[item] * 2 > pages

        out: dict[str, Any] = {
            "site_code": self._value("site_code"), "icp": self._value("icp"), "psb": self._value("psb"),
            "conac": flag("conac"), "zhaocuo": flag("zhaocuo"), "zhaocuo_site_code": self._value("zhaocuo_site_code"),
            "organiser": self._value("organiser"), "contact": self._value("contact"), "sitemap": flag("sitemap"),
        }
        meta_code = self.meta_codes.most_common(1)[0][0] if self.meta_codes else None
        codes = {"registry": registry_code or None, "footer": out["site_code"], "meta": meta_code,
                 "zhaocuo": out["zhaocuo_site_code"]}
        known = {k: v for k, v in codes.items() if v}
        reference = known.get("registry") or known.get("footer")
        out.update({
            "pages": pages,
            "coverage": {item: self.shown[item] for item in FOOTER_ITEMS},
            "home": {item: bool(getattr(h, item)) for item in FOOTER_ITEMS} if h is not None else None,
            "missing_pages": {item: urls[:EXAMPLES] for item, urls in self.missing.items() if urls},
            "site_codes": codes,
            "site_code_mismatch": sorted(k for k, v in known.items() if reference and v.lower() != reference.lower()),
            "site_code_problem": site_code_problem(out["site_code"]),
            "site_code_values": dict(self.values["site_code"]),
            "page_meta": {
                "required": dict(self.meta_required), "present": dict(self.meta_present),
                "missing_pages": {k: v for k, v in self.meta_missing.items()},
            },
        })
        return out

    def letter_rows(self) -> list[dict[str, Any]]:
        """Every letter seen (results.json `letters`), newest asked first."""
        out = []
        year_ago = add_months(self.as_of, -12)
        three = add_months(self.as_of, -3)
        for row in self.letters.values():
            asked, answered = _iso(row["asked"]), _iso(row["answered"])
            valid = row["status"] != "invalid"
            in_window = asked is not None and year_ago < asked <= self.as_of
            counted = valid and in_window and not row["excluded"]
            late = False
            if counted and asked is not None:
                if answered is not None:
                    late = answered > add_months(asked, 3)
                elif row["status"] in ("pending", "unanswered") or (row["status"] is None and row["shows_answers"]):
                    late = asked < three
            out.append({
                "title": row["title"], "url": row["url"], "asked": row["asked"], "answered": row["answered"],
                "unanswered_over_3_months": late,
                "status": row["status"], "status_text": row["status_text"], "valid": valid, "counted": counted,
                "channel_excluded": row["excluded"], "column": row["column"], "source": row["source"],
                "seen_at": row["seen_at"],
            })
        out.sort(key=lambda r: (r["asked"] or "", r["url"]), reverse=True)
        return out

    def guide_rows(self) -> list[dict[str, Any]]:
        """Every guide seen (results.json `guides`)."""
        return list(self.guides.values())

    def interaction(self) -> dict[str, Any]:
        """Channels, the latest published reply, surveys and interviews (measures)."""
        answered = [r["answered"] for r in self.letters.values() if r["answered"] and not r["excluded"]]
        year_ago = add_months(self.as_of, -12)

        def activities(store: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
            cols = []
            for col in store.values():
                dates = [_iso(d) for d in col["items"].values()]
                recent = [d for d in dates if d is not None and year_ago < d <= self.as_of]
                cols.append({"name": col["name"], "url": col["url"], "items": len(dates),
                             "in_year": len(recent), "latest": max(recent).isoformat() if recent else None})
            return cols

        return {
            "forms": self.forms[:EXAMPLES],
            "excluded_forms": self.excluded_forms[:EXAMPLES],
            "letter_lists": self.letter_lists[:EXAMPLES],
            "channel_links": [{"text": t, "url": u} for u, t in list(self.channel_links.items())[:EXAMPLES]],
            "latest_reply": max(answered) if answered else None,
            "surveys": activities(self.survey_items),
            "interviews": activities(self.interview_items),
        }

    def services(self) -> dict[str, Any]:
        """Whether any 办事服务 is offered: guides, service links (measures)."""
        return {
            "guides": len(self.guides),
            "service_links": [{"text": t, "url": u} for u, t in list(self.service_links.items())[:EXAMPLES]],
        }
