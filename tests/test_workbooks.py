"""openpyxl is loaded without numpy, and numpy stays importable afterwards."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

_PROBE = """
import sys
from govinspect.report.xlsx import write_report_xlsx
assert "openpyxl" in sys.modules
print("numpy" in sys.modules)
import numpy
print(numpy.__name__)
"""


@pytest.mark.skipif(importlib.util.find_spec("numpy") is None, reason="numpy is not installed here")
def test_writing_a_workbook_does_not_load_numpy_but_leaves_it_importable():
    # A fresh interpreter: in this one numpy may already be loaded by another test.
    out = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.split() == ["False", "numpy"]


def test_workbooks_written_this_way_open_again(tmp_path):
    from govinspect.workbooks import load_openpyxl

    openpyxl = load_openpyxl()
    wb = openpyxl.Workbook()
    wb.active.append(["网站标识码", 1.5])
    wb.save(tmp_path / "t.xlsx")
    assert [c.value for c in openpyxl.load_workbook(tmp_path / "t.xlsx").active[1]] == ["网站标识码", 1.5]
