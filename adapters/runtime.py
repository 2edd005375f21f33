"""Process-wide tuning that the platforms' runners share."""

from __future__ import annotations

import gc


def settle_startup_objects() -> None:
    """Move everything alive now (imported modules, the libraries' tables, settings, the
    schema) into the collector's permanent generation.

    Start-up leaves a few hundred thousand objects that live as long as the process, and each
    full collection walked all of them again; a turn allocates enough to set one off every
    hundred or so turns, which showed as the slowest replies under load. Frozen, they are never
    scanned (gc.freeze); everything created later is collected as before. Calling it again,
    after a client restarts, freezes what that start-up added."""
    gc.collect()
    gc.freeze()
