"""Small helpers shared by the platform's views."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse

PAGE_SIZE = 50


def paginate(request: HttpRequest, items: Any, size: int = PAGE_SIZE) -> Page:
    """The page of `items` named by ?page= (bad numbers fall back to the first or last page)."""
    return Paginator(items, size).get_page(request.GET.get("page"))


def download(data: bytes, filename: str, content_type: str) -> HttpResponse:
    """An attachment response with a UTF-8 file name (Chinese names survive in every browser)."""
    from urllib.parse import quote

    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
