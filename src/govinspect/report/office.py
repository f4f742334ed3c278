"""The reports written with openpyxl and python-docx: report.xlsx, report.docx and the
findings-review sheets.

They are the slow part of a run's end (the two libraries take ~0.1 s to import, the files as
long again to build), so a crawl hands them to its analysis worker, which loaded the libraries
before it said it was ready; see `write_office_reports` and crawl/worker.py. Every file is
written atomically, so the crawler's process can write again whatever the worker could not.
"""

from __future__ import annotations

from pathlib import Path

from govinspect.models import RunResult

__all__ = ["OFFICE_FILES", "preload", "write_office_reports"]

# What `write_office_reports` writes, by the names it reports failures under.
OFFICE_FILES = ("report.xlsx", "report.docx", "findings-review")


def preload() -> None:
    """Import the writers (and their libraries) now, not when the run ends."""
    import govinspect.report.docx  # noqa: F401
    import govinspect.report.xlsx  # noqa: F401
    import govinspect.scoring.rescore  # noqa: F401
    from govinspect.workbooks import load_openpyxl

    load_openpyxl()
    import openpyxl.worksheet.datavalidation  # noqa: F401  (the review sheet's decision list)


def write_office_reports(
    run: RunResult, out_dir: Path, *, profile: str | None, only: tuple[str, ...] = OFFICE_FILES,
    strict: bool = False,
) -> list[str]:
    """Write `only` of OFFICE_FILES into `out_dir` (findings-review.csv/.xlsx need the run's
    `profile`; None skips them). Returns the names of those that could not be written (the
    caller writes them again, and then sees the error); with `strict` the first error is raised."""
    failed: list[str] = []
    for name in only:
        try:
            if name == "report.xlsx":
                from govinspect.report.xlsx import write_report_xlsx

                write_report_xlsx(run, out_dir / name)
            elif name == "report.docx":
                from govinspect.report.docx import write_report_docx

                write_report_docx(run, out_dir / name)
            elif name == "findings-review" and profile is not None:
                from govinspect.profiles.loader import load_profile
                from govinspect.scoring.rescore import write_review_sheets

                write_review_sheets(run, load_profile(profile), out_dir)
        except Exception:  # reported to the caller, who tries again
            if strict:
                raise
            failed.append(name)
    return failed
