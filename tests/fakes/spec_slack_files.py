"""The parameters of Slack's file upload methods, which the OpenAPI file (last changed 2020-10)
does not have: they came in 2024, when Slack retired files.upload for new apps.

Each table is written from the method's reference page, in the OpenAPI parameter form that
spec_slack.py reads from the spec file, so an unknown or missing argument is a spec violation
like any other. `files_problems` checks the one argument whose shape a table can't say.
"""

from __future__ import annotations

import json
from typing import Any

JSON = dict[str, Any]


def _param(name: str, kind: str = "string", *, required: bool = False) -> JSON:
    return {"name": name, "in": "formData", "type": kind, "required": required}


# https://docs.slack.dev/reference/methods/files.getUploadURLExternal/
# Scope files:write; form-urlencoded or JSON. `length` is the size in bytes (0 is answered
# missing_argument); `alt_txt` is a description of an image, at most 1000 characters
# (alt_txt_too_large); `snippet_type`, the syntax of a snippet.
GET_UPLOAD_URL = [
    _param("token", required=True),
    _param("filename", required=True),
    _param("length", "integer", required=True),
    _param("alt_txt"),
    _param("snippet_type"),
]
MAX_ALT_TXT = 1000

# https://docs.slack.dev/reference/methods/files.completeUploadExternal/
# Scope files:write. `files`: a JSON array of objects, each an `id` (from
# files.getUploadURLExternal) and an optional `title`. `channel_id`: where to share the files;
# `channels`: comma-separated channel ids instead; without either the files stay private to
# the app. `initial_comment`: the message text above them; `thread_ts`: a thread to share them
# in; `blocks`: a message's blocks, ignored when there is an initial_comment.
COMPLETE_UPLOAD = [
    _param("token", required=True),
    _param("files", required=True),
    _param("channel_id"),
    _param("channels"),
    _param("initial_comment"),
    _param("thread_ts"),
    _param("blocks"),
]

FILES_METHODS: dict[str, list[JSON]] = {
    "files.getUploadURLExternal": GET_UPLOAD_URL,
    "files.completeUploadExternal": COMPLETE_UPLOAD,
}
FILE_FIELDS = frozenset({"id", "title"})


def files_problems(value: Any) -> list[str]:
    """What is wrong with files.completeUploadExternal's `files` (JSON text, or the list)."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            return [f"files: not JSON ({exc})"]
    if not isinstance(value, list) or not value:
        return [f"files: {value!r} is not a JSON array of files"]
    problems: list[str] = []
    for index, item in enumerate(value):
        at = f"files.{index}"
        if not isinstance(item, dict):
            problems.append(f"{at}: {item!r} is not an object")
            continue
        problems += [f"{at}.{k}: not a field of a file here" for k in item if k not in FILE_FIELDS]
        if not (isinstance(item.get("id"), str) and item["id"]):
            problems.append(f"{at}.id: required, the id files.getUploadURLExternal gave")
        if "title" in item and not isinstance(item["title"], str):
            problems.append(f"{at}.title: {item['title']!r} is not a string")
    return problems
