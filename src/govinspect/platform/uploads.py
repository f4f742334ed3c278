"""Upload checks: size, name and the file's real type (magic bytes), before anything reads it."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError

# kind → (extensions, magic-byte test)
_KINDS: dict[str, tuple[tuple[str, ...], Any]] = {
    "csv": ((".csv", ".txt"), lambda head: b"\x00" not in head[:4096] or head.startswith((b"\xff\xfe", b"\xfe\xff"))),
    "xlsx": ((".xlsx",), lambda head: head.startswith(b"PK\x03\x04")),
    "json": ((".json",), lambda head: head.lstrip(b"\xef\xbb\xbf \r\n\t")[:1] in (b"{", b"[")),
    "pdf": ((".pdf",), lambda head: head.startswith(b"%PDF-")),
    "png": ((".png",), lambda head: head.startswith(b"\x89PNG\r\n\x1a\n")),
    "jpg": ((".jpg", ".jpeg"), lambda head: head.startswith(b"\xff\xd8\xff")),
    "docx": ((".docx",), lambda head: head.startswith(b"PK\x03\x04")),
}
REGISTRY_KINDS = ("csv", "xlsx")
PROOF_KINDS = ("pdf", "png", "jpg", "docx")


def check_upload(upload: Any, kinds: tuple[str, ...], max_bytes: int | None = None) -> str:
    """The kind of an acceptable upload, or ValidationError naming the problem."""
    limit = max_bytes or settings.GOVINSPECT_MAX_UPLOAD_BYTES
    if upload.size > limit:
        raise ValidationError(f"文件过大（{upload.size // 1024} KB），上限为 {limit // 1024 // 1024} MB")
    if upload.size == 0:
        raise ValidationError("文件为空")
    suffix = Path(upload.name or "").suffix.lower()
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    for kind in kinds:
        extensions, looks_right = _KINDS[kind]
        if suffix in extensions:
            if not looks_right(head):
                raise ValidationError(f"文件内容与扩展名“{suffix}”不符")
            return kind
    allowed = "、".join(e for k in kinds for e in _KINDS[k][0])
    raise ValidationError(f"不支持的文件类型“{suffix or '无扩展名'}”，只接受 {allowed}")


def to_temp_file(upload: Any, suffix: str) -> Path:
    """Copy an upload to a private temporary file (the caller deletes it)."""
    handle = tempfile.NamedTemporaryFile(prefix="govinspect-", suffix=suffix, delete=False)
    with handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return Path(handle.name)
