"""Illegal content on a page: hidden spam links (暗链), injected titles and spam text.

What hacked Chinese government pages look like: gambling or porn keywords prepended to the
`<title>` ("澳门新葡京-…-XX市人民政府") and meta keywords; blocks of spam links hidden from people
but read by search engines (`position:absolute;top:-999px`, `display:none`, a class hidden in an
inline `<style>`, a 1-pixel `<marquee>`, `font-size:0`, text coloured like its background,
`text-indent:-9999px`); links written by script (`document.write(unescape('%3Ca href…'))`,
`String.fromCharCode`); spam sentences in the visible page. This module finds them:

- `page_illegal(html, url, tree=, site_hosts=)` — `IllegalFinding`s of kind "hidden_link",
  "spam_content" or "injected_title" (the `illegal` list of results.json).
- `script_links(html)` — the URLs inline scripts write into the page (`analyze.scriptwrites`).
- `load_spam_lexicon(path=None)` — the vocabulary of `data/spam_terms.yaml` (`analyze.spamwords`).

Hidden elements are found by `analyze.hiding`.

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

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser, LexborNode

from govinspect.analyze.hiding import frame_hiding, hidden_blocks, loose_block
from govinspect.analyze.links import INVENTORY_NEEDS
from govinspect.analyze.nodes import collapse
from govinspect.analyze.scriptwrites import script_links, written_by_scripts
from govinspect.analyze.spamwords import SpamHit, SpamLexicon, _remember, load_spam_lexicon
from govinspect.crawl.urls import host_of, join_url, normalize_url

__all__ = [
    "KINDS",
    "IllegalFinding",
    "SpamHit",
    "SpamLexicon",
    "body_text",
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


# --------------------------------------------------------------------------------------------
# the page
# --------------------------------------------------------------------------------------------


def _registrable(host: str) -> str:
    """Approximate registrable domain: x.com.cn → last three labels, else the last two."""
    labels = host.split(".")
    if len(labels) >= 3 and labels[-2] in ("com", "net", "org", "gov", "edu", "co", "ac") and len(labels[-1]) == 2:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


# (page host, site hosts) → _Site: every page of a site asks for the same one.
_SITES: dict[tuple[str | None, frozenset[str]], "_Site"] = {}


@dataclass(frozen=True, slots=True)
class _Site:
    """The inspected site's hosts: exact hosts, their www. twins and their subdomains."""

    hosts: frozenset[str]
    suffixes: tuple[str, ...]

    @classmethod
    def of(cls, url: str, site_hosts: frozenset[str]) -> _Site:
        host = host_of(url)
        key = (host, site_hosts)
        known = _SITES.get(key)
        if known is None:
            if len(_SITES) >= 256:
                _SITES.clear()
            known = _SITES[key] = cls._of(host, site_hosts)
        return known

    @classmethod
    def _of(cls, host: str | None, site_hosts: frozenset[str]) -> _Site:
        hosts = {h.lower().rstrip(".") for h in site_hosts if h}
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


# The hosts of every "//host" written in the page: a superset of its absolute links' hosts,
# provided no href hides its scheme or slashes. Pages where one might are left to the per-link
# walk: entities (&#47;&#47;spam.example), backslashes (browsers read them as slashes),
# "https:host" without slashes, and capitalised schemes (HTTP:, hTTp:; a slashless scheme with
# its capitals only after the second t, such as "htTp:host" or "httP:host", is the one form this
# filter does not notice).
_WRITTEN_HOST_RE = re.compile(r"//([^/\\\s\"'<>?#]+)")
# ("https:" == document.location.protocol) of the ubiquitous statistics scripts is no link.
_SLASHLESS_RE = re.compile(r"ttps?:(?!//)[\w%.-]")
# (Entity names are case-sensitive in HTML; an attribute name in mixed case such as hReF is not
# looked for, HREF and Href are.)
_ENTITY_RE = re.compile(r"&(?:#|sol;|colon;|Tab;|NewLine;)")
_DISGUISED_HREF_RE = re.compile(r"href\s*=\s*[\"']?[^\"'>\s]*(?:\\|&(?:#|sol;|colon;|Tab;|NewLine;))")
_CAPITAL_TTP_RE = re.compile(r"T[tT][pP]")


def _spam_host(raw: str, lexicon: SpamLexicon) -> str:
    """The normalised host of `raw` when it is a link-farm domain, else "" (memoised on the
    lexicon: the pages of one site repeat the same menus and footers)."""
    key = ("w", raw)
    known = lexicon.memo.get(key)
    if known is None:
        host = host_of("http://" + raw)
        known = host if host and lexicon.domain_spam(host) is True else ""
        _remember(lexicon.memo, key, known)
    return known


def _may_link_to_spam(html: str, base_internal: bool, site: _Site, lexicon: SpamLexicon) -> bool:
    """False only when no link of the page can reach a link-farm domain (see the caller)."""
    if not base_internal or _CAPITAL_TTP_RE.search(html) or _SLASHLESS_RE.search(html):
        return True
    # Backslashes and entities are common in inline scripts; only those inside an href matter.
    if ("\\" in html or _ENTITY_RE.search(html)) and (
        _DISGUISED_HREF_RE.search(html) or "HREF" in html or "Href" in html
    ):
        return True
    for raw in _WRITTEN_HOST_RE.findall(html):
        host = _spam_host(raw, lexicon)
        if host and not site.contains(host):
            return True
    return False


# The parts of `_may_link_to_spam` after its page-level test, each a search for something no
# match of which contains a ">" (so a part of a page cut just after a ">" is read alone).
LINK_PARTS = ("scheme", "escape", "disguise", "host")


def link_part(html: str, part: str, site: _Site, lexicon: SpamLexicon) -> bool:
    """Whether `html` (a page or a piece of one cut after a ">") holds `part` (see LINK_PARTS):
    a capitalised or slashless scheme; a backslash or an entity; a disguised href or an HREF
    or Href attribute; a written link-farm host outside the site."""
    if part == "scheme":
        return bool(_CAPITAL_TTP_RE.search(html) or _SLASHLESS_RE.search(html))
    if part == "escape":
        return "\\" in html or _ENTITY_RE.search(html) is not None
    if part == "disguise":
        return _DISGUISED_HREF_RE.search(html) is not None or "HREF" in html or "Href" in html
    for raw in _WRITTEN_HOST_RE.findall(html):
        host = _spam_host(raw, lexicon)
        if host and not site.contains(host):
            return True
    return False


_CUT_CODE = 64  # script and style bodies shorter than this are left in the HTML read


def html_without_code(html: str, codes: Iterable[LexborNode]) -> str:
    """`html` without the bodies of its long script and style elements (`codes`: the page's
    script and style elements in document order; others are ignored).

    LINK_PARTS look for what could make a link of the page (an `<a href>`) reach a link farm;
    a script or style body holds no element, so the prefilter may skip it. A body is cut only
    where it stands between its own `<script …>`/`<style …>` tag and its end tag (searched in
    order, so a copy of its text elsewhere is never cut); a body the tree holds differently
    from the HTML (other than CRLF line ends read as LF) is left in.
    """
    pieces: list[str] = []
    pos = 0
    for node in codes:
        tag = node.tag
        if tag not in ("script", "style"):
            continue
        inner = node.text(deep=True)
        if len(inner) < _CUT_CODE:
            continue
        forms = (inner, inner.replace("\n", "\r\n")) if "\r" in html and "\n" in inner else (inner,)
        for form in forms:
            # The parser reads CRLF line ends as LF: the body may be written with CRLF.
            i = html.find(form, pos)
            if i < 0:
                continue
            j = i + len(form)
            opening = html.rfind("<", pos, i)
            if (
                opening >= 0
                and html[i - 1] == ">"
                and html[opening : opening + 7].lower().startswith("<" + tag)
                and html[j : j + 8].lower().startswith("</" + tag)
            ):
                pieces.append(html[pos:i])
                pos = j
                break
    if not pieces:
        return html
    pieces.append(html[pos:])
    return "".join(pieces)


def links_may_reach_spam(parts: dict[str, bool]) -> bool:
    """`_may_link_to_spam` of a page whose base is on the site, from its LINK_PARTS."""
    return parts["scheme"] or (parts["escape"] and parts["disguise"]) or parts["host"]


def html_piece(html: str, known: int, known_end: int) -> str:
    """What is new in `html` when its first `known` and last `known_end` characters repeat
    another page: cut after a ">" at least 12 characters before the new part and before a ">"
    at least 12 characters after it, so every match of a LINK_PARTS search that is not wholly
    inside the repeated parts (with the few characters it looks ahead) is wholly inside."""
    n = len(html)
    lo = html.rfind(">", 0, max(0, known - 12)) + 1
    hi = html.find(">", min(n, n - known_end + 12))
    return html[lo : n if hi < 0 else hi]


def spam_between(text: str, known: int, known_end: int, lexicon: SpamLexicon) -> bool:
    """Whether any spam term occurs in the lower-cased `text` outside its first `known` and
    last `known_end` characters (a prefix and a suffix of a text with no term), give or take
    the length of the longest term: an upper bound of "the page's text has a spam hit"."""
    n = len(text)
    margin = lexicon.longest_term
    piece = text[max(0, known - margin) : min(n, n - known_end + margin)]
    return lexicon.any_term(piece.lower())


def _label_of(verdict: _LinkVerdict) -> str:
    return f"（{verdict.category}，{verdict.why}）" if verdict.category else f"（{verdict.why}）"


def body_text(tree: LexborHTMLParser) -> str | None:
    """The body's whole text, one line per text node (script and style text included): the
    one extraction the integrity analysers of a page share. None when the page has no body."""
    body = tree.body
    return body.text(separator="\n") if body is not None else None


_CODE_TAGS = ("script", "style", "template")
# Code this short is left in (cutting it costs more than reading it), and so is code a table
# cell may read (`privacy.page_units` reads a cell's whole text; a div/list table's cell is at
# most 60 characters).
_SHORT_CODE = 60


def code_free_text(tree: LexborHTMLParser, codes: Iterable[LexborNode]) -> str | None:
    """The body's text, one line per text node like `body_text`, without the text of its long
    script, style and template elements outside table cells (`codes`: the page's elements of
    these tags; others are ignored). None when the page has no body.

    The first looks of the integrity analysers read this instead of the whole body text: on
    real pages inline scripts and styles are most of it (72 % on the htmldate-zh pages), and
    no visitor reads them. Built from Lexbor's text of each subtree free of such code, so
    only the ancestors of the code cut out are walked in Python.
    """
    body = tree.body
    if body is None:
        return None
    body_id = body.mem_id
    cut: set[int] = set()  # the code elements left out
    inside: set[int] = set()  # the elements holding them
    for node in codes:
        if node.tag not in _CODE_TAGS:
            continue
        chain: list[int] = []
        parent = node.parent
        while parent is not None:
            pid = parent.mem_id
            if pid == body_id or parent.tag in ("td", "th"):
                break
            chain.append(pid)
            parent = parent.parent
        if parent is None or parent.mem_id != body_id:
            continue  # in <head>, or in a table cell
        if len(node.text(deep=True)) <= _SHORT_CODE:
            continue
        cut.add(node.mem_id)
        inside.update(chain)
    if not cut:
        return body.text(separator="\n")
    out: list[str] = []
    stack = [body.iter(include_text=True)]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
            continue
        mid = child.mem_id
        if mid in cut:
            continue
        if mid in inside:
            stack.append(child.iter(include_text=True))
            continue
        text = child.text(deep=True, separator="\n")
        if text:
            out.append(text)
    return "\n".join(out)


def _page_text(
    tree: LexborHTMLParser, whole: str | None = None, codes: Iterable[LexborNode] | None = None
) -> str:
    """The body's text, one line per text node, without script, style and template text.

    `whole` is `body_text(tree)` and `codes` the page's script, style and template elements
    when the caller already has them (those directly in <head> are not in the body's text)."""
    text = body_text(tree) if whole is None else whole
    if not text:
        return ""
    if codes is None:
        codes = tree.css("body script, body style, body template")
    else:
        codes = [n for n in codes if n.parent is None or n.parent.tag != "head"]
    for node in codes:
        inner = node.text(deep=True)
        if inner:
            text = text.replace(inner, "\n", 1)
    return text


INVENTORY = ", ".join(tag + "".join(f"[{a}]" for a in needs) for tag, needs in INVENTORY_NEEDS.items())


def _script_texts(nodes: Iterable[LexborNode]) -> list[str]:
    """The inline bodies (no src) of these script elements, in document order."""
    out: list[str] = []
    for node in nodes:
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
    whole_text: str | None = None,
    spam_first_look: bool | None = None,
    link_parts: dict[str, bool] | None = None,
    inventory: list[LexborNode] | None = None,
    page_url: str | None = None,
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

    Pass `tree` to share one parse of `html` (it is only read), and `whole_text` to share
    `body_text(tree)`. A caller that already knows the page's text holds no spam term at all
    passes `spam_first_look=False`, and one that has the page's LINK_PARTS passes them
    (`analyze.repeated` reads only what is new on a page of a known site); `inventory` is
    `tree.css(INVENTORY)` when the caller has it, and `page_url` the page's `normalize_url`.
    """
    lexicon = load_spam_lexicon()
    th = lexicon.thresholds
    if tree is None:
        tree = LexborHTMLParser(html)
    page = page_url or normalize_url(url) or url
    # One walk of the tree for the few elements this module reads (each selector query walks
    # the whole tree, which costs more than the checks themselves on a common page).
    if inventory is None:
        inventory = tree.css(INVENTORY)
    found_tags: dict[str, list[LexborNode]] = {}
    for node in inventory:
        found_tags.setdefault(node.tag or "", []).append(node)
    base_node = next(iter(found_tags.get("base", ())), None)
    base = (join_url(page, base_node.attributes.get("href") or "") if base_node is not None else None) or page
    site = _Site.of(page, site_hosts)
    base_internal = site.contains(host_of(base))

    findings: list[IllegalFinding] = []
    reported: set[str] = set()  # targets already reported
    reported_texts: set[str] = set()  # their anchor texts, not to be reported again as text

    def add(kind: str, target: str | None, evidence: str) -> None:
        if len(findings) < th["max_findings"]:
            findings.append(IllegalFinding(kind, target, evidence))

    scripts = _script_texts(found_tags.get("script", ()))

    # The page's text (visible and hidden, without script and style): scanned once, so anchor
    # texts need no look when the page holds no term at all (the common case).
    codes = [n for n in inventory if n.tag in ("script", "style", "template")]
    if spam_first_look is False:
        # No term in the body's whole text, so none in the page's text (a part of it with
        # script and style text cut out, at line breaks no term spans).
        text = lowered_text = ""
        page_hits: list[SpamHit] = []
    else:
        text = _page_text(tree, whole_text, codes)
        lowered_text = text.lower()
        page_hits = lexicon.hits(lowered_text) if text else []
    any_term = bool(page_hits)
    strong_term = any(h.strong for h in page_hits)

    # Hidden links.
    hidden_ids: set[int] = set()
    blocks = hidden_blocks(
        tree, lexicon.hiding, scripts, marquees=found_tags.get("marquee", []), styles=found_tags.get("style", [])
    )
    for root in blocks:
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
        if len(farm) >= th["many_links"] and (root.trick or loose_block(root.node, internal)):
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
    for node in found_tags.get("iframe", []) + found_tags.get("frame", []):
        attrs = node.attributes
        reason = frame_hiding(attrs, lexicon.hiding)
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
    written_links, written_texts = written_by_scripts(scripts, th["max_script_chars"], lexicon)
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

    # Visible links to outside spam: strong evidence only. Without a strong term on the page
    # only a link-farm domain can make one, so the per-link walk (the costliest part of this
    # module) is skipped when no host written in the page is one.
    if strong_term:
        may_reach = True
    elif link_parts is not None and base_internal:
        may_reach = links_may_reach_spam(link_parts)
    else:
        may_reach = _may_link_to_spam(html, base_internal, site, lexicon)
    visible = tree.css("a[href]") if may_reach else ()
    for node in visible:
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
    titles = found_tags.get("title", [])
    title_node = next((t for t in titles if t.parent is not None and t.parent.tag == "head"), None) or next(
        iter(titles), None
    )
    title = collapse(title_node.text(deep=True)) if title_node is not None else ""
    if title:
        found = _head_spam(lexicon, title, title=True)
        if found:
            add(
                "injected_title",
                None,
                f"网页标题被植入{found[0]}类词语（{'、'.join(found[1])}）：“{_clip(title, 120)}”",
            )
    for meta in found_tags.get("meta", ()):
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
        # (The page's own chunk is empty when the first look found no term: it has no hit.)
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


def _clip(text: str, limit: int) -> str:
    text = collapse(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"
