"""Serious misstatements (严重表述错误): leaders' names and titles, official formulations, places, organs.

A wrong leader's name or a garbled 习近平新时代中国特色社会主义思想 on a government site is a veto
(`veto.security.serious_misstatement`), so this check looks for the *likely wrong forms* of a
list of critical terms (`data/critical_terms.yaml`) rather than for the terms themselves:

- homophones: one character replaced by a common character with the same pinyin, tone ignored
  (the usual slip of a pinyin input method). "Common" = GB 2312 level 1, the 3,755 most
  frequent characters; pypinyin gives the readings, the term's own reading in context;
- look-alikes: one character replaced by a member of its group in `data/confusion_chars.yaml`;
- one inner character dropped (terms of 4+ characters);
- two adjacent characters swapped.

Terms shorter than 3 characters get no variants (李强 → 李墙 is too often another person), and
numerals are never varied (党的二十大 / 党的十二大 are both real). Every wrong form goes into one
Aho–Corasick automaton with the correct terms and the allow-list, built once per process; a page
is one pass over its text. Leaders' names are in the automaton too: a name directly followed
(or preceded) by a national-only title that the person never held (丁薛祥总理, 总理丁薛祥) is
reported as well.

A hit is dropped when it is legitimate in context: inside or overlapping a correct term or an
allowed string, a misspelt name of a leader (other than those marked `context_free`) without a
national title next to it (何立锋 may be a county official), a short hit (≤ 4 characters) that
is itself a word or reads as a run of words (国家全部 from 国家安全部) or that splits a word of its
neighbourhood (学习 + 进平台), a quoted correction, or a footer line (see `textcontext`).

The automaton is ahocorasick_rs (Rust): pyahocorasick looks up transitions by a linear scan of
a node's children, so its cost per character grows with the number of distinct first
characters of the patterns (10 KB of text against our 12,000 patterns: 0.49 ms there, 0.04 ms
here); see bench/RESULTS-textcheck.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import ahocorasick_rs
from selectolax.lexbor import LexborHTMLParser

from govinspect.analyze.buildcache import cached
from govinspect.analyze.textcontext import in_correction_or_footer, mark_context, reads_as_words, splits_a_word
from govinspect.analyze.visible_text import visible_text
from govinspect.yamlfiles import load_yaml

__all__ = [
    "CriticalTerms",
    "TextError",
    "find_misstatements",
    "load_critical_terms",
    "page_misstatements",
]

KINDS = ("leader_name", "formulation", "typo")

_NUMERALS = frozenset("〇零一二三四五六七八九十百千万两壹贰叁肆伍陆柒捌玖拾0123456789")
_SHORT_HIT = 4  # hits up to this length must not split a neighbouring word
_SPACES = " \u3000\xa0\t"


@dataclass(frozen=True, slots=True)
class TextError:
    """One wrong form found in a page's text.

    `offset` indexes the text that was checked; `context` is about 15 characters either side
    with the wrong form marked 【】.
    """

    found: str
    expected: str
    kind: str  # "leader_name" | "formulation" | "typo"
    context: str
    offset: int


@dataclass(frozen=True, slots=True)
class _Leader:
    name: str
    post: str
    titles: frozenset[str]
    context_free: bool

    @property
    def expected(self) -> str:
        """How the name and a title should read (丁薛祥副总理; 王沪宁（全国政协主席）)."""
        for title in ("总书记", "总理", "副总理", "委员长", "国家副主席", "国家主席"):
            if title in self.titles and title in self.post:
                return self.name + title
        return f"{self.name}（{self.post}）"


# Pattern roles in the automaton.
_CORRECT, _VARIANT, _NAME = 0, 1, 2


@dataclass(frozen=True, slots=True)
class _Entry:
    role: int
    expected: str = ""
    kind: str = "formulation"
    leader: _Leader | None = None  # _NAME: the leader; _VARIANT: a gated misspelt name


# --- loading ---------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _common_chars() -> tuple[str, ...]:
    """GB 2312 level-1 characters (rows 16–55): the 3,755 most common Han characters."""
    out: list[str] = []
    for hi in range(0xB0, 0xD8):
        for lo in range(0xA1, 0xFF):
            try:
                out.append(bytes((hi, lo)).decode("gb2312"))
            except UnicodeDecodeError:  # the five empty cells at the end of row 55
                continue
    return tuple(out)


@lru_cache(maxsize=1)
def _homophone_groups() -> dict[str, tuple[str, ...]]:
    """Toneless pinyin → common characters with that reading (every reading of a character)."""
    from pypinyin import Style, pinyin

    # The main reading only: pypinyin's full data gives rare and classical readings too (个 as
    # well as 介 and 浩 read "ge" there), which would flood a term with unlikely variants. The
    # term's own character is looked up by its reading in context (重庆 → chong), so a common
    # character with two everyday readings still finds the right group.
    groups: dict[str, list[str]] = {}
    for ch in _common_chars():
        reading = pinyin(ch, style=Style.NORMAL, heteronym=False, errors="ignore")
        if reading and reading[0]:
            groups.setdefault(reading[0][0], []).append(ch)
    return {k: tuple(v) for k, v in groups.items()}


def _readings(term: str) -> list[str]:
    """The toneless reading of each character of `term` in context (重庆 → chong qing)."""
    from pypinyin import Style, lazy_pinyin

    out = lazy_pinyin(term, style=Style.NORMAL, errors=lambda s: [""] * len(s))
    return out if len(out) == len(term) else [""] * len(term)


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _variants(term: str, shapes: Mapping[str, str], is_name: bool) -> Iterable[tuple[str, int, int]]:
    """Likely wrong forms of `term`, each with the span of the term it changes."""
    n = len(term)
    if n < 3:
        return
    varies = [_is_han(c) and c not in _NUMERALS for c in term]
    readings = _readings(term)
    homophones = _homophone_groups()
    # 3-character terms other than names vary only in the middle: the first two or last two
    # characters are usually a word by themselves (公安 + 部), and 公安部 → 公安不 would hit
    # "公安不作为".
    positions = range(n) if (n > 3 or is_name) else (1,)
    for i in positions:
        if not varies[i]:
            continue
        subs = set(homophones.get(readings[i], ())) | set(shapes.get(term[i], ""))
        subs.discard(term[i])
        for ch in sorted(subs):
            if ch not in _NUMERALS:
                yield term[:i] + ch + term[i + 1 :], i, i + 1
    if n >= 4:
        for i in range(1, n - 1):
            if varies[i] and term[i] != term[i - 1]:  # dropping one of a doubled pair once
                yield term[:i] + term[i + 1 :], i, i + 1
    # 3-character terms: only the first two swap (北河省); 河省北 is no plausible slip, and
    # X省Y / X市Y strings occur across words (上市海外).
    for i in range(n - 1 if (n > 3 or is_name) else 1):
        if varies[i] and varies[i + 1] and term[i] != term[i + 1]:
            yield term[:i] + term[i + 1] + term[i] + term[i + 2 :], i, i + 2


def _spaces_before(text: str, p: int) -> int:
    """Where the run of spaces ending at `p` starts (indentation makes long runs: C-level)."""
    while p > 0:
        seg = text[max(0, p - 256) : p]
        kept = len(seg.rstrip(_SPACES))
        p -= len(seg) - kept
        if kept:
            break
    return p


def _spaces_after(text: str, q: int) -> int:
    """Where the run of spaces starting at `q` ends."""
    n = len(text)
    while q < n:
        seg = text[q : q + 256]
        kept = len(seg.lstrip(_SPACES))
        q += len(seg) - kept
        if kept:
            break
    return q


@dataclass(frozen=True)
class CriticalTerms:
    """The critical terms and their wrong forms, compiled into one automaton."""

    patterns: tuple[str, ...]
    entries: tuple[_Entry, ...]
    titles_checked: tuple[str, ...]  # longest first
    not_titles: tuple[str, ...]
    automaton: Any
    # The spam lexicon's terms in every spelling a lower-cased text holds them by (matched by
    # the same automaton, after `patterns`; empty when they cannot be, see `_spam_forms`).
    spam_forms: tuple[str, ...] = ()
    _reach: tuple[int, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_reach", self.reach)

    @property
    def variant_count(self) -> int:
        """How many wrong forms the automaton holds."""
        return sum(1 for e in self.entries if e.role == _VARIANT)

    def may_match(self, text: str) -> bool:
        """Whether `text` may hold a misstatement: a wrong form, or a leader's name with a title
        they never held next to it. The legitimate-context rules of `find` are not applied
        (they only ever drop hits), so this is the cheap first look before `find`."""
        if not text:
            return False
        entries = self.entries
        n = len(entries)
        for idx, start, end in self.automaton.find_matches_as_indexes(text, overlapping=True):
            if idx >= n:
                continue
            entry = entries[idx]
            if entry.role == _CORRECT:
                continue
            if entry.role != _NAME or self._title_error(text, start, end, entry) is not None:
                return True
        return False

    def look(self, text: str) -> tuple[bool, bool | None]:
        """(`may_match(text)`, whether a spam term occurs in `text` lower-cased) in one pass;
        the second is None when this automaton cannot tell (see `spam_forms`)."""
        return self._look(text, 0, len(text))

    def look_between(self, text: str, known: int, known_end: int) -> tuple[bool, bool | None]:
        """`look` for a text whose first `known` and last `known_end` characters (together at
        most its length) are a prefix and a suffix of a text on which it found nothing (a
        site's repeated header and footer): only what is new, with a margin, is matched.

        Exact: a wrong form or spam term wholly inside the known prefix would be one in that
        other text; a leader's name there has the same title test unless the test reaches past
        the prefix, and those names start in the margin (the longest title, the spaces before
        it and the longest pattern). The same holds for the suffix, mirrored."""
        n = len(text)
        longest, titles = self._reach
        p = _spaces_before(text, max(0, known - titles))
        q = _spaces_after(text, min(n, n - known_end + titles))
        return self._look(text, max(0, p - longest), min(n, q + longest))

    def may_match_between(self, text: str, known: int, known_end: int) -> bool:
        """`may_match` read as `look_between` reads (see there)."""
        return self.look_between(text, known, known_end)[0]

    def _look(self, text: str, lo: int, hi: int) -> tuple[bool, bool | None]:
        piece = text if lo == 0 and hi == len(text) else text[lo:hi]
        spam: bool | None = False if self.spam_forms and "\u0130" not in piece else None
        mis = False
        if not piece:
            return mis, spam
        entries = self.entries
        n = len(entries)
        for idx, start, end in self.automaton.find_matches_as_indexes(piece, overlapping=True):
            if idx >= n:
                if spam is False:
                    spam = True
                    if mis:
                        break
                continue
            if mis:
                continue
            entry = entries[idx]
            if entry.role == _CORRECT:
                continue
            if entry.role != _NAME or self._title_error(text, lo + start, lo + end, entry) is not None:
                mis = True
                if spam is not False:
                    break
        return mis, spam

    @property
    def reach(self) -> tuple[int, int]:
        """(longest pattern, longest title or not-title): how far a match and the title test
        next to a leader's name look (the spaces between a name and its title aside)."""
        longest = max((len(p) for p in (*self.patterns, *self.spam_forms)), default=0)
        titles = max((len(t) for t in (*self.titles_checked, *self.not_titles)), default=0)
        return longest, titles

    def find(self, text: str) -> list[TextError]:
        """The misstatements in `text` (see `find_misstatements`)."""
        if not text:
            return []
        matches = self.automaton.find_matches_as_indexes(text, overlapping=True)
        if not matches:
            return []
        entries = self.entries
        n = len(entries)
        correct: list[tuple[int, int]] = []
        hits: list[tuple[int, int, _Entry]] = []
        for idx, start, end in matches:
            if idx >= n:
                continue  # a spam term (see `spam_forms`)
            entry = entries[idx]
            if entry.role == _CORRECT:
                correct.append((start, end))
            elif entry.role == _NAME:
                error = self._title_error(text, start, end, entry)
                if error is not None:
                    hits.append(error)
            else:
                hits.append((start, end, entry))
        if not hits:
            return []
        # Longest first, so a hit inside a longer one (新时代… inside 习近平新时代…) is dropped.
        hits.sort(key=lambda h: (h[0] - h[1], h[0]))
        kept: list[tuple[int, int, _Entry]] = []
        for start, end, entry in hits:
            if any(s <= start and end <= e for s, e, _ in kept):
                continue
            if entry.role == _VARIANT and not self._variant_holds(text, start, end, entry, correct):
                continue
            if in_correction_or_footer(text, start, end):
                continue
            kept.append((start, end, entry))
        kept.sort(key=lambda h: h[0])
        return [
            TextError(text[s:e], entry.expected, entry.kind, mark_context(text, s, e), s) for s, e, entry in kept
        ]

    def _title_error(self, text: str, start: int, end: int, entry: _Entry) -> tuple[int, int, _Entry] | None:
        """A leader's name at [start, end) with a national title they never held next to it."""
        leader = entry.leader
        assert leader is not None
        after = end
        while after < len(text) and text[after] in _SPACES:
            after += 1
        for title in self.titles_checked:
            if text.startswith(title, after):
                if any(text.startswith(nt, after) for nt in self.not_titles):
                    break
                if title in leader.titles:
                    return None
                return start, after + len(title), _Entry(_VARIANT, leader.expected, "leader_name")
        before = start
        while before > 0 and text[before - 1] in _SPACES:
            before -= 1
        for title in self.titles_checked:
            if text.endswith(title, 0, before):
                if title in leader.titles:
                    return None
                return before - len(title), end, _Entry(_VARIANT, leader.expected, "leader_name")
        return None

    def _has_title_next_to(self, text: str, start: int, end: int) -> bool:
        after = end
        while after < len(text) and text[after] in _SPACES:
            after += 1
        before = start
        while before > 0 and text[before - 1] in _SPACES:
            before -= 1
        return any(text.startswith(t, after) or text.endswith(t, 0, before) for t in self.titles_checked)

    def _variant_holds(
        self, text: str, start: int, end: int, entry: _Entry, correct: Sequence[tuple[int, int]]
    ) -> bool:
        """Whether a wrong-form hit survives the legitimate-context rules."""
        for s, e in correct:
            # A correct term or allowed string containing the hit, or overlapping it partly.
            # (One inside the hit is fine: 全国人民代表大会堂务委员会 contains 全国人民代表大会.)
            if s < end and start < e and not (start <= s and e <= end):
                return False
        if entry.leader is not None and not entry.leader.context_free:
            if not self._has_title_next_to(text, start, end):
                return False
        if end - start <= _SHORT_HIT and (reads_as_words(text[start:end]) or splits_a_word(text, start, end)):
            return False
        return True


def _shape_map(data: Mapping[str, Any]) -> dict[str, str]:
    out: dict[str, set[str]] = {}
    for group in data.get("groups") or ():
        chars = [c for c in str(group) if not c.isspace()]
        for c in chars:
            out.setdefault(c, set()).update(x for x in chars if x != c)
    return {c: "".join(sorted(v)) for c, v in out.items()}


# (patterns, their entries, titles checked, not-titles): everything but the automaton, which
# does not pickle and takes 30 ms to build.
_Tables = tuple[tuple[str, ...], tuple[_Entry, ...], tuple[str, ...], tuple[str, ...]]


def _tables(data: Mapping[str, Any], confusion: Mapping[str, Any]) -> _Tables:
    shapes = _shape_map(confusion)
    lead = data.get("leaders") or {}
    titles = tuple(sorted({str(t) for t in lead.get("titles_checked") or ()}, key=len, reverse=True))
    leaders: list[_Leader] = []
    for p in lead.get("people") or ():
        unknown = set(p.get("titles") or ()) - set(titles)
        if unknown:
            raise ValueError(f"critical terms: {p.get('name')}: titles {sorted(unknown)} not in titles_checked")
        leaders.append(
            _Leader(str(p["name"]), str(p.get("post") or ""), frozenset(p.get("titles") or ()), bool(p.get("context_free")))
        )
    terms: list[str] = []
    for section in ("formulations", "places", "organs"):
        terms.extend(str(t) for t in (data.get(section) or {}).get("terms") or ())
    allow = [str(a) for a in data.get("allow") or ()]

    correct_strings = set(terms) | set(allow) | {ld.name for ld in leaders}
    # Every substring of a correct string: a wrong form that is one would hit correct text.
    inside_correct = {c[i:j] for c in correct_strings for i in range(len(c)) for j in range(i + 1, len(c) + 1)}

    table: dict[str, _Entry] = {}
    for c in sorted(correct_strings):
        table[c] = _Entry(_CORRECT)
    for ld in leaders:
        table[ld.name] = _Entry(_NAME, ld.expected, "leader_name", ld)

    def add_variants(term: str, kind: str, leader: _Leader | None, name_spans: Sequence[tuple[int, int]]) -> None:
        for variant, lo, hi in _variants(term, shapes, is_name=leader is not None):
            if variant in inside_correct or variant in table:
                continue
            vkind = "leader_name" if any(s < hi and lo < e for s, e in name_spans) else kind
            table[variant] = _Entry(_VARIANT, term, vkind, leader)

    for ld in leaders:
        add_variants(ld.name, "leader_name", ld, [(0, len(ld.name))])
    for term in terms:
        spans = []
        for ld in leaders:
            i = term.find(ld.name)
            if i >= 0 and len(ld.name) >= 3:
                spans.append((i, i + len(ld.name)))
        add_variants(term, "formulation", None, spans)

    not_titles = tuple(str(t) for t in lead.get("not_titles") or ())
    return tuple(table), tuple(table.values()), titles, not_titles


def _compile(data: Mapping[str, Any], confusion: Mapping[str, Any]) -> CriticalTerms:
    return _with_automaton(_tables(data, confusion))


def _with_automaton(tables: _Tables) -> CriticalTerms:
    patterns, entries, titles, not_titles = tables
    spam = _spam_forms(frozenset(patterns))
    automaton = ahocorasick_rs.AhoCorasick(patterns + spam)
    return CriticalTerms(patterns, entries, titles, not_titles, automaton, spam)


def _spam_forms(taken: frozenset[str]) -> tuple[str, ...]:
    """The spam lexicon's terms (`analyze.spamwords`, lower-cased) in every spelling whose
    lower-case is the term: ASCII letters in either case (and the Kelvin sign, the one other
    character that lower-cases to an ASCII letter); other characters as they are. Matched with
    the critical terms, one pass over a page's text answers both first looks. Empty (the spam
    look then reads the page itself) when a term has a cased letter outside ASCII, spells a
    critical pattern, or has too many spellings. ("İ" lower-cases to two characters: a text
    holding it is not answered for, see `CriticalTerms._look`.)"""
    from govinspect.analyze.spamwords import load_spam_lexicon

    out: list[str] = []
    for term in load_spam_lexicon().term_list:
        forms = [""]
        for ch in term:
            if ch.isascii():
                alts = {ch, ch.upper()} | ({"\u212a"} if ch == "k" else set())
            elif ch.upper() != ch or ch.lower() != ch:
                return ()
            else:
                alts = {ch}
            forms = [f + a for f in forms for a in sorted(alts)]
            if len(forms) > 256:
                return ()
        out.extend(forms)
    if not out or taken.intersection(out):
        return ()
    return tuple(dict.fromkeys(out))


def _read_yaml(text: str) -> Any:
    return load_yaml(text)


@lru_cache(maxsize=1)
def _default_terms() -> CriticalTerms:
    pkg = resources.files("govinspect.data")
    terms = pkg.joinpath("critical_terms.yaml").read_bytes()
    confusion = pkg.joinpath("confusion_chars.yaml").read_bytes()
    # The compile reads pypinyin's dictionaries (~0.25 s of CPU per process); its result
    # depends only on these inputs, so it is kept on disk (analyze/buildcache.py).
    inputs = (terms, confusion, Path(__file__).read_bytes(), _pypinyin_version().encode())
    tables = cached(
        "critical-terms", inputs,
        lambda: _tables(_read_yaml(terms.decode("utf-8")), _read_yaml(confusion.decode("utf-8"))),
    )
    return _with_automaton(tables)


def _pypinyin_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pypinyin")
    except PackageNotFoundError:
        return "?"


def load_critical_terms(path: Path | None = None, confusion: Path | None = None) -> CriticalTerms:
    """The compiled terms of `path` (default: the packaged, cached `data/critical_terms.yaml`).

    `confusion` replaces the packaged look-alike groups (`data/confusion_chars.yaml`).
    """
    if path is None and confusion is None:
        return _default_terms()
    pkg = resources.files("govinspect.data")
    terms_text = Path(path).read_text("utf-8") if path else pkg.joinpath("critical_terms.yaml").read_text("utf-8")
    conf_text = (
        Path(confusion).read_text("utf-8") if confusion else pkg.joinpath("confusion_chars.yaml").read_text("utf-8")
    )
    return _compile(_read_yaml(terms_text), _read_yaml(conf_text))


# --- public API ------------------------------------------------------------------------------


def find_misstatements(text: str, *, terms: CriticalTerms | None = None) -> list[TextError]:
    """Wrong forms of critical terms, and leaders with a wrong title, in visible page text.

    Kinds: "leader_name" (a leader's name or title, also inside a formulation such as
    习近平新时代…), "formulation" (everything else). Hits are in text order, none inside another.
    """
    return (terms or _default_terms()).find(text)


def page_misstatements(
    html: str,
    url: str,
    *,
    tree: LexborHTMLParser | None = None,
    terms: CriticalTerms | None = None,
    whole_text: str | None = None,
    first_look: bool | None = None,
) -> list[TextError]:
    """`find_misstatements` over the visible text of the page's body (hidden text skipped).

    Offsets index `visible_text(html, url)`. Walking the tree for the visible text costs ten
    times the matching, so the body's whole text (Lexbor's, in C: hidden text and inline
    elements included, nothing removed) is matched first, and a page where no wrong form occurs
    and every leader's name has a right title or none — nearly every page, news of leaders
    included — is done. What this misses is a wrong form, or a name and its wrong title, split
    by a hidden element (习近<span style="display:none">x</span>苹), which no visitor reads as
    one either. `whole_text` is the page's shared `illegal.body_text`
    (its line breaks dropped, words split across inline elements join as in a browser).
    `first_look` is the first look's verdict when the caller already has it (the page's new
    text matched with `CriticalTerms.may_match_between`, see `analyze.repeated`).
    """
    terms = terms or _default_terms()
    if first_look is False:
        return []
    if tree is None:
        tree = LexborHTMLParser(html)
    if first_look:
        return find_misstatements(visible_text(html, url, tree=tree), terms=terms)
    if whole_text is not None:
        whole = whole_text.replace("\n", "")
    else:
        root = tree.body if tree.body is not None else tree.root
        whole = root.text(deep=True, separator="") if root is not None else ""
    if not whole or not terms.may_match(whole):
        return []
    return find_misstatements(visible_text(html, url, tree=tree), terms=terms)
