"""What a site repeats on every page is looked at once: the first looks of the integrity checks
on a page of a known site read only what is new on it.

The header, menus and footer of a government site are the same on every page, and the integrity
analysers' first looks ("is there anything at all on this page?": a wrong form of a critical
term or a leader with a title they never held, a spam term, a personal number, a
classification mark, a link that could reach a link farm) are searches for something short.
When a page begins and ends like another page of the same site on which a first look found
nothing, nothing it looks for lies wholly inside the shared beginning or end (it would lie in
that other page too), so the look needs only the new middle, widened by the reach of what it
looks for (see `CriticalTerms.look_between`, `privacy.candidates_between`,
`illegal.spam_between`, `illegal.html_piece`). The verdicts are exact or err on the side of
looking: a page gets the same findings whether it is analysed first or after others of its
site, and everything found on it is still found by the full analysis of that page, as before.

The looks read the body's text without its long inline scripts and styles
(`illegal.code_free_text`) and the HTML without their bodies (`illegal.html_without_code`):
on real pages that code is most of the text, and no visitor reads it. Misstatements and spam
terms are matched in one pass (`CriticalTerms.look`).

Per process (the crawl's analysis worker, or the main process), per site: the text and HTML of
a few pages whose first looks came out clean, with those verdicts and the start and end the
site's later pages were seen to share with them (`startswith`/`endswith` per page; a prefix
search only when a page shares less, which shortens them for good). Bounded: at most `_HOSTS`
sites (least recently used dropped), `_PAGES` pages each, `_MAX_CHARS` characters in all; keyed
by the page's host, the inspected site's hosts and the monitoring day, so nothing is shared
between sites.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from govinspect.analyze.illegal import (
    LINK_PARTS,
    _Site,
    html_piece,
    link_part,
    load_spam_lexicon,
    spam_between,
)
from govinspect.analyze.misstatements import _default_terms
from govinspect.analyze.privacy import _candidates, candidates_between
from govinspect.crawl.urls import host_of

__all__ = ["NO_LOOKS", "FirstLooks", "clear", "common_prefix", "common_suffix", "first_looks"]

_HOSTS = 64  # sites remembered (an inspection's workers see a few sites at a time)
_PAGES = 3  # pages per site: a homepage, an article and a list page cover most layouts
_MAX_CHARS = 8_000_000  # text and HTML kept in all (about 16 MB of str)
_MAX_PAGE_CHARS = 400_000  # a larger page is not kept
# A page sharing less than this share of its text with the best page kept gets the full first
# looks (reading the middle costs about as much) and is kept in its turn.
_MIN_SHARED = 0.15


class FirstLooks(NamedTuple):
    """The integrity analysers' first looks on a page: False = nothing there (the analyser can
    stop), True = something may be there, None = not looked (the analyser looks itself)."""

    misstatements: bool | None
    privacy: bool | None
    secrets: bool | None
    spam: bool | None
    link_parts: dict[str, bool] | None


NO_LOOKS = FirstLooks(None, None, None, None, None)


@dataclass(slots=True)
class _Page:
    """A kept page: its text and HTML, the first looks that found nothing on all of it, and the
    beginning and end other pages of the site were seen to share with it (a prefix and a
    suffix of its text and of its HTML, shortened as pages that share less arrive)."""

    text: str  # the body's text without its long code (illegal.code_free_text)
    html: str
    clean: frozenset[str]
    head: str = ""
    foot: str = ""
    html_head: str = ""
    html_foot: str = ""

    def __post_init__(self) -> None:
        self.head = self.foot = self.text
        self.html_head = self.html_foot = self.html


@dataclass(slots=True)
class _Known:
    pages: list[_Page] = field(default_factory=list)  # most recently kept first
    terms: Any = None  # the dictionaries the verdicts were made with
    lexicon: Any = None

    @property
    def chars(self) -> int:
        return sum(_size(p) for p in self.pages)


def _size(page: _Page) -> int:
    # Text and HTML, and at most as much again twice over for the shortened heads and feet.
    return 3 * (len(page.text) + len(page.html))


_STORE: OrderedDict[tuple[str, frozenset[str], date | None], _Known] = OrderedDict()
_CHARS = [0]


def clear() -> None:
    """Forget every site (tests and benchmarks: a cold start)."""
    _STORE.clear()
    _CHARS[0] = 0


def common_prefix(x: str, y: str) -> int:
    """The length of the longest common prefix of `x` and `y` (C-level slice comparisons, in
    growing steps, then a binary search in the step that differs)."""
    n = min(len(x), len(y))
    i, step = 0, 256
    while i < n:
        j = min(n, i + step)
        if x[i:j] == y[i:j]:
            i, step = j, step * 2
            continue
        lo, hi = i, j - 1  # the first difference is in [lo, hi]
        while lo < hi:
            mid = (lo + hi) // 2
            if x[lo : mid + 1] == y[lo : mid + 1]:
                lo = mid + 1
            else:
                hi = mid
        return lo
    return n


def common_suffix(x: str, y: str, limit: int) -> int:
    """The length of the longest common suffix of `x` and `y`, at most `limit`."""
    lx, ly = len(x), len(y)
    n = min(lx, ly, limit)
    i, step = 0, 256
    while i < n:
        j = min(n, i + step)
        if x[lx - j : lx - i] == y[ly - j : ly - i]:
            i, step = j, step * 2
            continue
        lo, hi = i, j - 1  # the first difference from the end is in [lo, hi]
        while lo < hi:
            mid = (lo + hi) // 2
            if x[lx - mid - 1 : lx - lo] == y[ly - mid - 1 : ly - lo]:
                lo = mid + 1
            else:
                hi = mid
        return lo
    return n


def _link_parts(html: str, site: _Site, lexicon: Any, known: _Page | None, piece: str | None) -> dict[str, bool]:
    """The page's LINK_PARTS in the order `links_may_reach_spam` needs them (a part it does not
    need is left out): read in `piece` when the known page had none of it, else in `html`."""
    parts: dict[str, bool] = {}

    def get(part: str) -> bool:
        where = piece if known is not None and piece is not None and part in known.clean else html
        parts[part] = value = link_part(where, part, site, lexicon)
        return value

    if not get("scheme") and not (get("escape") and get("disguise")):
        get("host")
    return parts


def _clean_parts(parts: dict[str, bool]) -> set[str]:
    return {p for p in LINK_PARTS if parts.get(p) is False}


_MARK_HINTS = ("★", "☆")


def _secrets_look(text: str) -> bool:
    """`secrets.page_secret_marks`' first look: a star, or 密级 / 密 级 across line breaks."""
    if "★" in text or "☆" in text:
        return True
    if "密" not in text:
        return False
    joined = text.replace("\n", "")
    return "密级" in joined or "密 级" in joined


def _shared(x: str, head: str, foot: str) -> tuple[int, int]:
    """(a, b): `x` starts with head[:a] and ends with foot[len(foot) - b:], a + b <= len(x).
    A start and end still shared cost two C-level comparisons; the search only runs when the
    page shares less (then the kept head or foot is shortened, see `_match`)."""
    a = len(head) if x.startswith(head) else common_prefix(x, head)
    limit = len(x) - a
    if len(foot) <= limit and x.endswith(foot):
        return a, len(foot)
    return a, common_suffix(x, foot, limit)


def _match(pages: list[_Page], text: str) -> tuple[_Page | None, int, int]:
    """The kept page whose shared start and end cover most of `text`, and how much they cover.

    Each kept page's head and foot shrink to what this page shares with them: they converge on
    what every page of the site repeats (a page that shares nothing much is kept instead)."""
    best: _Page | None = None
    a = b = 0
    for page in pages:
        pa, pb = _shared(text, page.head, page.foot)
        if pa < len(page.head):
            page.head = page.head[:pa]
        if pb < len(page.foot):
            page.foot = page.foot[len(page.foot) - pb :]
        if best is None or pa + pb > a + b:
            best, a, b = page, pa, pb
    return best, a, b


def first_looks(
    page_url: str, html: str, text: str | None, site_hosts: frozenset[str], as_of: date | None
) -> FirstLooks:
    """The first looks of the integrity analysers on a page (see the module docstring).

    `page_url` is the page's `normalize_url`, `html` its HTML (`illegal.html_without_code`
    will do: the link parts look for what could make an `<a href>` reach a link farm), `text`
    its `illegal.code_free_text`; `site_hosts` and `as_of` as for `page_integrity`.
    """
    if text is None:
        return NO_LOOKS
    terms = _default_terms()
    lexicon = load_spam_lexicon()
    key = (host_of(page_url), site_hosts, as_of)
    known = _STORE.get(key)
    if known is not None and (known.terms is not terms or known.lexicon is not lexicon):
        _drop(key)  # other dictionaries (a test or a benchmark swapped them): start afresh
        known = None
    site = _Site.of(page_url, site_hosts)
    secrets = _secrets_look(text)

    n = len(text)
    best, a, b = _match(known.pages, text) if known is not None else (None, 0, 0)
    nonl = text.replace("\n", "")
    if best is None or a + b < _MIN_SHARED * n:
        return _cold(key, known, html, text, nonl, site, as_of, terms, lexicon, secrets)

    _STORE.move_to_end(key)
    clean = best.clean
    if "misstatements" in clean:
        # Offsets in the text without line breaks (the known parts are a prefix and a suffix
        # of the known page's text without them).
        a2 = a - text.count("\n", 0, a)
        b2 = b - text.count("\n", n - b)
        mis, spam_look = terms.look_between(nonl, a2, b2)
        # (Spam terms read in the new part alone answer only when the kept page had none.)
        spam_known = spam_look is not None and "spam" in clean
    else:
        mis, spam_look = terms.look(nonl)
        spam_known = spam_look is not None
    if "privacy" in clean:
        priv = candidates_between(text, a, b, as_of) and _candidates(text.replace("\n", " "), as_of)
    else:
        priv = _candidates(text.replace("\n", " "), as_of)
    if spam_known:
        # Line breaks dropped: a term across two lines is one more reason to look, no less.
        spam = bool(spam_look)
    elif "spam" in clean:
        spam = spam_between(text, a, b, lexicon)
    else:
        spam = lexicon.any_term(text.lower())
    ha, hb = _shared(html, best.html_head, best.html_foot)
    if ha < len(best.html_head):
        best.html_head = best.html_head[:ha]
    if hb < len(best.html_foot):
        best.html_foot = best.html_foot[len(best.html_foot) - hb :]
    parts = _link_parts(html, site, lexicon, best, html_piece(html, ha, hb))
    return FirstLooks(mis, priv, secrets, None if spam else False, parts)


def _cold(
    key: tuple[str, frozenset[str], date | None],
    known: _Known | None,
    html: str,
    text: str,
    nonl: str,
    site: _Site,
    as_of: date | None,
    terms: Any,
    lexicon: Any,
    secrets: bool,
) -> FirstLooks:
    """The full first looks of a page with no similar page known; the page is kept."""
    mis, spam_look = terms.look(nonl)
    spaced = text.replace("\n", " ")
    any_number = _candidates(spaced, as_of, any_id15=True)
    priv = any_number and _candidates(spaced, as_of)
    spam = lexicon.any_term(text.lower()) if spam_look is None else spam_look
    parts = _link_parts(html, site, lexicon, None, None)
    clean = _clean_parts(parts)
    if not mis:
        clean.add("misstatements")
    if not any_number:
        clean.add("privacy")
    if not spam:
        clean.add("spam")
    page = _Page(text, html, frozenset(clean))
    if clean and _size(page) <= _MAX_PAGE_CHARS:
        _keep(key, known, page, terms, lexicon)
    return FirstLooks(mis, priv, secrets, None if spam else False, parts)


def _keep(
    key: tuple[str, frozenset[str], date | None], known: _Known | None, page: _Page, terms: Any, lexicon: Any
) -> None:
    if known is None:
        known = _STORE[key] = _Known(terms=terms, lexicon=lexicon)
    _STORE.move_to_end(key)
    known.pages.insert(0, page)
    _CHARS[0] += _size(page)
    while len(known.pages) > _PAGES:
        _CHARS[0] -= _size(known.pages.pop())
    while _STORE and (len(_STORE) > _HOSTS or _CHARS[0] > _MAX_CHARS):
        _drop(next(iter(_STORE)))


def _drop(key: tuple[str, frozenset[str], date | None]) -> None:
    known = _STORE.pop(key, None)
    if known is not None:
        _CHARS[0] -= known.chars
