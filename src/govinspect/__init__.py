"""govinspect: inspect Chinese government websites against the national indicator set."""

__version__ = "0.1.0"
