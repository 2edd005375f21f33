"""Checks of the addresses that settings name: the database URL and the Slack listener's host.
Each problem is one line that names no password."""

from __future__ import annotations

import ipaddress
import re
from typing import Final

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

DATABASE_EXAMPLES: Final = "use sqlite:///path.db or postgresql://user:pass@host/db"
# One label of a host name; underscores too, as container names have them.
_HOST_LABEL = re.compile(r"(?!-)[A-Za-z0-9_-]{1,63}(?<!-)")


def database_url_problem(url: str) -> str | None:
    """What is wrong with a DATABASE_URL, in one line without its password; None if nothing."""
    shown = repr(mask_url(url))
    try:
        parsed = make_url(url)
        port = parsed.port
    except (ArgumentError, ValueError, TypeError):
        return f"{shown} is not a database URL (check its host and port); {DATABASE_EXAMPLES}"
    backend = parsed.get_backend_name()
    if backend == "postgres":
        return f"{shown}: write postgresql:// rather than postgres://"
    if backend not in ("sqlite", "postgresql"):
        return f"{shown} is not supported; {DATABASE_EXAMPLES}"
    if port is not None and not 1 <= port <= 65535:
        return f"{shown} has port {port}; a port is 1 to 65535"
    if backend == "postgresql":
        host = parsed.host
        if host and not (host.startswith("/") or valid_host(host)):
            return f"{shown} has a malformed host; {DATABASE_EXAMPLES}"
        if not parsed.database:
            return f"{shown} names no database; {DATABASE_EXAMPLES}"
        return None
    if parsed.host:
        return (
            f"{shown}: a SQLite URL has no host; "
            "use sqlite:///relative/path.db or sqlite:////absolute/path.db"
        )
    database = parsed.database or ""
    in_memory = (
        database in ("", ":memory:")
        or database.startswith("file::memory:")
        or parsed.query.get("mode") == "memory"
    )
    if in_memory:
        return (
            f"{shown} would keep everything in memory and lose it when the bot stops; "
            "give a file path such as sqlite:///takeorpass.db"
        )
    return None


def valid_host(host: str) -> bool:
    """Whether `host` is an IP address or a well-formed host name."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        name = host.removesuffix(".")
        return 0 < len(name) <= 253 and all(_HOST_LABEL.fullmatch(p) for p in name.split("."))
    return True


def mask_url(url: str) -> str:
    """postgresql://user:password@host/db with the password hidden, the user and host kept."""
    scheme, sep, rest = url.partition("://")
    creds, at, host = rest.rpartition("@")
    if not at or ":" not in creds:
        return url
    return f"{scheme}{sep}{creds.split(':', 1)[0]}:…@{host}"
