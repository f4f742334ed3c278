"""Context around a suspicious string in page text: the marked excerpt and the legitimate cases.

Shared by the serious-misstatement check (`misstatements`) and the typo detector (`typos`).
A published false alarm is the worst outcome, so a hit is dropped when its surroundings show
it is not an error of the page:

- `in_correction_or_footer` — a quoted correction (更正, 勘误, "误写为") or a footer line
  (公网安备, 备案号 …); marker lists in `data/text_context.yaml`.
- `reads_as_words` — a short hit that is ordinary words (国家 + 全部 for a dropped 安).
- `splits_a_word` — the hit begins or ends inside a word of the surrounding text, so it is a
  coincidence of two neighbouring words (学习 + 进平台 contains 习进平). This asks jieba's
  dictionary, loaded on first use only (about half a second): clean pages never need it.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from importlib import resources
from typing import Any

from govinspect.yamlfiles import load_yaml

__all__ = ["in_correction_or_footer", "is_dictionary_word", "mark_context", "reads_as_words", "splits_a_word"]

CONTEXT_CHARS = 15  # characters shown either side of a hit
_WORD_WINDOW = 8  # characters either side given to the segmenter


@lru_cache(maxsize=1)
def _markers() -> dict[str, Any]:
    text = resources.files("govinspect.data").joinpath("text_context.yaml").read_text("utf-8")
    data = load_yaml(text)
    out: dict[str, Any] = {}
    for key in ("correction", "footer"):
        section = data.get(key) or {}
        out[key] = (int(section.get("window", 40)), tuple(str(m) for m in section.get("markers") or ()))
    return out


def mark_context(text: str, start: int, end: int, width: int = CONTEXT_CHARS) -> str:
    """`width` characters either side of text[start:end], the hit marked 【】, whitespace collapsed."""
    before = " ".join(text[max(0, start - width) : start].split())
    after = " ".join(text[end : end + width].split())
    return f"{before}【{text[start:end]}】{after}"


def _same_line(text: str, start: int, end: int, window: int) -> str:
    """The text up to `window` characters either side of [start, end), cut at line breaks."""
    lo = max(0, start - window)
    hi = min(len(text), end + window)
    nl = text.rfind("\n", lo, start)
    if nl >= 0:
        lo = nl + 1
    nl = text.find("\n", end, hi)
    if nl >= 0:
        hi = nl
    return text[lo:hi]


def in_correction_or_footer(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] sits in a quoted correction or a footer line."""
    for window, markers in _markers().values():
        around = _same_line(text, start, end, window)
        if any(m in around for m in markers):
            return True
    return False


@lru_cache(maxsize=1)
def _tokenizer() -> Any:
    import jieba  # deferred: half a second of dictionary loading, needed only when a page has a hit

    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    tok.initialize()
    return tok


def is_dictionary_word(word: str) -> bool:
    """Whether `word` is an entry of jieba's dictionary (a real word, not only a prefix)."""
    return bool(_tokenizer().FREQ.get(word))


def reads_as_words(hit: str) -> bool:
    """Whether `hit` is a dictionary word, or jieba cuts it into words of two or more characters.

    国家全部 (国家 + 全部) is ordinary prose even though it is 国家安全部 with a character dropped.
    """
    if is_dictionary_word(hit):
        return True
    tokens = _tokenizer().lcut(hit, HMM=False)
    return len(tokens) > 1 and all(len(t) >= 2 and is_dictionary_word(t) for t in tokens)


def splits_a_word(text: str, start: int, end: int) -> bool:
    """Whether a word of the surrounding text crosses the start or the end of text[start:end].

    The text around the hit (same line, a few characters) is segmented with jieba's dictionary
    (no HMM guessing of unknown words): if a dictionary word straddles a boundary of the hit,
    the hit is two neighbouring words that happen to spell a wrong form.
    """
    lo = max(0, start - _WORD_WINDOW)
    hi = min(len(text), end + _WORD_WINDOW)
    nl = text.rfind("\n", lo, start)
    if nl >= 0:
        lo = nl + 1
    nl = text.find("\n", end, hi)
    if nl >= 0:
        hi = nl
    pos = lo
    for token in _tokenizer().lcut(text[lo:hi], HMM=False):
        token_end = pos + len(token)
        if pos < start < token_end or pos < end < token_end:
            return True
        pos = token_end
    return False
