"""The loan forms: JSON Schemas (2020-12) in `forms/`, checked on load, compiled once.

Every violation of a submitted body comes back at once, each with a JSON pointer, a stable code
and a message in Chinese and English built from the field's own titles, so a portal can show it
next to the field. Values are never echoed (a form carries ID numbers).
"""
from __future__ import annotations

import copy
import json
import re
from pathlib import Path

from ..domain.errors import FieldError, NotFound
from . import identifiers

SCENARIOS = ("credit", "entrepreneurship_guarantee", "ip_pledge", "receivable_confirmation",
             "real_estate_mortgage")
COMMON_FILE = "common.schema.json"
_INDEX = re.compile(r"/\d+(?=/|$)")
_TYPE_NAMES = {"string": ("文本", "text"), "integer": ("整数", "a whole number"), "number": ("数字", "a number"),
               "boolean": ("true 或 false", "true or false"), "object": ("对象", "an object"),
               "array": ("列表", "a list"), "null": ("空值", "null")}


class FormDefinitionError(ValueError):
    """A schema file is broken: named by file and JSON pointer."""


def pointer(parts) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _format_checker():
    from jsonschema import FormatChecker
    checker = FormatChecker(formats=())
    checker.checks("uscc")(lambda v: not isinstance(v, str) or identifiers.uscc_problem(v) is None)
    checker.checks("resident_id")(lambda v: not isinstance(v, str) or identifiers.resident_id_problem(v) is None)
    checker.checks("date")(lambda v: not isinstance(v, str) or identifiers.is_iso_date(v))
    checker.checks("plain_text")(identifiers.is_plain_text)
    checker.checks("https_url")(lambda v: not isinstance(v, str) or identifiers.is_https_url(v))
    return checker


def bundle(schema: dict, common: dict) -> dict:
    """A self-contained copy: the common definitions moved in, references made local."""
    prefix = common["$id"] + "#/$defs/"
    out = copy.deepcopy(schema)
    out["$defs"] = {**copy.deepcopy(common["$defs"]), **out.get("$defs", {})}

    def localise(node):
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith(prefix):
                node["$ref"] = "#/$defs/" + ref[len(prefix):]
            for value in node.values():
                localise(value)
        elif isinstance(node, list):
            for value in node:
                localise(value)
    localise(out)
    return out


def _walk_properties(schema: dict, defs: dict, path: str = ""):
    """Yield (pointer pattern with * for array items, property schema) for every property."""
    node = schema
    while isinstance(node, dict) and "$ref" in node and "properties" not in node and "items" not in node:
        node = defs[node["$ref"].rsplit("/", 1)[1]]
    for name, prop in (node.get("properties") or {}).items():
        yield f"{path}/{name}", prop
        yield from _walk_properties(prop, defs, f"{path}/{name}")
    items = node.get("items")
    if isinstance(items, dict):
        if "title" in items:
            yield f"{path}/*", items
        yield from _walk_properties(items, defs, f"{path}/*")


class FormRegistry:
    def __init__(self, schemas: dict[str, dict], common: dict):
        from jsonschema import Draft202012Validator
        from referencing import Registry, Resource
        self._raw = schemas
        self._bundled = {sid: bundle(s, common) for sid, s in schemas.items()}
        registry = Registry().with_resource(common["$id"], Resource.from_contents(common))
        checker = _format_checker()
        self._validators = {sid: Draft202012Validator(s, registry=registry, format_checker=checker)
                            for sid, s in schemas.items()}
        self._titles = {sid: {p: (prop.get("title", ""), prop.get("x-title-zh", ""))
                              for p, prop in _walk_properties(b, b["$defs"])}
                        for sid, b in self._bundled.items()}

    # ---- loading --------------------------------------------------------------------------
    @classmethod
    def load(cls, directory: Path | None = None) -> "FormRegistry":
        from jsonschema import Draft202012Validator
        from ..datafiles import data_dir
        directory = directory or data_dir("forms")
        files = {name: directory / f"{name}.schema.json" for name in ("common", *SCENARIOS)}
        docs = {}
        for name, path in files.items():
            try:
                docs[name] = json.loads(path.read_text(encoding="utf-8"))
                Draft202012Validator.check_schema(docs[name])
            except FileNotFoundError:
                raise FormDefinitionError(f"{path}: missing (every scenario needs its schema)") from None
            except Exception as exc:
                where = pointer(getattr(exc, "path", ())) or ""
                raise FormDefinitionError(f"{path}: {where} {getattr(exc, 'message', exc)}") from None
        common = docs.pop("common")
        registry = cls(docs, common)
        registry._check_definitions(files)
        return registry

    def _check_definitions(self, files: dict) -> None:
        """Every property is titled in both languages and carries a valid example."""
        for sid in SCENARIOS:
            body = self.example(sid)
            errors = self.validate(body)
            if errors:
                raise FormDefinitionError(f"{files[sid]}: the examples do not form a valid body: {errors[0]}")
            bundled = self._bundled[sid]
            for path, prop in _walk_properties(bundled, bundled["$defs"]):
                missing = [k for k in ("title", "x-title-zh", "examples") if not prop.get(k)]
                if missing and not path.endswith("/*"):
                    raise FormDefinitionError(f"{files[sid]}: property {path} lacks {missing}")
                if "examples" in prop and "*" not in path and path.count("/") > 1:
                    self._check_nested_example(sid, files[sid], body, path, prop["examples"][0])

    def _check_nested_example(self, sid, file, body, path, example) -> None:
        trial = copy.deepcopy(body)
        *parents, leaf = path.strip("/").split("/")
        node = trial
        for part in parents:
            node = node[part]
        node[leaf] = example
        errors = self.validate(trial)
        if errors:
            raise FormDefinitionError(f"{file}: the example of {path} is not valid: {errors[0]}")

    # ---- the public interface ---------------------------------------------------------------
    def scenario_ids(self) -> tuple[str, ...]:
        return SCENARIOS

    def list_forms(self) -> list[dict]:
        out = []
        for sid in SCENARIOS:
            meta = self._raw[sid]["x-scenario"]
            out.append({"id": sid, "name_zh": meta["name_zh"], "name_en": meta["name_en"],
                        "agency": meta["agency"], "description_zh": meta["description_zh"],
                        "description_en": meta["description_en"]})
        return out

    def schema(self, scenario_id: str) -> dict:
        if scenario_id not in self._bundled:
            raise NotFound.single("", "unknown_scenario", f"没有名为 {scenario_id} 的贷款场景",
                                  f"No loan scenario called {scenario_id}")
        return copy.deepcopy(self._bundled[scenario_id])

    def example(self, scenario_id: str) -> dict:
        props = self._raw[scenario_id]["properties"]
        return {name: copy.deepcopy(p["examples"][0]) for name, p in props.items()
                if p.get("examples") and name != "as_of"}

    def validate(self, body) -> list[FieldError]:
        if not isinstance(body, dict):
            return [FieldError("", "type", "请求体须为 JSON 对象", "The body must be a JSON object")]
        scenario = body.get("scenario")
        if not isinstance(scenario, str) or scenario not in self._validators:
            ids = "、".join(SCENARIOS)
            return [FieldError("/scenario", "unknown_scenario", f"贷款场景须为以下之一：{ids}",
                               f"scenario must be one of: {', '.join(SCENARIOS)}")]
        titles = self._titles[scenario]
        errors = []
        for error in self._validators[scenario].iter_errors(body):
            errors.extend(self._translate(error, titles))
        unique = {(e.path, e.code): e for e in errors}
        return sorted(unique.values(), key=lambda e: (e.path, e.code))

    # ---- error translation ------------------------------------------------------------------------
    @staticmethod
    def _title(titles: dict, path: str) -> tuple[str, str]:
        pattern = _INDEX.sub("/*", path)
        while pattern:
            if pattern in titles:
                en, zh = titles[pattern]
                return en or pattern, zh or en or pattern
            pattern = pattern.rsplit("/", 1)[0]
        return "The request", "请求"

    def _translate(self, error, titles: dict) -> list[FieldError]:
        path = pointer(error.absolute_path)
        kind, value, instance = error.validator, error.validator_value, error.instance
        if kind == "required":
            return [self._message(titles, f"{path}/{name}", "required", "为必填项", "is required")
                    for name in value if isinstance(instance, dict) and name not in instance]
        if kind == "additionalProperties":
            known = set(error.schema.get("properties", {}))
            return [FieldError(pointer([*error.absolute_path, name]), "unknown_field",
                               f"未知字段“{name}”", f"Unknown field '{name}'")
                    for name in instance if name not in known]
        return [self._single(titles, path, kind, value, instance)]

    def _message(self, titles, path, code, zh, en) -> FieldError:
        title_en, title_zh = self._title(titles, path)
        return FieldError(path, code, f"{title_zh}{zh}", f"{title_en} {en}")

    def _single(self, titles, path, kind, value, instance) -> FieldError:
        m = lambda code, zh, en: self._message(titles, path, code, zh, en)  # noqa: E731
        if kind == "type":
            zh, en = _TYPE_NAMES.get(value, (value, value)) if isinstance(value, str) else ("正确类型", "the right type")
            return m("type", f"须为{zh}", f"must be {en}")
        if kind == "enum":
            return m("enum", f"须为以下之一：{'、'.join(map(str, value))}", f"must be one of: {', '.join(map(str, value))}")
        if kind == "const":
            return m("const", f"须为 {value}", f"must be {value}")
        if kind in ("minimum", "exclusiveMinimum"):
            strict = kind == "exclusiveMinimum"
            return m("minimum", f"须{'大于' if strict else '不小于'} {value}", f"must be {'more than' if strict else 'at least'} {value}")
        if kind in ("maximum", "exclusiveMaximum"):
            strict = kind == "exclusiveMaximum"
            return m("maximum", f"须{'小于' if strict else '不大于'} {value}", f"must be {'less than' if strict else 'at most'} {value}")
        if kind == "minLength":
            return m("min_length", f"至少 {value} 个字符", f"needs at least {value} characters")
        if kind == "maxLength":
            return m("max_length", f"最多 {value} 个字符", f"allows at most {value} characters")
        if kind == "minItems":
            return m("min_items", f"至少选择/填写 {value} 项", f"needs at least {value} item(s)")
        if kind == "maxItems":
            return m("max_items", f"最多 {value} 项", f"allows at most {value} items")
        if kind == "uniqueItems":
            return m("unique_items", "不能有重复项", "must not repeat an item")
        if kind == "pattern":
            return m("pattern", "格式不正确", "has the wrong format")
        if kind == "format":
            return self._format_error(m, value, instance)
        return m(kind, "不符合要求", "is not valid")

    @staticmethod
    def _format_error(m, fmt, instance) -> FieldError:
        if fmt == "uscc":
            if identifiers.uscc_problem(instance) == "check_digit":
                return m("uscc_check_digit", "校验位错误（请核对统一社会信用代码）",
                         "has a wrong check digit (GB 32100-2015); please check the code")
            return m("uscc_format", "须为 18 位统一社会信用代码（数字与大写字母）",
                     "must be an 18-character unified social credit code (digits and capital letters)")
        if fmt == "resident_id":
            return m("resident_id", "不是有效的 18 位居民身份证号码", "is not a valid 18-digit resident ID number")
        if fmt == "date":
            return m("format", "须为 YYYY-MM-DD 格式的有效日期", "must be a valid date as YYYY-MM-DD")
        if fmt == "plain_text":
            return m("control_characters", "不能包含控制字符或文字方向控制符", "must not contain control or text-direction characters")
        if fmt == "https_url":
            return m("format", "须为 https:// 开头的网址", "must be an https:// address")
        return m("format", "格式不正确", "has the wrong format")
