"""FakeDiscord's injected failures, holds and global rate limit: the next matching requests
answered with an error (a 429 with Discord's rate-limit headers, a 403/50007, ...), or carried
out but answered late; and the 50 requests a second every bot shares."""

from __future__ import annotations

import math
import re
import time
import uuid
from dataclasses import dataclass

from aiohttp import web

from .payloads import JSON
from .rest import RecordedRequest, _error, _json


@dataclass
class _Failure:
    method: str
    pattern: re.Pattern[str]
    status: int
    retry_after: float
    code: int
    message: str
    is_global: bool
    times: int


class Failures:
    """The failure injection of FakeDiscord (state in ``__init__.py``); RestApi._rest asks
    `_take_failure` and `_take_hold` for every request."""

    def fail_next(
        self,
        method: str,
        path_regex: str,
        status: int = 429,
        retry_after: float = 0.5,
        code: int = 0,
        message: str | None = None,
        *,
        is_global: bool = False,
        times: int = 1,
    ) -> None:
        """Answer the next ``times`` matching requests with an error, e.g. 429 or 403/50007."""
        if message is None:
            message = "You are being rate limited." if status == 429 else f"{status}: error"
        self._failures.append(
            _Failure(
                method.upper(),
                re.compile(path_regex),
                status,
                retry_after,
                code,
                message,
                is_global,
                times,
            )
        )

    def _take_failure(self, req: RecordedRequest) -> _Failure | None:
        limited = self._over_global_limit(req)
        if limited is not None:
            return limited
        for failure in self._failures:
            if failure.method == req.method and failure.pattern.fullmatch(req.path):
                failure.times -= 1
                if failure.times <= 0:
                    self._failures.remove(failure)
                return failure
        return None

    @staticmethod
    def _failure_response(f: _Failure) -> web.Response:
        if f.status != 429:
            return _error(f.status, f.code, f.message)
        body: JSON = {"message": f.message, "retry_after": f.retry_after, "global": f.is_global}
        if f.is_global:
            body["code"] = 0
        headers = {
            "Retry-After": str(math.ceil(f.retry_after)),
            "X-RateLimit-Limit": "5",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": f"{time.time() + f.retry_after:.3f}",
            "X-RateLimit-Reset-After": f"{f.retry_after:.3f}",
            "X-RateLimit-Bucket": "fake" + uuid.uuid5(uuid.NAMESPACE_URL, f.pattern.pattern).hex,
            "X-RateLimit-Scope": "global" if f.is_global else "user",
            # Without Via discord.py takes a 429 for a Cloudflare ban and raises at once.
            "Via": "1.1 google",
        }
        if f.is_global:
            headers["X-RateLimit-Global"] = "true"
        return _json(body, 429, headers)

    def hold_next(self, method: str, path_regex: str, seconds: float) -> None:
        """Carry out the next matching request at once but answer it only `seconds` later."""
        self._holds.append((method.upper(), re.compile(path_regex), seconds))

    def _take_hold(self, req: RecordedRequest) -> float:
        for index, (method, pattern, seconds) in enumerate(self._holds):
            if method == req.method and pattern.search(req.path):
                del self._holds[index]
                return seconds
        return 0.0

    def _over_global_limit(self, req: RecordedRequest) -> _Failure | None:
        if self.global_limit is None or req.path.endswith("/callback"):
            return None
        now = time.monotonic()
        self._global_times = [t for t in self._global_times if now - t < 1.0]
        if len(self._global_times) < self.global_limit:
            self._global_times.append(now)
            return None
        retry_after = round(1.0 - (now - self._global_times[0]), 3)
        return _Failure(
            req.method,
            re.compile(re.escape(req.path)),
            429,
            retry_after,
            0,
            "You are being rate limited.",
            True,
            1,
        )
