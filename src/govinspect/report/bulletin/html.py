"""bulletin.html: the 通报 as one self-contained page with its charts (inline SVG) and tables."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from govinspect.campaign.aggregate import CampaignSummary
from govinspect.report.bulletin.charts import bar_chart, rate_chart
from govinspect.report.bulletin.tables import Table
from govinspect.report.bulletin.text import BulletinText
from govinspect.report.files import write_text_atomic
from govinspect.report.templating import bytecode_cache

__all__ = ["render_bulletin_html", "write_bulletin_html"]


def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("govinspect.report", "templates"),
        bytecode_cache=bytecode_cache(),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
    )


def render_bulletin_html(
    summary: CampaignSummary, text: BulletinText, tables: dict[str, Table], problem_types: Table, *,
    version: str, digits: int = 1,
) -> str:
    """The page as text."""
    rates = [(g.name, g.pass_rate) for g in summary.groups] + [("合计", summary.total.pass_rate)]
    charts = {
        # Markup: built from escaped labels by charts.py, so safe to insert as it is.
        "rates": Markup(rate_chart(rates, label="各地区抽查合格率", digits=digits)),
        "problems": Markup(bar_chart(
            [(r.type.label, len(r.sites), len(r.veto_sites)) for r in summary.problem_types], label="问题类型分布"
        )) if summary.problem_types else None,
        "previous": None,
    }
    if summary.comparison is not None:
        before = [(f"{name}（上次）", g.pass_rate) for name, g in summary.comparison.groups.items()]
        charts["previous"] = Markup(rate_chart(
            before + [("合计（上次）", summary.comparison.total.pass_rate)], label="上次抽查合格率", digits=digits
        ))
    order = [k for k in ("regions", "failing", "sites") if k in tables]
    context: dict[str, Any] = {
        "text": text, "charts": charts, "problem_types": problem_types, "version": version,
        "attachments": [(i, text.attachments[k], tables[k], k) for i, k in enumerate(order, 1)],
    }
    return _env().get_template("bulletin.html").render(context)


def write_bulletin_html(html: str, path: Path) -> None:
    """Write bulletin.html atomically."""
    write_text_atomic(path, html)
