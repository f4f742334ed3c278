"""Inline SVG bar charts for bulletin.html: no script, no CDN, nothing fetched when opened.

Each function returns a complete ``<svg>`` element as text with every label escaped.
"""

from __future__ import annotations

from fractions import Fraction
from html import escape

__all__ = ["bar_chart", "rate_chart"]

_FONT = 'font-family="Noto Sans CJK SC, Microsoft YaHei, SimHei, sans-serif" font-size="13"'


def _svg(width: int, height: int, body: list[str], label: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(label)}" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" class="chart">'
        + "".join(body) + "</svg>"
    )


def rate_chart(rows: list[tuple[str, Fraction | None]], *, label: str, digits: int = 1) -> str:
    """Horizontal bars of pass rates (0–100 %); a rate not computed is drawn as a grey 未评分 note."""
    name_w, bar_w, row_h, top = 220, 420, 26, 28
    height = top + row_h * len(rows) + 10
    body = [f'<text x="{name_w}" y="16" {_FONT} fill="#555">0%</text>',
            f'<text x="{name_w + bar_w - 30}" y="16" {_FONT} fill="#555">100%</text>']
    for i, (name, rate) in enumerate(rows):
        y = top + i * row_h
        body.append(f'<text x="{name_w - 8}" y="{y + 17}" text-anchor="end" {_FONT}>{escape(name)}</text>')
        body.append(f'<rect x="{name_w}" y="{y + 4}" width="{bar_w}" height="{row_h - 8}" fill="#f1f1f1"/>')
        if rate is None:
            body.append(f'<text x="{name_w + 6}" y="{y + 17}" {_FONT} fill="#777">未评分，暂不计算</text>')
            continue
        width = round(float(rate) * bar_w, 1)
        color = "#2e7d32" if rate == 1 else ("#c62828" if rate < Fraction(6, 10) else "#ef6c00")
        text = "100%" if rate == 1 else f"{float(rate) * 100:.{digits}f}%"
        body.append(f'<rect x="{name_w}" y="{y + 4}" width="{width}" height="{row_h - 8}" fill="{color}">'
                    f'<title>{escape(name)}：{text}</title></rect>')
        body.append(f'<text x="{name_w + bar_w + 6}" y="{y + 17}" {_FONT}>{text}</text>')
    return _svg(name_w + bar_w + 70, height, body, label)


def bar_chart(rows: list[tuple[str, int, int]], *, label: str) -> str:
    """Horizontal bars of counts: (label, sites, of which failed for it) — the failed part in red."""
    name_w, bar_w, row_h, top = 220, 420, 26, 10
    most = max((n for _, n, _ in rows), default=0) or 1
    height = top + row_h * len(rows) + 10
    body = []
    for i, (name, count, vetoed) in enumerate(rows):
        y = top + i * row_h
        body.append(f'<text x="{name_w - 8}" y="{y + 17}" text-anchor="end" {_FONT}>{escape(name)}</text>')
        width = round(count / most * bar_w, 1)
        red = round(vetoed / most * bar_w, 1)
        body.append(f'<rect x="{name_w}" y="{y + 4}" width="{width}" height="{row_h - 8}" fill="#ef9a9a">'
                    f'<title>{escape(name)}：{count}个网站</title></rect>')
        if red:
            body.append(f'<rect x="{name_w}" y="{y + 4}" width="{red}" height="{row_h - 8}" fill="#c62828">'
                        f'<title>其中单项否决{vetoed}个</title></rect>')
        note = f"{count}" + (f"（否决{vetoed}）" if vetoed else "")
        body.append(f'<text x="{name_w + width + 6}" y="{y + 17}" {_FONT}>{escape(note)}</text>')
    return _svg(name_w + bar_w + 120, height, body, label)
