"""State-secret classification marks (密级标志) in published documents.

Publishing a classified document is a veto (国办秘函〔2019〕19号, 泄露国家秘密). The evidence an
inspector can see is the mark at the head of the document: the level, a ★ and the period
(`秘密★1年`, `机密★10年`, `绝密★长期`), also written `★秘密` or with a doubled ★, or a
`密级：机密` field. Only the mark counts, never the words in prose: 保守国家秘密, 商业秘密,
《机密文件管理办法》 or a training text explaining that a mark looks like "秘密★" are not
findings. So a mark must

- start a line (after optional whitespace, a 6-digit 份号 and a 密级： label, GB/T 9704), and
- be followed on its line by nothing, or by header words only (特急, 加急, 保密期限 …) or a
  closing bracket — never by running text (★秘密花园 is a page decoration, not a mark).

内部资料 / 注意保密 / 工作秘密 are not state-secret levels; with `include_internal=True` they are
reported as kind "internal" (low severity) when they stand as a short line of their own.

Word lists live in `data/secrets.yaml`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from selectolax.lexbor import LexborHTMLParser

from govinspect.analyze.privacy import page_units
from govinspect.yamlfiles import load_yaml

__all__ = ["SecretMark", "find_secret_marks", "page_secret_marks"]

_CONTEXT_CHARS = 60


@dataclass(frozen=True, slots=True)
class SecretMark:
    """A classification mark as found (`mark`), its line and the next one (`context`).

    `level` is 绝密/机密/秘密 (empty for internal markers); `kind` is "classified" or "internal".
    """

    mark: str
    context: str
    level: str = ""
    kind: str = "classified"


@dataclass(frozen=True)
class _Patterns:
    classified: re.Pattern[str]
    internal: re.Pattern[str]
    internal_max_line: int
    stars: str


def _alt(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    """The mark grammar compiled from `data/secrets.yaml` (once)."""
    text = resources.files("govinspect.data").joinpath("secrets.yaml").read_text("utf-8")
    data: dict[str, Any] = load_yaml(text)
    level = f"(?P<level>{_alt(data['levels'])})"
    level2 = f"(?P<level2>{_alt(data['levels'])})"
    level3 = f"(?P<level3>{_alt(data['levels'])})"
    star = f"[{re.escape(data['stars'])}]"
    gap = r"[ \t\u3000\n]*"  # an inline tag may put the ★ in its own text node (own line)
    term = rf"(?:{gap}(?:(?:\d{{1,3}}|[一二三四五六七八九十]{{1,3}}){gap}(?:{_alt(data['term_units'])})|{_alt(data['term_words'])}))?"
    after = _alt(data["after_mark"])
    # Line start: whitespace and an optional 6-digit 份号 (GB/T 9704 puts it on the line above).
    start = r"(?:^|(?<=\n))[ \t\u3000]*(?:\d{6}[ \t\u3000\n]+)?"
    label = r"(?:密[ \t\u3000]*级[ \t\u3000]*[:：]?[ \t\u3000]*)"
    mark = (
        rf"(?P<mark>{label}?{level}{gap}{star}{{1,2}}{term}"  # 秘密★1年, 秘密★★, 密级：秘密★
        rf"|{label}?{star}{{1,2}}{gap}{level2}{term}"  # ★秘密
        rf"|{label}{level3})"  # 密级：机密 (a form field, no star)
    )
    end = rf"(?=[ \t\u3000]*(?:$|\n|\||[）)】\]]|{after}))"
    classified = re.compile(start + mark + end)
    marker = _alt(data["internal_markers"])
    internal = re.compile(
        rf"(?:^|(?<=\n))[ \t\u3000]*[【\[（(]?(?P<mark>(?:{marker})(?:[ \t\u3000，,]*(?:{marker}))*)"
        rf"[】\]）)]?[ \t\u3000]*(?=$|\n)"
    )
    return _Patterns(classified, internal, int(data["internal_max_line"]), data["stars"])


def _context(text: str, start: int, end: int) -> str:
    """The mark's line and the next non-empty line, whitespace collapsed, at most 60 characters."""
    lo = text.rfind("\n", 0, start) + 1
    hi = text.find("\n", end)
    if hi == -1:
        hi = len(text)
    nxt = hi
    while nxt < len(text) and text[nxt] == "\n":
        nxt += 1
    nxt_end = text.find("\n", nxt)
    line = text[lo:hi] + " " + text[nxt : nxt_end if nxt_end != -1 else len(text)]
    return " ".join(line.split())[:_CONTEXT_CHARS]


def find_secret_marks(text: str, *, include_internal: bool = False) -> list[SecretMark]:
    """Classification marks heading a line of `text` (see the module docstring).

    Lines are separated by "\\n"; table cells written as " | " count as line starts too.
    """
    p = _patterns()
    if not any(s in text for s in p.stars) and "密级" not in text and "密 级" not in text and not include_internal:
        return []
    text = text.replace(" | ", "\n")
    out: list[SecretMark] = []
    for m in p.classified.finditer(text):
        level = m.group("level") or m.group("level2") or m.group("level3") or ""
        mark = " ".join(m.group("mark").split()).strip(" :：")
        out.append(SecretMark(mark, _context(text, m.start("mark"), m.end("mark")), level, "classified"))
    if include_internal:
        for m in p.internal.finditer(text):
            lo = text.rfind("\n", 0, m.start("mark")) + 1
            hi = text.find("\n", m.end("mark"))
            line = text[lo : hi if hi != -1 else len(text)].strip()
            if len(line) <= p.internal_max_line:
                out.append(SecretMark(" ".join(m.group("mark").split()), _context(text, m.start("mark"), m.end("mark")), "", "internal"))
    return out


_MARK_HINTS = ("★", "☆", "密级", "密 级")


def page_secret_marks(
    html: str,
    url: str,
    *,
    tree: LexborHTMLParser | None = None,
    include_internal: bool = False,
    whole_text: str | None = None,
    first_look: bool | None = None,
) -> list[SecretMark]:
    """Classification marks in a page's text (each block line and table cell a line).

    `tree` is an already parsed `html` (read only), `whole_text` its shared `illegal.body_text`. A page whose text has no ★ and no 密级 —
    nearly every page — costs one text extraction and a few substring tests. `first_look` is
    that test's answer when the caller already has it (`analyze.repeated`).
    """
    del url  # the rule does not depend on the page's address
    if first_look is False and not include_internal:
        return []
    if tree is None:
        tree = LexborHTMLParser(html)
    if not include_internal and first_look is None:
        if whole_text is not None:
            text = whole_text.replace("\n", "")
        else:
            root = tree.body or tree.root
            text = root.text(deep=True) if root is not None else ""
        if not any(s in text for s in _MARK_HINTS):
            return []
    lines = "\n".join(u.text for u in page_units(tree))
    return find_secret_marks(lines, include_internal=include_internal)
