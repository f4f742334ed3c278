"""Illegal content on a page: hidden spam links (暗链), injected titles and spam text.

What hacked Chinese government pages look like: gambling or porn keywords prepended to the
`<title>` ("澳门新葡京-…-XX市人民政府") and meta keywords; blocks of spam links hidden from people
but read by search engines (`position:absolute;top:-999px`, `display:none`, a class hidden in an
inline `<style>`, a 1-pixel `<marquee>`, `font-size:0`, text coloured like its background,
`text-indent:-9999px`); links written by script (`document.write(unescape('%3Ca href…'))`,
`String.fromCharCode`); spam sentences in the visible page. This module finds them:

- `page_illegal(html, url, tree=, site_hosts=)` — `IllegalFinding`s of kind "hidden_link",
  "spam_content" or "injected_title" (the `illegal` list of results.json).
- `script_links(html)` — the URLs inline scripts write into the page (bounded work).
- `load_spam_lexicon(path=None)` — the vocabulary of `data/spam_terms.yaml` (cached).

Precision first — a false alarm in an official bulletin is the worst outcome. Government pages
hide plenty of harmless things (drop-down menus, tabs of news lists, skip links, mobile menus,
a hidden link to another government site) and constantly write ABOUT gambling and drugs to
condemn them. So a hidden link is a finding only when it leaves the site AND its anchor text or
domain is spam (or it sits in a hidden block of many links to unknown outside sites), and text
hits pass an allow-list, a condemnation-context test and a strong/weak vocabulary split (see
the header of `data/spam_terms.yaml`).

What is not evaluated: external style sheets, CSS inherited colours (`<font color>` on a
white body), scripts loaded by `src`, and redirects that depend on the referrer or user agent
(cloaking is `analyze.tampering.cloaking`).
"""

from __future__ import annotations

import base64
import binascii
import html as html_lib
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import yaml
from selectolax.lexbor import LexborHTMLParser, LexborNode, SelectolaxError

from govinspect.analyze.nodes import collapse
from govinspect.crawl.urls import host_of, join_url, normalize_url

__all__ = [
    "KINDS",
    "IllegalFinding",
    "SpamHit",
    "SpamLexicon",
    "load_spam_lexicon",
    "page_illegal",
    "script_links",
]

# The kinds of the contract's `illegal` list; this module yields the first three.
KINDS = ("hidden_link", "spam_content", "injected_title", "cloaking", "tampered")

_MAX_TEXT = 60  # characters of anchor text quoted in evidence
_MAX_EVIDENCE_URL = 200


@dataclass(frozen=True, slots=True)
class IllegalFinding:
    """One illegal-content finding: `kind` (see KINDS), the link `target` if any, and Chinese
    `evidence` quoting what was seen."""

    kind: str
    target: str | None
    evidence: str


@dataclass(frozen=True, slots=True)
class SpamHit:
    """A spam term found in a text: the term as matched, its category and whether it is strong."""

    term: str
    category: str
    strong: bool
    start: int
    end: int


# --------------------------------------------------------------------------------------------
# vocabulary
# --------------------------------------------------------------------------------------------


def _trie_regex(words: Iterable[str]) -> str:
    """One regex alternation for `words`, factored as a trie: Python's `re` tries alternatives one
    by one at each position, so sharing prefixes keeps a scan of a whole page fast."""
    trie: dict[str, Any] = {}
    for word in words:
        if not word:
            continue
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = True

    def emit(node: dict[str, Any]) -> str:
        alts: list[str] = []
        end = False
        for ch in sorted(node):
            if ch == "":
                end = True
                continue
            alts.append(re.escape(ch) + emit(node[ch]))
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if end:
            # Longest match first: the `?` is greedy, so 澳门新葡京 wins over a shorter term.
            return "(?:" + body + ")?"
        return body

    pattern = emit(trie)
    return pattern or r"(?!x)x"


@dataclass(frozen=True)
class SpamLexicon:
    """The spam vocabulary and thresholds of `data/spam_terms.yaml` (see its header)."""

    labels: Mapping[str, str]  # category → Chinese label
    terms: Mapping[str, tuple[str, bool]]  # lower-cased literal → (category, strong)
    term_re: re.Pattern[str]
    strong_res: tuple[tuple[str, re.Pattern[str]], ...]
    allow_re: re.Pattern[str]
    condemn_re: re.Pattern[str]
    promo_re: re.Pattern[str]
    domain_strong_fragments: tuple[str, ...]
    domain_strong_res: tuple[re.Pattern[str], ...]
    domain_weak_tlds: frozenset[str]
    domain_weak_res: tuple[re.Pattern[str], ...]
    trusted_suffixes: tuple[str, ...]
    thresholds: Mapping[str, int]
    allow_max: int  # length of the longest allow-listed phrase
    memo: dict[tuple[str, str], Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    def hits(self, text: str) -> list[SpamHit]:
        """Spam terms in `text` (already lower-cased), allow-listed phrases blanked out first.

        Short texts (anchor texts, titles: they repeat across a site's pages) are memoised.
        """
        if len(text) > 200:
            return self._hits(text)
        key = ("h", text)
        known = self.memo.get(key)
        if known is None:
            known = self._hits(text)
            _remember(self.memo, key, known)
        return list(known)

    def _hits(self, text: str) -> list[SpamHit]:
        found: list[SpamHit] = []
        for m in self.term_re.finditer(text):
            category, strong = self.terms[m.group()]
            found.append(SpamHit(m.group(), category, strong, m.start(), m.end()))
        if not found:
            # Every strong_regex contains a listed term (see the data file), so a text without
            # any term needs no regex pass.
            return found
        for category, rx in self.strong_res:
            for m in rx.finditer(text):
                found.append(SpamHit(m.group(), category, True, m.start(), m.end()))
        # Allow-listed phrases (打击赌博, 禁毒 …) swallow the hits they overlap. Looking only
        # around the hits keeps a long page with few hits cheap.
        width = self.allow_max
        kept: list[SpamHit] = []
        for hit in found:
            lo = max(0, hit.start - width)
            hi = min(len(text), hit.end + width)
            if not any(m.start() < hit.end and m.end() > hit.start for m in self.allow_re.finditer(text, lo, hi)):
                kept.append(hit)
        # Overlapping hits (a regex match around a literal term) are one hit: the longest.
        kept.sort(key=lambda h: (h.start, h.start - h.end))
        merged: list[SpamHit] = []
        for hit in kept:
            if merged and hit.start < merged[-1].end:
                last = merged[-1]
                if hit.end - hit.start > last.end - last.start or (hit.strong and not last.strong):
                    merged[-1] = hit
                continue
            merged.append(hit)
        return merged

    def condemned(self, text: str, start: int, end: int, *, stops: str = "。！？；!?;\n") -> bool:
        """Whether the sentence around `text[start:end]` condemns rather than spreads the term."""
        width = self.thresholds["context_chars"]
        lo = max(0, start - width)
        for i in range(start - 1, lo - 1, -1):
            if text[i] in stops:
                lo = i + 1
                break
        hi = min(len(text), end + width)
        for i in range(end, hi):
            if text[i] in stops:
                hi = i
                break
        return self.condemn_re.search(text, lo, hi) is not None

    def promoted(self, text: str, start: int, end: int) -> bool:
        """Whether an advertising word sits right next to `text[start:end]`."""
        width = self.thresholds["promo_chars"]
        return self.promo_re.search(text, max(0, start - width), min(len(text), end + width)) is not None

    def trusted(self, host: str) -> bool:
        """Government, education and well-known service hosts: never spam by their domain."""
        key = ("t", host)
        known = self.memo.get(key)
        if known is None:
            known = any(host == s or host.endswith("." + s) for s in self.trusted_suffixes)
            _remember(self.memo, key, known)
        return known

    def domain_spam(self, host: str) -> bool | None:
        """True for a link-farm domain, False for a suspicious one (throw-away TLD, numeric
        name: counts only for hidden links), None otherwise (memoised per host)."""
        memo = self.memo
        key = ("d", host)
        if key in memo:
            return memo[key]
        verdict: bool | None = None
        if host and not self.trusted(host):
            if any(f in host for f in self.domain_strong_fragments) or any(
                rx.search(host) for rx in self.domain_strong_res
            ):
                verdict = True
            elif host.rsplit(".", 1)[-1] in self.domain_weak_tlds or any(
                rx.search(host) for rx in self.domain_weak_res
            ):
                verdict = False
        _remember(memo, key, verdict)
        return verdict

    def css_hiding_rules(self, css: str) -> tuple[tuple[str, str], ...]:
        """(selector, reason) of the rules of a <style> text that hide what they select."""
        known = self.memo.get(("c", css))
        return known if known is not None else _remember_css(self, css)

    def hiding_reason(self, style: str) -> str | None:
        """Why a CSS declaration block hides its element (a short excerpt), or None (memoised:
        pages repeat the same styles)."""
        memo = self.memo
        key = ("s", style)
        if key in memo:
            return memo[key]
        reason = _hiding_reason_uncached(style.lower(), self.thresholds)
        _remember(memo, key, reason)
        return reason


def _remember_css(lexicon: SpamLexicon, css: str) -> tuple[tuple[str, str], ...]:
    rules = tuple(_css_hiding_rules(css, lexicon))
    if len(css) <= 50_000:  # a site repeats its inline <style> on every page
        _remember(lexicon.memo, ("c", css), rules)
    return rules


def _remember(memo: dict[tuple[str, str], Any], key: tuple[str, str], value: Any) -> None:
    if len(memo) >= 8192:
        memo.clear()
    memo[key] = value


def _lexicon_from_data(data: Mapping[str, Any]) -> SpamLexicon:
    labels: dict[str, str] = {}
    terms: dict[str, tuple[str, bool]] = {}
    strong_res: list[tuple[str, re.Pattern[str]]] = []
    for category, entry in (data.get("categories") or {}).items():
        entry = entry or {}
        labels[category] = str(entry.get("label") or category)
        # Weak first so that a word listed as both ends up strong.
        for word in entry.get("weak") or []:
            terms[str(word).lower()] = (category, False)
        for word in entry.get("strong") or []:
            terms[str(word).lower()] = (category, True)
        for rx in entry.get("strong_regex") or []:
            strong_res.append((category, re.compile(str(rx))))
    if not terms:
        raise ValueError("spam terms: no category has any term")
    domains = data.get("domains") or {}
    allow = [str(w).lower() for w in data.get("allow_phrases") or [] if str(w)]
    th = {
        "context_chars": 80,
        "promo_chars": 8,
        "cluster_chars": 200,
        "offscreen_px": 500,
        "tiny_px": 2,
        "marquee_tiny_px": 5,
        "many_links": 10,
        "many_domains": 5,
        "max_findings": 100,
        "max_style_chars": 200_000,
        "max_css_selectors": 200,
        "max_script_chars": 300_000,
    }
    for key, value in (data.get("thresholds") or {}).items():
        if key not in th:
            raise ValueError(f"spam terms: unknown threshold {key!r}")
        th[key] = int(value)
    return SpamLexicon(
        labels=labels,
        terms=terms,
        term_re=re.compile(_trie_regex(terms)),
        strong_res=tuple(strong_res),
        allow_re=re.compile(_trie_regex(allow)),
        allow_max=max((len(w) for w in allow), default=0),
        condemn_re=re.compile(_trie_regex(str(w).lower() for w in data.get("condemn") or [])),
        promo_re=re.compile(_trie_regex(str(w).lower() for w in data.get("promo") or [])),
        domain_strong_fragments=tuple(str(f).lower() for f in domains.get("strong_fragments") or []),
        domain_strong_res=tuple(re.compile(str(r)) for r in domains.get("strong_regex") or []),
        domain_weak_tlds=frozenset(str(t).lower().lstrip(".") for t in domains.get("weak_tlds") or []),
        domain_weak_res=tuple(re.compile(str(r)) for r in domains.get("weak_regex") or []),
        trusted_suffixes=tuple(str(s).lower().lstrip(".") for s in data.get("trusted_suffixes") or []),
        thresholds=th,
    )


@lru_cache(maxsize=1)
def _default_lexicon() -> SpamLexicon:
    text = resources.files("govinspect.data").joinpath("spam_terms.yaml").read_text("utf-8")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return _lexicon_from_data(yaml.load(text, Loader=loader))


def load_spam_lexicon(path: Path | None = None) -> SpamLexicon:
    """The spam vocabulary of `path`, or of the packaged `data/spam_terms.yaml` (cached)."""
    if path is None:
        return _default_lexicon()
    return _lexicon_from_data(yaml.safe_load(Path(path).read_text("utf-8")))


# --------------------------------------------------------------------------------------------
# hiding
# --------------------------------------------------------------------------------------------

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


def _hiding_reason_uncached(style: str, th: Mapping[str, int]) -> str | None:
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
    tiny = th["tiny_px"]
    offscreen = th["offscreen_px"]
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


def _css_hiding_rules(css: str, lexicon: SpamLexicon) -> list[tuple[str, str]]:
    """(selector, reason) for every rule of `css` that hides what it selects."""
    css = _CSS_COMMENT_RE.sub(" ", css)
    css = _CSS_AT_BLOCK_RE.sub(" ", css)
    css = _CSS_AT_LINE_RE.sub(" ", css)
    rules: list[tuple[str, str]] = []
    for m in _CSS_RULE_RE.finditer(css):
        body = m.group(2)
        if not body.strip():
            continue
        reason = lexicon.hiding_reason(body)
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
class _Hidden:
    node: LexborNode
    reason: str
    trick: bool  # a hiding technique menus and tabs do not use (off-screen, 1px, colour …)


def _hidden_roots(tree: LexborHTMLParser, lexicon: SpamLexicon, scripts: list[str]) -> list[_Hidden]:
    """Elements that hide their subtree, with the reason (inline style, hidden attribute,
    <style> rules, tiny <marquee>, script hiding by id)."""
    th = lexicon.thresholds
    roots: list[_Hidden] = []
    for node in tree.css("body [style], body [hidden]"):
        attrs = node.attributes
        style = attrs.get("style")
        reason = lexicon.hiding_reason(style) if style else None
        if reason is not None:
            roots.append(_Hidden(node, f'style="{_clip(style or "", 80)}"', _is_trick(reason)))
        elif "hidden" in attrs:
            roots.append(_Hidden(node, "hidden 属性", False))
    for node in tree.css("marquee"):
        reason = _marquee_reason(node, th["marquee_tiny_px"])
        if reason is not None:
            roots.append(_Hidden(node, reason, True))
    budget = th["max_style_chars"]
    selectors = 0
    for style_node in tree.css("style"):
        css = style_node.text(deep=True)
        if not css or budget <= 0:
            continue
        css = css[:budget]
        budget -= len(css)
        for selector, reason in lexicon.css_hiding_rules(css):
            selectors += 1
            if selectors > th["max_css_selectors"]:
                break
            try:
                matched = tree.css(selector)
            except SelectolaxError:
                continue
            for node in matched:
                if node.tag in ("html", "body", "head"):
                    continue
                roots.append(_Hidden(node, f"样式规则 {selector}{{{reason}}}", _is_trick(reason)))
    for text in scripts:
        for m in _JS_HIDE_RE.finditer(text):
            ident = m.group(1) or m.group(2)
            node = tree.css_first(f'[id="{ident}"]')
            if node is not None:
                roots.append(_Hidden(node, f"脚本隐藏 #{ident}", True))
    return roots


def _is_trick(reason: str) -> bool:
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


def _frame_hiding(attrs: Mapping[str, str | None], lexicon: SpamLexicon) -> str | None:
    """Why an iframe is invisible (width/height attributes or inline style), or None."""
    tiny = lexicon.thresholds["tiny_px"]
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
    if style and lexicon.hiding_reason(style) is not None:
        return f'style="{_clip(style, 80)}"'
    return None


def _clip(text: str, limit: int) -> str:
    text = collapse(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _loose_block(node: LexborNode, internal_links: int) -> bool:
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


# --------------------------------------------------------------------------------------------
# script-written links
# --------------------------------------------------------------------------------------------

_SCRIPT_RE = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.I | re.S)
_WRITER_RE = re.compile(
    r"document\s*\.\s*write|\.innerHTML|\.outerHTML|insertAdjacentHTML|\.html\s*\(|\.append\s*\(", re.I
)
_JOIN_RE = re.compile(r"""(['"])\s*\+\s*\1""")
_ESC_RE = re.compile(r"\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|u\{[0-9a-fA-F]{1,6}\}|.)", re.S)
_PCT_U_RE = re.compile(r"%u([0-9a-fA-F]{4})")
_WRITTEN_LINK_RE = re.compile(
    r"""<(a|area|iframe|frame)\b([^>]*?)\b(href|src)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>'"]+))([^>]*)>(.*?)(?:</\1\s*>|(?=<(?:a|area|iframe|frame)\b)|$)""",
    re.I | re.S,
)
_TAG_RE = re.compile(r"<[^>]*>")
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "", "b": "", "f": "", "v": "", "0": ""}


def _js_unescape_literal(body: str) -> str:
    """The value of a JS string literal's body (\\xHH, \\uHHHH, \\u{…}, \\n …)."""

    def repl(m: re.Match[str]) -> str:
        esc = m.group(1)
        if esc[0] == "x":
            return chr(int(esc[1:], 16))
        if esc[0] == "u":
            digits = esc[2:-1] if esc[1] == "{" else esc[1:]
            try:
                return chr(int(digits, 16))
            except (ValueError, OverflowError):
                return ""
        return _SIMPLE_ESCAPES.get(esc, esc)

    return _ESC_RE.sub(repl, body) if "\\" in body else body


def _percent_decode(text: str) -> str:
    """JS `unescape`/`decodeURIComponent`: %uXXXX, then %XX as UTF-8 (Latin-1 if that fails)."""
    if "%" not in text:
        return text
    text = _PCT_U_RE.sub(lambda m: chr(int(m.group(1), 16)), text)
    try:
        return unquote(text, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        return unquote(text, encoding="latin-1")


_PIECE_RE = re.compile(
    r"""fromCharCode\s*\(\s*(?P<codes>[\d\s,xXa-fA-F]{1,60000})\)"""
    r"""|atob\s*\(\s*['"](?P<b64>[A-Za-z0-9+/=\s]{8,40000})['"]\s*\)"""
    r"""|'(?P<sq>(?:[^'\\\n]|\\.){0,20000})'|"(?P<dq>(?:[^"\\\n]|\\.){0,20000})"|`(?P<bq>(?:[^`\\]|\\.){0,20000})`"""
)


_SELECTOR_ARG_RE = re.compile(
    r"(?:getElementById|querySelector(?:All)?|getElementsBy\w+|\$|jQuery|\.attr|\.css|\.(?:add|remove)Class)\s*\(\s*$"
)


def _from_char_codes(args: str) -> str:
    codes: list[str] = []
    for part in args.split(","):
        part = part.strip()
        try:
            codes.append(chr(int(part, 16) if part[:2].lower() == "0x" else int(part)))
        except (ValueError, OverflowError):
            continue
    return "".join(codes)


def _written_html(script: str, budget: int) -> str:
    """What an inline script writes, approximately: its string pieces decoded and joined.

    Joining every string literal, `String.fromCharCode(…)` and `atob('…')` in source order
    reconstructs `document.write('<a hr' + 'ef="…">' + …)` and the usual variable
    concatenation tricks without running any JavaScript.
    """
    pieces: list[str] = []
    joined = _JOIN_RE.sub("", script[:budget])
    for m in _PIECE_RE.finditer(joined):
        if _SELECTOR_ARG_RE.search(joined, max(0, m.start() - 40), m.start()):
            continue  # getElementById('box') names the target element, it is not written
        if m.group("codes") is not None:
            pieces.append(_from_char_codes(m.group("codes")))
        elif m.group("b64") is not None:
            try:
                raw = base64.b64decode("".join(m.group("b64").split()), validate=True)
            except (binascii.Error, ValueError):
                continue
            pieces.append(raw.decode("utf-8", errors="replace"))
        else:
            body = m.group("sq") if m.group("sq") is not None else m.group("dq")
            if body is None:
                body = m.group("bq") or ""
            value = _js_unescape_literal(body)
            pieces.append(_percent_decode(value) if "%" in value else value)
    written = "".join(pieces)
    # One more round for unescape(unescape(…)) and escapes inside decoded text.
    lowered = written.lower()
    if "%3c" in lowered or "%u003c" in lowered:
        written = _percent_decode(written)
    return written


@dataclass(frozen=True, slots=True)
class _WrittenLink:
    url: str
    text: str
    tag: str


_WRITES_SOMETHING_RE = re.compile(r"<a[\s>]|<i?frame|href|src\s*=|%3c|\\x3c|\\u|%u|fromcharcode|atob|&#", re.I)


def _script_written(
    scripts: Iterable[str], budget: int, lexicon: SpamLexicon | None = None
) -> tuple[list[_WrittenLink], list[str]]:
    """Links and text that inline `scripts` write into the page (bounded by `budget` chars).

    A writing script is decoded when it carries a link or an escape (<a, href, %3C, \\x3c, \\u,
    fromCharCode …) or, given `lexicon`, a spam term in clear; date widgets are skipped.
    """
    links: list[_WrittenLink] = []
    texts: list[str] = []
    for script in scripts:
        if budget <= 0:
            break
        if not _WRITER_RE.search(script):
            continue
        if not _WRITES_SOMETHING_RE.search(script) and (lexicon is None or not lexicon.hits(script.lower())):
            continue
        budget -= len(script)
        written = _written_html(script, max(budget + len(script), 0))
        if "<" not in written:
            continue
        for m in _WRITTEN_LINK_RE.finditer(written):
            url = html_lib.unescape(next(g for g in (m.group(4), m.group(5), m.group(6), "") if g is not None)).strip()
            if not url or url.startswith(("#", "javascript:", "mailto:", "tel:")):
                continue
            text = collapse(html_lib.unescape(_TAG_RE.sub(" ", m.group(8) or "")))
            links.append(_WrittenLink(url, text[:_MAX_TEXT], m.group(1).lower()))
        texts.append(collapse(html_lib.unescape(_TAG_RE.sub(" ", written))))
    return links, texts


def script_links(html: str) -> list[str]:
    """URLs (as written, de-duplicated, in order) that inline scripts write into the page.

    Covers `document.write`/`writeln`, `innerHTML`/`outerHTML`/`insertAdjacentHTML` and jQuery
    `.html()`/`.append()` with string literals, concatenation, `\\x`/`\\u` escapes,
    `unescape`/`decodeURIComponent` (`%XX`, `%uXXXX`), `String.fromCharCode` and `atob`. Only
    `<a>`/`<area>` hrefs and `<iframe>`/`<frame>` srcs are returned (statistics loaders write
    `<script src>` everywhere). Scripts with a `src` are not fetched; at most 300,000 characters
    of inline script are decoded.
    """
    scripts = [m.group(2) for m in _SCRIPT_RE.finditer(html) if not re.search(r"\bsrc\s*=", m.group(1), re.I)]
    links, _ = _script_written(scripts, _default_lexicon().thresholds["max_script_chars"])
    seen: dict[str, None] = {}
    for link in links:
        seen.setdefault(link.url, None)
    return list(seen)


# --------------------------------------------------------------------------------------------
# the page
# --------------------------------------------------------------------------------------------


def _registrable(host: str) -> str:
    """Approximate registrable domain: x.com.cn → last three labels, else the last two."""
    labels = host.split(".")
    if len(labels) >= 3 and labels[-2] in ("com", "net", "org", "gov", "edu", "co", "ac") and len(labels[-1]) == 2:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


@dataclass(frozen=True, slots=True)
class _Site:
    """The inspected site's hosts: exact hosts, their www. twins and their subdomains."""

    hosts: frozenset[str]
    suffixes: tuple[str, ...]

    @classmethod
    def of(cls, url: str, site_hosts: frozenset[str]) -> _Site:
        hosts = {h.lower().rstrip(".") for h in site_hosts if h}
        host = host_of(url)
        if host:
            hosts.add(host)
        for h in list(hosts):
            hosts.add(h[4:] if h.startswith("www.") else "www." + h)
        # Subdomains belong to the site (zwfw.x.gov.cn on www.x.gov.cn's pages).
        return cls(frozenset(hosts), tuple("." + h for h in hosts if not h.startswith("www.")))

    def contains(self, host: str) -> bool:
        return host in self.hosts or host.endswith(self.suffixes)


def _anchor_text(node: LexborNode) -> str:
    text = collapse(node.text(deep=True))
    if not text:
        attrs = node.attributes
        text = collapse(attrs.get("title") or "")
        if not text:
            img = node.css_first("img[alt]")
            if img is not None:
                text = collapse(img.attributes.get("alt") or "")
    return text[:_MAX_TEXT]


def _quote_link(url: str, text: str) -> str:
    return f'<a href="{_clip(url, _MAX_EVIDENCE_URL)}">{text}</a>'


@dataclass(frozen=True, slots=True)
class _LinkVerdict:
    category: str  # Chinese label
    why: str  # short Chinese reason used in evidence


def _link_spam(
    lexicon: SpamLexicon, text: str, host: str, *, hidden: bool, check_text: bool = True
) -> _LinkVerdict | None:
    """Whether a link with anchor `text` to `host` is spam; weak signals count only if hidden.

    `check_text=False` skips the anchor text (the caller knows the page has no term at all).
    """
    trusted = lexicon.trusted(host)
    if check_text and text:
        lowered = text.lower()
        for hit in lexicon.hits(lowered):
            if not (hit.strong or (hidden and not trusted)):
                continue
            if lexicon.condemned(lowered, hit.start, hit.end):
                continue
            return _LinkVerdict(lexicon.labels[hit.category], f"链接文字“{hit.term}”")
    verdict = lexicon.domain_spam(host)
    if verdict is True or (verdict is False and hidden):
        return _LinkVerdict("", f"可疑域名 {host}")
    return None


_SCHEME_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def _outside_target(base: str, href: str, base_internal: bool, site: _Site) -> tuple[str, str] | None:
    """(absolute URL, host) of a link that leaves the site, None for internal or unusable ones.

    Relative hrefs (most links of a government page) are internal without resolving them when
    the base URL is on the site; absolute ones are resolved only when their host is outside.
    """
    h = href.strip()
    if not h or h[0] == "#":
        return None
    if h[:2] == "//":
        host = host_of("http:" + h)
    elif _SCHEME_RE.match(h):
        if not h[:6].lower().startswith(("http:", "https:")):
            return None  # javascript:, mailto:, tel: …
        host = host_of(h)
    elif base_internal:
        return None
    else:
        host = ""
    if host and site.contains(host):
        return None
    target = join_url(base, h)
    if target is None:
        return None
    if not host:
        host = host_of(target)
        if not host or site.contains(host):
            return None
    return target, host


def _label_of(verdict: _LinkVerdict) -> str:
    return f"（{verdict.category}，{verdict.why}）" if verdict.category else f"（{verdict.why}）"


def _page_text(tree: LexborHTMLParser) -> str:
    """The body's text, one line per text node, without script, style and template text."""
    body = tree.body
    if body is None:
        return ""
    text = body.text(separator="\n")
    for node in tree.css("body script, body style, body template"):
        inner = node.text(deep=True)
        if inner:
            text = text.replace(inner, "\n", 1)
    return text


def _script_texts(tree: LexborHTMLParser) -> list[str]:
    """Inline script bodies (no src), in document order."""
    out: list[str] = []
    for node in tree.css("script"):
        if "src" in node.attributes:
            continue
        text = node.text(deep=True)
        if text and text.strip():
            out.append(text)
    return out


def page_illegal(
    html: str,
    url: str,
    *,
    tree: LexborHTMLParser | None = None,
    site_hosts: frozenset[str] = frozenset(),
) -> list[IllegalFinding]:
    """Hidden spam links, injected titles and spam text on one page.

    `site_hosts` are the inspected site's hosts (the page's own host, its `www.` twin and their
    subdomains always count as the site). Findings, in this order (each in page order), at most
    `max_findings` of them, one per target:

    - "hidden_link" — a link hidden by CSS (inline, `<style>` class/id rules, `hidden`), a tiny
      `<marquee>` or a script that hides its block, that leaves the site and whose anchor text
      or domain is spam — or that sits in a hidden block (not a menu) with many links to
      unknown outside domains; then invisible (0×0) frames loading a spam domain; then links
      written by inline scripts that leave the site and are spam;
    - "spam_content" — a visible link to outside spam (strong term or link-farm domain);
    - "injected_title" — spam in `<title>`, then in meta keywords / description;
    - "spam_content" — spam text in the page or written by scripts (two distinct strong terms
      close together, or one next to an advertising word, in no condemning sentence, on a page
      that does not mostly condemn the topic), one finding per category, target None.

    Pass `tree` to share one parse of `html`; it is only read.
    """
    lexicon = _default_lexicon()
    th = lexicon.thresholds
    if tree is None:
        tree = LexborHTMLParser(html)
    page = normalize_url(url) or url
    base_node = tree.css_first("base[href]")
    base = (join_url(page, base_node.attributes.get("href") or "") if base_node is not None else None) or page
    site = _Site.of(page, site_hosts)
    base_internal = site.contains(host_of(base))

    findings: list[IllegalFinding] = []
    reported: set[str] = set()  # targets already reported
    reported_texts: set[str] = set()  # their anchor texts, not to be reported again as text

    def add(kind: str, target: str | None, evidence: str) -> None:
        if len(findings) < th["max_findings"]:
            findings.append(IllegalFinding(kind, target, evidence))

    scripts = _script_texts(tree)

    # The page's text (visible and hidden, without script and style): scanned once, so anchor
    # texts need no look when the page holds no term at all (the common case).
    text = _page_text(tree)
    lowered_text = text.lower()
    page_hits = lexicon.hits(lowered_text) if text else []
    any_term = bool(page_hits)
    strong_term = any(h.strong for h in page_hits)

    # Hidden links.
    hidden_ids: set[int] = set()
    for root in _hidden_roots(tree, lexicon, scripts):
        farm: list[tuple[str, LexborNode, str]] = []
        internal = 0
        for node in root.node.css("a[href]"):
            mem_id = node.mem_id
            if mem_id in hidden_ids:
                continue
            hidden_ids.add(mem_id)
            outside = _outside_target(base, node.attributes.get("href") or "", base_internal, site)
            if outside is None:
                internal += 1
                continue
            target, host = outside
            anchor = _anchor_text(node) if any_term else ""
            verdict = _link_spam(lexicon, anchor, host, hidden=True, check_text=any_term)
            if verdict is not None:
                if target not in reported:
                    reported.add(target)
                    reported_texts.add(anchor)
                    add(
                        "hidden_link",
                        target,
                        f"隐藏链接（{root.reason}）：{_quote_link(target, anchor)}{_label_of(verdict)}",
                    )
            elif not lexicon.trusted(host):
                farm.append((target, node, host))
        if len(farm) >= th["many_links"] and (root.trick or _loose_block(root.node, internal)):
            domains = {_registrable(h) for _, _, h in farm}
            if len(domains) >= th["many_domains"]:
                for target, node, _ in farm:
                    if target not in reported:
                        anchor = _anchor_text(node)
                        reported.add(target)
                        reported_texts.add(anchor)
                        add(
                            "hidden_link",
                            target,
                            f"隐藏链接（{root.reason}，该隐藏区块含{len(farm)}个指向{len(domains)}个外部域名的链接）："
                            f"{_quote_link(target, anchor)}",
                        )

    # Invisible frames (挂马: a 0×0 iframe loading a spam or throw-away domain).
    for node in tree.css("iframe[src], frame[src]"):
        attrs = node.attributes
        reason = _frame_hiding(attrs, lexicon)
        if reason is None:
            continue
        outside = _outside_target(base, attrs.get("src") or "", base_internal, site)
        if outside is None or outside[0] in reported:
            continue
        target, host = outside
        if lexicon.domain_spam(host) is None:
            continue
        reported.add(target)
        add(
            "hidden_link",
            target,
            f'隐藏框架（{reason}）：<iframe src="{_clip(target, _MAX_EVIDENCE_URL)}">（可疑域名 {host}）',
        )

    # Script-written links and text.
    written_links, written_texts = _script_written(scripts, th["max_script_chars"], lexicon)
    for link in written_links:
        outside = _outside_target(base, link.url, base_internal, site)
        if outside is None or outside[0] in reported:
            continue
        target, host = outside
        verdict = _link_spam(lexicon, link.text, host, hidden=True)
        if verdict is None:
            continue
        reported.add(target)
        reported_texts.add(link.text)
        shown = _quote_link(target, link.text) if link.tag in ("a", "area") else f'<{link.tag} src="{target}">'
        add("hidden_link", target, f"脚本写入的链接（document.write/innerHTML）：{shown}{_label_of(verdict)}")

    # Visible links to outside spam: strong evidence only.
    for node in tree.css("a[href]"):
        if node.mem_id in hidden_ids:
            continue
        outside = _outside_target(base, node.attributes.get("href") or "", base_internal, site)
        if outside is None or outside[0] in reported:
            continue
        target, host = outside
        anchor = _anchor_text(node) if strong_term else ""
        verdict = _link_spam(lexicon, anchor, host, hidden=False, check_text=strong_term)
        if verdict is None:
            continue
        reported.add(target)
        reported_texts.add(anchor)
        add(
            "spam_content",
            target,
            f"页面链接指向违法有害内容：{_quote_link(target, anchor or _anchor_text(node))}{_label_of(verdict)}",
        )

    # Title and meta.
    title_node = tree.css_first("head > title") or tree.css_first("title")
    title = collapse(title_node.text(deep=True)) if title_node is not None else ""
    if title:
        found = _head_spam(lexicon, title, title=True)
        if found:
            add(
                "injected_title",
                None,
                f"网页标题被植入{found[0]}类词语（{'、'.join(found[1])}）：“{_clip(title, 120)}”",
            )
    for meta in tree.css("meta[name][content]"):
        name = (meta.attributes.get("name") or "").strip().lower()
        if name not in ("keywords", "description"):
            continue
        content = collapse(meta.attributes.get("content") or "")
        found = _head_spam(lexicon, content, title=False, context=title)
        if found:
            add(
                "injected_title",
                None,
                f"网页 meta {name} 被植入{found[0]}类词语（{'、'.join(found[1])}）：“{_clip(content, 120)}”",
            )

    # Spam text in the page (visible or hidden), and text written by scripts.
    if strong_term or written_texts:
        chunks = [(text, lowered_text, page_hits)]
        for written in written_texts:
            lowered = written.lower()
            chunks.append((written, lowered, lexicon.hits(lowered)))
        for label, terms, excerpt in _text_spam(lexicon, chunks, reported_texts):
            add("spam_content", None, f"网页文字含{label}类内容（{'、'.join(terms)}）：“{excerpt}”")
    return findings


_TITLE_STOPS = "。！？；!?;\n-_|｜—–"
_TITLE_SEG_RE = re.compile(r"[-_|｜—–]+|\s{2,}")
_RESIDUE_RE = re.compile(r"[\W_\d]+")


def _head_spam(lexicon: SpamLexicon, text: str, *, title: bool, context: str = "") -> tuple[str, list[str]] | None:
    """(category label, terms) when a title or meta text carries injected spam.

    A title is injected when it has two distinct strong terms, a strong term next to an
    advertising word, or a segment (between - _ |) that is nothing but spam, none of them in a
    condemning sentence. Meta keywords/description need two distinct strong terms (the keywords
    of an article condemning 六合彩 name 六合彩 once), and a condemning title clears them.
    """
    lowered = text.lower()
    hits = [
        h
        for h in lexicon.hits(lowered)
        if h.strong and not lexicon.condemned(lowered, h.start, h.end, stops=_TITLE_STOPS if title else "。！？；!?;\n")
    ]
    if not hits:
        return None
    if not title and context:
        ctx = context.lower()
        if lexicon.condemn_re.search(ctx):
            return None
    distinct = list(dict.fromkeys(h.term for h in hits))
    category = lexicon.labels[hits[0].category]
    if len(distinct) >= 2:
        return category, distinct
    if not title:
        return None
    hit = hits[0]
    if lexicon.promoted(lowered, hit.start, hit.end):
        return category, distinct
    pos = 0
    for seg in _TITLE_SEG_RE.split(lowered):
        start = lowered.find(seg, pos)
        end = start + len(seg)
        pos = end
        if start <= hit.start and hit.end <= end:
            residue = seg.replace(hit.term, "")
            residue = lexicon.promo_re.sub("", residue)
            if len(_RESIDUE_RE.sub("", residue)) <= 2:
                return category, distinct
    return None


def _sentence(text: str, start: int, end: int, width: int) -> tuple[int, int]:
    """Bounds of the excerpt around text[start:end]: at most `width` more characters either
    side, cut at sentence ends."""
    lo = max(0, start - width)
    cut = max(text.rfind(c, lo, start) for c in "。！？；!?;\n")
    if cut >= 0:
        lo = cut + 1
    hi = min(len(text), end + width)
    for i in range(end, hi):
        if text[i] in "。！？；!?;":
            hi = i + 1
            break
    return lo, hi


def _text_spam(
    lexicon: SpamLexicon,
    chunks: list[tuple[str, str, list[SpamHit]]],
    skip_lines: set[str],
) -> Iterator[tuple[str, list[str], str]]:
    """(category label, terms, excerpt) per category with spam text in `chunks`, given as
    (text, lower-cased text, its hits)."""
    th = lexicon.thresholds
    per_category: dict[str, tuple[list[str], str]] = {}
    accepted: list[tuple[str, str, SpamHit]] = []  # (chunk, lowered, hit)
    condemned: dict[str, int] = {}
    for chunk, lowered, chunk_hits in chunks:
        for hit in chunk_hits:
            if not hit.strong:
                continue
            if lexicon.condemned(lowered, hit.start, hit.end):
                condemned[hit.category] = condemned.get(hit.category, 0) + 1
                continue
            if skip_lines:
                line_start = lowered.rfind("\n", 0, hit.start) + 1
                line_end = lowered.find("\n", hit.end)
                line = collapse(chunk[line_start : line_end if line_end >= 0 else len(chunk)])
                if line in skip_lines or line[:_MAX_TEXT] in skip_lines:
                    continue
            accepted.append((chunk, lowered, hit))
    # A page that mostly condemns a topic (a police report quoting the spam it fought) keeps
    # the odd uncondemned mention: spam injections bring many hits and no condemnation.
    counts: dict[str, int] = {}
    for _, _, hit in accepted:
        counts[hit.category] = counts.get(hit.category, 0) + 1
    for i, (chunk, lowered, hit) in enumerate(accepted):
        label = lexicon.labels[hit.category]
        if label in per_category or counts[hit.category] <= condemned.get(hit.category, 0):
            continue
        cluster = [
            h
            for c, _, h in accepted[i:]
            if c is chunk and h.start - hit.start <= th["cluster_chars"] and h.category == hit.category
        ]
        terms = list(dict.fromkeys(h.term for h in cluster))
        if len(terms) >= 2 or lexicon.promoted(lowered, hit.start, hit.end):
            lo, hi = _sentence(chunk, hit.start, cluster[-1].end if len(terms) >= 2 else hit.end, 30)
            excerpt = _clip(chunk[lo:hi].replace("\n", " "), 120)
            per_category[label] = (terms, excerpt)
    for label, (terms, excerpt) in per_category.items():
        yield label, terms, excerpt
