"""The 通报 of a campaign: DOCX (GB/T 9704 layout), XLSX (the attachment tables), HTML (with charts).

`write_bulletin` is the one entry: a campaign summary and the template in, three files out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from govinspect import __version__
from govinspect.campaign.aggregate import CampaignSummary
from govinspect.report.bulletin.tables import Table, failing_table, problem_type_table, region_table, sites_table
from govinspect.report.bulletin.text import BulletinText, bulletin_text

__all__ = ["BULLETIN_FILES", "Bulletin", "build_bulletin", "write_bulletin"]

BULLETIN_FILES = ("bulletin.docx", "bulletin.xlsx", "bulletin.html")


@dataclass(slots=True)
class Bulletin:
    """The words and tables of one 通报, ready for any of the writers."""

    summary: CampaignSummary
    text: BulletinText
    tables: dict[str, Table]
    problem_types: Table
    template: dict[str, Any]


def build_bulletin(summary: CampaignSummary, template: dict[str, Any], *, date: dt.date) -> Bulletin:
    """Render the words and build the tables (pure)."""
    digits = int(template.get("percent_digits", 1))
    tables = {
        "regions": region_table(summary, digits),
        "failing": failing_table(summary),
        "sites": sites_table(summary),
    }
    return Bulletin(summary, bulletin_text(summary, template, date=date), tables,
                    problem_type_table(summary, digits), template)


def write_bulletin(bulletin: Bulletin, out_dir: Path) -> list[Path]:
    """Write bulletin.docx, bulletin.xlsx and bulletin.html into `out_dir`; returns their paths."""
    from govinspect.report.bulletin.docx import write_bulletin_docx
    from govinspect.report.bulletin.html import render_bulletin_html, write_bulletin_html
    from govinspect.report.bulletin.xlsx import write_bulletin_xlsx

    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / name for name in BULLETIN_FILES]
    write_bulletin_docx(bulletin.text, bulletin.tables, bulletin.template["fonts"], paths[0])
    write_bulletin_xlsx(bulletin.tables, bulletin.text.attachments, bulletin.problem_types, paths[1])
    html = render_bulletin_html(
        bulletin.summary, bulletin.text, bulletin.tables, bulletin.problem_types, version=__version__,
        digits=int(bulletin.template.get("percent_digits", 1)),
    )
    write_bulletin_html(html, paths[2])
    return paths
