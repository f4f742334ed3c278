"""The text a visitor sees in a page's body, for the text checks (misstatements, typos).

Skipped: script, style, noscript, template, the contents of form controls, comments, and
elements hidden inline (`hidden` attribute, display:none, visibility:hidden, zero font size …,
see `nodes.style_hides`). Hidden text is the business of the hidden-link checks; reporting a
misstatement nobody can see would be a false alarm.

Block elements and <br> end a line, so words of two table cells or list items are never read
as one. Links end a line too: lists of headlines often put one <a> after another, and two
neighbouring titles must not read as one sentence. Other inline elements (<span>, <strong>,
<font>) join without a break, as a browser shows them.
"""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser, LexborNode

from govinspect.analyze.nodes import style_hides

__all__ = ["visible_text"]

_SKIP = frozenset({"script", "style", "noscript", "template", "select", "textarea", "iframe", "object", "svg", "head"})
_BLOCK = frozenset(
    {
        "a", "address", "article", "aside", "blockquote", "body", "br", "button", "caption", "center", "dd", "div", "dl",
        "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
        "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "tbody", "td", "tfoot",
        "th", "thead", "tr", "ul",
    }
)  # fmt: skip


def _hidden(node: LexborNode) -> bool:
    attrs = node.attributes
    if not attrs:
        return False
    if "hidden" in attrs:
        return True
    style = attrs.get("style")
    return bool(style) and style_hides(style)


def visible_text(html: str, url: str, *, tree: LexborHTMLParser | None = None) -> str:
    """The visible text of the page's body: one line per block, whitespace runs collapsed.

    `url` is unused today (kept for the analyser signature); `tree` shares an existing parse,
    which is only read.
    """
    del url
    parser = tree if tree is not None else LexborHTMLParser(html)
    root = parser.body if parser.body is not None else parser.root
    if root is None:
        return ""
    parts: list[str] = []
    # Iterative walk (pages nest deeply enough to threaten the recursion limit). A None on the
    # stack marks the end of a block element.
    stack: list[LexborNode | None] = [root]
    while stack:
        node = stack.pop()
        if node is None:
            parts.append("\n")
            continue
        tag = node.tag
        if tag == "-text":
            parts.append(node.text_content or "")
            continue
        if not tag or tag[0] == "-" or tag in _SKIP or _hidden(node):
            continue
        block = tag in _BLOCK
        if block:
            parts.append("\n")
            stack.append(None)
        children = list(node.iter(include_text=True))
        children.reverse()
        stack.extend(children)
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)
