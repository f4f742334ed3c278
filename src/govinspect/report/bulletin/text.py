"""The 通报's words: the editable template (data/bulletin.yaml) rendered with a campaign's numbers.

The template is data a 政务公开办 edits (issuer, scope, requirements, deadlines); this module only
fills it in. Everything here is pure: the summary and the date come in, strings come out.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import jinja2.sandbox
import yaml

from govinspect.campaign.aggregate import CampaignSummary, GroupRow, ProblemType
from govinspect.yamlfiles import load_yaml

__all__ = [
    "BulletinText", "TemplateError", "bulletin_text", "format_rate", "load_template", "problem_types",
]

_CN_DIGITS = "零一二三四五六七八九"
_FOLD_SPACE = re.compile(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])")


class TemplateError(Exception):
    """The template file cannot be used; ``str(err)`` is a one-line reason."""


@dataclass(slots=True)
class BulletinText:
    """The rendered words of a 通报, section by section."""

    issuer: str
    title: str
    recipients: str
    opening: str
    headings: dict[str, str]
    overall: str
    problems: list[tuple[str, str]]  # (（一）heading, sentence); empty → no_problems
    no_problems: str
    problems_intro: str
    requirements: list[tuple[str, str]]
    attachments: dict[str, str]  # regions / failing / sites → title
    date_cn: str
    letterhead: str = ""
    doc_number: str = ""
    publish_note: str = ""
    notes: list[str] = field(default_factory=list)  # 说明 (why a rate is missing, what is unscored)


def _default_template() -> dict[str, Any]:
    text = resources.files("govinspect.data").joinpath("bulletin.yaml").read_text(encoding="utf-8")
    return load_yaml(text)


@lru_cache(maxsize=1)
def _defaults() -> dict[str, Any]:
    return _default_template()


def load_template(path: Path | None = None) -> dict[str, Any]:
    """The default template, with the keys of `path` (a YAML file) laid over it."""
    data = dict(_defaults())
    if path is None:
        return data
    try:
        override = load_yaml(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise TemplateError(f"--template {path}: cannot read ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        raise TemplateError(f"--template {path}: not valid YAML ({str(exc).splitlines()[0]})") from None
    if override is None:
        return data
    if not isinstance(override, dict):
        raise TemplateError(f"--template {path}: expected a mapping of template keys")
    unknown = sorted(set(override) - set(data))
    if unknown:
        raise TemplateError(f"--template {path}: unknown keys {', '.join(map(str, unknown))}")
    data.update(override)
    return data


def problem_types(template: dict[str, Any]) -> list[ProblemType]:
    """The template's problem types, in their order of precedence."""
    return [
        ProblemType(id=str(t["id"]), label=str(t["label"]), prefixes=tuple(str(p) for p in t["prefixes"]),
                    sentence=str(t.get("sentence") or ""))
        for t in template["problem_types"]
    ]


def format_rate(rate: Fraction | None, digits: int = 1) -> str:
    """2/3 → "66.7%", 1 → "100%", None → "—" (not computed)."""
    if rate is None:
        return "—"
    if rate == 1:
        return "100%"
    return f"{float(rate) * 100:.{digits}f}%"


def date_cn(day: dt.date) -> str:
    """2024-06-15 → "2024年6月15日" (Arabic numerals, as GB/T 9704-2012 prescribes)."""
    return f"{day.year}年{day.month}月{day.day}日"


def _parse_day(iso: str) -> dt.date:
    return dt.date.fromisoformat(iso[:10])


def _change(now: Fraction | None, before: Fraction | None) -> str:
    if now is None or before is None:
        return ""
    diff = float(now - before) * 100
    if abs(diff) < 0.05:
        return "持平"
    return f"{'提高' if diff > 0 else '下降'}{abs(diff):.1f}个百分点"


def _row_vars(row: GroupRow, digits: int) -> dict[str, Any]:
    return {
        "name": row.name, "sampled": row.sampled, "passed": row.passed, "failed": row.failed,
        "unscored": row.unscored, "errors": row.errors, "rated": row.rated,
        "pass_rate": format_rate(row.pass_rate, digits),
    }


class _Renderer:
    def __init__(self, variables: dict[str, Any]) -> None:
        self.env = jinja2.sandbox.SandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=False)
        self.variables = variables

    def __call__(self, source: Any, **extra: Any) -> str:
        try:
            text = self.env.from_string(str(source)).render({**self.variables, **extra})
        except jinja2.TemplateError as exc:
            raise TemplateError(f"template text {str(source)[:40]!r}…: {exc}") from None
        # YAML folds long Chinese lines with spaces; a space next to a Chinese character is an artefact.
        return _FOLD_SPACE.sub("", text).strip()


def _cn_ordinal(n: int) -> str:
    if n < 10:
        return _CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")


def bulletin_text(summary: CampaignSummary, template: dict[str, Any], *, date: dt.date) -> BulletinText:
    """Render the template for one campaign, published on `date`."""
    as_of = _parse_day(summary.as_of)
    digits = int(template.get("percent_digits", 1))
    base: dict[str, Any] = {
        "year": as_of.year, "quarter": (as_of.month - 1) // 3 + 1,
        "quarter_cn": _CN_DIGITS[(as_of.month - 1) // 3 + 1], "as_of": as_of, "as_of_cn": date_cn(as_of),
        "date_cn": date_cn(date), "deadline_cn": date_cn(date + dt.timedelta(days=int(template.get("rectify_days", 15)))),
        "scope": template.get("scope", ""), "sample": summary.sample, "registry_count": summary.registry_count,
        "total": _row_vars(summary.total, digits), "profile": summary.profile,
    }
    render = _Renderer(base)
    base["issuer"] = render(template["issuer"])
    base["period"] = render(template["period"])
    previous = None
    if summary.comparison is not None:
        prev = summary.comparison
        previous = {
            "as_of_cn": date_cn(_parse_day(prev.as_of)), "pass_rate": format_rate(prev.total.pass_rate, digits),
            "change": _change(summary.total.pass_rate, prev.total.pass_rate) or "无法比较",
            "repeat_count": prev.repeat_count, "fixed_count": prev.fixed_count,
        }
    base["previous"] = previous
    base["best_groups"] = [g.name for g in summary.groups if g.pass_rate == 1 and len(summary.groups) > 1]

    shown = int(template.get("names_shown", 5))
    problems: list[tuple[str, str]] = []
    if summary.comparison is not None and summary.comparison.repeat_count:
        repeat = [s for s in summary.failing if s.repeat]
        problems.append((
            str(template["repeat_heading"]),
            render(template["repeat_sentence"], names=[f"“{s.name}”" for s in repeat[:shown]], count=len(repeat)),
        ))
    for row in summary.problem_types:
        # Failed sites first: a 通报 names the sites that failed for the problem before the others.
        ordered = row.veto_sites + [s for s in row.sites if s not in row.veto_sites]
        problems.append((
            row.type.label,
            render(template["problem_sentence"], names=[f"“{s.name}”" for s in ordered[:shown]], count=len(row.sites),
                   veto_count=len(row.veto_sites), type=row.type),
        ))
    numbered = [(f"（{_cn_ordinal(i)}）{h}。", t) for i, (h, t) in enumerate(problems, 1)]
    requirements = [
        (f"（{_cn_ordinal(i)}）{render(r['heading'])}。", render(r["text"]))
        for i, r in enumerate(template["requirements"], 1)
    ]
    notes = []
    if summary.total.unscored:
        notes.append(
            f"本次有{summary.total.unscored}个网站未评分（评分引擎尚未给出合格与否的结论），"
            "未计入合格网站，相关地区的合格率暂不计算（以“—”表示）。"
        )
    if summary.total.errors:
        notes.append(f"本次有{summary.total.errors}个网站未能完成检查，未计入合格或不合格，需人工核实。")
    return BulletinText(
        issuer=base["issuer"], title=render(template["title"]), recipients=render(template["recipients"]),
        opening=render(template["opening"]), headings={k: render(v) for k, v in template["headings"].items()},
        overall=render(template["overall"]), problems=numbered, no_problems=render(template["no_problems"]),
        problems_intro=render(template["problems_intro"]), requirements=requirements,
        attachments={k: render(v) for k, v in template["attachments"].items()}, date_cn=date_cn(date),
        letterhead=render(template.get("letterhead", "")), doc_number=render(template.get("doc_number", "")),
        publish_note=render(template.get("publish_note", "")), notes=notes,
    )
