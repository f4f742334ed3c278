"""A realistic campaign: 荆州-style sites in three regions, stored as results.json SITE dicts.

The verdicts mix 合格, 不合格 (veto and low score), 未评分 (no verdict yet) and one site that
could not be inspected, because every report must keep those four apart.
"""

from __future__ import annotations

from typing import Any

AS_OF = "2024-06-15T00:00:00+08:00"
PREVIOUS_AS_OF = "2024-03-15T00:00:00+08:00"


def finding(indicator: str, message: str, *, veto: bool = False, points: float = 0.0, count: int = 1) -> dict[str, Any]:
    return {
        "indicator": indicator, "veto": veto, "points": points, "measure": {"count": count}, "message": message,
        "evidence": [{"url": "http://www.example.gov.cn/", "detail": message, "seen_at": "2024-06-14T10:00:00+08:00"}],
    }


def site(code: str, name: str, region: str, *, verdict: str | None, findings: list[dict[str, Any]] | None = None,
         portal: bool = False, status: str = "inspected", score: float | None = None, error: str | None = None,
         url: str | None = None) -> dict[str, Any]:
    return {
        "key": code, "site_code": code, "name": name, "url": url or f"http://site{code}.gov.cn/", "region": region,
        "portal": portal, "organiser": name + ("办公室" if portal else ""), "status": status, "error": error,
        "verdict": verdict, "score": score, "vetoes": [f["indicator"] for f in findings or [] if f["veto"]],
        "findings": findings or [],
    }


HOME_STALE = finding("veto.homepage_not_updated", "首页栏目监测时间点前2周内无更新（最新信息日期：2024-04-11），单项否决", veto=True)
BLANK = finding("veto.columns_not_updated.blank", "空白栏目6个，单项否决", veto=True, count=6)
DEAD_OTHER = finding("deduct.design.links_other_dead", "非首页死链接37条，扣3.7分", points=3.7, count=37)
DEAD_HOME = finding("deduct.design.links_home_dead", "首页死链接2条，扣2分", points=2, count=2)
GUIDE = finding("deduct.service.guide_quality", "办事指南缺少办理时间、联系电话，扣4分", points=4)


def campaign_sites() -> list[dict[str, Any]]:
    """Ten sites: 荆州市 4 (3 pass, 1 veto), 监利县 3 (1 pass, 1 score fail, 1 unscored), 市直 3 (2 pass, 1 error)."""
    return [
        site("4210030010", "荆州区人民政府", "荆州市", verdict="pass", portal=True, score=92.5, findings=[DEAD_OTHER]),
        site("4210020003", "沙市区人民政府", "荆州市", verdict="pass", portal=True, score=96),
        site("4210000014", "荆州经济技术开发区", "荆州市", verdict="fail", portal=True, findings=[HOME_STALE, DEAD_HOME]),
        site("4210220025", "公安县人民政府", "荆州市", verdict="pass", portal=True, score=88),
        site("4210230004", "监利县人民政府", "监利县", verdict="fail", portal=True, score=55.5,
             findings=[GUIDE, DEAD_OTHER]),
        site("4210230011", "监利县教育局", "监利县", verdict="pass", score=81),
        site("4210230012", "监利县财政局", "监利县", verdict=None, findings=[DEAD_HOME]),
        site("4210000056", "荆州市工商局", "市直部门", verdict="pass", score=90),
        site("4210000013", "荆州市农业局", "市直部门", verdict="pass", score=85, findings=[BLANK | {"veto": False}]),
        site("4210000040", "荆州市水利局", "市直部门", verdict=None, status="error",
             error="首页无法访问：连接超时 (timeout)"),
    ]


def previous_sites() -> list[dict[str, Any]]:
    """The quarter before: 开发区 and 监利县 already failed; 沙市区 failed and has since been fixed."""
    return [
        site("4210030010", "荆州区人民政府", "荆州市", verdict="pass", portal=True, score=90),
        site("4210020003", "沙市区人民政府", "荆州市", verdict="fail", portal=True, findings=[BLANK]),
        site("4210000014", "荆州经济技术开发区", "荆州市", verdict="fail", portal=True, findings=[BLANK]),
        site("4210230004", "监利县人民政府", "监利县", verdict="fail", portal=True, findings=[HOME_STALE]),
        site("4210000056", "荆州市工商局", "市直部门", verdict="pass", score=90),
    ]
