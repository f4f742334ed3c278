"""openpyxl, loaded without numpy.

openpyxl imports numpy whenever numpy is installed, only so that cells accept numpy numbers.
govinspect never writes one, and the import costs ~0.1 s of every command that writes a
report. Every module that uses openpyxl calls `load_openpyxl()` before importing from it.
"""

from __future__ import annotations

import sys
import threading
from types import ModuleType

_lock = threading.Lock()


def load_openpyxl() -> ModuleType:
    """The openpyxl module, imported (once) with numpy hidden unless numpy is already loaded."""
    loaded = sys.modules.get("openpyxl")
    if loaded is not None:
        return loaded
    with _lock:
        hide = "numpy" not in sys.modules
        if hide:
            sys.modules["numpy"] = None  # type: ignore[assignment]  # `import numpy` raises ImportError
        try:
            import openpyxl
        finally:
            # Whatever happens, numpy stays importable for everyone else.
            if hide and "numpy" in sys.modules and sys.modules["numpy"] is None:
                del sys.modules["numpy"]
    return openpyxl
