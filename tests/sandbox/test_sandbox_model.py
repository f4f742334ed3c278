"""The generator: determinism, the render/model link consistency, encodings and scale."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest
from sandbox_helpers import SLOW, html_links

from govinspect.sandbox import Province, build_province, count_pages, truth
from govinspect.sandbox.server import _encode


def _sample_paths(province: Province, step: int = 5) -> list[tuple[int, str]]:
    out = []
    for s in province.sites:
        pages = s.iter_pages()
        out += [(s.index, p) for p in pages[::step]]
        out.append((s.index, "/no/such/page.html"))
    return out


def test_same_seed_same_truth_and_bytes(expected: dict[str, Any]) -> None:
    a = build_province(seed=1, n_sites=12, slow_timeout_seconds=SLOW)
    b = build_province(seed=1, n_sites=12, slow_timeout_seconds=SLOW)
    assert json.dumps(truth(a), sort_keys=True) == json.dumps(expected, sort_keys=True) == json.dumps(truth(b), sort_keys=True)
    for index, path in _sample_paths(a):
        sa, sb = a.sites[index], b.sites[index]
        assert sa.render(path) == sb.render(path)
        if (text := sa.render(path)) is not None:
            assert _encode(sa, text) == _encode(sb, text)


def test_other_seed_differs() -> None:
    one, two = build_province(seed=1, n_sites=4), build_province(seed=2, n_sites=4)
    assert [s.host for s in one.sites] != [s.host for s in two.sites]
    assert truth(one)["sites"][0]["dead_links"] != truth(two)["sites"][0]["dead_links"]


def test_rendered_links_equal_model_links(province: Province) -> None:
    """Every page: the links a parser finds in the HTML are exactly the model's page_links()."""
    checked = 0
    for site in province.sites:
        for path in site.iter_pages():
            html = site.render(path)
            assert html is not None
            found = Counter(html_links(html, site.url(path)))
            model = Counter((lk.tag, lk.url) for lk in site.page_links(path))
            assert found == model, (site.host, path, found - model, model - found)
            checked += 1
    assert checked > 900


def test_trap_pages_render_their_model_links_and_carry_no_defects(province: Province, expected: dict[str, Any]) -> None:
    traps = [t for s in expected["sites"] for t in s["traps"]]
    assert {t["kind"] for t in traps} == {"calendar", "session_id", "repeating_path", "endless_pagination"}
    for t in traps:
        url = t["target"]
        for _depth in range(3):  # walk a few hops into each trap
            site = province.site_by_host(url.split("/")[2])
            assert site is not None
            path = url[len(site.origin) :]
            html = site.render(path)
            assert html is not None, url
            links = site.page_links(path)
            assert Counter(html_links(html, url)) == Counter((lk.tag, lk.url) for lk in links)
            onward = None
            for lk in links:
                out = province.classify(lk.url)
                assert out.state == "ok" and not out.why, (url, lk.url, out)
                if out.trap == t["kind"] and lk.url != url:
                    onward = lk.url
            assert onward is not None, url
            url = onward


def test_soft_404_site_pages_do_not_look_like_its_404(province: Province, by_role: Any) -> None:
    site = by_role("soft_404")
    for path in site.iter_pages():
        text = site.render(path)
        assert "页面不存在" not in text and "已被删除" not in text


def test_encodings(province: Province, by_role: Any) -> None:
    trs = next(s for s in province.sites if s.template == "trs")
    raw = _encode(trs, trs.render("/"))
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("gb18030")
    assert "通知公告" in text and 'charset=gb2312"' in text

    old = by_role("gbk_no_charset")
    raw = _encode(old, old.render("/"))
    assert "通知公告" in raw.decode("gb18030")
    assert b"charset" not in raw.lower() and old.header_charset is None

    mis = by_role("misdeclared_charset")
    raw = _encode(mis, mis.render("/"))
    text = raw.decode("utf-8")  # valid UTF-8 …
    assert "charset=gb2312" in text and mis.header_charset is None  # … declared as gb2312
    with pytest.raises(UnicodeDecodeError):
        raw.decode("gb2312")

    han = next(s for s in province.sites if s.template == "hanweb")
    assert han.header_charset == "utf-8" and "通知公告" in _encode(han, han.render("/")).decode("utf-8")


def test_four_template_families_and_site_identity(province: Province) -> None:
    assert {s.template for s in province.sites} == {"trs", "hanweb", "generic", "asp"}
    assert len({s.host for s in province.sites}) == 12
    for s in province.sites:
        assert len(s.site_code) == 10 and s.site_code.isdigit()
        home = s.render("/")
        assert s.site_code in home and s.footer.icp in home and "我为政府网站找错" in home
        assert f"site_code={s.site_code}" in home


def test_thousand_sites_build() -> None:
    province = build_province(seed=1, n_sites=1000)
    assert len(province.sites) == 1000
    assert len({s.host for s in province.sites}) == 1000
    assert len({s.site_code for s in province.sites}) == 1000


def test_big_site_has_twenty_thousand_pages() -> None:
    province = build_province(seed=1, n_sites=1, big_site_pages=20_000)
    site = province.sites[0]
    assert count_pages(site) >= 20_000
    pages = site.iter_pages()
    assert len(pages) >= 20_000
    assert len(site.page_links(pages[-1])) >= 40
