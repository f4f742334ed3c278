"""Issue 3: analysis parses each page once — the analysers share one tree and never change it."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import pytest
import selectolax.lexbor
from selectolax.lexbor import LexborHTMLParser

from govinspect.analyze.columns import column_signals
from govinspect.analyze.dates import published_date
from govinspect.analyze.links import extract_links
from govinspect.analyze.listitems import extract_list_blocks
from govinspect.analyze.pagefacts import page_list_blocks, script_records_html
from govinspect.analyze.pagetype import classify_page
from govinspect.extract import analyse_page
from govinspect.net.decoding import decode_body

PAGES = sorted((Path(__file__).parent.parent / "fixtures" / "pages").glob("*.html"))
AS_OF = datetime(2024, 6, 20, 12, 0)
URLS = ("http://www.sc.gov.cn/zwgk/{}/index.html", "http://www.sc.gov.cn/art/2024/6/12/{}.html")


@pytest.fixture
def parser_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count LexborHTMLParser constructions, wherever govinspect imported the class."""
    calls: list[int] = []
    real = LexborHTMLParser

    def counting(*args: object, **kwargs: object) -> LexborHTMLParser:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(selectolax.lexbor, "LexborHTMLParser", counting)
    for name, module in list(sys.modules.items()):
        if name.startswith("govinspect") and getattr(module, "LexborHTMLParser", None) is real:
            monkeypatch.setattr(module, "LexborHTMLParser", counting)
    return calls


def _text(page: Path) -> str:
    return decode_body(page.read_bytes(), None)[0]


def test_fixtures_are_there():
    assert len(PAGES) >= 10


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_analyse_page_parses_each_page_once(page: Path, parser_calls: list[int]):
    for url in URLS:
        parser_calls.clear()
        analyse_page(str(page), page.read_bytes(), None, url.format(page.stem), AS_OF)
        # A Hanweb datastore's records are a second document (the entries a script renders);
        # the page itself is parsed once.
        records = script_records_html(_text(page)) is not None
        assert len(parser_calls) == 1 + records, url


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_shared_tree_gives_the_same_results_and_stays_unchanged(page: Path):
    text = _text(page)
    as_of = AS_OF.date()
    for url in (u.format(page.stem) for u in URLS):
        tree = LexborHTMLParser(text)
        before = tree.html
        # The order of analyse_page, then the others: a change made by one would show in the next.
        assert extract_links(text, url, tree=tree) == extract_links(text, url)
        assert published_date(text, url, as_of=as_of, tree=tree) == published_date(text, url, as_of=as_of)
        blocks = extract_list_blocks(text, url, as_of=as_of, tree=tree)
        assert blocks == extract_list_blocks(text, url, as_of=as_of)
        assert classify_page(text, url, as_of=as_of, blocks=blocks, tree=tree) == classify_page(text, url, as_of=as_of)
        assert column_signals(text, url, tree=tree) == column_signals(text, url)
        assert tree.html == before


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_analyse_page_matches_separate_parses(page: Path):
    text = _text(page)
    as_of = AS_OF.date()
    url = URLS[1].format(page.stem)
    out = analyse_page(str(page), page.read_bytes(), None, url, AS_OF)
    published, _how = published_date(text, url, as_of=as_of)
    blocks = page_list_blocks(text, url, as_of=as_of)
    kind = classify_page(text, url, as_of=as_of, blocks=blocks)
    assert out["title"] == extract_links(text, url).title
    assert out["published"] == (published.isoformat() if published else None)
    assert (out["page_type"], out["page_type_reasons"]) == (kind.kind, kind.reasons)
    assert [i["url"] for i in out["items"]] == [i.url for b in blocks if b.role == "main" for i in b.items]
    assert [link["url"] for link in out["links"]] == [link.url for link in extract_links(text, url).links]


def test_published_date_ignores_hidden_content_on_a_shared_tree():
    html = (
        "<html><head><title>关于做好防汛工作的通知 - 某市政府</title>"
        "<noscript><meta name='dateModified' content='2023-01-01'></noscript></head><body>"
        "<noscript><h1>请启用脚本后浏览本页面内容</h1></noscript><style>p{}</style>"
        "<h1>关于做好防汛工作的通知<style>.x{}</style></h1>"
        "<script>var d = '2022-02-02';</script><p>2024-06-12 来源：本站</p>"
        "<noscript><script>showDate('2021/01/01 10:00:00')</script></noscript></body></html>"
    )
    url = "http://www.sc.gov.cn/zwgk/a.html"
    tree = LexborHTMLParser(html)
    before = tree.html
    found = published_date(html, url, as_of=AS_OF.date(), tree=tree)
    assert found == published_date(html, url, as_of=AS_OF.date())
    assert found[0] is not None and found[0].isoformat() == "2024-06-12"
    assert tree.html == before
    assert len(tree.css("script, style, noscript")) == 7  # nothing removed
