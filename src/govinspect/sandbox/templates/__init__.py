"""Template families: each writes its own URL scheme and its own look.

    trs      TRS WCM portal, GBK declared as gb2312, document-relative links
    hanweb   Hanweb department site, UTF-8, table layout, root-relative links
    generic  JSP div CMS, query-string lists, <base href>, srcset, iframe, area map
    asp      old ASP county site, GBK with no declared charset, frameset
"""

from __future__ import annotations

from govinspect.sandbox.templates.asp import FAMILY as ASP
from govinspect.sandbox.templates.base import Family
from govinspect.sandbox.templates.generic import FAMILY as GENERIC
from govinspect.sandbox.templates.hanweb import FAMILY as HANWEB
from govinspect.sandbox.templates.trs import FAMILY as TRS

FAMILIES: dict[str, Family] = {f.name: f for f in (TRS, HANWEB, GENERIC, ASP)}
EXPORTABLE = ("trs", "hanweb")  # path-only URLs: a static file tree can serve them


def family(name: str) -> Family:
    """The family called `name`."""
    return FAMILIES[name]


__all__ = ["EXPORTABLE", "FAMILIES", "Family", "family"]
