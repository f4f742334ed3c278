"""Evidence capture: what was fetched, kept as WARC + JSON-lines index (see `capture.warc`)."""

from govinspect.capture.warc import (
    DEFAULT_COMPRESS_LEVEL,
    CaptureReader,
    CaptureWriter,
    capture_paths,
)

__all__ = ["DEFAULT_COMPRESS_LEVEL", "CaptureReader", "CaptureWriter", "capture_paths"]
