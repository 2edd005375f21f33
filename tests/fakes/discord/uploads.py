"""FakeDiscord's multipart/form-data requests: a message with files, as discord.py sends it
(`discord.File`) to a channel, an interaction callback, a follow-up or an edit.

Discord reads such a request as a `payload_json` part (the JSON body, checked against the
spec's multipart/form-data schema by spec_discord.py) and one `files[n]` part per file, where
`n` is the `id` of an entry of the payload's `attachments` (in an interaction callback, of
`data.attachments`). A part no entry announces, a second part for one id, a part with another
name, more than 10 files or more bytes than a bot may upload are refused here, as Discord
refuses them; what was uploaded is kept on the recorded request for tests to read."""

from __future__ import annotations

import json
import mimetypes
import re
from dataclasses import dataclass, field
from typing import Any, Final

from aiohttp import BodyPartReader, web

from .payloads import JSON, snowflake

MAX_FILES: Final = 10
# What a bot may upload in one message where the server has no boost (10 MiB), also the
# `attachment_size_limit` interactions carry in the payloads here.
MAX_UPLOAD: Final = 10 * 1024 * 1024
_FILE_PART = re.compile(r"files\[(?P<id>[0-9]+)\]")
PAYLOAD_PART: Final = "payload_json"


@dataclass(frozen=True)
class UploadedFile:
    """One `files[n]` part: its attachment id n, file name, part content type and bytes."""

    id: str
    filename: str
    content_type: str
    data: bytes


@dataclass
class Multipart:
    """A multipart request as read: the `payload_json` body (None without one), the files, and
    what Discord refuses about the form itself ("<where>: <what>", as spec problems read)."""

    payload: Any = None
    files: list[UploadedFile] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    too_large: bool = False


async def read_multipart(request: web.Request) -> Multipart:
    """Read every part of a multipart/form-data request, nothing decoded but `payload_json`."""
    form = Multipart()
    reader = await request.multipart()
    names: set[str] = set()
    size = 0
    async for part in reader:
        if not isinstance(part, BodyPartReader):
            form.problems.append("body: a nested multipart part")
            continue
        name = part.name or ""
        if name in names:
            form.problems.append(f"{name}: sent twice")
        names.add(name)
        if name == PAYLOAD_PART:
            form.payload = json.loads(await part.text())
            continue
        data = bytes(await part.read())
        size += len(data)
        matched = _FILE_PART.fullmatch(name)
        if matched is None:
            form.problems.append(f"{name or 'body'}: not a part Discord reads")
            continue
        content_type = part.headers.get("Content-Type", "application/octet-stream")
        form.files.append(UploadedFile(matched["id"], part.filename or "", content_type, data))
    form.too_large = size > MAX_UPLOAD
    return form


def announced(path: str, payload: Any) -> list[JSON] | None:
    """The `attachments` entries of the payload (an interaction callback's sit in its `data`)."""
    body = payload if isinstance(payload, dict) else {}
    if path.endswith("/callback"):
        body = body.get("data") if isinstance(body.get("data"), dict) else {}
    entries = body.get("attachments")
    return entries if isinstance(entries, list) else None


def upload_problems(path: str, form: Multipart, *, creates: bool) -> list[str]:
    """What Discord refuses about the files of a multipart request; [] if none. `creates`: the
    request makes a new message, so every entry must name a file uploaded with it (an edit may
    also keep attachments the message has)."""
    problems = list(form.problems)
    if len(form.files) > MAX_FILES:
        problems.append(f"files: {len(form.files)} files, at most {MAX_FILES} a message")
    entries = announced(path, form.payload) or []
    ids = {str(e.get("id")) for e in entries if isinstance(e, dict)}
    for upload in form.files:
        where = f"files[{upload.id}]"
        if upload.id not in ids:
            problems.append(f"{where}: no entry of attachments has the id {upload.id}")
        if not upload.filename:
            problems.append(f"{where}: a file part needs a file name")
    uploaded = {u.id for u in form.files}
    if creates:
        for index, entry in enumerate(entries):
            if isinstance(entry, dict) and str(entry.get("id")) not in uploaded:
                problems.append(f"attachments.{index}.id: no files[{entry.get('id')}] part")
    return problems


def attachment_objects(channel_id: str, files: list[UploadedFile], payload: Any) -> list[JSON]:
    """The attachments of a message created with these files, as Discord returns them: the
    content type read from the file name (Discord ignores the part's), the entry's filename
    if it gave one."""
    entries = {str(e.get("id")): e for e in announced("", payload) or [] if isinstance(e, dict)}
    objects: list[JSON] = []
    for upload in files:
        name = entries.get(upload.id, {}).get("filename") or upload.filename
        attachment_id = snowflake()
        url = f"https://cdn.discordapp.com/attachments/{channel_id}/{attachment_id}/{name}"
        guessed = mimetypes.guess_type(name)[0]
        objects.append(
            {
                "id": attachment_id,
                "filename": name,
                "size": len(upload.data),
                "url": url,
                "proxy_url": url.replace("cdn.discordapp.com", "media.discordapp.net"),
                **({"content_type": guessed} if guessed else {}),
            }
        )
    return objects
