"""Optional typo detector (错别字, kind "typo"): frequent wrong words of official prose.

Unlike the serious-misstatement check this is not a veto, and it is off by default: a list of
wrong forms that are wrong in every context (`data/typos.yaml`: 布署→部署, 贯切→贯彻,
再接再励→再接再厉 …) found with one Aho–Corasick pass, each hit kept only when its context does
not make it legitimate (see `textcontext`: a short hit that splits a neighbouring word, such as
靠近 + 一步 for 近一步; a quoted correction; a footer line). It is built for precision, not
recall: bench/bench_ecspell.py measures both on the ecspell official-document set, and the
data file's `enabled_by_default` may only be switched on when precision there is at least 0.9.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import ahocorasick_rs
from selectolax.lexbor import LexborHTMLParser

from govinspect.analyze.misstatements import TextError
from govinspect.analyze.textcontext import in_correction_or_footer, mark_context, splits_a_word
from govinspect.analyze.visible_text import visible_text
from govinspect.yamlfiles import load_yaml

__all__ = ["TypoList", "find_typos", "load_typos", "page_typos", "typos_enabled_by_default"]

_SHORT_HIT = 4  # hits up to this length must not split a neighbouring word


@dataclass(frozen=True)
class TypoList:
    """Wrong words and their corrections, compiled into one automaton."""

    wrong: tuple[str, ...]
    right: tuple[str, ...]
    enabled_by_default: bool
    automaton: Any

    def find(self, text: str) -> list[TextError]:
        """The typos in `text` (see `find_typos`)."""
        if not text or not self.wrong:
            return []
        matches = self.automaton.find_matches_as_indexes(text, overlapping=True)
        if not matches:
            return []
        # Longest first, so 建立建全 wins over the 建全 inside it.
        matches.sort(key=lambda m: (m[1] - m[2], m[1]))
        kept: list[tuple[int, int, int]] = []
        for idx, start, end in matches:
            if any(s <= start and end <= e for _, s, e in kept):
                continue
            # The list holds words that are wrong everywhere, so only a coincidence of two
            # neighbouring words (靠近 + 一步 spells 近一步) makes a hit legitimate.
            if end - start <= _SHORT_HIT and splits_a_word(text, start, end):
                continue
            if in_correction_or_footer(text, start, end):
                continue
            kept.append((idx, start, end))
        kept.sort(key=lambda m: m[1])
        return [TextError(text[s:e], self.right[i], "typo", mark_context(text, s, e), s) for i, s, e in kept]


def _compile(data: dict[str, Any]) -> TypoList:
    words = data.get("words") or {}
    pairs = [(str(w), str(r)) for w, r in words.items() if w and r and str(w) != str(r)]
    wrong = tuple(w for w, _ in pairs)
    right = tuple(r for _, r in pairs)
    automaton = ahocorasick_rs.AhoCorasick(wrong) if wrong else None
    return TypoList(wrong, right, bool(data.get("enabled_by_default", False)), automaton)


def _read(text: str) -> dict[str, Any]:
    return load_yaml(text) or {}


@lru_cache(maxsize=1)
def _default_list() -> TypoList:
    return _compile(_read(resources.files("govinspect.data").joinpath("typos.yaml").read_text("utf-8")))


def load_typos(path: Path | None = None) -> TypoList:
    """The typo list of `path`, or the packaged `data/typos.yaml` (cached) when None."""
    if path is None:
        return _default_list()
    return _compile(_read(Path(path).read_text("utf-8")))


def typos_enabled_by_default() -> bool:
    """Whether inspections run the typo detector unless told otherwise (`enabled_by_default`)."""
    return _default_list().enabled_by_default


def find_typos(text: str, *, typos: TypoList | None = None) -> list[TextError]:
    """Frequent wrong words in `text`, as TextErrors of kind "typo", in text order."""
    return (typos or _default_list()).find(text)


def page_typos(
    html: str, url: str, *, tree: LexborHTMLParser | None = None, typos: TypoList | None = None
) -> list[TextError]:
    """`find_typos` over the visible text of the page's body (offsets index `visible_text`)."""
    return find_typos(visible_text(html, url, tree=tree), typos=typos)
