"""A realistic RunResult: three inspected county/department sites and one that failed."""

from __future__ import annotations

import pytest

from govinspect.models import (
    BlockedLink,
    DeadLink,
    Evidence,
    Finding,
    RunResult,
    SiteResult,
    SiteSpec,
)

AS_OF = "2024-06-15T00:00:00+08:00"
CHECKED = "2024-06-14T10:21:33+08:00"


def build_run() -> RunResult:
    """Several sites as a municipal inspection would have them."""
    county = SiteResult(
        spec=SiteSpec(
            url="http://www.jingzhouqu.gov.cn/",
            site_code="4210030010",
            name="荆州区人民政府",
            organiser="荆州区人民政府办公室",
            region="湖北省荆州市荆州区",
            portal=True,
        ),
        verdict="fail",
        score=None,
        vetoes=["veto.homepage_not_updated"],
        findings=[
            Finding(
                indicator="deduct.design.links_other_dead",
                veto=False,
                points=0.2,
                measure={"count": 2},
                message="非首页死链接2条，扣0.2分",
                evidence=[Evidence(url="http://www.jingzhouqu.gov.cn/zwgk/tzgg/",
                                   detail="链接 /old/2019.doc 返回 404", seen_at=CHECKED)],
            ),
            Finding(
                indicator="veto.homepage_not_updated",
                veto=True,
                points=0,
                measure={"latest": "2024-05-20", "days": 26},
                message="首页栏目信息超过2周未更新，单项否决",
                evidence=[Evidence(url="http://www.jingzhouqu.gov.cn/", detail="最新信息日期2024-05-20")],
            ),
        ],
        pages=312,
        links_checked=4211,
        seconds=187.42,
        dead_links=[
            DeadLink(
                source="http://www.jingzhouqu.gov.cn/",
                target="http://www.jingzhouqu.gov.cn/zt/2018/index.html",
                status=404, reason="http_404", scope="home", kind="page",
                detail="Not Found", checked_at=CHECKED, anchor="扫黑除恶专项斗争",
            ),
            DeadLink(
                source="http://www.jingzhouqu.gov.cn/zwgk/tzgg/",
                target="http://www.jingzhouqu.gov.cn/old/2019.doc",
                status=404, reason="http_404", scope="other", kind="attachment",
                checked_at=CHECKED, anchor="附件：申报表.doc",
                sources=["http://www.jingzhouqu.gov.cn/zwgk/tzgg/",
                         "http://www.jingzhouqu.gov.cn/zwgk/tzgg/index_1.html",
                         "http://www.jingzhouqu.gov.cn/zwgk/tzgg/index_2.html"],
                source_count=5,
            ),
            DeadLink(
                source="http://www.jingzhouqu.gov.cn/hdjl/",
                target="http://www.hbzwfw.gov.cn.invalid/",
                status=None, reason="dns", scope="other", kind="external",
                detail="Name or service not known", checked_at=CHECKED,
            ),
        ],
        blocked_links=[
            BlockedLink(source="http://www.jingzhouqu.gov.cn/", target="http://www.gov.cn/",
                        status=412, reason="waf_challenge", checked_at=CHECKED, kind="external"),
        ],
        homepage={"latest": "2024-05-20", "items_in_2_weeks": 0},
        columns=[{"name": "通知公告", "url": "http://www.jingzhouqu.gov.cn/zwgk/tzgg/",
                  "category": "notice", "first_level": True, "latest": "2024-05-20",
                  "items": 20, "state": "ok"}],
        footer={"site_code": "4210030010", "icp": "鄂ICP备05003310号", "psb": None,
                "conac": True, "zhaocuo": True, "zhaocuo_site_code": "4210030010",
                "organiser": "荆州区人民政府办公室", "contact": "0716-8888888", "sitemap": False},
        availability=None,
        counters={"fetch/status/200": 300, "fetch/status/404": 12},
        notes=["达到页面上限 (max_pages=312)，未抓取 40 个页面"],
        capture={"warc": "capture/4210030010.warc.gz", "index": "capture/4210030010.index.jsonl"},
    )
    department = SiteResult(
        spec=SiteSpec(url="http://www.shashi.gov.cn/", site_code="4210020003",
                      name="沙市区人民政府", region="湖北省荆州市沙市区", portal=True),
        verdict="pass",
        score=92.5,
        pages=150,
        links_checked=2033,
        seconds=64.0,
        dead_links=[
            DeadLink(source="http://www.shashi.gov.cn/xwzx/",
                     target="http://www.shashi.gov.cn/images/banner.jpg", status=503,
                     reason="http_5xx", scope="other", kind="image", checked_at=CHECKED),
            DeadLink(source="http://www.shashi.gov.cn/bsfw/",
                     target="https://zwfw.example.gov.cn/", status=None, reason="tls",
                     scope="other", kind="external", checked_at=CHECKED),
        ],
        homepage={"latest": "2024-06-13", "items_in_2_weeks": 7},
        availability={"probes": 140, "failures": 3, "ratio": 0.021},
    )
    empty = SiteResult(
        spec=SiteSpec(url="http://www.gongan.gov.cn/", site_code="0421022002", name="公安县人民政府"),
        verdict=None,
        pages=80,
        links_checked=900,
        seconds=30.0,
    )
    broken = SiteResult(
        spec=SiteSpec(url="http://www.jing-zhou.gov.cn/", site_code="4210000014",
                      name="荆州经济技术开发区", portal=True),
        status="error",
        error="首页无法访问：域名无法解析 (dns)",
        seconds=0.8,
    )
    return RunResult(version="0.1.0", as_of=AS_OF, profile="gov2019",
                     sites=[county, department, empty, broken])


@pytest.fixture
def run() -> RunResult:
    """A fresh realistic run for each test."""
    return build_run()
