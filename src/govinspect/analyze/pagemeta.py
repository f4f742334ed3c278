"""The meta tags of the national page-design norms (网页设计规范, 国办发〔2017〕47号 attachment):
SiteName, SiteDomain, SiteIDCode on every page; ColumnName on column pages; ArticleTitle,
PubDate, ContentSource on articles. Which names a page kind needs is `data/footer.yaml`
`page_meta`; this module only reads what a page carries."""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser

from govinspect.analyze.footer import footer_rules

__all__ = ["META_NAMES", "page_meta", "required_meta"]


def _names() -> tuple[str, ...]:
    conf = footer_rules()["page_meta"]
    out: list[str] = []
    for names in conf.values():
        out += [n for n in names if n not in out]
    return tuple(out)


META_NAMES: tuple[str, ...] = _names()
_BY_LOWER = {n.lower(): n for n in META_NAMES}


def page_meta(tree: LexborHTMLParser) -> dict[str, str]:
    """The standard meta tags present on the page with their (non-empty) values."""
    out: dict[str, str] = {}
    root = tree.head or tree.root
    if root is None:
        return out
    for node in root.css("meta[name]"):
        name = _BY_LOWER.get((node.attributes.get("name") or "").strip().lower())
        value = " ".join((node.attributes.get("content") or "").split())
        if name is not None and value and name not in out:
            out[name] = value[:200]
    return out


def required_meta(kind: str) -> tuple[str, ...]:
    """The meta names a page of this kind (home, list, channel, article …) should carry."""
    conf = footer_rules()["page_meta"]
    names = list(conf["all"])
    if kind in ("list", "channel", "letters"):
        names += conf["column"]
    elif kind in ("article", "guide"):
        names += conf["article"]
    return tuple(dict.fromkeys(names))
