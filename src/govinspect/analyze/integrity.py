"""The content-integrity facts of one page: what the security and privacy checks need.

During an inspection every in-scope HTML page is parsed once (in the analysis worker when there
is one) and, next to its freshness facts, reduced to a `PageIntegrity`: serious misstatements
in its visible text, illegal content and hidden links, unmasked personal numbers, state-secret
markings, and for the homepage a fingerprint for the tampering comparison of the next
inspection. Each analyser runs inside its own error boundary: a bug in one of them loses that
analyser's facts for that page (reported in `errors`), never the page or the other facts.

Everything here is plain tuples of strings, cheap to send between processes. The site-level
collector is `analyze/siteintegrity.py`; the findings are made by `checks/integrity.py`.
"""

from __future__ import annotations

from datetime import date
from typing import Any, NamedTuple

from selectolax.lexbor import LexborHTMLParser, LexborNode

from govinspect.analyze.illegal import (
    INVENTORY,
    IllegalFinding,
    code_free_text,
    html_without_code,
    page_illegal,
)
from govinspect.analyze.misstatements import page_misstatements
from govinspect.analyze.privacy import PrivacyHit, page_privacy
from govinspect.analyze.repeated import NO_LOOKS, FirstLooks, first_looks
from govinspect.analyze.secrets import SecretMark, page_secret_marks
from govinspect.analyze.tampering import fingerprint
from govinspect.crawl.urls import normalize_url

__all__ = ["IntegrityHit", "PageIntegrity", "illegal_hit", "page_integrity", "privacy_hit", "secret_hit"]


class IntegrityHit(NamedTuple):
    """One problem seen on a page.

    `area` is "text_errors", "illegal", "privacy" or "secret"; `kind` the kind within it
    (leader_name, hidden_link, id_number, classified …); `found` what was seen (a wrong form, a
    masked number, a mark, a link target); `expected` the right form when there is one;
    `context` the words around it (numbers masked).
    """

    area: str
    kind: str
    found: str
    expected: str
    context: str
    target: str | None = None


class PageIntegrity(NamedTuple):
    """The integrity facts of one page (see the module docstring)."""

    hits: tuple[IntegrityHit, ...]
    # The homepage's fingerprint (analyze/tampering.py), None on other pages.
    fingerprint: dict[str, Any] | None = None
    errors: tuple[str, ...] = ()


def illegal_hit(f: IllegalFinding) -> IntegrityHit:
    """An illegal-content finding (page, cloaking or tampering) as an integrity hit."""
    return IntegrityHit("illegal", f.kind, f.target or "", "", f.evidence, f.target)


def privacy_hit(h: PrivacyHit) -> IntegrityHit:
    """An unmasked personal number (page or attachment) as an integrity hit."""
    return IntegrityHit("privacy", h.kind, h.masked_value, "", h.context)


def secret_hit(m: SecretMark) -> IntegrityHit:
    """A classification mark (page or attachment) as an integrity hit."""
    return IntegrityHit("secret", m.kind, m.mark, m.level, m.context)


def _misstatements(html: str, url: str, tree: LexborHTMLParser, look: FirstLooks) -> list[IntegrityHit]:
    return [
        IntegrityHit("text_errors", e.kind, e.found, e.expected, e.context)
        for e in page_misstatements(html, url, tree=tree, first_look=look.misstatements)
    ]


def _illegal(
    html: str,
    url: str,
    tree: LexborHTMLParser,
    site_hosts: frozenset[str],
    look: FirstLooks,
    inventory: list[LexborNode] | None,
    page_url: str | None,
) -> list[IntegrityHit]:
    return [
        illegal_hit(f)
        for f in page_illegal(
            html, url, tree=tree, site_hosts=site_hosts, spam_first_look=look.spam,
            link_parts=look.link_parts, inventory=inventory, page_url=page_url,
        )
    ]


def _privacy(html: str, url: str, tree: LexborHTMLParser, as_of: date | None, look: FirstLooks) -> list[IntegrityHit]:
    return [privacy_hit(h) for h in page_privacy(html, url, tree=tree, as_of=as_of, first_look=look.privacy)]


def _secrets(html: str, url: str, tree: LexborHTMLParser, look: FirstLooks) -> list[IntegrityHit]:
    return [secret_hit(m) for m in page_secret_marks(html, url, tree=tree, first_look=look.secrets)]


def page_integrity(
    html: str,
    url: str,
    *,
    tree: LexborHTMLParser | None = None,
    as_of: date | None = None,
    is_home: bool = False,
    site_hosts: frozenset[str] = frozenset(),
    inventory: list[LexborNode] | None = None,
    page_url: str | None = None,
) -> PageIntegrity:
    """The integrity facts of one decoded page; `tree` shares an existing parse (read only).

    `site_hosts` are the inspected site's hosts (links to them are never outside links);
    `as_of` bounds the birth dates of ID numbers; the homepage also gets its fingerprint.
    A caller that has them passes `tree.css(INVENTORY)` as `inventory` (`extract_links` can
    collect it in its own walk) and the page's `normalize_url` as `page_url`.
    """
    if tree is None:
        tree = LexborHTMLParser(html)
    hits: list[IntegrityHit] = []
    errors: list[str] = []
    # The elements illegal content reads, in one walk of the tree; their script, style and
    # template elements are cut out of the text the analysers' first looks read.
    # The first looks, reading only what is new on a page of a site seen before
    # (analyze/repeated.py); an analyser left without one (None) looks for itself.
    try:
        if inventory is None:
            inventory = tree.css(INVENTORY)
        if page_url is None:
            page_url = normalize_url(url) or url
        look = first_looks(
            page_url, html_without_code(html, inventory), code_free_text(tree, inventory), site_hosts, as_of
        )
    except Exception as exc:
        errors.append(f"first looks: {type(exc).__name__}: {exc}"[:200])
        look = NO_LOOKS
    runs: list[tuple[str, Any]] = [
        ("misstatements", lambda: _misstatements(html, url, tree, look)),
        ("illegal", lambda: _illegal(html, url, tree, site_hosts, look, inventory, page_url)),
        ("privacy", lambda: _privacy(html, url, tree, as_of, look)),
        ("secrets", lambda: _secrets(html, url, tree, look)),
    ]
    for name, run in runs:
        try:
            hits.extend(run())
        except Exception as exc:  # one analyser's bug must not cost the page's other facts
            errors.append(f"{name}: {type(exc).__name__}: {exc}"[:200])
    fp = None
    if is_home:
        try:
            fp = fingerprint(html, url, tree=tree)
        except Exception as exc:
            errors.append(f"fingerprint: {type(exc).__name__}: {exc}"[:200])
    return PageIntegrity(tuple(hits), fp, tuple(errors))
