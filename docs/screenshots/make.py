"""Write the platform's screenshots into docs/screenshots/ by running the browser tests.

    python docs/screenshots/make.py

The browser tests (tests/browser/) take each main page at 1280×800 while they walk through it;
this script runs them with $GOVINSPECT_SCREENSHOTS pointing at a fresh directory, then copies
the pages listed below here, so a failed walk leaves the committed pictures as they were.
Needs what the tests need: `pip install -e '.[dev]'` and Debian's chromium (chromium-l10n and
fonts-noto-cjk for Chinese browser strings and text).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
MAX_BYTES = 200 * 1024  # keep the repository light

# name → what it shows (the captions in docs/platform.md)
PAGES = {
    "login": "登录",
    "home": "工作台（监管人员）",
    "site-list": "网站信息（导入后）",
    "registry-import": "批量导入网站：逐行校验结果",
    "results-import": "导入检查结果",
    "finding-review": "问题审核：证据与审核表单",
    "workorder-detail": "整改工单：复查通过，已办结",
    "not-found": "越权访问：页面不存在",
    "zhaocuo-form": "我为政府网站找错（公众，免登录）",
    "zhaocuo-list": "找错留言（网站主办单位）",
    "letters": "测试信件：附件3格式表",
    "campaign-new": "发起抽查",
    "campaign-detail": "抽查进度与各网站结果",
    "campaign-published": "审核、重新评分后生成通报",
    "dashboard": "数据看板",
}


def main() -> int:
    """Run the browser tests into a temporary directory and keep the listed pages."""
    with tempfile.TemporaryDirectory(prefix="govinspect-shots-") as tmp:
        env = dict(os.environ, GOVINSPECT_SCREENSHOTS=tmp, GOVINSPECT_REQUIRE_BROWSER="1",
                   PYTHONPATH=str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""))
        done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/browser"],
                              cwd=ROOT, env=env, check=False)
        if done.returncode != 0:
            print("make.py: the browser tests failed; docs/screenshots/ left unchanged", file=sys.stderr)
            return 1
        missing = [name for name in PAGES if not (Path(tmp) / f"{name}.png").exists()]
        if missing:
            print(f"make.py: no screenshot taken for {', '.join(missing)}", file=sys.stderr)
            return 1
        too_big = []
        for name in PAGES:
            target = HERE / f"{name}.png"
            shutil.copyfile(Path(tmp) / f"{name}.png", target)
            size = target.stat().st_size
            too_big += [name] if size > MAX_BYTES else []
            print(f"{target.relative_to(ROOT)}  {size // 1024} KB  {PAGES[name]}")
    if too_big:
        print(f"make.py: over {MAX_BYTES // 1024} KB: {', '.join(too_big)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
