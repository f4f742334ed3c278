"""Chinese wording of machine codes, in one place, for every report format (HTML, DOCX, XLSX).

Data only, plus small lookup helpers that never fail: an unknown code is shown as itself, so a
new reason added by the classifier still appears in the 通报 (just untranslated).
"""

from __future__ import annotations

import re

# Why a link was judged dead (DeadLink.reason; also FetchResult outcomes).
DEAD_REASON_LABELS: dict[str, str] = {
    "http_400": "HTTP 400 请求错误",
    "http_401": "HTTP 401 需要登录",
    "http_403": "HTTP 403 禁止访问",
    "http_404": "HTTP 404 页面不存在",
    "http_405": "HTTP 405 请求方法不允许",
    "http_410": "HTTP 410 页面已删除",
    "http_4xx": "客户端错误",
    "http_500": "HTTP 500 服务器内部错误",
    "http_502": "HTTP 502 网关错误",
    "http_503": "HTTP 503 服务不可用",
    "http_504": "HTTP 504 网关超时",
    "http_5xx": "服务器错误",
    "dns": "域名无法解析",
    "refused": "连接被拒绝",
    "connect_timeout": "连接超时",
    "timeout": "访问超时",
    "tls": "证书或加密连接错误",
    "reset": "连接中断",
    "soft_404": "页面显示不存在（软404）",
    "redirect_loop": "重定向循环",
    "too_many_redirects": "重定向次数过多",
    "invalid_url": "链接地址无效",
    "too_large": "内容过大，无法完整获取",
    "empty": "页面内容为空",
    "empty_body": "页面内容为空",
    "error_page": "页面显示错误信息",
    "blocked_private": "指向内网地址",
    "error": "访问出错",
}

# Why a link could not be judged (BlockedLink.reason); never counted as dead.
BLOCKED_REASON_LABELS: dict[str, str] = {
    "waf_challenge": "安全防护拦截（人机验证）",
    "rate_limited": "访问频率受限",
    "host_paused": "站点暂停访问（保护性暂停）",
    "robots": "robots 协议禁止抓取",
    "forbidden": "禁止访问",
    "auth_required": "需要登录",
    "blocked_private": "指向内网地址，未访问",
    "http_403": "HTTP 403 禁止访问",
    "http_412": "HTTP 412 安全防护拦截",
    "http_429": "HTTP 429 访问频率受限",
}

LINK_KIND_LABELS: dict[str, str] = {
    "page": "页面",
    "attachment": "附件",
    "image": "图片",
    "external": "外部链接",
}

# Veto ids of the gov2019 profile (docs/contract.md), worded as a 通报 would.
VETO_LABELS: dict[str, str] = {
    "veto.security.serious_misstatement": "存在严重表述错误",
    "veto.security.illegal_content": "存在违法违规内容或隐藏的垃圾链接",
    "veto.security.incident_unhandled": "存在挂马、篡改等安全问题未处置",
    "veto.security.fraud": "存在伪造发布日期等弄虚作假行为",
    "veto.site_unreachable": "站点无法访问（监测期间不可用率达到5%）",
    "veto.homepage_not_updated": "首页超过2周未更新",
    "veto.columns_not_updated.key": "动态、要闻类及通知公告、政策文件类栏目未按要求更新（累计5个以上）",
    "veto.columns_not_updated.long_stale": "应更新但长期未更新的栏目10个以上",
    "veto.columns_not_updated.blank": "空白栏目5个以上",
    "veto.interaction.no_channel": "无可用的互动交流渠道",
    "veto.interaction.unanswered_3m": "留言超过3个月未回复",
    "veto.service.none": "无办事服务",
    "veto.service.guide_elements": "办事指南要素缺失严重",
}

SCOPE_LABELS: dict[str, str] = {"home": "首页", "other": "其他页面"}

SITE_STATUS_LABELS: dict[str, str] = {"inspected": "已检查", "error": "无法检查"}

VERDICT_LABELS: dict[str, str] = {"pass": "合格", "fail": "不合格"}

# Generic wording by HTTP status class, for http_NNN codes not listed above.
_HTTP_CLASS_LABELS = {4: "客户端错误", 5: "服务器错误", 3: "重定向异常"}
_HTTP_CODE = re.compile(r"^http_(\d{3})$")
_HTTP_CLASS = re.compile(r"^http_([345])xx$")


def dead_reason_label(reason: str, status: int | None = None) -> str:
    """Chinese wording of a dead-link reason, e.g. ``http_404`` → "HTTP 404 页面不存在"."""
    m = _HTTP_CLASS.match(reason)
    if m:  # http_5xx: the class is in the code, the exact status in the link
        text = _HTTP_CLASS_LABELS[int(m.group(1))]
        return f"HTTP {status} {text}" if status else text
    if reason in DEAD_REASON_LABELS:
        return DEAD_REASON_LABELS[reason]
    m = _HTTP_CODE.match(reason)
    if m:
        code = int(m.group(1))
        return f"HTTP {code} {_HTTP_CLASS_LABELS.get(code // 100, '异常状态')}"
    return reason or "未知原因"


def blocked_reason_label(reason: str, status: int | None = None) -> str:
    """Chinese wording of why a link could not be judged."""
    if reason in BLOCKED_REASON_LABELS:
        return BLOCKED_REASON_LABELS[reason]
    if reason in DEAD_REASON_LABELS:
        return DEAD_REASON_LABELS[reason]
    return reason or "访问受限"


def veto_label(veto_id: str) -> str:
    """Chinese wording of a veto id; an unknown id is shown as itself."""
    return VETO_LABELS.get(veto_id, veto_id)


def link_kind_label(kind: str) -> str:
    """页面 / 附件 / 图片 / 外部链接."""
    return LINK_KIND_LABELS.get(kind, kind)


def site_status_label(status: str, verdict: str | None = None) -> str:
    """"已检查" / "无法检查", with the verdict when there is one: "已检查（不合格）"."""
    text = SITE_STATUS_LABELS.get(status, status)
    if status == "inspected" and verdict in VERDICT_LABELS:
        text += f"（{VERDICT_LABELS[verdict]}）"
    return text


def format_points(points: float) -> str:
    """Points as a 通报 prints them: 3.7, 1, 0.5 (no trailing zeros)."""
    return f"{points:.1f}".rstrip("0").rstrip(".") if points % 1 else str(int(points))
