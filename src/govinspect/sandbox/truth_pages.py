"""Ground truth of letters, guides, footer marks and page metadata, read from the model the
server renders (sandbox/pagesplan.py decides the scenario; this module never reads the plan).

- letters: every item of a letters column, with the date it came, the date it was answered
  (None while 办理中 or withdrawn) and whether it is a valid letter of the year before T left
  unanswered for more than three calendar months;
- guides: every item of a guide column with the elements it leaves out or shows empty;
- footer: the marks every page prints (the code shown, which may differ from the registry);
- page_meta: whether the family writes the meta tags of the page-design norms;
- vetoes: the interaction and service vetoes these facts reach.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from govinspect.sandbox.model import SimSite
from govinspect.sandbox.pagesplan import GUIDE_ELEMENTS, GUIDE_KEYS, LETTER_KEYS
from govinspect.sandbox.templates.base import guide_values

_STATUS = {"已回复": "answered", "已办结": "answered", "办理中": "pending", "已撤回": "invalid"}


def _months(d: dt.date, n: int) -> dt.date:
    y, m = divmod(d.month - 1 + n, 12)
    for day in (d.day, 30, 29, 28):
        try:
            return dt.date(d.year + y, m + 1, min(d.day, day))
        except ValueError:
            continue
    return dt.date(d.year + y, m + 1, 28)


def pages_truth(site: SimSite) -> dict[str, Any]:
    """Letters, guides, footer and metadata of one site (see the module docstring)."""
    as_of = site.province.as_of
    letters = []
    for col in site.leaf_columns:
        if col.key not in LETTER_KEYS:
            continue
        for it in site.items(col):
            asked = it.date
            counted = it.status != "已撤回" and _months(as_of, -12) < asked <= as_of
            late = counted and (
                (it.answered is not None and it.answered > _months(asked, 3))
                or (it.answered is None and asked < _months(as_of, -3))
            )
            letters.append({
                "url": site.url(it.path), "title": it.title, "asked": asked.isoformat(),
                "answered": it.answered.isoformat() if it.answered else None,
                "status": _STATUS.get(it.status), "unanswered_over_3_months": late,
            })
    guides = []
    for col in site.leaf_columns:
        if col.key not in GUIDE_KEYS:
            continue
        for it in site.items(col):
            gone = set(it.guide_omitted) | set(it.guide_empty)
            guides.append({
                "url": site.url(it.path), "title": guide_values(site, it)["事项名称"],
                "missing": [e for e in GUIDE_ELEMENTS if e in gone],
            })
    f = site.footer
    icp_has_number = re.search(r"ICP备\d", f.icp) is not None
    footer = {
        "site_code": f.shown_code or site.site_code, "icp": f.icp if icp_has_number else None,
        "psb": f.psb.replace(" ", ""), "conac": True, "zhaocuo": True, "zhaocuo_site_code": site.site_code,
        "organiser": f.organiser, "contact": f.phone, "sitemap": True,
    }
    poor = [g for g in guides if len(g["missing"]) >= 4]
    vetoes = []
    if any(r["unanswered_over_3_months"] for r in letters):
        vetoes.append("veto.interaction.unanswered_3m")
    if not any(c.key in LETTER_KEYS or c.category == "interaction" for c in site.columns) and site.columns:
        vetoes.append("veto.interaction.no_channel")
    if guides and ((len(guides) >= 5 and len(poor) >= 5) or (len(guides) < 5 and len(poor) == len(guides))):
        vetoes.append("veto.service.guide_elements")
    return {
        "letters": letters, "guides": guides, "footer": footer,
        "page_meta": site.template != "asp", "site_code_mismatch": ["footer"] if f.shown_code else [],
        "vetoes": sorted(vetoes),
    }
