"""Personal-information leaks (去标识化): resident ID numbers, mobiles and bank cards of citizens.

The 2018 政务公开工作要点 requires personal information in published government information to
be de-identified; inspectors report pages and attachments that list citizens (低保, 补贴,
救助 and other 公示 name lists) with full ID numbers, mobiles or bank card numbers. A report
that calls an ordinary office contact a "leak" is the worst outcome, so every rule here is
conservative and reports never store a full number (`mask`).

Rules (word lists and windows in `data/privacy.yaml`):

- **ID numbers** (`id_number`): 18 characters (17 digits + digit/X) not inside a longer run of
  digits or letters, with a real province prefix (GB/T 2260), a real birth date from 1900 to the
  monitoring day and a valid GB 11643 check character. Masked numbers (`110101********1234`)
  never match. Not a hit when the nearest label before it names another identifier
  (统一社会信用代码, 订单号, 编号 …) or when it is a sample number of the standard. 15-digit
  (pre-1999) IDs only with a valid date and an ID label (身份证 …) just before them.
- **Mobiles** (`mobile`): `1[3-9]` + 9 digits not inside a longer digit run, and ONLY when the
  line or table row is a citizen's record. A row/line is a citizen record when
  (a) it also carries a valid unmasked ID number, or
  (b) its table has a header with a citizen column (姓名, 户主, 申请人, 救助对象 …) and no
      official column (职务, 联系人, 负责人, 科室 …), and the row's cell in that column is a name, or
  (c) a citizen label followed by a name precedes the mobile in the same line
      (申请人：王小明，联系电话：139…) with no official label in between, or
  (d) the page reads as a list of citizens (a roster word such as 名单/公示/低保/补贴) and at
      least two header-less lines or rows each pair a name with a mobile.
  A line or row with an official label or title (联系人, 咨询电话, 办公室, 主任, 网格员 …) is
  never a citizen record for mobiles (unless (a)): 联系人：张三 电话：138… on a notice, the
  phone list of village cadres or family doctors, and hotlines are published on purpose.
- **Bank cards** (`bank_card`): 16–19 digits (or 4-digit groups separated by single spaces),
  Luhn-valid, with an issuer prefix (62, 60, 65, 4, 5, 35; 9 only for 19 digits) and a card
  label (银行卡, 卡号, 账号, 开户, 一卡通 …) as the nearest label before it in the line or as its
  table column header. Lines naming an organisation's account (对公, 专户, 收款单位, …局) are skipped.

Pages are read as units: each table row (cells joined with " | ") and each line of block text.
A cheap pass over the page's text (`_candidates`: Lexbor's text, one regular expression, then
checksums) returns early on the great majority of pages, which carry no plausible number at
all; only pages with a candidate are walked unit by unit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any

from govinspect.yamlfiles import load_yaml
from selectolax.lexbor import LexborHTMLParser, LexborNode

__all__ = [
    "PrivacyHit",
    "find_privacy",
    "is_valid_id_number",
    "luhn_valid",
    "mask",
    "page_privacy",
    "page_units",
    "text_privacy",
    "text_units",
    "Unit",
]

KINDS = ("id_number", "mobile", "bank_card")
_CONTEXT_CHARS = 24  # characters kept on each side of a hit in its context

# Fullwidth digits and X map one-to-one, so positions stay valid after normalising.
_FULLWIDTH = str.maketrans("０１２３４５６７８９Ｘｘ", "0123456789Xx")

_ID18_RE = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx])(?![0-9A-Za-z])")
_ID15_RE = re.compile(r"(?<![0-9A-Za-z])(\d{15})(?![0-9A-Za-z])")
_MOBILE_RE = re.compile(r"(?<!\d)(1[3-9]\d{9})(?!\d)")
_CARD_RE = re.compile(r"(?<![0-9A-Za-z])(\d{16,19}|\d{4}(?: \d{4}){3}(?: \d{1,3})?)(?![0-9A-Za-z])")
# Raw HTML pre-filter: any run that could become one of the above.
_RAW_RE = re.compile(r"(?<!\d)(?:\d{11}|\d{15,19}[\dXx]?|\d{4}(?: \d{4}){3}(?: \d{1,3})?)(?!\d)")
_FW_DIGITS_RE = re.compile(r"[０-９]{6}")
# Explicit repetitions: CPython's regex engine scans a non-ASCII string several times faster for
# `[0-9][0-9]…` than for `[0-9]{11}` (it can skip ahead on the first character class).
_RUN11_RE = re.compile("[0-9]" * 11)
_GROUPED_RE = re.compile(" ".join(["[0-9]" * 4] * 4))
_FW_RUN_RE = re.compile("[０-９]" * 6)
# Numbers put in a context string are masked too (a context must never carry a full number).
_LONG_DIGITS_RE = re.compile(r"\d[\d *]{9,}[\dXx]|\d{7,}")

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


@dataclass(frozen=True, slots=True)
class PrivacyHit:
    """One unmasked personal number: its kind, the masked number and masked context."""

    kind: str  # id_number | mobile | bank_card
    masked_value: str
    context: str


@dataclass(frozen=True, slots=True)
class Unit:
    """A line of a page or document as the checks read it.

    `cells` are the table cells of a row, or the inline pieces of a text line (tokenised on
    demand); `group` identifies the table a row belongs to (None for text lines).
    """

    text: str
    cells: tuple[str, ...]
    group: int | None = None
    is_row: bool = False


# --------------------------------------------------------------------------------------------
# word lists
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Words:
    provinces: frozenset[str]
    min_birth_year: int
    id_labels: tuple[str, ...]
    id_label_window: int
    samples: frozenset[str]
    other_labels: tuple[str, ...]
    other_window: int
    citizen_labels: tuple[str, ...]
    official_labels: tuple[str, ...]
    official_titles: tuple[str, ...]
    roster_words: tuple[str, ...]
    min_list_rows: int
    mobile_label_window: int
    card_prefixes: tuple[str, ...]
    card_prefixes_19: tuple[str, ...]
    card_labels: tuple[str, ...]
    card_label_window: int
    org_account_words: tuple[str, ...]
    label_re: re.Pattern[str]  # every label of every list, longest first
    official_re: re.Pattern[str]
    name_re: re.Pattern[str]
    citizen_name_re: re.Pattern[str]
    not_names: frozenset[str]
    not_name_suffixes: str


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@lru_cache(maxsize=1)
def _words() -> _Words:
    """The lists of `data/privacy.yaml`, compiled once."""
    text = resources.files("govinspect.data").joinpath("privacy.yaml").read_text("utf-8")
    data: dict[str, Any] = load_yaml(text)
    idn, other, mob, card = data["id_number"], data["other_numbers"], data["mobile"], data["bank_card"]
    single = "".join(str(data["surnames_single"]).split())
    compound = [str(s) for s in data["surnames_compound"]]
    surname = f"(?:{_alternation(compound)}|[{re.escape(single)}])"
    # A name: surname + 1–2 Han characters, or masked (张*, 张**, 张*明, 张某某).
    name = rf"{surname}(?:[\u4e00-\u9fff]{{1,2}}|[*＊×○某]{{1,2}}|[\u4e00-\u9fff][*＊×○])"
    all_labels = (
        list(idn["labels"]) + list(other["labels"]) + list(mob["citizen_labels"])
        + list(mob["official_labels"]) + list(card["labels"])
    )
    official = list(mob["official_labels"]) + list(mob["official_titles"])
    citizen = _alternation(mob["citizen_labels"])
    return _Words(
        provinces=frozenset(f"{int(c):02d}" for c in idn["province_codes"]),
        min_birth_year=int(idn["min_birth_year"]),
        id_labels=tuple(idn["labels"]),
        id_label_window=int(idn["label_window"]),
        samples=frozenset(str(s).upper() for s in idn["samples"]),
        other_labels=tuple(other["labels"]),
        other_window=int(other["window"]),
        citizen_labels=tuple(mob["citizen_labels"]),
        official_labels=tuple(mob["official_labels"]),
        official_titles=tuple(mob["official_titles"]),
        roster_words=tuple(mob["roster_words"]),
        min_list_rows=int(mob["min_list_rows"]),
        mobile_label_window=int(mob["label_window"]),
        card_prefixes=tuple(str(p) for p in card["prefixes"]),
        card_prefixes_19=tuple(str(p) for p in card["prefixes_19_only"]),
        card_labels=tuple(card["labels"]),
        card_label_window=int(card["label_window"]),
        org_account_words=tuple(card["org_account_words"]),
        label_re=re.compile(_alternation(all_labels)),
        official_re=re.compile(_alternation(official)),
        name_re=re.compile(rf"^{name}$"),
        citizen_name_re=re.compile(rf"(?:{citizen})\s*[:：]?\s*(?:是|为)?\s*({name})(?![\u4e00-\u9fff])"),
        not_names=frozenset(str(w) for w in data["not_names"]),
        not_name_suffixes="".join(str(data["not_name_suffixes"]).split()),
    )


# --------------------------------------------------------------------------------------------
# number checks
# --------------------------------------------------------------------------------------------


def _real_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def is_valid_id_number(value: str, *, as_of: date | None = None) -> bool:
    """Whether `value` is a plausible 18-character resident ID number (GB 11643).

    Checks the province prefix, a birth date between 1900 and `as_of` (default: today) and the
    ISO 7064 MOD 11-2 check character.
    """
    w = _words()
    v = value.upper()
    if len(v) != 18 or not v[:17].isdigit() or not (v[17].isdigit() or v[17] == "X"):
        return False
    if v[:2] not in w.provinces:
        return False
    born = _real_date(int(v[6:10]), int(v[10:12]), int(v[12:14]))
    if born is None or born.year < w.min_birth_year or born > (as_of or date.today()):
        return False
    total = sum(int(c) * k for c, k in zip(v[:17], _ID_WEIGHTS))
    return _ID_CHECK[total % 11] == v[17]


def _valid_id15(value: str, as_of: date | None) -> bool:
    w = _words()
    if value[:2] not in w.provinces:
        return False
    born = _real_date(1900 + int(value[6:8]), int(value[8:10]), int(value[10:12]))
    return born is not None and born <= (as_of or date.today())


def luhn_valid(digits: str) -> bool:
    """The Luhn (mod 10) check of card numbers (ISO/IEC 7812)."""
    total = 0
    for i, c in enumerate(reversed(digits)):
        n = ord(c) - 48
        if i % 2:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total % 10 == 0


def _card_shaped(digits: str) -> bool:
    w = _words()
    if not 16 <= len(digits) <= 19 or not luhn_valid(digits):
        return False
    if digits.startswith(w.card_prefixes):
        return True
    return len(digits) == 19 and digits.startswith(w.card_prefixes_19)


def mask(value: str, kind: str) -> str:
    """`value` with its middle replaced by '*': what a report may store and print.

    id_number and bank_card keep the first 4 and last 4 characters (`1101**********1234`);
    mobile keeps the first 3 and last 4 (`138****5678`). Spaces in the value are dropped first.
    """
    v = "".join(value.split())
    if kind == "mobile":
        return v[:3] + "*" * max(len(v) - 7, 0) + v[-4:] if len(v) > 7 else "*" * len(v)
    if kind in ("id_number", "bank_card"):
        return v[:4] + "*" * max(len(v) - 8, 0) + v[-4:] if len(v) > 8 else "*" * len(v)
    raise ValueError(f"unknown kind {kind!r}; expected one of {KINDS}")


def _mask_any(m: re.Match[str]) -> str:
    digits = "".join(m.group(0).split())
    if "*" in digits:
        return m.group(0)
    if len(digits) == 11 and digits[0] == "1":
        return mask(digits, "mobile")
    if len(digits) <= 10:
        return digits[:2] + "*" * (len(digits) - 4) + digits[-2:]
    return mask(digits, "id_number")


def _masked_context(text: str, start: int, end: int) -> str:
    lo, hi = max(0, start - _CONTEXT_CHARS), min(len(text), end + _CONTEXT_CHARS)
    snippet = text[lo:hi].strip()
    return _LONG_DIGITS_RE.sub(_mask_any, snippet)


# --------------------------------------------------------------------------------------------
# labels, names, rows
# --------------------------------------------------------------------------------------------


def _nearest_label(text: str, start: int, window: int) -> str | None:
    """The label ending closest before `start` within `window` characters, if any."""
    lo = max(0, start - window)
    best: tuple[int, str] | None = None
    for m in _words().label_re.finditer(text, lo, start):
        if best is None or m.end() >= best[0]:
            best = (m.end(), m.group(0))
    return best[1] if best else None


def _is_name(cell: str) -> bool:
    w = _words()
    token = "".join(cell.split()) if len(cell) <= 5 else cell  # 张　三 padded to align columns
    if token in w.not_names or token[-1:] in w.not_name_suffixes:
        return False
    return w.name_re.match(token) is not None


_TOKEN_SPLIT_RE = re.compile(r"[\s,，、;；:：()（）\[\]【】|/]+")
_NUMBERING_RE = re.compile(r"^(?:(?:\d{1,3}|[一二三四五六七八九十]+)[.、．)）]|\d{1,3}(?=[\u4e00-\u9fff]))")


def _tokens(text: str) -> tuple[str, ...]:
    out = []
    for t in _TOKEN_SPLIT_RE.split(text):
        t = _NUMBERING_RE.sub("", t) if t and t[0].isdigit() and not t.isdigit() else t
        if t:
            out.append(t)
    return tuple(out)


def _line_tokens(unit: Unit) -> list[str]:
    """Tokens of a text line and of its inline pieces (<span>张三</span><span>138…</span>)."""
    tokens = list(_tokens(unit.text))
    for piece in unit.cells:
        tokens.extend(t for t in _tokens(_norm(piece)) if t not in tokens)
    return tokens


@dataclass(frozen=True)
class _Header:
    """Column roles of a table, from its header row."""

    name_cols: tuple[int, ...]  # citizen name columns
    official: bool  # an official column (职务, 联系人, 科室 …) in the header
    labels: tuple[str | None, ...]  # per column: the label the header cell carries


def _header_of(cells: Sequence[str]) -> _Header | None:
    """Column roles when `cells` read as a header row (≥ 2 labelled cells, no long numbers)."""
    w = _words()
    if len(cells) < 2 or any(_RAW_RE.search(c) for c in cells):
        return None
    labels: list[str | None] = []
    for c in cells:
        c2 = "".join(c.split())
        m = w.label_re.search(c2) if len(c2) <= 12 else None
        labels.append(m.group(0) if m else None)
    if sum(1 for lab in labels if lab) < 2:
        return None
    name_cols = tuple(i for i, lab in enumerate(labels) if lab in w.citizen_labels)
    official = any(w.official_re.search("".join(c.split())) for c in cells if len(c) <= 12)
    return _Header(name_cols, official, tuple(labels))


# --------------------------------------------------------------------------------------------
# finding hits in units
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Found:
    kind: str
    value: str
    unit: int
    start: int
    end: int


def _norm(text: str) -> str:
    return text.translate(_FULLWIDTH) if _FW_DIGITS_RE.search(text) else text


def _cell_at(unit: Unit, pos: int) -> int | None:
    """Index of the cell of a table row that holds position `pos` of `unit.text`."""
    if not unit.is_row:
        return None
    offset = 0
    for i, c in enumerate(unit.cells):
        if offset <= pos < offset + len(c):
            return i
        offset += len(c) + 3  # " | "
    return None


def _governed_by_other(text: str, start: int, col_label: str | None) -> bool:
    """Whether the number at `start` is labelled as another identifier (信用代码, 订单号 …).

    An ID label in the window wins: 身份证编号 contains 编号 but names an ID number.
    """
    w = _words()
    if col_label is not None:
        return col_label in w.other_labels
    lo = max(0, start - w.other_window)
    if any(lab in text[lo:start] for lab in w.id_labels):
        return False
    label = _nearest_label(text, start, w.other_window)
    return label is not None and label in w.other_labels


def _ids_in(unit: Unit, idx: int, as_of: date | None, header: _Header | None) -> Iterator[_Found]:
    w = _words()
    text = unit.text
    for m in _ID18_RE.finditer(text):
        v = m.group(1).upper()
        if v in w.samples or not is_valid_id_number(v, as_of=as_of):
            continue
        col = _cell_at(unit, m.start())
        col_label = header.labels[col] if header and col is not None and col < len(header.labels) else None
        if col_label in w.card_labels and _card_shaped(v):
            continue  # an 18-digit card number under a 卡号 column; the card check reports it
        near = _nearest_label(text, m.start(), w.card_label_window)
        if near in w.card_labels and _card_shaped(v) and col_label not in w.id_labels:
            continue
        if _governed_by_other(text, m.start(), col_label):
            continue
        yield _Found("id_number", v, idx, m.start(1), m.end(1))
    if "身份" in text or "证件" in text or header is not None:
        for m in _ID15_RE.finditer(text):
            v = m.group(1)
            col = _cell_at(unit, m.start())
            col_label = header.labels[col] if header and col is not None and col < len(header.labels) else None
            label = col_label or _nearest_label(text, m.start(), w.id_label_window)
            if label in w.id_labels and _valid_id15(v, as_of):
                yield _Found("id_number", v, idx, m.start(1), m.end(1))


def _cards_in(unit: Unit, idx: int, header: _Header | None, before: str) -> Iterator[_Found]:
    """Card numbers of `unit`; `before` is the text of the lines just above (户名：…慈善总会)."""
    w = _words()
    text = unit.text
    org = None
    for m in _CARD_RE.finditer(text):
        digits = m.group(1).replace(" ", "")
        if not _card_shaped(digits):
            continue
        col = _cell_at(unit, m.start())
        col_label = header.labels[col] if header and col is not None and col < len(header.labels) else None
        label = _nearest_label(text, m.start(), w.card_label_window)
        if col_label not in w.card_labels and label not in w.card_labels:
            continue
        if label in w.other_labels or col_label in w.other_labels:
            continue
        if org is None:
            org = any(word in text or word in before for word in w.org_account_words)
        if org:
            continue
        yield _Found("bank_card", digits, idx, m.start(1), m.end(1))


def _unit_official(text: str) -> bool:
    return _words().official_re.search(text) is not None


def _citizen_label_governs(text: str, start: int) -> bool:
    """A citizen label + name before `start` (within the window), no official word in between."""
    w = _words()
    lo = max(0, start - w.mobile_label_window)
    last = None
    for m in w.citizen_name_re.finditer(text, lo, start):
        if m.group(1) not in w.not_names:
            last = m
    if last is None:
        return False
    return w.official_re.search(text, last.end(), start) is None


_HEADER_ROWS = 3  # a table's header is one of its first rows (a title row may come first)
_ROSTER_LOOKBACK = 8  # units before a header-less list searched for its title (…名单公示)


def _roster_near(units: Sequence[Unit], first: int, head: int) -> bool:
    """Whether a roster word titles the list starting at unit `first`: one of the 3 text lines
    just before it, or of the document's first `head` lines, is short and names a list."""
    words = _words().roster_words
    before = [u for u in units[max(0, first - _ROSTER_LOOKBACK) : first] if not u.is_row][-3:]
    near = before + [units[first]] + list(units[:head])
    return any(word in u.text for u in near if len(u.text) <= 80 for word in words)


def find_privacy(
    units: Sequence[Unit],
    *,
    as_of: date | None = None,
    roster: bool | None = None,
    head: int = 3,
) -> list[PrivacyHit]:
    """Unmasked ID numbers, citizens' mobiles and bank cards in `units` (see module docstring).

    `roster` says whether the document is a list of citizens (rule (d) for mobiles); None
    decides from a title-like line (≤ 80 characters with a roster word such as 名单, 公示,
    低保) just before the list or among the document's first `head` lines (pages pass 0:
    their first lines are menus, where 公示公告 is a column name). Each number is reported once, in
    document order.
    """
    w = _words()
    headers: dict[int, _Header | None] = {}
    rows_seen: dict[int, int] = {}
    found: list[_Found] = []
    mobiles: list[tuple[_Found, bool, bool]] = []  # (mobile, decided hit, header-less list candidate)
    for idx, unit in enumerate(units):
        header = None
        if unit.is_row and unit.group is not None:
            header = headers.get(unit.group)
            seen = rows_seen.get(unit.group, 0)
            rows_seen[unit.group] = seen + 1
            if header is None and seen < _HEADER_ROWS:
                h = _header_of(unit.cells)
                if h is not None:
                    headers[unit.group] = h
                    continue
        if _RUN11_RE.search(unit.text) is None and _GROUPED_RE.search(unit.text) is None:
            continue  # no number long enough for any kind
        ids = list(_ids_in(unit, idx, as_of, header))
        found.extend(ids)
        before = " ".join(u.text for u in units[max(0, idx - 2) : idx] if not u.is_row)
        found.extend(_cards_in(unit, idx, header, before))
        if "1" not in unit.text:
            continue
        for m in _MOBILE_RE.finditer(unit.text):
            f = _Found("mobile", m.group(1), idx, m.start(1), m.end(1))
            col = _cell_at(unit, m.start())
            col_label = header.labels[col] if header and col is not None and col < len(header.labels) else None
            near = _nearest_label(unit.text, m.start(), w.other_window)
            if col_label in w.other_labels or (col_label is None and near in w.other_labels):
                continue
            if ids:  # (a) a record with the person's ID number
                mobiles.append((f, True, False))
                continue
            if _unit_official(unit.text):
                continue
            if header is not None:  # (b) a citizen table
                hit = not header.official and any(
                    c < len(unit.cells) and _is_name(unit.cells[c]) for c in header.name_cols
                )
                mobiles.append((f, hit, False))
                continue
            if _citizen_label_governs(unit.text, m.start()):  # (c)
                mobiles.append((f, True, False))
                continue
            cells = unit.cells if unit.is_row else _line_tokens(unit)
            mobiles.append((f, False, any(_is_name(c) for c in cells)))
    listed = [f for f, hit, cand in mobiles if cand and not hit]
    if len({f.value for f in listed}) < w.min_list_rows:
        listed = []
    elif not (roster if roster is not None else _roster_near(units, listed[0].unit, head)):
        listed = []
    listed_keys = {(f.unit, f.start) for f in listed}
    found.extend(f for f, hit, _ in mobiles if hit or (f.unit, f.start) in listed_keys)
    found.sort(key=lambda f: (f.unit, f.start))
    out: list[PrivacyHit] = []
    seen_values: set[tuple[str, str]] = set()
    for f in found:
        key = (f.kind, f.value)
        if key in seen_values:
            continue
        seen_values.add(key)
        text = units[f.unit].text
        out.append(PrivacyHit(f.kind, mask(f.value, f.kind), _masked_context(text, f.start, f.end)))
    return out


# --------------------------------------------------------------------------------------------
# text and pages → units
# --------------------------------------------------------------------------------------------


def text_units(text: str) -> list[Unit]:
    """Units of plain text: one per line; tab- or '|'-separated lines are table rows of one table.

    Consecutive lines with the same number (≥ 2) of tab/'|' cells form one group, so the
    attachment extractors' row output ("cell | cell") is read like an HTML table.
    """
    out: list[Unit] = []
    group = 0
    prev_cols = 0
    for raw in _norm(text).splitlines():
        line = raw.strip()
        if not line:
            prev_cols = 0
            continue
        if "\t" in line or " | " in line:
            cells = tuple(" ".join(c.split()) for c in re.split(r"\t| \| ", line))
            if len(cells) != prev_cols:
                group += 1
            prev_cols = len(cells)
            out.append(Unit(" | ".join(cells), cells, group, True))
        else:
            prev_cols = 0
            line = " ".join(line.split())
            out.append(Unit(line, (line,)))
    return out


_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "head", "title", "select", "option"})
_BLOCK_TAGS = frozenset({
    "p", "div", "li", "ul", "ol", "dl", "dd", "dt", "h1", "h2", "h3", "h4", "h5", "h6", "section",
    "article", "header", "footer", "nav", "aside", "main", "table", "tbody", "thead", "tfoot", "caption",
    "blockquote", "pre", "form", "center", "address", "fieldset", "hr", "tr", "td", "th", "body",
    "figure", "figcaption", "details", "summary",
})


_ROW_TAGS = frozenset({"div", "li", "ul", "ol", "dl", "section"})
_CELL_TAGS = frozenset({"div", "li", "dd", "dt", "span", "em", "strong", "b", "font", "label", "a", "i"})
_NESTED_BLOCKS = "div, p, li, ul, ol, dl, table, h1, h2, h3, h4, h5, h6, section, article"
_MIXED_CELL_RE = re.compile(r"[\u4e00-\u9fff].*\d{7}|\d{7}.*[\u4e00-\u9fff]")
_ROW_MAX_CELLS = 12
_CELL_MAX_CHARS = 60


def _children(node: LexborNode) -> list[LexborNode]:
    return list(node.iter(include_text=True))


def _cell_text(node: LexborNode) -> str:
    return _norm(" ".join(node.text(deep=True, separator=" ").split()))


def _div_row(node: LexborNode, kids: list[LexborNode]) -> tuple[str, ...] | None:
    """Cells when a block is a row of a div/list table (姓名 | 身份证号 | 电话 as <div>s or <span>s).

    A row: 2–12 element children, no text of its own, at least two block children, none holding
    a block of its own, each at most 60 characters and each ONE value — a child holding both a
    name and a long number is a line of a vertical list (<li>张三 138…</li>), not a cell.
    Paragraphs are never cells.
    """
    elems = [k for k in kids if k.tag != "-text"]
    if not 2 <= len(elems) <= _ROW_MAX_CELLS:
        return None
    if any(k.tag == "-text" and (k.text_content or "").strip() for k in kids):
        return None
    if any(k.tag not in _CELL_TAGS for k in elems):
        return None
    if sum(1 for k in elems if k.tag in ("div", "li", "dd", "dt")) < 2:
        return None
    cells = []
    for k in elems:
        # css_first also matches the node itself, so ask the cell's children, not the cell.
        if any(g.tag != "-text" and g.css_first(_NESTED_BLOCKS) is not None for g in k.iter()):
            return None
        text = _cell_text(k)
        if len(text) > _CELL_MAX_CHARS or _MIXED_CELL_RE.search(text):
            return None
        cells.append(text)
    return tuple(cells) if sum(1 for c in cells if c) >= 2 else None


def page_units(tree: LexborHTMLParser) -> list[Unit]:
    """The units of a parsed page: data table rows (cells) and lines of block text.

    Rows come from <tr> (a row whose cells hold another table is a layout row of an old
    ASP/TRS template and is entered instead) and from div/list tables (`_div_row`). A line's
    cells are its tokens and its inline pieces, so <span>张三</span><span>138…</span> written
    without spaces still shows the name. Text in script/style/template is not page text.
    The tree is only read, never changed.
    """
    root = tree.body or tree.root
    if root is None:
        return []
    out: list[Unit] = []
    buf: list[str] = []

    def flush() -> None:
        if not buf:
            return
        line = _norm(" ".join("".join(buf).split()))
        if line:
            # The inline pieces; find_privacy tokenises them only for lines holding a mobile.
            pieces = tuple(p for p in (" ".join(b.split()) for b in buf) if p) if len(buf) > 1 else (line,)
            out.append(Unit(line, pieces))
        buf.clear()

    stack: list[tuple[LexborNode, bool]] = [(root, False)]
    while stack:
        node, leaving = stack.pop()
        if leaving:
            flush()
            continue
        tag = node.tag or ""
        if tag == "-text":
            buf.append(node.text_content or "")
            continue
        if tag[:1] == "-" or tag in _SKIP_TAGS:
            continue
        if tag == "br":
            flush()
            continue
        if tag == "tr" and node.css_first("table") is None:
            flush()
            cells = tuple(_cell_text(c) for c in _children(node) if c.tag in ("td", "th"))
            if any(cells):
                table = node.parent
                while table is not None and table.tag != "table":
                    table = table.parent
                group = table.mem_id if table is not None else node.mem_id
                out.append(Unit(" | ".join(cells), cells, group, True))
            continue
        kids = _children(node)
        if tag in _ROW_TAGS:
            cells_or_none = _div_row(node, kids)
            if cells_or_none is not None:
                flush()
                parent = node.parent
                group = parent.mem_id if parent is not None else node.mem_id
                out.append(Unit(" | ".join(cells_or_none), cells_or_none, group, True))
                continue
        if tag in _BLOCK_TAGS:
            flush()
            stack.append((node, True))
        stack.extend((c, False) for c in reversed(kids))
    flush()
    return out




def _candidates(text: str, as_of: date | None, *, any_id15: bool = False) -> bool:
    """Whether `text` holds any number that could be a hit (cheap: most pages hold none).

    `any_id15` lets a valid 15-digit ID pass without an ID word anywhere in `text` (for a part
    of a page, whose ID word may be elsewhere): the answer then depends only on each maximal
    run of digits (with an X after it) and on runs of 6 fullwidth or grouped digits."""
    if _FW_RUN_RE.search(text):
        return True
    last_end = -1
    for m in _RUN11_RE.finditer(text):
        start, end = m.start(), m.end()
        if start < last_end:
            continue
        while start > 0 and text[start - 1].isdigit():
            start -= 1
        while end < len(text) and text[end].isdigit():
            end += 1
        last_end = end
        v = text[start:end]
        if end < len(text) and text[end] in "Xx":
            v += "X"
        n = len(v)
        if n == 11:
            if v[1] in "3456789" and v[0] == "1":
                return True
        elif n == 18 and is_valid_id_number(v, as_of=as_of):
            return True
        elif n == 15 and _valid_id15(v, as_of) and (any_id15 or "身份" in text or "证件" in text):
            return True
        elif 16 <= n <= 19 and _card_shaped(v):
            return True
    return _GROUPED_RE.search(text) is not None  # 6222 0212 3456 7890 (rare: check the page)


def candidates_between(text: str, known: int, known_end: int, as_of: date | None) -> bool:
    """`_candidates(text.replace("\\n", " "), as_of, any_id15=True)` for a text whose first
    `known` and last `known_end` characters are a prefix and a suffix of a text where that is
    False (a site's repeated header and footer): only the new part is read, widened to whole
    runs of digits and to the 19 characters a grouped card number spans. An upper bound of
    `_candidates` (the text is `illegal.body_text`, line breaks read as spaces)."""
    n = len(text)
    lo = max(0, known - 20)
    while lo > 0 and text[lo - 1].isdigit():
        lo -= 1
    hi = min(n, n - known_end + 20)
    while hi < n and text[hi].isdigit():
        hi += 1
    # One more character: the X of an ID number ending the run.
    return _candidates(text[lo : min(n, hi + 1)].replace("\n", " "), as_of, any_id15=True)


def _page_text(tree: LexborHTMLParser) -> str:
    root = tree.body or tree.root
    return root.text(deep=True, separator=" ") if root is not None else ""


def page_privacy(
    html: str,
    url: str,
    *,
    tree: LexborHTMLParser | None = None,
    as_of: date | None = None,
    whole_text: str | None = None,
    first_look: bool | None = None,
) -> list[PrivacyHit]:
    """Unmasked personal numbers in a page's text (see the module docstring for the rules).

    `tree` is an already parsed `html` to share one parse per page (read only), `whole_text`
    its shared `illegal.body_text`. `url` names the page; hits carry no URL, the caller
    attaches it. `as_of` bounds birth dates (default today). `first_look=False` says the
    caller knows the page's text holds no candidate number (`candidates_between`).
    """
    del url  # the rules do not depend on where the page is; kept for the analyser signature
    if first_look is False:
        return []
    if tree is None:
        tree = LexborHTMLParser(html)
    # The page's text (lexbor, in C) is a fraction of its HTML and free of URLs and attributes.
    # Text nodes joined by spaces; turning their own line breaks into spaces too only lets the
    # cheap test pass more pages on to the full one.
    text = _page_text(tree) if whole_text is None else whole_text.replace("\n", " ")
    if not _candidates(text, as_of):
        return []
    return find_privacy(page_units(tree), as_of=as_of, roster=True if _titled_roster(tree) else None, head=0)


def _titled_roster(tree: LexborHTMLParser) -> bool:
    """Whether the page's <title> or <h1> names a list of citizens (…名单公示); lower headings
    are often side-column names (公示公告), not the page's subject."""
    words = _words().roster_words
    for node in tree.css("title, h1"):
        text = node.text(deep=True)
        if len(text) <= 120 and any(word in text for word in words):
            return True
    return False


def text_privacy(text: str, *, as_of: date | None = None) -> list[PrivacyHit]:
    """Unmasked personal numbers in plain text (attachments): lines, with tab/'|' rows as tables."""
    if not _candidates(text, as_of):
        return []
    return find_privacy(text_units(text), as_of=as_of)
