"""HTML form input into msgspec Structs, with every field's problem reported at once.

Litestar's own body parsing answers a JSON 400 on the first bad field; a person filling a form
needs every message beside its field, in their language, with what they typed kept. Limits are
msgspec constraints on the Struct; this module only turns their failures into plain words."""

import functools
import re
from collections.abc import Mapping
from typing import Annotated, Any, TypeVar, get_args, get_origin
from urllib.parse import parse_qsl

import msgspec
from litestar import Request
from msgspec import Meta

from app.addresses import INVALID_ADDRESS, is_valid_address
from app.errors import ValidationFailed

S = TypeVar("S", bound=msgspec.Struct)


class _Address:
    """Marks a field that parse_form checks with app.addresses (a pattern cannot)."""


ADDRESS = _Address()
Email = Annotated[str, Meta(max_length=254, description=INVALID_ADDRESS), ADDRESS]
URLENCODED = "application/x-www-form-urlencoded"
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def text(max_length: int, min_length: int = 0) -> Any:
    return Annotated[str, Meta(max_length=max_length, min_length=min_length)]


def choice(*options: str) -> Any:
    """One of `options`, exactly (a select or radio group)."""
    pattern = "^(" + "|".join(re.escape(o) for o in options) + ")$"
    return Annotated[
        str, Meta(max_length=64, pattern=pattern, description="Choose one of the options.")
    ]


def _meta(tp: Any) -> Meta | None:
    if get_origin(tp) is Annotated:
        for extra in get_args(tp)[1:]:
            if isinstance(extra, Meta):
                return extra
    return None


def _base(tp: Any) -> Any:
    return get_args(tp)[0] if get_origin(tp) is Annotated else tp


def _message(tp: Any) -> str:
    meta = _meta(tp)
    if meta is not None:
        if meta.description:
            return meta.description
        if meta.max_length is not None:
            return f"Use at most {meta.max_length} characters."
        if meta.min_length:
            return f"Use at least {meta.min_length} characters."
    return "Check this value."


async def form_fields(request: Request) -> dict[str, Any]:
    """The posted form, one value per field (first_values). A URL-encoded body is read here
    as Litestar reads it (latin-1, then percent-decoding as UTF-8), without its multi-dict
    and its cache keyed by the body: a kiosk sign-in is one such form (bench B1). Anything
    else (a multipart upload) goes through Litestar."""
    if request.headers.get("content-type", "").split(";", 1)[0].strip().lower() != URLENCODED:
        return first_values(await request.form())
    fields: dict[str, Any] = {}
    for key, value in parse_qsl((await request.body()).decode("latin-1"), keep_blank_values=True):
        fields.setdefault(key, value)
    return fields


def first_values(form: Any) -> dict[str, Any]:
    """One value per field: a repeated field keeps its first value."""
    if hasattr(form, "multi_items"):
        out: dict[str, Any] = {}
        for key, value in form.multi_items():
            out.setdefault(key, value)
        return out
    return dict(form)


@functools.cache
def _fields(struct: type[msgspec.Struct]) -> tuple[msgspec.structs.FieldInfo, ...]:
    # msgspec re-reads a Struct's annotations on every call (a tenth of a kiosk sign-in).
    return msgspec.structs.fields(struct)


@functools.cache
def _address_fields(struct: type[msgspec.Struct]) -> frozenset[str]:
    return frozenset(
        f.name
        for f in _fields(struct)
        if get_origin(f.type) is Annotated and ADDRESS in get_args(f.type)[1:]
    )


def parse_form(form: Mapping[str, Any], struct: type[S]) -> S:
    """Build `struct` from form fields or raise ValidationFailed with a message per field.

    Booleans are checkboxes: present with "true"/"on"/"1" means ticked. Strings are stripped;
    control characters (NUL included) are refused rather than stored."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    addresses = _address_fields(struct)
    for f in _fields(struct):
        raw = form.get(f.encode_name)
        if _base(f.type) is bool:
            values[f.name] = isinstance(raw, str) and raw.lower() in {"true", "on", "1", "yes"}
            continue
        if raw is not None and not isinstance(raw, str):
            errors[f.name] = "Check this value."
            continue
        raw = (raw or "").strip()
        if CONTROL.search(raw):
            errors[f.name] = "This contains characters that are not allowed."
        elif raw == "":
            if f.required:
                errors[f.name] = "This field is required."
        elif f.name in addresses and not is_valid_address(raw):
            errors[f.name] = INVALID_ADDRESS
        else:
            values[f.name] = raw
    if not errors:
        try:  # one conversion for the whole form: what nearly every send needs (bench B1)
            return msgspec.convert(values, struct, strict=False)
        except msgspec.ValidationError:
            pass
    for f in _fields(struct):  # field by field, so every problem gets its own message
        if f.name in errors or f.name not in values or _base(f.type) is bool:
            continue
        try:
            msgspec.convert(values[f.name], f.type, strict=False)
        except msgspec.ValidationError:
            errors[f.name] = "Enter a whole number." if _base(f.type) is int else _message(f.type)
    raise ValidationFailed(errors or {"form": "Check this form."})
