"""jsonschema's errors turned into the API's: a pointer, a stable code, and zh/en sentences.

Sentences are built from the field's own titles ("企业名称为必填项" / "Enterprise name is required").
They never repeat what the person typed: a form carries ID numbers, and an echoed value could
carry anything. Only the schema's own words (titles, allowed values, its examples) appear.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

from ..domain.errors import FieldError
from . import identifiers
from .definitions import escape, pointer

_INDEX = re.compile(r"/[0-9]+(?=/|$)")
_UNSAFE = re.compile(r"[^\w .:@+-]", re.UNICODE)
_TYPE_NAMES = {"string": ("文本", "text"), "integer": ("整数", "a whole number"),
               "number": ("数字", "a number"), "boolean": ("true 或 false", "true or false"),
               "object": ("对象", "an object"), "array": ("列表", "a list"), "null": ("空值", "null")}
_WHOLE = ("请求", "The request")


@dataclass(frozen=True)
class Label:
    zh: str
    en: str
    hint: str | None = None       # an example of the right form, shown with a format error
    item_hint: str | None = None  # the same for the elements of a list of plain values


def label_of(schema: dict) -> Label:
    examples = schema.get("examples") or [None]
    first = examples[0]
    hint = first if isinstance(first, str) and len(first) <= 80 else None
    item = first[0] if isinstance(first, list) and first and isinstance(first[0], str) else None
    return Label(schema.get("x-title-zh") or schema.get("title") or "", schema.get("title") or "", hint, item)


def _label(labels: dict[str, Label], path: str) -> Label:
    """The field's own label; for an element of a list of plain values, the list's, with its number."""
    found = labels.get(_INDEX.sub("/*", path))
    if found:
        return found
    head, _, last = path.rpartition("/")
    if last.isdigit() and head:
        parent = _label(labels, head)
        n = int(last) + 1 if len(last) < 10 else last
        return Label(f"{parent.zh}（第 {n} 项）", f"{parent.en} (item {n})", parent.item_hint)
    if head:
        return _label(labels, head)
    return Label(*_WHOLE)


def _say(labels, path, code, zh, en) -> FieldError:
    label = _label(labels, path)
    return FieldError(path, code, f"{label.zh}{zh}", f"{label.en} {en}")


def _name(key) -> str:
    """A field name the person sent, made safe to show: short, and only ordinary characters."""
    text = _UNSAFE.sub("?", str(key)[:40])
    return text + ("…" if len(str(key)) > 40 else "")


def _json(value) -> str:
    """An allowed value as the person would write it in JSON: text as is, `true`, `null`, 5."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _number(value) -> str:
    return f"{value:,}" if isinstance(value, int) and abs(value) >= 10_000 else f"{value:g}" \
        if isinstance(value, float) else str(value)


def translate(error, labels: dict[str, Label]) -> list[FieldError]:
    """One jsonschema error as FieldErrors (a `required` or an unknown-field error may name several)."""
    parts = list(error.absolute_path)
    path = pointer(parts)
    kind, value, instance = error.validator, error.validator_value, error.instance
    if kind == "required":
        missing = [name for name in value if isinstance(instance, dict) and name not in instance]
        return [_say(labels, f"{path}/{escape(name)}", "required", "为必填项", "is required")
                for name in missing]
    if kind in ("additionalProperties", "unevaluatedProperties"):
        known = set(error.schema.get("properties") or ())
        return [FieldError(pointer([*parts, name]), "unknown_field",
                           f"表单中没有字段“{_name(name)}”，请删除", f"There is no field '{_name(name)}' in this form; remove it")
                for name in (instance if isinstance(instance, dict) else ()) if name not in known]
    return [_single(labels, path, kind, value, instance)]


def _single(labels, path, kind, value, instance) -> FieldError:
    def say(code, zh, en):
        return _say(labels, path, code, zh, en)

    if kind == "type":
        zh, en = _TYPE_NAMES.get(value, ("正确类型", "the right type")) if isinstance(value, str) \
            else ("正确类型", "the right type")
        return say("type", f"须为{zh}", f"must be {en}")
    if kind == "enum":
        return say("enum", f"须为以下之一：{'、'.join(map(_json, value))}", f"must be one of: {', '.join(map(_json, value))}")
    if kind == "const":
        return say("const", f"须为 {_json(value)}", f"must be {_json(value)}")
    if kind in ("minimum", "exclusiveMinimum"):
        strict = kind == "exclusiveMinimum"
        return say("minimum", f"{'须大于' if strict else '不能小于'} {_number(value)}",
                   f"must be {'more than' if strict else 'at least'} {_number(value)}")
    if kind in ("maximum", "exclusiveMaximum"):
        strict = kind == "exclusiveMaximum"
        return say("maximum", f"{'须小于' if strict else '不能大于'} {_number(value)}",
                   f"must be {'less than' if strict else 'at most'} {_number(value)}")
    if kind == "minLength":
        return say("min_length", f"至少 {value} 个字符", f"needs at least {value} characters")
    if kind == "maxLength":
        return say("max_length", f"最多 {value} 个字符", f"allows at most {value} characters")
    if kind == "minItems":
        return say("min_items", f"至少 {value} 项", f"needs at least {value} item{'s' if value != 1 else ''}")
    if kind == "maxItems":
        return say("max_items", f"最多 {value} 项", f"allows at most {value} items")
    if kind == "uniqueItems":
        return say("unique_items", "不能有重复项", "must not list the same item twice")
    if kind == "pattern":
        hint = _label(labels, path).hint
        return say("pattern", f"格式不正确{f'（例如 {hint}）' if hint else ''}",
                   f"has the wrong format{f' (for example {hint})' if hint else ''}")
    if kind == "format":
        return _format(say, value, instance)
    return say(str(kind), "不符合要求", "is not valid")


def _format(say, fmt, instance) -> FieldError:
    if fmt == "uscc":
        if identifiers.uscc_error(instance) == identifiers.USCC_CHECK_DIGIT:
            return say(identifiers.USCC_CHECK_DIGIT, "校验位错误，请核对统一社会信用代码",
                       "has a wrong check digit (GB 32100-2015); please check the code")
        return say(identifiers.USCC_FORMAT, "须为 18 位：前 8 位为数字，其余为数字或大写字母（不含 I、O、S、V、Z）",
                   "must be 18 characters: 8 digits, then digits or capital letters except I, O, S, V, Z")
    if fmt == "resident_id":
        return say("resident_id", "不是有效的 18 位居民身份证号码", "is not a valid 18-character resident ID number")
    if fmt == "date":
        return say("format", "须为 YYYY-MM-DD 格式的有效日期", "must be a real date written YYYY-MM-DD")
    if fmt == "uri":
        return say("format", "须为完整的网址（如 https://…）", "must be a complete web address (https://...)")
    if fmt == "cn_patent_number":
        return say("patent_check_digit", "校验位（小数点后一位）错误，请按专利证书核对",
                   "has a wrong check digit (the character after the dot); please check the certificate")
    if fmt == "plain_text":
        return say("control_characters", "不能包含控制字符或文字方向控制符",
                   "must not contain control characters or text-direction overrides")
    if fmt == "yuan":
        return say("fen", "须以元为单位，最多保留两位小数（精确到分）", "must be yuan with at most two decimals (fen)")
    return say("format", "格式不正确", "has the wrong format")
