"""Render bulletin.docx to PDF (LibreOffice) and PNG pages (pdftoppm), to see what a reader sees.

Used by the render test and the benchmark, and by `govinspect campaign report --pdf`. The 公文
fonts (方正小标宋简体, 仿宋_GB2312, 楷体_GB2312, 黑体) are rarely installed on Linux; a private
fontconfig file maps each to the closest installed face (Noto CJK, AR PL UKai) for this
conversion only, without touching the machine's font setup.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

__all__ = ["RenderError", "docx_to_pdf", "pdf_to_pngs", "renderer_missing"]

# Requested family → installed families to try, in order.
FONT_SUBSTITUTES: dict[str, tuple[str, ...]] = {
    "方正小标宋简体": ("FZXiaoBiaoSong-B05S", "SimSun", "宋体", "Noto Serif CJK SC"),
    "宋体": ("SimSun", "Noto Serif CJK SC"),
    "仿宋_GB2312": ("FangSong_GB2312", "FangSong", "仿宋", "Noto Serif CJK SC"),
    "仿宋": ("FangSong", "Noto Serif CJK SC"),
    "楷体_GB2312": ("KaiTi_GB2312", "KaiTi", "楷体", "AR PL UKai CN", "Noto Serif CJK SC"),
    "楷体": ("KaiTi", "AR PL UKai CN", "Noto Serif CJK SC"),
    "黑体": ("SimHei", "Noto Sans CJK SC"),
    "SimHei": ("Noto Sans CJK SC",),
}


class RenderError(Exception):
    """The conversion failed; ``str(err)`` is a one-line reason."""


def renderer_missing() -> str | None:
    """Why rendering is impossible here (a missing program), or None when it is possible."""
    for program, package in (("soffice", "libreoffice-writer"), ("pdftoppm", "poppler-utils")):
        if shutil.which(program) is None:
            return f"{program} not found (apt-get install {package})"
    return None


def _fonts_conf(directory: Path) -> Path:
    aliases = "".join(
        f'<alias binding="same"><family>{name}</family><prefer>'
        + "".join(f"<family>{f}</family>" for f in prefer)
        + "</prefer></alias>"
        for name, prefer in FONT_SUBSTITUTES.items()
    )
    path = directory / "fonts.conf"
    path.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
        f"{aliases}</fontconfig>",
        encoding="utf-8",
    )
    return path


def docx_to_pdf(docx: Path, out_dir: Path, *, timeout: float = 180.0) -> Path:
    """Convert with a private LibreOffice profile (parallel runs never share one); returns the PDF."""
    missing = renderer_missing()
    if missing:
        raise RenderError(missing)
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="govinspect-soffice-") as tmp:
        work = Path(tmp)
        env = dict(os.environ, FONTCONFIG_FILE=str(_fonts_conf(work)), HOME=str(work))
        cmd = [
            "soffice", f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--norestore",
            "--convert-to", "pdf", "--outdir", str(out_dir), str(docx),
        ]
        try:
            proc = subprocess.run(cmd, env=env, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise RenderError(f"LibreOffice did not finish converting {docx.name} within {timeout:g} s") from None
    pdf = out_dir / (docx.stem + ".pdf")
    if proc.returncode != 0 or not pdf.is_file():
        reason = (proc.stderr or proc.stdout).decode("utf-8", "replace").strip().splitlines()
        raise RenderError(f"LibreOffice could not convert {docx.name}: {reason[-1] if reason else proc.returncode}")
    return pdf


def pdf_to_pngs(pdf: Path, out_dir: Path, *, dpi: int = 60, first: int = 1, last: int | None = None) -> list[Path]:
    """Pages of the PDF as PNG files (``<stem>-N.png``), in page order."""
    missing = renderer_missing()
    if missing:
        raise RenderError(missing)
    out_dir.mkdir(parents=True, exist_ok=True)
    cmd = ["pdftoppm", "-png", "-r", str(dpi), "-f", str(first)]
    if last is not None:
        cmd += ["-l", str(last)]
    cmd += [str(pdf), str(out_dir / pdf.stem)]
    proc = subprocess.run(cmd, capture_output=True, timeout=120, check=False)
    if proc.returncode != 0:
        raise RenderError(f"pdftoppm failed on {pdf.name}: {proc.stderr.decode('utf-8', 'replace').strip()[:200]}")
    return sorted(out_dir.glob(f"{pdf.stem}-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
