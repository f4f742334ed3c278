"""The network layer: one guarded, bounded HTTP client and page decoding.

Everything that touches the network goes through `Fetcher`; everything that turns bytes into
text goes through `decode_body`. See `types.py` for the outcome taxonomy.
"""

from govinspect.net.client import Fetcher
from govinspect.net.decoding import decode_body
from govinspect.net.types import FetchConfig, FetchResult, Hop

__all__ = ["FetchConfig", "FetchResult", "Fetcher", "Hop", "decode_body"]
