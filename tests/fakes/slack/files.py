"""FakeSlack's file uploads, as Slack takes them from new apps: files.getUploadURLExternal hands
out an upload URL on the fake, the bytes are POSTed there, and files.completeUploadExternal
shares the uploaded files in a channel or DM. files.upload is answered method_deprecated, as
Slack answers apps made since it was retired, and counted a spec violation so that a test of
a bot that still calls it fails. State lives on FakeSlack."""

from __future__ import annotations

import itertools
import json
from typing import Any, NamedTuple

from aiohttp import web

from ..holding import Holding
from ..spec_check import SpecViolation
from ..spec_slack_files import MAX_ALT_TXT
from .payloads import Params

FILES_SCOPE = "files:write"
_ids = itertools.count(1)


class Upload(NamedTuple):
    """One file announced with files.getUploadURLExternal; `data` once its bytes arrived."""

    file_id: str
    filename: str
    length: int
    data: bytes | None = None
    shared: bool = False


class SharedFile(NamedTuple):
    """A file as it shows in a conversation: its name, title and bytes."""

    name: str
    title: str
    data: bytes


class Share(NamedTuple):
    """One files.completeUploadExternal carried out: where, which files, and the comment."""

    channel: str | None
    files: tuple[SharedFile, ...]
    initial_comment: str | None


class Files(Holding):
    """The upload flow's three steps; `uploads` and `shares` live on FakeSlack."""

    url: str
    scopes: tuple[str, ...]
    channels: dict[str, Params]
    refusals: dict[str, str]
    uploads: dict[str, Upload]
    shares: list[Share]
    spec_violations: list[SpecViolation]
    _failures: dict[str, Any]
    _holds: dict[str, float]

    # inspection

    def files_in(self, channel: str) -> list[SharedFile]:
        """The files shared in a conversation, oldest first."""
        return [f for share in self.shares if share.channel == channel for f in share.files]

    # the Web API methods (from WebApi._canned)

    def _files_api(self, method: str, params: Params) -> Params:
        if method == "files.upload":
            why = "files.upload is retired for new apps: use files.getUploadURLExternal"
            self.spec_violations.append(SpecViolation(method, (f"method: {why}",)))
            return {"ok": False, "error": "method_deprecated"}
        if FILES_SCOPE not in self.scopes:
            provided = ",".join(self.scopes)
            return {"ok": False, "error": "missing_scope", "needed": FILES_SCOPE} | {
                "provided": provided
            }
        if method == "files.getUploadURLExternal":
            return self._upload_url(params)
        return self._complete(params)

    def _upload_url(self, params: Params) -> Params:
        length = int(str(params["length"]))  # the spec check made sure it is an integer
        if length <= 0:
            return {"ok": False, "error": "missing_argument"}
        if len(str(params.get("alt_txt", ""))) > MAX_ALT_TXT:
            return {"ok": False, "error": "alt_txt_too_large"}
        file_id = f"F{next(_ids):08d}"
        self.uploads[file_id] = Upload(file_id, str(params["filename"]), length)
        return {"ok": True, "upload_url": f"{self.url}/upload/{file_id}", "file_id": file_id}

    def _complete(self, params: Params) -> Params:
        raw = params["files"]
        wanted: list[dict[str, Any]] = json.loads(raw) if isinstance(raw, str) else list(raw)
        targets = [str(params["channel_id"])] if params.get("channel_id") else []
        targets += [c for c in str(params.get("channels", "")).split(",") if c]
        for item in wanted:
            upload = self.uploads.get(item["id"])
            # Slack's page lists no code for each case; these say what the fake found.
            if upload is None or upload.shared:
                return {"ok": False, "error": "file_not_found"}
            if upload.data is None:
                return {"ok": False, "error": "file_not_uploaded"}
            if len(upload.data) != upload.length:
                return {"ok": False, "error": "file_size_mismatch"}
        for channel in targets:
            if (refused := self._share_refusal(channel)) is not None:
                return {"ok": False, "error": refused}
        files = []
        for item in wanted:
            upload = self.uploads[item["id"]]._replace(shared=True)
            self.uploads[upload.file_id] = upload
            title = str(item.get("title") or upload.filename)
            assert upload.data is not None
            files.append(SharedFile(upload.filename, title, upload.data))
        comment = params.get("initial_comment")
        for channel in targets or [None]:
            self.shares.append(Share(channel, tuple(files), str(comment) if comment else None))
        answer = [
            {"id": item["id"], "name": f.name, "title": f.title, "size": len(f.data)}
            for item, f in zip(wanted, files, strict=True)
        ]
        return {"ok": True, "files": answer}

    def _share_refusal(self, channel: str) -> str | None:
        """Why the bot may not share files in `channel`: a DM with a person (D…, as
        conversations.open gives) or a channel it is a member of, like a post."""
        if channel in self.refusals:
            return self.refusals[channel]
        if channel.startswith(("U", "W")):
            return "invalid_channel"  # a user id is no conversation: open the DM first
        if channel.startswith("D"):
            return None
        known = self.channels.get(channel)
        if known is None or (known["is_private"] and not known["is_member"]):
            return "channel_not_found"
        if known["is_archived"]:
            return "is_archived"
        return None if known["is_member"] else "not_in_channel"

    # the upload URL

    async def _upload(self, request: web.Request) -> web.Response:
        """POST the bytes of an announced file: raw, or as a multipart form's file."""
        failure = self._next_failure("upload")
        if failure is not None:
            status, headers = failure
            return web.Response(status=status, text="ratelimited", headers=headers)
        file_id = request.match_info["file_id"]
        upload = self.uploads.get(file_id)
        if upload is None or upload.data is not None:
            return web.Response(status=404, text="not found")
        if request.content_type.startswith("multipart/"):
            form = await request.post()
            parts = [v for v in form.values() if isinstance(v, web.FileField)]
            data = parts[0].file.read() if parts else b""
        else:
            data = await request.read()
        self.uploads[file_id] = upload._replace(data=data)
        await self._notify()
        held = self._holds.pop("upload", 0.0)
        if held:
            await self._hold(held)  # taken, but answered late (hold_next("upload", …))
        return web.Response(text=f"OK - {len(data)}")

    def _next_failure(self, method: str) -> tuple[int, dict[str, str]] | None:
        failures = self._failures.get(method)
        if not failures:
            return None
        failure = failures.popleft()
        retry = failure.retry_after
        return failure.status, {"Retry-After": str(retry)} if retry is not None else {}
