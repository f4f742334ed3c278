"""Every link a page carries, as a browser would resolve it.

`extract_links` parses a page once with selectolax (Lexbor) and returns the absolute, normalised
targets of the elements a browser follows or fetches:

    a[href] area[href] link[href]* frame[src] iframe[src] img[src] img[srcset] source[src]
    source[srcset] script[src] embed[src] object[data] video[src] video[poster] audio[src]
    input[type=image][src] meta[http-equiv=refresh] option[value]**

 *  only rel = stylesheet, icon ("shortcut icon"), apple-touch-icon(-precomposed), mask-icon,
    alternate, preload, modulepreload, manifest, canonical; never dns-prefetch/preconnect/prefetch.
 ** only absolute http(s) values: the 友情链接 drop-downs of government portals
    (`<select onchange="window.open(this.value)">`) are links to other sites that inspectors
    check like any anchor.

What is deliberately *not* a link: anything inside an HTML comment (Lexbor drops comments,
including IE conditional comments), lazy-load attributes such as `data-src` (a browser without
JS never fetches them), `javascript:`/`mailto:`/`tel:`/`data:` and other non-web schemes, and
fragment-only hrefs. `<base href>` (the first one) changes the base for every link, including
the meta refresh target.

`hidden` is a cheap first pass: the element or one of its four nearest ancestors has the
`hidden` attribute or an inline style that hides it (display:none, visibility:hidden,
font-size:0, height:0 with overflow:hidden, position:absolute at left/top ≤ -999px). CSS from
style sheets and scripts is not evaluated; later analysis refines this. Note that JS drop-down
menus (`<ul style="display:none">` shown on hover) are reported hidden too.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from selectolax.lexbor import LexborHTMLParser, LexborNode

from govinspect.analyze.nodes import collapse, style_hides
from govinspect.crawl.urls import join_url, normalize_url

__all__ = ["PageLinks", "RawLink", "extract_links", "page_title", "parse_srcset"]

MAX_TEXT = 100

# One selector for every element that can carry a link (Lexbor returns them in document order,
# each element once), plus <title> and the elements whose inline style may hide their subtree.
_SELECTOR = (
    "a,area,frame,iframe,img,input,script,link,embed,object,source,video,audio,meta,base,option,"
    "title,[style],[hidden]"
)

# The elements content-integrity analysis reads (`analyze.illegal.INVENTORY` is this as a
# selector): tag → the attributes it must have. One walk of the tree serves both
# (`extract_links(..., inventory=True)`).
INVENTORY_NEEDS: dict[str, tuple[str, ...]] = {
    "base": ("href",), "script": (), "iframe": ("src",), "frame": ("src",), "title": (),
    "meta": ("name", "content"), "marquee": (), "style": (), "template": (),
}
_SELECTOR_WITH_INVENTORY = _SELECTOR + "," + ",".join(sorted(set(INVENTORY_NEEDS) - set(_SELECTOR.split(","))))

# tag → attributes that hold a single URL (srcset handled separately).
_URL_ATTRS: dict[str, tuple[str, ...]] = {
    "a": ("href",),
    "area": ("href",),
    "frame": ("src",),
    "iframe": ("src",),
    "img": ("src",),
    "script": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "source": ("src",),
    "video": ("src", "poster"),
    "audio": ("src",),
}
_SRCSET_TAGS = frozenset({"img", "source"})
_EMPTY: frozenset[int] = frozenset()
_CARRIERS = frozenset(_URL_ATTRS) | {"link", "meta", "option", "input"}
_CARRIER_SELECTOR = ",".join(sorted(_CARRIERS))
_HIDE_DEPTH = 4  # ancestors looked at; a cheap first pass, see the module docstring
_LINK_RELS = frozenset(
    {
        "stylesheet",
        "icon",
        "apple-touch-icon",
        "apple-touch-icon-precomposed",
        "mask-icon",
        "alternate",
        "preload",
        "modulepreload",
        "manifest",
        "canonical",
    }
)

_WS = " \t\n\r\f"

@dataclass(slots=True)
class RawLink:
    """One link found on a page."""

    url: str  # absolute, normalised (crawl.urls.normalize_url)
    tag: str  # a, img, iframe, meta, option, ...
    attr: str  # href, src, srcset, data, poster, content, value
    text: str  # anchor text / alt / title, whitespace collapsed, ≤ 100 chars
    hidden: bool  # cheap inline-style test, see the module docstring


@dataclass(slots=True)
class PageLinks:
    """The links of one page and the little else that comes with the same parse."""

    base_url: str  # the URL relative links were resolved against (after <base href>)
    links: list[RawLink] = field(default_factory=list)
    title: str = ""
    meta_refresh: str | None = None  # absolute target of <meta http-equiv="refresh">
    page_url: str = ""  # the page's URL, normalised
    # With `extract_links(..., inventory=True)`: what `tree.css(analyze.illegal.INVENTORY)` gives.
    inventory: list[LexborNode] | None = None


def _collapse(text: str) -> str:
    return collapse(text)[:MAX_TEXT]


def page_title(tree: LexborHTMLParser) -> str:
    """Whitespace-collapsed text of the document's <title> ('' when there is none)."""
    node = tree.css_first("head > title") or tree.css_first("title")
    return _collapse(node.text(deep=True)) if node is not None else ""


def parse_srcset(value: str) -> list[str]:
    """URLs of a srcset attribute (`a.jpg 1x, b.jpg 2x`, `c.jpg 480w`), in order.

    Follows the HTML image-candidate parser: a URL is a run of non-whitespace (so commas inside
    it are kept), trailing commas end a candidate, descriptors run to the next comma outside
    parentheses.
    """
    urls: list[str] = []
    pos, n = 0, len(value)
    while pos < n:
        while pos < n and (value[pos] in _WS or value[pos] == ","):
            pos += 1
        if pos >= n:
            break
        start = pos
        while pos < n and value[pos] not in _WS:
            pos += 1
        url = value[start:pos]
        if url.endswith(","):
            url = url.rstrip(",")  # "a.jpg," — a candidate without descriptors
        else:
            depth = 0
            while pos < n:
                ch = value[pos]
                pos += 1
                if ch == "(":
                    depth += 1
                elif ch == ")":
                    depth = max(0, depth - 1)
                elif ch == "," and depth == 0:
                    break
        if url:
            urls.append(url)
    return urls


def _refresh_target(content: str) -> str | None:
    """The URL part of a refresh `content` value (HTML "shared declarative refresh steps")."""
    s = content.lstrip(_WS)
    i, n = 0, len(s)
    while i < n and s[i].isdigit():
        i += 1
    if i == 0 and not s.startswith("."):
        return None  # no delay: browsers ignore the whole value
    while i < n and (s[i].isdigit() or s[i] == "."):
        i += 1
    if i < n:
        if s[i] not in ";," and s[i] not in _WS:
            return None
        while i < n and s[i] in _WS:
            i += 1
        if i < n and s[i] in ";,":
            i += 1
        while i < n and s[i] in _WS:
            i += 1
    if i >= n:
        return None  # a plain reload, no target
    rest = s[i:]
    if rest[:3].lower() == "url":
        j = 3
        while j < len(rest) and rest[j] in _WS:
            j += 1
        if j < len(rest) and rest[j] == "=":
            j += 1
            while j < len(rest) and rest[j] in _WS:
                j += 1
            rest = rest[j:]
    if rest[:1] in ("'", '"'):
        quote = rest[0]
        rest = rest[1:]
        end = rest.find(quote)
        if end >= 0:
            rest = rest[:end]
    return rest.strip(_WS) or None


def _anchor_text(node: LexborNode, attrs: dict[str, str | None]) -> str:
    text = _collapse(node.text(deep=True))
    if text:
        return text
    # Image links and icon links: what a person sees is the image's alt or the title.
    title = attrs.get("title")
    if title:
        return _collapse(title)
    img = node.css_first("img[alt]")
    if img is not None:
        return _collapse(img.attributes.get("alt") or "")
    return ""


def extract_links(
    html: str, page_url: str, *, tree: LexborHTMLParser | None = None, inventory: bool = False
) -> PageLinks:
    """Parse `html` (fetched from `page_url`) once and return its links, title and refresh.

    Links come in document order, de-duplicated on (url, tag): the first occurrence's text is
    kept (or the first non-empty one), and a link counts as hidden only when every occurrence is.
    Pass `tree` when the caller has already parsed `html` (it is then not read); the tree is only
    read, never changed. With `inventory`, the same walk of the tree also collects the elements
    content-integrity analysis reads (`PageLinks.inventory`).
    """
    page = normalize_url(page_url) or page_url
    if tree is None:
        tree = LexborHTMLParser(html)

    # One pass over the matched elements: link carriers, <base>, <title>, hiding elements.
    items: list[tuple[LexborNode, str, dict[str, str | None]]] = []
    hiding: list[LexborNode] = []
    base: str | None = None
    base_seen = False
    title = ""
    last_mem_id = -1
    found: list[LexborNode] | None = [] if inventory else None
    for node in tree.css(_SELECTOR_WITH_INVENTORY if inventory else _SELECTOR):
        mem_id = node.mem_id
        if mem_id == last_mem_id:
            continue  # an element matched by two selectors of the list comes twice in a row
        last_mem_id = mem_id
        tag = node.tag
        attrs = node.attributes
        if found is not None:
            need = INVENTORY_NEEDS.get(tag)
            if need is not None and all(name in attrs for name in need):
                found.append(node)
        if "hidden" in attrs or ("style" in attrs and style_hides(attrs["style"] or "")):
            hiding.append(node)
        if tag in _CARRIERS:
            items.append((node, tag, attrs))
        elif tag == "title":
            if not title:
                title = _collapse(node.text(deep=True))
        elif tag == "base" and not base_seen:
            href = attrs.get("href")
            if href is not None:
                # Only the first <base href> counts (resolved against the page URL); when it
                # is unusable the page URL stays the base, as in browsers.
                base_seen = True
                base = join_url(page, href)
    if base is None:
        base = page
    hidden_ids = _hidden_ids(hiding) if hiding else _EMPTY

    result = PageLinks(base_url=base, title=title, page_url=page, inventory=found)
    links = result.links
    index: dict[tuple[str, str], RawLink] = {}

    def add(url: str | None, tag: str, attr: str, text: str, hidden: bool) -> None:
        if url is None:
            return
        key = (url, tag)
        known = index.get(key)
        if known is None:
            link = RawLink(url, tag, attr, text, hidden)
            index[key] = link
            links.append(link)
            return
        if not known.text and text:
            known.text = text
        if known.hidden and not hidden:
            known.hidden = False

    for node, tag, attrs in items:
        hidden = node.mem_id in hidden_ids if hidden_ids else False
        names = _URL_ATTRS.get(tag)
        if names is not None:
            for name in names:
                value = attrs.get(name)
                if not value:
                    continue
                if tag == "a":
                    text = _anchor_text(node, attrs)
                elif tag == "img" or tag == "area":
                    text = _collapse(attrs.get("alt") or attrs.get("title") or "")
                else:
                    text = _collapse(attrs.get("title") or "")
                add(join_url(base, value), tag, name, text, hidden)
            if tag in _SRCSET_TAGS:
                srcset = attrs.get("srcset")
                if srcset:
                    text = _collapse(attrs.get("alt") or "")
                    for candidate in parse_srcset(srcset):
                        add(join_url(base, candidate), tag, "srcset", text, hidden)
        elif tag == "link":
            href = attrs.get("href")
            rel = attrs.get("rel")
            if href and rel and any(r in _LINK_RELS for r in rel.lower().split()):
                add(join_url(base, href), tag, "href", _collapse(attrs.get("title") or ""), hidden)
        elif tag == "meta":
            equiv = attrs.get("http-equiv")
            content = attrs.get("content")
            if equiv and content and equiv.strip().lower() == "refresh":
                target = _refresh_target(content)
                url = join_url(base, target) if target else None
                if url is not None:
                    if result.meta_refresh is None:
                        result.meta_refresh = url
                    add(url, tag, "content", "", False)
        elif tag == "input":
            # <input type="image" src> is an image the browser fetches, like <img>.
            src = attrs.get("src")
            if src and (attrs.get("type") or "").strip().lower() == "image":
                text = _collapse(attrs.get("alt") or attrs.get("title") or "")
                add(join_url(base, src), tag, "src", text, hidden)
        else:  # option: only absolute URLs (友情链接 drop-downs), never form values
            value = attrs.get("value")
            if value and value.lstrip(_WS)[:8].lower().startswith(("http://", "https://")):
                add(join_url(base, value), tag, "value", _collapse(node.text(deep=True)), hidden)
    return result


def _hidden_ids(hiding: list[LexborNode]) -> set[int]:
    """mem_ids of link carriers that are a hiding element or ≤ 4 levels below one."""
    hidden: set[int] = set()
    for root in hiding:
        root_id = root.mem_id
        for node in root.css(_CARRIER_SELECTOR):  # includes `root` itself when it matches
            node_id = node.mem_id
            if node_id in hidden:
                continue
            current: LexborNode | None = node
            for _ in range(_HIDE_DEPTH + 1):
                if current is None:
                    break
                if current.mem_id == root_id:
                    hidden.add(node_id)
                    break
                current = current.parent
    return hidden
