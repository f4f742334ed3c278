"""Dates on Chinese government pages, read the way an inspector reads them.

Half the vetoes of the national indicator set turn on "when was this updated", so every reader
here is exact (a real calendar day or nothing) and conservative (a wrong date is worse than none:
an undated item simply counts as not updated).

Public API (all pure functions):

- `parse_date(text, as_of=, year_hint=)` — one date string (`2024-06-12`, `2024年6月12日 10:30`,
  `24-06-12`, `[06-12]`, `6月12日`, fullwidth forms …) → `date | None`.
- `find_dates(text, as_of=)` — every date in a text, as `DateMatch`es with positions.
- `date_from_url(url, as_of=)` / `month_from_url(url)` — dates that CMSs put in article URLs.
- `infer_years(month_days, as_of)` — years for a list's `MM-DD` items (see its docstring).
- `published_date(html, url, as_of=)` — an article page's publish date and how it was found.

Plausibility: a year before 1990 (older than any government website) or after `as_of.year + 1`
is not a date. Dates after `as_of + 1 day` (one day of slack for time zones and servers that
publish "tomorrow's" paper at night) are found but flagged by `published_date` (how ends in
":future") so callers can report forged dates instead of silently trusting or dropping them.

Word lists (labels, meta names, copyright/today-widget markers) live in `data/dates.yaml`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources
from typing import Any

from govinspect.yamlfiles import load_yaml
from selectolax.lexbor import LexborHTMLParser, LexborNode

__all__ = [
    "DateMatch",
    "date_from_url",
    "find_dates",
    "infer_years",
    "month_from_url",
    "parse_date",
    "published_date",
]

MIN_YEAR = 1990  # no Chinese government website is older; 1975年… in a text is history, not a stamp

# Fullwidth digits and the punctuation used in dates map one character to one character, so
# positions in the normalised text are positions in the original text.
_FULLWIDTH = str.maketrans(
    "０１２３４５６７８９－／．：　［］（）",
    "0123456789-/.: []()",
)


@dataclass(frozen=True, slots=True)
class DateMatch:
    """One date found in a text: `start`/`end` index the original text, `raw` is its slice."""

    date: date
    start: int
    end: int
    raw: str
    has_year: bool


@lru_cache(maxsize=1)
def _words() -> dict[str, Any]:
    """The word lists of `data/dates.yaml`, loaded once."""
    text = resources.files("govinspect.data").joinpath("dates.yaml").read_text("utf-8")
    return load_yaml(text)


def normalise(text: str) -> str:
    """Fullwidth digits/punctuation → ASCII, length-preserving (positions stay valid)."""
    return text.translate(_FULLWIDTH)


# One pass over a text: at each position the alternatives are tried in order, so a full date is
# preferred to a two-digit-year date, which is preferred to a month-day. The look-arounds keep a
# match from starting or ending inside a longer number (ids, phone numbers, 14-digit stamps).
_DATE_RE = re.compile(
    r"""
    (?<![\d.])(?P<y1>\d{4})\s*(?P<s1>[-/.])\s*(?P<m1>\d{1,2})\s*(?P=s1)\s*(?P<d1>\d{1,2})(?![\d])
  | (?<!\d)(?P<y2>\d{4})\s*年\s*(?P<m2>\d{1,2})\s*月\s*(?P<d2>\d{1,2})\s*日?
  | (?<![\d./:-])(?P<y3>\d{2})(?P<s3>[-/.])(?P<m3>\d{2})(?P=s3)(?P<d3>\d{2})(?![\d.:/-])
  | (?<![\d./:-])(?P<m4>\d{1,2})(?P<s4>[-/])(?P<d4>\d{1,2})(?![\d./:-])
  | (?<!\d)(?P<m5>\d{1,2})\s*月\s*(?P<d5>\d{1,2})\s*日
    """,
    re.VERBOSE,
)
# An optional time right after a date ("10:30", "10:30:15", "T11:12:51"), so `raw` covers it.
_TIME_RE = re.compile(r"(?:\s*|T)\d{1,2}:\d{2}(?::\d{2})?")


def _plausible_year(year: int, as_of: date) -> bool:
    return MIN_YEAR <= year <= as_of.year + 1


def _make(year: int, month: int, day: int) -> date | None:
    """A real calendar day or None (rejects month 13, 30 Feb, 31 Apr …)."""
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _latest_year(month: int, day: int, as_of: date) -> date | None:
    """The latest `month-day` not after as_of + 1 day (a list shows recent items, not future ones)."""
    limit = as_of + timedelta(days=1)
    for year in range(limit.year, limit.year - 9, -1):  # 9 years reach a 29 Feb whatever T is
        d = _make(year, month, day)
        if d is not None and d <= limit:
            return d
    return None


def _two_digit_year(yy: int, as_of: date) -> int:
    """`24-06-12` → 2024; a two-digit year beyond next year is last century (`98-06-12` → 1998)."""
    return 2000 + yy if yy <= as_of.year % 100 + 1 else 1900 + yy


def _from_match(m: re.Match[str], as_of: date, year_hint: int | None) -> tuple[date | None, bool]:
    """The date of one `_DATE_RE` match (None when invalid) and whether the text carried a year."""
    g = m.groupdict()
    if g["y1"] is not None or g["y2"] is not None:
        y, mo, d = (g["y1"], g["m1"], g["d1"]) if g["y1"] is not None else (g["y2"], g["m2"], g["d2"])
        year = int(y)
        if not _plausible_year(year, as_of):
            return None, True
        return _make(year, int(mo), int(d)), True
    if g["y3"] is not None:
        year = _two_digit_year(int(g["y3"]), as_of)
        if not _plausible_year(year, as_of):
            return None, True
        return _make(year, int(g["m3"]), int(g["d3"])), True
    mo, d = (g["m4"], g["d4"]) if g["m4"] is not None else (g["m5"], g["d5"])
    month, day = int(mo), int(d)
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None, False
    if year_hint is not None:
        return (_make(year_hint, month, day) if _plausible_year(year_hint, as_of) else None), False
    return _latest_year(month, day, as_of), False


def find_dates(text: str, *, as_of: date, year_hint: int | None = None) -> list[DateMatch]:
    """Every valid date in `text`, in order, with its position in the original text.

    Month-day forms (`06-12`, `[06-12]`, `6月12日`) get `year_hint` or else the latest such
    day not after as_of + 1 day; `has_year` tells the caller which ones were inferred (a list
    should use `infer_years` on them instead). Invalid days (2024-02-30) are skipped.
    """
    norm = normalise(text)
    out: list[DateMatch] = []
    for m in _DATE_RE.finditer(norm):
        d, has_year = _from_match(m, as_of, year_hint)
        if d is None:
            continue
        start, end = m.start(), m.end()
        if has_year:  # include a trailing time in raw ("2024-06-12 10:30")
            t = _TIME_RE.match(norm, end)
            if t:
                end = t.end()
        elif start > 0 and norm[start - 1] == "[" and end < len(norm) and norm[end] == "]":
            start, end = start - 1, end + 1  # "[06-12]" as lists print it
        out.append(DateMatch(d, start, end, text[start:end], has_year))
    return out


def parse_date(text: str, *, as_of: date, year_hint: int | None = None) -> date | None:
    """One date string → date, or None if it holds no valid, plausible date.

    Accepts the forms listed in the module docstring, with or without a time and surrounding
    brackets/whitespace; fullwidth digits and punctuation are normalised first.
    """
    found = find_dates(text.strip(), as_of=as_of, year_hint=year_hint)
    return found[0].date if found else None


# --- URLs ------------------------------------------------------------------------------------

# How CMSs stamp article URLs. All are searched; the rightmost date wins, because it belongs to
# the file itself (web.archive.org and mirror prefixes come first in the URL).
_URL_DATE_RES = (
    re.compile(r"(?<![A-Za-z\d])t(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})_\d+"),  # TRS t20240612_123.html
    # /2024/06/12/, /2024-06/12/, art/2024/6/12/art_…, content_2024-06/12, /2024_06_12/
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})[-/_](?P<m>\d{1,2})[-/_](?P<d>\d{1,2})(?=[/_.]|$)"),
    re.compile(r"(?<![\d])(?P<y>(?:19|20)\d{2})(?P<m>\d{2})(?P<d>\d{2})(?!\d)"),  # 20240612 in names
)
_URL_MONTH_RE = re.compile(r"/(?P<y>(?:19|20)\d{2})-?(?P<m>\d{2})/")  # /202406/ and /2024-06/


def _url_path(url: str) -> str:
    """The URL without scheme and host: a host name never carries the date."""
    rest = url.split("://", 1)[-1]
    return rest[rest.find("/"):] if "/" in rest else ""


def date_from_url(url: str, *, as_of: date | None = None) -> date | None:
    """The date a CMS put in an article URL, or None.

    Rejects invalid days, years before 1990 and dates after as_of + 1 day (as_of defaults to
    today). A month-only stamp (`/202406/`) is not a day: see `month_from_url`.
    """
    limit = (as_of or date.today()) + timedelta(days=1)
    path = normalise(_url_path(url))
    best: tuple[int, date] | None = None
    for rx in _URL_DATE_RES:
        for m in rx.finditer(path):
            d = _make(int(m["y"]), int(m["m"]), int(m["d"]))
            if d is None or d.year < MIN_YEAR or d > limit:
                continue
            if best is None or m.start() > best[0]:
                best = (m.start(), d)
    return best[1] if best else None


def month_from_url(url: str) -> tuple[int, int] | None:
    """(year, month) of a month directory such as `/202406/` or `/2024-06/`, rightmost wins."""
    found = None
    for m in _URL_MONTH_RE.finditer(_url_path(url)):
        year, month = int(m["y"]), int(m["m"])
        if year >= MIN_YEAR and 1 <= month <= 12:
            found = (year, month)
    return found


# --- lists -----------------------------------------------------------------------------------


def _walk_newest_first(month_days: list[tuple[int, int]], as_of: date) -> list[date] | None:
    """Years for a newest-first list: the first item is the latest such day ≤ as_of + 1; each
    later item greater (month, day) than its predecessor lies in the year before."""
    out: list[date] = []
    year: int | None = None
    prev: tuple[int, int] | None = None
    for md in month_days:
        if year is None:
            first = _latest_year(md[0], md[1], as_of)
            if first is None:
                return None
            year = first.year
            out.append(first)
        else:
            if prev is not None and md > prev:
                year -= 1
            d = _make(year, md[0], md[1])
            while d is None and year > MIN_YEAR:  # 29 Feb: step back to a leap year
                year -= 1
                d = _make(year, md[0], md[1])
            if d is None:
                return None
            out.append(d)
        prev = md
    return out


def infer_years(month_days: list[tuple[int, int]], as_of: date) -> list[date]:
    """Full dates for a list's `MM-DD` items (in page order), e.g. `12-28`, `01-03`.

    Rule: lists are sorted by date, newest first or oldest first. Read newest-first, the first
    item is the latest such day not after as_of + 1 day, and whenever an item's (month, day) is
    greater than the previous item's the year rolled back (01-03 then 12-28 under T = 2024-01-10
    → 2024-01-03, 2023-12-28). Read oldest-first, the same walk runs from the last item up.
    Both readings are made and the one spanning fewer days is kept (a column's page shows a
    run of recent items, not items a year apart); a tie keeps newest-first, the usual order on
    government sites. Invalid items (13-01, 02-30) make the result empty.
    """
    if not month_days:
        return []
    if any(not (1 <= m <= 12 and 1 <= d <= 31) for m, d in month_days):
        return []
    newest = _walk_newest_first(month_days, as_of)
    backwards = _walk_newest_first(month_days[::-1], as_of)
    oldest = backwards[::-1] if backwards is not None else None
    if newest is None:
        return oldest or []
    if oldest is None:
        return newest

    def span(ds: list[date]) -> int:
        return (max(ds) - min(ds)).days

    return oldest if span(oldest) < span(newest) else newest


# --- article pages ---------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _label_re() -> re.Pattern[str]:
    """Label, optional colon, then the date: 发布时间：2024-06-12 / 发布日期 2024年6月12日."""
    labels = sorted(_words()["labels"], key=len, reverse=True)  # longest first: 发布时间 before 时间
    parts = []
    for label in labels:
        # two-character labels count only at a word start (引用日期 ≠ 日期)
        prefix = r"(?<![\u4e00-\u9fff])" if len(label) <= 2 else ""
        parts.append(prefix + re.escape(label))
    return re.compile(r"(?P<label>" + "|".join(parts) + r")\s*[:：]?\s*(?=\S)")


def _is_rejected(norm: str, start: int, end: int) -> bool:
    """Copyright lines and today's-date widgets are not publish dates."""
    words = _words()
    before = norm[max(0, start - 30):start]
    if any(w in before for w in words["copyright_markers"]):
        return True
    near_before = norm[max(0, start - 8):start]
    if any(w in near_before for w in words["today_markers"]):
        return True
    after = norm[end:end + 6].lstrip()
    return any(after.startswith(w) for w in words["weekday_markers"])


# Elements whose content a reader never sees. The tree is shared with other analysers, so they
# are skipped, never removed from it.
_UNSEEN = frozenset({"script", "style", "noscript", "template"})


def _unseen(node: LexborNode, unseen: frozenset[str] = _UNSEEN) -> bool:
    """Whether `node` sits inside a script/style/noscript/template element (tags of `unseen`)."""
    cur = node.parent
    while cur is not None:
        if cur.tag in unseen:
            return True
        cur = cur.parent
    return False


_UNSEEN_SELECTOR = "script, style, noscript, template"
_UNSEEN_IN_SCRIPT = frozenset({"style", "noscript", "template"})  # what _script_date skips


def _seen_text(node: LexborNode, separator: str = "", unseen: frozenset[str] = _UNSEEN) -> str:
    """`node.text(deep=True, separator=...)` as if every descendant element whose tag is in
    `unseen` had been removed (the tree is not changed).

    Subtrees without such elements are read by Lexbor in one call, the rest is walked.
    """
    root_id = node.mem_id
    hidden = [n for n in node.css(_UNSEEN_SELECTOR) if n.tag in unseen and n.mem_id != root_id]
    if not hidden:
        return node.text(deep=True, separator=separator)
    # Elements holding an unseen element somewhere below them, up to `node`.
    dirty: set[int] = set()
    for h in hidden:
        cur = h.parent
        while cur is not None:
            mem_id = cur.mem_id
            if mem_id in dirty:
                break
            dirty.add(mem_id)
            if mem_id == root_id:
                break
            cur = cur.parent
    parts: list[str] = []
    stack: list[LexborNode | None] = [node.child]
    while stack:
        cur = stack.pop()
        if cur is None:
            continue
        stack.append(cur.next)
        tag = cur.tag or ""
        if tag == "-text":
            parts.append(cur.text(deep=False))
        elif tag in unseen or tag[:1] == "-":
            continue
        elif cur.mem_id in dirty:
            stack.append(cur.child)
        else:
            text = cur.text(deep=True, separator=separator)
            if text:
                parts.append(text)
            else:  # no text at all, or only empty text nodes (each still a part)
                parts.extend(n.text(deep=False) for n in cur.traverse(include_text=True) if n.tag == "-text")
    return separator.join(parts)


def _visible_text(tree: LexborHTMLParser) -> str:
    """Body text without scripts/styles, text nodes separated by newlines (the tree is not changed)."""
    body = tree.body
    if body is None:
        return ""
    return _seen_text(body, "\n")


def _flag(d: date, how: str, as_of: date) -> tuple[date, str]:
    return (d, how + ":future") if d > as_of + timedelta(days=1) else (d, how)


def _meta_date(
    tree: LexborHTMLParser, keys: list[str], as_of: date, *, seen_only: bool = False
) -> tuple[date, str] | None:
    """The most preferred <meta> of `keys` holding a full date (with `seen_only`, not in a
    noscript/template element)."""
    rank = {k: i for i, k in enumerate(keys)}
    best: tuple[int, date, str] | None = None
    for node in tree.css("meta"):
        if seen_only and _unseen(node):
            continue
        attrs = node.attributes
        content = attrs.get("content")
        if not content:
            continue
        for attr in ("name", "property", "itemprop", "http-equiv"):
            key = attrs.get(attr)
            if not key or key.strip().lower() not in rank:
                continue
            r = rank[key.strip().lower()]
            if best is not None and r >= best[0]:
                continue
            found = [m for m in find_dates(content, as_of=as_of) if m.has_year]
            if found:
                best = (r, found[0].date, key.strip())
    return _flag(best[1], "meta:" + best[2], as_of) if best else None


def _full_dates(text: str, as_of: date, skip: list[tuple[int, int]]) -> list[DateMatch]:
    """Full dates (with a year) of `text` that are not copyright/widget dates nor in `skip` spans."""
    norm = normalise(text)
    out = []
    for m in find_dates(text, as_of=as_of):
        if not m.has_year or _is_rejected(norm, m.start, m.end):
            continue
        if any(a <= m.start < b for a, b in skip):
            continue
        out.append(m)
    return out


def _label_date(text: str, as_of: date) -> tuple[date, str] | None:
    """The date after the most preferred label (发布时间 … 成文日期) in the visible text."""
    order = {label: i for i, label in enumerate(_words()["labels"])}
    norm = normalise(text)
    best: tuple[int, date, str] | None = None
    for lm in _label_re().finditer(norm):
        label = lm["label"]
        if best is not None and order[label] >= best[0]:
            continue
        m = _DATE_RE.match(norm, lm.end())
        if m is None:
            continue
        d, has_year = _from_match(m, as_of, None)
        if d is None or not has_year or _is_rejected(norm, m.start(), m.end()):
            continue
        best = (order[label], d, label)
    return _flag(best[1], "label:" + best[2], as_of) if best else None


def _title_spans(text: str, tree: LexborHTMLParser) -> tuple[list[tuple[int, int]], list[str]]:
    """Where the article title sits in the visible text: the <h1>s, else the page <title>'s
    longest part (titles read "article - column - site")."""
    titles = [_seen_text(h).strip() for h in tree.css("h1") if not _unseen(h)]
    titles = [t for t in titles if len(t) >= 4]
    title = next((n for n in tree.css("title") if not _unseen(n)), None)
    if not titles:
        node = title
        if node is not None:
            parts = re.split(r"\s*[-_|—–]+\s*", _seen_text(node).strip())
            longest = max(parts, key=len, default="")
            if len(longest) >= 4:
                titles = [longest]
    spans = []
    for t in titles:
        i = text.find(t)
        if i >= 0:
            spans.append((i, i + len(t)))
    if title is not None:
        titles.append(_seen_text(title))
    return spans, titles


def _header_date(text: str, tree: LexborHTMLParser, as_of: date) -> tuple[date, str] | None:
    """The first plausible full date just after the title (the article's byline), else the first
    one in the page text. Dates inside the title itself (关于2024年6月20日停电的通知) are events,
    not stamps; future ones are returned only if nothing else is there."""
    spans, titles = _title_spans(text, tree)
    candidates: list[DateMatch] = []
    for _a, b in spans:
        window = text[b:b + 400]
        candidates = [
            DateMatch(m.date, m.start + b, m.end + b, m.raw, True)
            for m in _full_dates(window, as_of, [])
        ]
        if candidates:
            break
    how = "text:header"
    if not candidates:
        in_titles = normalise(" ".join(titles))
        candidates = [m for m in _full_dates(text, as_of, spans) if normalise(m.raw) not in in_titles]
        how = "text"
    if not candidates:
        return None
    limit = as_of + timedelta(days=1)
    good = [m for m in candidates if m.date <= limit]
    return _flag((good or candidates)[0].date, how, as_of)


def _script_date(tree: LexborHTMLParser, as_of: date) -> tuple[date, str] | None:
    """Some CMSs write the byline with JS (`showDate("2020/04/17 01:43:09")`): the first full date
    with a time in an inline script, the last resort."""
    limit = as_of + timedelta(days=1)
    for node in tree.css("script"):
        if node.attributes.get("src") or _unseen(node, _UNSEEN_IN_SCRIPT):
            continue
        code = _seen_text(node, unseen=_UNSEEN_IN_SCRIPT)
        for m in _full_dates(code, as_of, []):
            if ":" in m.raw and m.date <= limit:  # a time is part of the match
                return m.date, "script"
    return None


def published_date(
    html: str, url: str, *, as_of: date, tree: LexborHTMLParser | None = None
) -> tuple[date | None, str]:
    """An article page's publish date and how it was found, or (None, "none").

    Order (first hit wins): <meta> publish names (how "meta:PubDate" …); label lines
    (发布时间/发布日期/…/成文日期, "label:发布时间"); the URL ("url"); <meta> modification
    names ("meta:dateModified"); the first full date after the title ("text:header") or in the
    page text ("text"); an inline script ("script"). Copyright lines, today's-date widgets and
    dates inside the title are never taken. A date after as_of + 1 day is returned with how
    ending in ":future" so the caller can flag a forged date. Parses the document once, or not
    at all when the caller passes its parsed `tree` of `html` (which is then not read); the tree
    is only read, never changed, so other analysers can share it.
    """
    if tree is None:
        tree = LexborHTMLParser(html)
    words = _words()
    found = _meta_date(tree, words["meta_published"], as_of)
    if found:
        return found
    scripts = _script_date(tree, as_of)
    text = _visible_text(tree)
    found = _label_date(text, as_of)
    if found:
        return found
    d = date_from_url(url, as_of=as_of)
    if d is not None:
        return d, "url"
    found = (
        _meta_date(tree, words["meta_modified"], as_of, seen_only=True) or _header_date(text, tree, as_of) or scripts
    )
    if found:
        return found
    return None, "none"
