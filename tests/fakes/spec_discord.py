"""Discord REST requests checked against Discord's own OpenAPI 3.1 spec (discord-openapi.json).

`discord_problems(method, path, body)` finds the operation whose path template matches the
request path (relative to /api/v10) and validates the JSON body against the operation's
`application/json` request schema with jsonschema (OpenAPI 3.1 schemas are JSON Schema 2020-12).
`discord_refusal(problems)` is what the real API answers to such a request.

What the publisher says about its spec (SOURCES.md), and how it is honoured here:
- "Our API accepts strings for int fields if they are parseable as ints": a schema that allows
  "integer" checks a numeric string as that int (`_coerced`).
- Allowance, from the docs (which win over the spec, says the publisher): a snowflake, typed as
  a string, may be sent as an integer (`_coerced`); discord.py sends `recipient_id` so.
- `anyOf` unions (marked `x-discord-union: oneOf`) mean "one of these alternatives"; the
  alternatives overlap (a webhook body fits both the create and the update schema), so they are
  checked as written, with `anyOf`: a body must fit at least one.
- Request schemas do not forbid unknown fields, so neither does this check.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from functools import cache, lru_cache
from typing import Any
from urllib.parse import unquote

from jsonschema import Draft202012Validator, ValidationError, validators
from jsonschema.protocols import Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from .spec_check import spec_file

JSON = dict[str, Any]
JSON_MEDIA = "application/json"
SPEC_URI = "urn:discord-openapi"
_INT = re.compile(r"-?[0-9]+")
# Docs, Reference > "Boolean Query Strings".
_BOOLEANS = {"True": True, "true": True, "1": True, "False": False, "false": False, "0": False}

# Where-prefixes of problems that are not about the body (see discord_refusal).
ROUTE, METHOD = "route", "method"

Keyword = Callable[[Validator, Any, Any, JSON], Iterator[ValidationError]]


_NOT_COERCED = object()


def _coerced(instance: Any, schema: Any) -> Any:
    """The value Discord reads `instance` as where `schema` wants another type, if it does."""
    if not isinstance(schema, dict) or isinstance(instance, bool):
        return _NOT_COERCED
    kind = schema.get("type")
    allowed = kind if isinstance(kind, list) else [kind]
    # The publisher: "Our API accepts strings for int fields if they are parseable as ints".
    if isinstance(instance, str) and "integer" in allowed and _INT.fullmatch(instance):
        return int(instance)
    # Snowflakes are typed as strings, but Discord stores ids as integers and reads an integer
    # id as that id (docs, Reference > "ID Serialization"); discord.py sends `recipient_id`
    # (POST /users/@me/channels) as an int.
    if isinstance(instance, int) and schema.get("format") == "snowflake" and 0 <= instance < 2**64:
        return str(instance)
    return _NOT_COERCED


_ANY_OF: Keyword = Draft202012Validator.VALIDATORS["anyOf"]


def _tolerant(name: str, keyword: Keyword) -> Keyword:
    """Validate a value Discord coerces (see _coerced) as its coerced form: the `type` keyword
    validates the whole schema again with the coerced value, every other keyword steps aside."""

    def check(validator: Validator, value: Any, instance: Any, schema: JSON) -> Iterator[Any]:
        coerced = _coerced(instance, schema)
        if coerced is not _NOT_COERCED:
            if name == "type":
                yield from validator.descend(coerced, schema)
            return
        if name == "oneOf" and _INT.fullmatch(str(instance)) and not isinstance(instance, bool):
            # "123" now fits both {"type": "string"} and {"type": "integer"} alternatives (as
            # `nonce` has them): a union of alternatives, which is what the publisher means.
            yield from _ANY_OF(validator, value, instance, schema)
            return
        if name in ("oneOf", "anyOf") and isinstance(instance, dict):
            value = _same_type(value, instance)
        yield from keyword(validator, value, instance, schema)

    return check


def _type_values(branch: Any) -> list[Any] | None:
    """The `type` values an alternative requires (components, callbacks, options), if any."""
    ref = branch.get("$ref", "") if isinstance(branch, dict) else ""
    return _ref_type_values(ref) if ref.startswith("#/components/schemas/") else None


@cache
def _ref_type_values(ref: str) -> list[Any] | None:
    target = _spec()["components"]["schemas"][ref.rsplit("/", 1)[1]]
    kind = target.get("properties", {}).get("type", {})
    if "type" not in target.get("required", []) or "enum" not in kind:
        return None
    values: list[Any] = kind["enum"]
    return values


def _same_type(branches: list[Any], instance: JSON) -> list[Any]:
    """Only the alternatives whose required `type` the object has: the others fail on it anyway,
    and checking all of a union of unions (components) costs milliseconds per message."""
    kind = instance.get("type")
    if isinstance(kind, str) and _INT.fullmatch(kind):
        kind = int(kind)
    values = [_type_values(b) for b in branches]
    if kind is None or any(v is None for v in values):
        return branches
    kept = [b for b, v in zip(branches, values, strict=True) if v is not None and kind in v]
    return kept or branches


_TOLERANT = validators.extend(
    Draft202012Validator,
    {name: _tolerant(name, kw) for name, kw in Draft202012Validator.VALIDATORS.items()},
)


@cache
def _spec() -> JSON:
    spec: JSON = json.loads(spec_file("discord-openapi.json").read_text())
    return spec


@cache
def _registry() -> Registry[Any]:
    resource = Resource.from_contents(_spec(), default_specification=DRAFT202012)
    registry: Registry[Any] = Registry().with_resource(SPEC_URI, resource)
    return registry


def _pointer(*parts: str) -> str:
    return "".join("/" + p.replace("~", "~0").replace("/", "~1") for p in parts)


@cache
def _validator(*parts: str) -> Validator:
    """A validator for the schema at a JSON pointer into the spec (refs resolve in the spec)."""
    schema = {"$ref": f"{SPEC_URI}#{_pointer(*parts)}"}
    validator: Validator = _TOLERANT(schema, registry=_registry())
    return validator


@cache
def _templates() -> dict[int, list[tuple[tuple[str, ...], str]]]:
    """Path templates by number of segments, most literal first (`@original` before `{id}`)."""
    by_length: dict[int, list[tuple[tuple[str, ...], str]]] = {}
    for template in _spec()["paths"]:
        segments = tuple(template.strip("/").split("/"))
        by_length.setdefault(len(segments), []).append((segments, template))
    for templates in by_length.values():
        templates.sort(key=lambda t: tuple(s.startswith("{") for s in t[0]))
    return by_length


def _matches(path: str) -> Iterator[tuple[str, dict[str, str]]]:
    segments = [unquote(s) for s in path.split("?")[0].strip("/").split("/")]
    for pattern, template in _templates().get(len(segments), []):
        params: dict[str, str] = {}
        for want, got in zip(pattern, segments, strict=True):
            if want.startswith("{"):
                params[want[1:-1]] = got
            elif want != got:
                break
        else:
            yield template, params


def _parameters(template: str, method: str) -> list[tuple[tuple[str, ...], JSON]]:
    """The operation's parameters (the path item's, then its own), each with its location."""
    item = _spec()["paths"][template]
    shared: list[tuple[tuple[str, ...], JSON]] = [
        (("paths", template, "parameters", str(i)), p)
        for i, p in enumerate(item.get("parameters", []))
    ]
    own: list[tuple[tuple[str, ...], JSON]] = [
        (("paths", template, method, "parameters", str(i)), p)
        for i, p in enumerate(item[method].get("parameters", []))
    ]
    return shared + own


def _where(error: ValidationError, prefix: str = "") -> str:
    path = ".".join(str(p) for p in error.absolute_path)
    return ".".join(p for p in (prefix, path) if p) or "body"


def _closeness(error: ValidationError) -> tuple[int, bool, int]:
    """How far into the value an alternative got before failing: deepest first, then one that
    did not just fail on its discriminator (`type`, `enum`, `const`), then deepest in the spec."""
    if error.context:
        return max(_closeness(e) for e in error.context)
    discriminator = error.validator in ("type", "enum", "const")
    return len(error.absolute_path), not discriminator, len(error.absolute_schema_path)


def _describe(error: ValidationError, prefix: str = "") -> str:
    """One line for an error; for a failed union, the error of the closest alternative."""
    while error.context:
        if all(e.validator == "const" and not e.context for e in error.context):
            allowed = [e.validator_value for e in error.context]
            return f"{_where(error, prefix)}: {error.instance!r} is not one of {allowed}"
        error = max(error.context, key=_closeness)
    return f"{_where(error, prefix)}: {error.message}"


def _value_problems(
    params: list[tuple[tuple[str, ...], JSON]], given: Mapping[str, str], where: str
) -> list[str]:
    """Path or query values (strings) checked against their parameters' schemas."""
    problems: list[str] = []
    for at, param in params:
        name = param["name"]
        if param["in"] != where or name not in given:
            continue
        value: Any = given[name]
        if param["schema"].get("type") == "boolean" and value in _BOOLEANS:
            value = _BOOLEANS[value]
        validator = _validator(*at, "schema")
        problems += [_describe(e, f"{where}.{name}") for e in validator.iter_errors(value)]
    return problems


def discord_problems(
    method: str,
    path: str,
    body: Any,
    query: Mapping[str, str] | None = None,
    content_type: str = JSON_MEDIA,
) -> list[str]:
    """What Discord's spec finds wrong with a request (path relative to /api/v10); [] if none.

    `body` is the parsed JSON body (for multipart requests, the parsed `payload_json` part), or
    None when the request had none; it is checked against the operation's schema for the
    request's `content_type` (a multipart request's `payload_json` against the
    multipart/form-data schema, whose `files[n]` parts tests/fakes/discord/uploads.py checks).
    Each problem reads "<where>: <what>", where is a dotted path into the body,
    `query.<name>`, `path.<name>`, or ROUTE / METHOD.
    """
    method = method.lower()
    candidates = list(_matches(path))
    if not candidates:
        return [f"{ROUTE}: no operation in Discord's spec matches {path}"]
    with_method = [(t, p) for t, p in candidates if method in _spec()["paths"][t]]
    if not with_method:
        templates = ", ".join(t for t, _ in candidates)
        return [f"{METHOD}: {method.upper()} is not an operation of {templates}"]
    template, values = with_method[0]
    for other, other_values in with_method:  # the most literal template whose ids fit
        if not _value_problems(_parameters(other, method), other_values, "path"):
            template, values = other, other_values
            break
    params = _parameters(template, method)
    # Discord ignores query parameters it does not know, so only the known ones are checked.
    problems = _value_problems(params, values, "path") + _value_problems(
        params, query or {}, "query"
    )
    operation = _spec()["paths"][template][method]
    request_body = operation.get("requestBody")
    if request_body is None:
        if body is not None:
            problems.append(f"body: {method.upper()} {template} takes no request body")
        return problems
    if body is None:
        if request_body.get("required"):
            problems.append(f"body: {method.upper()} {template} requires a JSON body")
        return problems
    media = content_type.split(";")[0].strip().lower() or JSON_MEDIA
    if media not in request_body["content"]:
        return [*problems, f"body: {method.upper()} {template} does not take {media}"]
    return problems + list(
        _body_problems(template, method, json.dumps(body, sort_keys=True), media)
    )


@lru_cache(maxsize=2048)
def _body_problems(template: str, method: str, body: str, media: str) -> tuple[str, ...]:
    """The body's problems; cached, as tests send the same bodies again and again and checking
    one takes milliseconds (components are unions of unions)."""
    where = ("paths", template, method, "requestBody", "content", media, "schema")
    return tuple(_describe(e) for e in _validator(*where).iter_errors(json.loads(body)))


def discord_refusal(problems: list[str]) -> tuple[int, JSON]:
    """The status and JSON body the real API answers a request with these problems."""
    wheres = [p.split(": ", 1)[0] for p in problems]
    if ROUTE in wheres:
        return 404, {"message": "404: Not Found", "code": 0}
    if METHOD in wheres:
        return 405, {"message": "405: Method Not Allowed", "code": 0}
    errors: JSON = {}
    for problem in problems:
        where, message = problem.split(": ", 1)
        node = errors
        for key in where.split(".") if where != "body" else []:
            node = node.setdefault(key, {})
        node.setdefault("_errors", []).append({"code": "SPEC_INVALID", "message": message})
    return 400, {"code": 50035, "message": "Invalid Form Body", "errors": errors}


def shape_problems(schema: str, instance: Any) -> list[str]:
    """What Discord's spec finds wrong with an object said to have one of its documented shapes
    (`components/schemas/<schema>`, e.g. MessageResponse); [] if none. For payloads written by
    hand from the docs: the spec's response shapes are what Discord sends in REST answers, and
    the gateway's objects share them."""
    validator = _validator("components", "schemas", schema)
    return [_describe(e) for e in validator.iter_errors(instance)]
