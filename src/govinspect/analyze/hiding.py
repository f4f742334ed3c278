"""Which elements of a page hide their content from people (but not from search engines).

The hiding tricks of spam-link injections: inline styles (display:none, visibility:hidden,
off-screen positioning, negative text-indent, font-size 0, zero or 1-pixel boxes with overflow
hidden, opacity 0, clip rect(0…), scale(0), text coloured like its background), the `hidden`
attribute, class/id rules of inline `<style>` blocks (run as selectors on the page; rules in
`@media` blocks and `:hover` rules are ignored — responsive layouts and drop-down menus), tiny
`<marquee>`s, and scripts that hide a block by id. `HiddenBlock.trick` tells the tricks apart
from display:none/visibility:hidden, which menus and tabs use every day.

Thresholds come from `data/spam_terms.yaml` (`Hiding`, built by `analyze.spamwords`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode, SelectolaxError

from govinspect.analyze.nodes import collapse

__all__ = ["HiddenBlock", "Hiding", "frame_hiding", "hidden_blocks", "is_trick", "loose_block"]


@dataclass(frozen=True)
class Hiding:
    """Hiding thresholds (see `thresholds` in data/spam_terms.yaml), with a memo of the styles
    and `<style>` texts already judged: a site repeats them on every page."""

    offscreen_px: int = 500
    tiny_px: int = 2
    marquee_tiny_px: int = 5
    max_style_chars: int = 200_000
    max_css_selectors: int = 200
    memo: dict[tuple[str, str], Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    def style_reason(self, style: str) -> str | None:
        """Why a CSS declaration block hides its element (a short excerpt), or None."""
        key = ("s", style)
        memo = self.memo
        if key in memo:
            return memo[key]
        reason = _hiding_reason_uncached(style.lower(), self)
        self._remember(key, reason)
        return reason

    def css_rules(self, css: str) -> tuple[tuple[str, str], ...]:
        """(selector, reason) of the rules of a `<style>` text that hide what they select."""
        key = ("c", css)
        known = self.memo.get(key)
        if known is None:
            known = tuple(_css_hiding_rules(css, self))
            if len(css) <= 50_000:
                self._remember(key, known)
        return known

    def _remember(self, key: tuple[str, str], value: Any) -> None:
        if len(self.memo) >= 8192:
            self.memo.clear()
        self.memo[key] = value


_PX = r"(-?\d+(?:\.\d+)?|-?\.\d+)\s*(px|pt|em|rem|%|vw|vh)?"
_DECL_RE = re.compile(r"([a-z-]+)\s*:\s*([^;]+)")
_NUM_RE = re.compile(_PX)
_NAMED_COLOURS = {
    "white": "#ffffff",
    "black": "#000000",
    "red": "#ff0000",
    "blue": "#0000ff",
    "green": "#008000",
    "yellow": "#ffff00",
    "gray": "#808080",
    "grey": "#808080",
    "silver": "#c0c0c0",
}


def _px(value: str) -> float | None:
    """A CSS length in px (em/rem counted as 16px), None when it is not a plain length."""
    m = _NUM_RE.match(value.strip())
    if m is None:
        return None
    number = float(m.group(1))
    unit = m.group(2) or "px"
    if unit in ("em", "rem"):
        return number * 16
    if unit == "pt":
        return number * 4 / 3
    if unit in ("%", "vw", "vh"):
        return number if number <= 0 else None
    return number


def _colour(value: str) -> str | None:
    v = value.strip().lower().replace(" ", "").removesuffix("!important")
    if v in _NAMED_COLOURS:
        return _NAMED_COLOURS[v]
    if re.fullmatch(r"#[0-9a-f]{3}", v):
        return "#" + "".join(c * 2 for c in v[1:])
    if re.fullmatch(r"#[0-9a-f]{6}", v):
        return v
    m = re.fullmatch(r"rgba?\((\d+),(\d+),(\d+)(?:,[\d.]+)?\)", v)
    if m:
        return "#" + "".join(f"{min(255, int(x)):02x}" for x in m.groups())
    return None


def _hiding_reason_uncached(style: str, hiding: Hiding) -> str | None:
    decls: dict[str, str] = {}
    for m in _DECL_RE.finditer(style):
        decls[m.group(1)] = m.group(2).strip().removesuffix("!important").strip()
    if not decls:
        return None
    display = decls.get("display")
    if display == "none":
        return "display:none"
    if decls.get("visibility") in ("hidden", "collapse"):
        return "visibility:hidden"
    tiny = hiding.tiny_px
    offscreen = hiding.offscreen_px
    if decls.get("position") in ("absolute", "fixed"):
        for side in ("top", "left", "right", "bottom"):
            v = decls.get(side)
            if v is not None:
                px = _px(v)
                if px is not None and px <= -offscreen:
                    return f"position:{decls['position']};{side}:{v}"
    for name in ("text-indent", "margin-left", "margin-top"):
        v = decls.get(name)
        if v is not None:
            px = _px(v)
            if px is not None and px <= -offscreen:
                return f"{name}:{v}"
    v = decls.get("font-size")
    if v is not None:
        px = _px(v)
        if px is not None and px <= min(tiny, 1):
            return f"font-size:{v}"
    opacity = decls.get("opacity")
    if opacity is not None:
        try:
            if float(opacity) <= 0.01:
                return f"opacity:{opacity}"
        except ValueError:
            pass
    overflow_hidden = decls.get("overflow") == "hidden" or decls.get("overflow-y") == "hidden"
    sizes = {}
    for name in ("width", "height", "line-height", "max-height", "max-width"):
        v = decls.get(name)
        if v is not None:
            px = _px(v)
            if px is not None and px <= tiny:
                sizes[name] = v
    if sizes and (overflow_hidden or ("width" in sizes and "height" in sizes)):
        inner = ";".join(f"{k}:{v}" for k, v in sizes.items())
        return f"{inner};overflow:hidden" if overflow_hidden else inner
    clip = decls.get("clip")
    if clip is not None and re.fullmatch(r"rect\(\s*0(?:px)?[\s,]+0(?:px)?[\s,]+0(?:px)?[\s,]+0(?:px)?\s*\)", clip):
        return f"clip:{clip}"
    transform = decls.get("transform")
    if transform is not None and re.search(r"scale\(\s*0(?:\.0+)?\s*\)", transform):
        return f"transform:{transform}"
    fg = decls.get("color")
    bg = decls.get("background-color") or decls.get("background")
    if fg is not None and bg is not None:
        fg_c = _colour(fg)
        bg_c = _colour(bg.split()[0]) if bg.split() else None
        if fg_c is not None and fg_c == bg_c:
            return f"color:{fg};background:{bg}"
    return None


# CSS rules of <style> blocks. @media and similar blocks are dropped first: responsive rules hide
# desktop menus on phones and vice versa, which says nothing about spam.
_CSS_COMMENT_RE = re.compile(r"/\*.*?\*/", re.S)
_CSS_AT_BLOCK_RE = re.compile(r"@[a-z-]+[^{};]*\{(?:[^{}]*\{[^{}]*\})*[^{}]*\}", re.I)
_CSS_AT_LINE_RE = re.compile(r"@[a-z-]+[^{};]*;", re.I)
_CSS_RULE_RE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_SAFE_SELECTOR_RE = re.compile(r"^[\w\s.#>+~\-\[\]=\"'*^$|]+$")


def _css_hiding_rules(css: str, hiding: Hiding) -> list[tuple[str, str]]:
    """(selector, reason) for every rule of `css` that hides what it selects."""
    css = _CSS_COMMENT_RE.sub(" ", css)
    css = _CSS_AT_BLOCK_RE.sub(" ", css)
    css = _CSS_AT_LINE_RE.sub(" ", css)
    rules: list[tuple[str, str]] = []
    for m in _CSS_RULE_RE.finditer(css):
        body = m.group(2)
        if not body.strip():
            continue
        reason = hiding.style_reason(body)
        if reason is None:
            continue
        for selector in m.group(1).split(","):
            selector = " ".join(selector.split())
            # Pseudo-classes (:hover menus) and the whole page (html, body, *) are not blocks.
            if not selector or ":" in selector or selector in ("html", "body", "*"):
                continue
            if not _SAFE_SELECTOR_RE.match(selector):
                continue
            rules.append((selector, reason))
    return rules


# Script hiding of a block by id: the classic `document.getElementById('x').style.display='none'`
# and its jQuery forms.
_JS_HIDE_RE = re.compile(
    r"""getElementById\(\s*['"]([\w-]+)['"]\s*\)\s*\.style\.(?:display\s*=\s*['"]none|visibility\s*=\s*['"]hidden)"""
    r"""|\$\(\s*['"]#([\w-]+)['"]\s*\)\s*\.(?:hide\(\s*\)|css\(\s*['"]display['"]\s*,\s*['"]none)"""
)
_MENU_RE = re.compile(r"menu|nav|sub|drop|tab|yqlj|friend|mobile|slide|swiper|banner|pop|tip|search", re.I)
_MENU_TAGS = frozenset({"nav", "select", "option", "header", "li", "ul", "dd"})


@dataclass(frozen=True, slots=True)
class HiddenBlock:
    """An element hiding its subtree, why (a Chinese/CSS excerpt for evidence), and whether the
    technique is a trick rather than the display:none of menus and tabs."""

    node: LexborNode
    reason: str
    trick: bool  # a hiding technique menus and tabs do not use (off-screen, 1px, colour …)


def hidden_blocks(
    tree: LexborHTMLParser,
    hiding: Hiding,
    scripts: list[str],
    *,
    marquees: list[LexborNode] | None = None,
    styles: list[LexborNode] | None = None,
) -> list[HiddenBlock]:
    """Elements that hide their subtree, with the reason (inline style, hidden attribute,
    <style> rules, tiny <marquee>, script hiding by id).

    `marquees` and `styles` are the page's <marquee> and <style> elements when the caller has
    already collected them (saves two walks of the tree)."""
    roots: list[HiddenBlock] = []
    for node in tree.css("body [style], body [hidden]"):
        attrs = node.attributes
        style = attrs.get("style")
        reason = hiding.style_reason(style) if style else None
        if reason is not None:
            roots.append(HiddenBlock(node, f'style="{_clip(style or "", 80)}"', is_trick(reason)))
        elif "hidden" in attrs:
            roots.append(HiddenBlock(node, "hidden 属性", False))
    for node in tree.css("marquee") if marquees is None else marquees:
        reason = _marquee_reason(node, hiding.marquee_tiny_px)
        if reason is not None:
            roots.append(HiddenBlock(node, reason, True))
    budget = hiding.max_style_chars
    selectors = 0
    for style_node in tree.css("style") if styles is None else styles:
        css = style_node.text(deep=True)
        if not css or budget <= 0:
            continue
        css = css[:budget]
        budget -= len(css)
        for selector, reason in hiding.css_rules(css):
            selectors += 1
            if selectors > hiding.max_css_selectors:
                break
            try:
                matched = tree.css(selector)
            except SelectolaxError:
                continue
            for node in matched:
                if node.tag in ("html", "body", "head"):
                    continue
                roots.append(HiddenBlock(node, f"样式规则 {selector}{{{reason}}}", is_trick(reason)))
    for text in scripts:
        for m in _JS_HIDE_RE.finditer(text):
            ident = m.group(1) or m.group(2)
            node = tree.css_first(f'[id="{ident}"]')
            if node is not None:
                roots.append(HiddenBlock(node, f"脚本隐藏 #{ident}", True))
    return roots


def is_trick(reason: str) -> bool:
    """Whether a hiding reason is a trick (off-screen, 1px, colour …), not display/visibility."""
    return not (reason.startswith("display:none") or reason.startswith("visibility:"))


def _marquee_reason(node: LexborNode, limit: int) -> str | None:
    attrs = node.attributes
    for name in ("height", "width"):
        value = attrs.get(name)
        if value:
            px = _px(value)
            if px is not None and 0 <= px <= limit:
                return f'marquee {name}="{value.strip()}"'
    style = (attrs.get("style") or "").lower()
    for m in _DECL_RE.finditer(style):
        if m.group(1) in ("height", "width"):
            px = _px(m.group(2))
            if px is not None and px <= limit:
                return f'marquee style="{_clip(attrs.get("style") or "", 60)}"'
    return None


def frame_hiding(attrs: Mapping[str, str | None], hiding: Hiding) -> str | None:
    """Why an iframe is invisible (width/height attributes or inline style), or None."""
    tiny = hiding.tiny_px
    small = []
    for name in ("width", "height"):
        value = attrs.get(name)
        if value:
            px = _px(value)
            if px is not None and 0 <= px <= tiny:
                small.append(f'{name}="{value.strip()}"')
    if small:
        return " ".join(small)
    style = attrs.get("style")
    if style and hiding.style_reason(style) is not None:
        return f'style="{_clip(style, 80)}"'
    return None


def _clip(text: str, limit: int) -> str:
    text = collapse(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def loose_block(node: LexborNode, internal_links: int) -> bool:
    """Whether a block hidden the ordinary way (display:none) looks injected rather than part of
    the layout: no link to the site, not in a menu or tab set, and hung directly on <body>
    (or <html>) where injection kits append their code. Tabs and drop-downs of company or
    partner sites sit inside layout containers."""
    if internal_links or _menu_like(node):
        return False
    parent = node.parent
    return parent is None or parent.tag in ("body", "html")


def _menu_like(node: LexborNode) -> bool:
    """Whether a hidden block sits in a navigation menu, tab set or similar widget."""
    current: LexborNode | None = node
    for _ in range(4):
        if current is None or current.tag in ("body", "html"):
            return False
        if current.tag in _MENU_TAGS:
            return True
        attrs = current.attributes
        marker = f"{attrs.get('class') or ''} {attrs.get('id') or ''}"
        if marker.strip() and _MENU_RE.search(marker):
            return True
        current = current.parent
    return False
