"""Reports of a run: results.json (the contract), report.html (the 通报), shared labels."""

from govinspect.report.html import render_report_html, write_report_html
from govinspect.report.results import (
    dumps_results,
    to_results_json,
    write_results,
    write_results_stream,
)

__all__ = [
    "dumps_results",
    "render_report_html",
    "to_results_json",
    "write_report_html",
    "write_results",
    "write_results_stream",
]
