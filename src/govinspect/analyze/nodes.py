"""Small helpers on parsed HTML shared by the analysers: collapsed text and inline hiding.

Hidden-element detection here is the cheap first pass (inline styles and the `hidden`
attribute only); full hidden-link detection belongs to the content-integrity checks.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborNode

_HIDING_STYLE_RE = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden"
    r"|font-size\s*:\s*(?:0+(?:\.0*)?|\.0+)(?:px|pt|em|rem|%)?\s*(?:;|!|$)"
)
_ZERO_HEIGHT_RE = re.compile(r"(?<![\w-])height\s*:\s*0(?:px)?\s*(?:;|!|$)")
_OFFSCREEN_RE = re.compile(r"(?<![\w-])(?:left|top)\s*:\s*-\s*(\d+)(?:\.\d*)?(?:px)?\s*(?:;|!|$)")
_STYLE_MEMO: dict[str, bool] = {}


def collapse(text: str) -> str:
    """Whitespace runs (including newlines and ideographic spaces) collapsed to one space."""
    return " ".join(text.split())


def style_hides(style: str) -> bool:
    """Whether an inline style hides the element (memoised: pages repeat the same styles)."""
    known = _STYLE_MEMO.get(style)
    if known is not None:
        return known
    lowered = style.lower()
    hides = _HIDING_STYLE_RE.search(lowered) is not None
    if not hides and "overflow" in lowered and _ZERO_HEIGHT_RE.search(lowered):
        hides = re.search(r"overflow\s*:\s*hidden", lowered) is not None
    if not hides and "absolute" in lowered and re.search(r"position\s*:\s*absolute", lowered):
        hides = any(int(m.group(1)) >= 999 for m in _OFFSCREEN_RE.finditer(lowered))
    if len(_STYLE_MEMO) >= 4096:
        _STYLE_MEMO.clear()
    _STYLE_MEMO[style] = hides
    return hides


def is_hidden(node: LexborNode, depth: int) -> bool:
    """Whether `node` or one of its `depth` nearest ancestors (below <body>) is hidden inline."""
    cur: LexborNode | None = node
    for _ in range(depth + 1):
        if cur is None or cur.tag in ("body", "html"):
            return False
        attrs = cur.attributes
        if "hidden" in attrs:
            return True
        style = attrs.get("style")
        if style and style_hides(style):
            return True
        cur = cur.parent
    return False
