"""信件 and 留言 (letters to a mailbox, consultations): lists, detail pages and submission forms.

What an inspector reads on a 政务咨询 column, and what this module returns per page:

- **lists**: a table with a header row (信件编号 | 来信标题 | 来信时间 | 答复时间 | 状态) is read by
  its columns; other layouts (`<li>`/`<dl>`/leaf `<div>` rows) by the labels inside each row
  ("留言时间：2024-06-01", "状态：已回复") or, failing labels, by the row's dates in order
  (asked, then answered) and its status word;
- **detail pages**: labelled fields (来信时间, 答复时间, 办理状态, 答复内容 …) as in
  `analyze/labels.py`; a reply text counts as an answer even when its date is not shown;
- **forms**: a page whose form has a text area and whose title or heading names a consultation
  channel (信箱, 留言, 咨询 …) is a submission form. 网上信访 and 纪检举报 channels never count.

Status words are normalised to answered / pending / unanswered / invalid (撤回, 重复, 不予受理 …:
the page says the letter is not a valid one). Word lists live in `data/letters.yaml`.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any, NamedTuple

import ahocorasick_rs
from selectolax.lexbor import LexborHTMLParser, LexborNode

from govinspect.analyze.dates import find_dates, parse_date
from govinspect.analyze.labels import Vocabulary, clean_label, read_fields
from govinspect.crawl.urls import join_url
from govinspect.yamlfiles import load_yaml

__all__ = [
    "Letter", "LettersPage", "channel_links", "letter_rules", "looks_like_letters", "normalize_status", "page_letters",
]

MAX_LETTERS = 300
MAX_ROW_EXTRA = 160  # characters a list row shows besides its title (number, dates, status)
FOOTER_MARKERS = ("网站标识码", "ICP备", "公网安备", "主办单位", "版权所有")
_STATUS_ORDER = ("invalid", "unanswered", "pending", "answered")


class Letter(NamedTuple):
    """One letter as a list row or a detail page shows it (dates ISO, or None)."""

    title: str
    url: str | None
    asked: str | None
    answered: str | None
    status: str | None  # answered | pending | unanswered | invalid | None (not shown)
    status_text: str


class LettersPage(NamedTuple):
    """What a page says about letters and consultation channels."""

    kind: str  # list | detail | form | other
    letters: tuple[Letter, ...]
    # The list shows when (or whether) letters were answered: a 答复时间 or 状态 column/label.
    shows_answers: bool
    channel: bool  # the page belongs to a consultation channel (title/heading words)
    excluded: bool  # … a 网上信访 / 纪检举报 channel, which does not count
    write_links: tuple[str, ...]  # 我要写信 entries on the page
    heading: str  # the page's title or heading, for evidence


@lru_cache(maxsize=1)
def letter_rules() -> dict[str, Any]:
    """The parsed `data/letters.yaml` with its vocabulary."""
    text = resources.files("govinspect.data").joinpath("letters.yaml").read_text("utf-8")
    conf: dict[str, Any] = load_yaml(text)
    conf["_vocab"] = Vocabulary.build(conf["fields"])
    exact: dict[str, str] = {}
    for status in _STATUS_ORDER:
        for w in conf["status"][status]:
            exact.setdefault(w, status)
    conf["_status_exact"] = exact
    # Run on every page and every link text: the HTML test as one automaton pass, the
    # link-text test memoised (menus repeat the same texts on every page).
    words = tuple(dict.fromkeys([*conf["page_words"], *conf["write_words"]]))
    conf["_page_any_empty"] = "" in words
    conf["_page_ac"] = ahocorasick_rs.AhoCorasick([w for w in words if w]) if any(words) else None
    conf["_channel_memo"] = {}
    return conf


def normalize_status(text: str) -> str | None:
    """answered / pending / unanswered / invalid for a status text, or None."""
    conf = letter_rules()
    t = clean_label(text).strip("()（）")
    if not t:
        return None
    found = conf["_status_exact"].get(t)
    if found is not None:
        return found
    for status in _STATUS_ORDER:
        if any(len(w) >= 3 and w in t for w in conf["status"][status]):
            return status
    return None


def looks_like_letters(html: str) -> bool:
    """Cheap test: does the page name letter fields, write entries or a text-area form?"""
    conf = letter_rules()
    if "<textarea" in html or "<TEXTAREA" in html or conf["_page_any_empty"]:
        return True
    automaton = conf["_page_ac"]
    return automaton is not None and bool(automaton.find_matches_as_indexes(html))


def _text(node: LexborNode) -> str:
    return " ".join((node.text(deep=True, separator=" ") or "").split())


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _is_channel_text(text: str) -> tuple[bool, bool]:
    """(names a consultation channel, names an excluded channel)."""
    conf = letter_rules()
    memo = conf["_channel_memo"]
    known = memo.get(text)
    if known is None:
        excluded = any(w in text for w in conf["not_channel_words"])
        known = (any(w in text for w in conf["channel_words"]) and not excluded, excluded)
        if len(memo) >= 8192:
            memo.clear()
        memo[text] = known
    return known


def channel_links(urls: list[str], texts: list[str], *, limit: int = 10) -> tuple[tuple[str, str], ...]:
    """Links whose text names a consultation channel (领导信箱, 我要留言 …), not 信访/举报 ones."""
    out: list[tuple[str, str]] = []
    memo = letter_rules()["_channel_memo"]
    for url, text in zip(urls, texts, strict=False):
        if not text or len(text) > 20:
            continue
        known = memo.get(text)
        if (known if known is not None else _is_channel_text(text))[0]:
            out.append((text, url))
            if len(out) >= limit:
                break
    return tuple(out)


# -- lists ---------------------------------------------------------------------------------------


def _row_link(row: LexborNode, url: str) -> tuple[str, str | None]:
    best: tuple[str, str | None] = ("", None)
    for a in row.css("a[href]"):
        href = (a.attributes.get("href") or "").strip()
        text = _text(a) or (a.attributes.get("title") or "").strip()
        if not href or href.lower().startswith(("javascript:void", "#")) or len(text) < len(best[0]):
            continue
        best = (text, join_url(url, href))
    return best


def _header_map(row: LexborNode) -> dict[int, str]:
    vocab: Vocabulary = letter_rules()["_vocab"]
    out: dict[int, str] = {}
    for i, cell in enumerate(c for c in row.iter() if c.tag in ("td", "th")):
        name = vocab.exact(_text(cell))
        if name is not None and name not in out.values():
            out[i] = name
    return out


def _table_letters(table: LexborNode, url: str, as_of: date) -> tuple[list[Letter], bool] | None:
    rows = [r for r in table.css("tr") if _same(_nearest_table(r), table)]
    header: tuple[int, dict[int, str]] | None = None
    for k, row in enumerate(rows[:3]):
        found = _header_map(row)
        if len(found) >= 2 and ("asked" in found.values() or "status" in found.values()):
            header = (k, found)
            break
    if header is None:
        return None
    k, cols = header
    shows = "answered" in cols.values() or "status" in cols.values()
    out: list[Letter] = []
    for row in rows[k + 1 :]:
        cells = [c for c in row.iter() if c.tag in ("td", "th")]
        values = {cols[i]: _text(c) for i, c in enumerate(cells) if i in cols}
        title, link = _row_link(row, url)
        if not title:
            title = values.get("title", "")
        if not title or link is None and not values.get("asked"):
            continue
        asked = parse_date(values.get("asked", ""), as_of=as_of)
        answered = parse_date(values.get("answered", ""), as_of=as_of)
        status_text = values.get("status", "")
        out.append(Letter(title[:200], link, _iso(asked), _iso(answered), normalize_status(status_text), status_text[:20]))
        if len(out) >= MAX_LETTERS:
            break
    return out, shows


def _same(a: LexborNode | None, b: LexborNode) -> bool:
    return a is not None and a.mem_id == b.mem_id


def _nearest_table(node: LexborNode) -> LexborNode | None:
    cur = node.parent
    while cur is not None and cur.tag != "table":
        cur = cur.parent
    return cur


def _labelled_date(text: str, labels: list[str], as_of: date) -> date | None:
    for label in sorted(labels, key=len, reverse=True):
        for colon in ("：", ":"):
            i = text.find(label + colon)
            if i >= 0:
                found = find_dates(text[i + len(label) + 1 : i + len(label) + 40], as_of=as_of)
                if found:
                    return found[0].date
    return None


def _row_status(text: str) -> tuple[str | None, str]:
    conf = letter_rules()
    for label in sorted(conf["fields"]["status"], key=len, reverse=True):
        for colon in ("：", ":"):
            i = text.find(label + colon)
            if i >= 0:
                value = text[i + len(label) + 1 :].strip().split(" ")[0]
                return normalize_status(value), value[:20]
    for token in text.replace("【", " ").replace("】", " ").replace("[", " ").replace("]", " ").split():
        status = conf["_status_exact"].get(token.strip("()（）"))
        if status is not None:
            return status, token[:20]
    return None, ""


def _row_of(a: LexborNode, title: str, as_of: date) -> LexborNode | None:
    """The smallest element around a title link that also shows a date: the letter's row."""
    cur = a.parent
    for _ in range(4):
        if cur is None or cur.tag in ("body", "html", "table", "tbody"):
            return None
        text = _text(cur)
        if len(text) - len(title) > MAX_ROW_EXTRA or (cur.tag != "tr" and cur.css_first("table, tr, h1") is not None):
            return None  # the page's content, not a row of a list
        if find_dates(text.replace(title, " ", 1), as_of=as_of):
            titled = sum(1 for link in cur.css("a[href]") if len(_text(link)) >= 4)
            return cur if titled <= 2 else None
        cur = cur.parent
    return None


def _row_letters(root: LexborNode, url: str, as_of: date) -> tuple[list[Letter], bool]:
    conf = letter_rules()
    fields = conf["fields"]
    out: list[Letter] = []
    seen: set[str] = set()
    shows = False
    for a in root.css("a[href]"):
        title = _text(a) or (a.attributes.get("title") or "").strip()
        href = (a.attributes.get("href") or "").strip()
        if len(title) < 4 or not href or href.lower().startswith(("javascript", "#")):
            continue
        link = join_url(url, href)
        if link is None or link in seen:
            continue
        row = _row_of(a, title, as_of)
        if row is None:
            continue
        rest = _text(row).replace(title, " ", 1)
        status, status_text = _row_status(rest)
        asked = _labelled_date(rest, fields["asked"], as_of)
        answered = _labelled_date(rest, fields["answered"], as_of)
        labelled = asked is not None or any(f"{w}：" in rest or f"{w}:" in rest for w in fields["answered"])
        if not labelled:
            dates = [m.date for m in find_dates(rest, as_of=as_of)]
            if not dates or status is None:
                continue  # a plain dated list (news) is not a letters list
            asked = dates[0]
            if len(dates) > 1 and status == "answered":
                answered = dates[1]
        if asked is None:
            continue
        shows = shows or status is not None or any(w in rest for w in fields["answered"])
        seen.add(link)
        out.append(Letter(title[:200], link, _iso(asked), _iso(answered), status, status_text))
        if len(out) >= MAX_LETTERS:
            break
    return out, shows


# -- detail pages and forms ----------------------------------------------------------------------


def _heading(tree: LexborHTMLParser) -> str:
    for sel in ("h1", "title"):
        node = tree.css_first(sel)
        if node is not None:
            text = " ".join(node.text().split())
            if text:
                return text[:120]
    return ""


def _detail(tree: LexborHTMLParser, url: str, as_of: date, heading: str) -> Letter | None:
    conf = letter_rules()
    fields = read_fields(tree, conf["_vocab"], end_markers=FOOTER_MARKERS)
    asked_f = fields.get("asked")
    if asked_f is None or not ({"answered", "status", "reply", "replier"} & fields.keys()):
        return None
    asked = parse_date(asked_f.value, as_of=as_of)
    if asked is None:
        return None
    answered = parse_date(fields["answered"].value, as_of=as_of) if "answered" in fields else None
    status_text = fields["status"].value[:20] if "status" in fields else ""
    status = normalize_status(status_text) if status_text else None
    reply = fields.get("reply")
    if status is None and (answered is not None or (reply is not None and len(reply.value) >= 4 and "暂无" not in reply.value)):
        status = "answered"
    title = fields["title"].value if "title" in fields and fields["title"].value else heading.split("_")[0]
    return Letter(title[:200], url, _iso(asked), _iso(answered), status, status_text)


def _is_form(tree: LexborHTMLParser, heading_text: str) -> bool:
    conf = letter_rules()
    for form in tree.css("form"):
        if form.css_first("textarea") is None:
            continue
        if any(w in heading_text for w in conf["not_form_words"]):
            return False
        return True
    return False


def page_letters(
    html: str, url: str, *, as_of: date, tree: LexborHTMLParser | None = None, context: str = "",
    looked: bool = False,
) -> LettersPage | None:
    """Letters, form and channel signals of a page (None when it has none of them).

    `context` is what else names the page (its breadcrumb, its column name); `looked`: the
    caller found `looks_like_letters(html)` true already."""
    if not looked and not looks_like_letters(html):
        return None
    conf = letter_rules()
    if tree is None:
        tree = LexborHTMLParser(html)
    root = tree.body or tree.root
    if root is None:
        return None
    base = tree.css_first("base[href]")
    links_base = (join_url(url, base.attributes.get("href") or "") or url) if base is not None else url
    heading = _heading(tree)
    h1 = tree.css_first("h1")
    naming = " ".join([heading, _text(h1) if h1 is not None else "", context])
    channel, excluded = _is_channel_text(naming)
    write: list[str] = []
    for a in root.css("a[href]"):
        text = _text(a)
        if text and any(w in text for w in conf["write_words"]) and len(text) <= 12:
            target = join_url(links_base, a.attributes.get("href") or "")
            if target is not None and target not in write:
                write.append(target)
    letters: list[Letter] = []
    shows = False
    for table in root.css("table"):
        found = _table_letters(table, links_base, as_of)
        if found is not None:
            letters += found[0]
            shows = shows or found[1]
    kind = "list" if letters else "other"
    if not letters and any(w in html for w in conf["page_words"]):
        letters, shows = _row_letters(root, links_base, as_of)
        kind = "list" if letters else "other"
        if not letters:
            one = _detail(tree, url, as_of, heading)
            if one is not None:
                letters, shows, kind = [one], True, "detail"
    if kind == "other" and (channel or excluded) and _is_form(tree, naming):
        kind = "form"
    if kind == "other" and not write:
        return None
    if letters and not excluded:
        channel = True
    return LettersPage(kind, tuple(letters), shows, channel, excluded, tuple(write[:5]), heading)
