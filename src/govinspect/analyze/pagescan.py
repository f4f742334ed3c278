"""One pass over a page's HTML for every cheap "does the page contain …" test of its analysis.

Several analysers first ask whether the raw HTML holds one of their words before they read
the parsed page: the soft-404 phrases (`crawl.verdicts`), the letters words (`letters`), the
guide labels (`guides`), the list-pager hints (`pagefacts`) and the footer markers (`footer`).
Each was a pass over the whole page (a regex alternation or an automaton); on a Chinese page a
pass costs about as much as any of them, so this module builds one automaton (a DFA) of all
their words and derives every answer from its overlapping matches — the same answers as the
separate tests, which remain the analysers' own functions for callers without a scan.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, NamedTuple

import ahocorasick_rs

from govinspect.analyze.footer import footer_rules
from govinspect.analyze.guides import guide_rules
from govinspect.analyze.letters import letter_rules
from govinspect.crawl.verdicts import NOT_FOUND_SCAN, SOFT_404_PHRASES

__all__ = ["NOT_FOUND_SCAN", "PAGER_HINTS", "PageScan", "scan_page"]

PAGER_HINTS = ("下一页", "createPageHTML", "<datastore", "尾页", "共\u3000")  # a list's pager
_TEXTAREA = ("<textarea", "<TEXTAREA")  # a letters form (see letters.looks_like_letters)

_NF, _LET, _GUIDE, _PAGER, _MARK = 1, 2, 4, 8, 16


class PageScan(NamedTuple):
    """What the one pass found."""

    not_found: bool  # a soft-404 phrase lies in the first NOT_FOUND_SCAN characters
    letters: bool  # letters.looks_like_letters
    guide: bool  # guides.looks_like_guide
    pager_hint: bool  # one of PAGER_HINTS
    # Start of every footer marker occurrence, ascending (footer._footer_region); None when
    # the markers can overlap, where only the footer's own regex pass gives its positions.
    footer_markers: list[int] | None


@lru_cache(maxsize=1)
def _automaton() -> dict[str, Any]:
    """The combined automaton: each pattern's groups and, for guide labels, categories."""
    lconf, gconf, fconf = letter_rules(), guide_rules(), footer_rules()
    flags: dict[str, int] = {}
    categories: dict[str, frozenset[int]] = {}

    def add(words: Any, flag: int) -> None:
        for w in words:
            if w:
                flags[w] = flags.get(w, 0) | flag

    add(SOFT_404_PHRASES, _NF)
    add([*lconf["page_words"], *lconf["write_words"], *_TEXTAREA], _LET)
    for label, cats in zip(gconf["_label_list"], gconf["_label_categories"], strict=True):
        add([label], _GUIDE)
        categories[label] = cats
    add(PAGER_HINTS, _PAGER)
    disjoint = fconf["_markers_disjoint"]
    if disjoint:
        add(fconf["markers"], _MARK)
    patterns = list(flags)
    return {
        "ac": ahocorasick_rs.AhoCorasick(patterns, implementation=ahocorasick_rs.Implementation.DFA),
        "flags": [flags[p] for p in patterns],
        "cats": [categories.get(p, frozenset()) for p in patterns],
        "lens": [len(p) for p in patterns],
        # Empty words match every page, as in the separate tests.
        "nf_always": "" in SOFT_404_PHRASES,
        "let_always": bool(lconf["_page_any_empty"]),
        "pager_always": "" in PAGER_HINTS,
        "guide_need": gconf["min_categories"],
        "markers": disjoint,
    }


def scan_page(html: str) -> PageScan:
    """Every cheap word test of page analysis, from one automaton pass over `html`."""
    conf = _automaton()
    flags, cats = conf["flags"], conf["cats"]
    not_found, letters, pager = conf["nf_always"], conf["let_always"], conf["pager_always"]
    seen: set[int] = set()
    hit: set[int] = set()
    markers: list[int] | None = [] if conf["markers"] else None
    limit = NOT_FOUND_SCAN
    for idx, start, end in conf["ac"].find_matches_as_indexes(html, overlapping=True):
        f = flags[idx]
        if f & _MARK:
            markers.append(start)  # type: ignore[union-attr]
        if f & _NF and end <= limit:
            not_found = True
        if f & _LET:
            letters = True
        if f & _PAGER:
            pager = True
        if f & _GUIDE and idx not in seen:
            seen.add(idx)
            hit |= cats[idx]
    if markers:
        markers.sort()
    guide = bool(seen) and len(hit) >= conf["guide_need"]
    return PageScan(not_found, letters, guide, pager, markers)
