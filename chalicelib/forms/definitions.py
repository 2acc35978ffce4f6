"""The schema files in `forms/`: read, walked property by property, and checked before use.

Policy and portal staff edit these files, so a mistake must be named precisely: every complaint
gives the file and a JSON pointer into it. Nothing here imports jsonschema; checks that need a
validator receive one from the registry.
"""
from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from ..domain.application import SCENARIOS

COMMON = "common"
SCENARIO_META = ("id", "name_zh", "name_en", "agency", "description_zh", "description_en")
AGENCY_KINDS = (None, "hr", "ipo", "realestate", "purchaser")
NOT_IN_EXAMPLE = ("as_of",)  # only the eligibility endpoint reads it; a stored application has none


class FormDefinitionError(ValueError):
    """A schema file is broken; the message names the file and a JSON pointer into it."""


def escape(part) -> str:
    return str(part).replace("~", "~0").replace("/", "~1")


def pointer(parts) -> str:
    return "".join("/" + escape(p) for p in parts)


def file_name(name: str) -> str:
    return f"{name}.schema.json"


def read_documents(directory: Path, check_schema: Callable[[dict], None]) -> dict[str, dict]:
    """Each file parsed and checked against the 2020-12 metaschema, by name (`common`, scenario ids)."""
    docs = {}
    for name in (COMMON, *SCENARIOS):
        path = directory / file_name(name)
        try:
            docs[name] = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise FormDefinitionError(f"{path}: missing (every scenario needs its schema)") from None
        except (ValueError, UnicodeDecodeError) as exc:
            raise FormDefinitionError(f"{path}: not valid JSON: {exc}") from None
        try:
            check_schema(docs[name])
        except Exception as exc:  # jsonschema.SchemaError, kept out of this module's imports
            where = pointer(getattr(exc, "path", ())) or "/"
            raise FormDefinitionError(f"{path}: {where}: {getattr(exc, 'message', exc)}") from None
    return docs


@dataclass(frozen=True)
class Field:
    """One property (or object array item) of a form, where it is written and where it lands."""
    file: str      # the schema file that writes it
    where: str     # JSON pointer inside that file
    path: str      # JSON pointer into a request body, with `*` for any array index
    schema: dict   # the property's own schema (its titles and examples, maybe a $ref)
    target: dict   # the schema its properties and items come from (the $ref followed)


class Documents:
    """The parsed files and the walks over them that the registry and the checks share."""

    def __init__(self, docs: dict[str, dict]):
        self.docs = docs
        self._by_id = {}
        for name, doc in docs.items():
            if not isinstance(doc.get("$id"), str):
                raise FormDefinitionError(f"{file_name(name)}: /$id: every form file needs an absolute $id")
            self._by_id[doc["$id"]] = name

    def follow(self, file: str, where: str, node: dict, seen: tuple = ()) -> tuple[str, str, dict]:
        """The schema that really holds `node`'s properties and items, following $ref."""
        while isinstance(node, dict) and "$ref" in node and "properties" not in node and "items" not in node:
            if (file, where) in seen:
                raise FormDefinitionError(f"{file_name(file)}: {where}: $ref leads round in a circle")
            seen = (*seen, (file, where))
            file, where, node = self.resolve(file, where, node["$ref"])
        return file, where, node

    def resolve(self, file: str, where: str, ref) -> tuple[str, str, dict]:
        base, _, fragment = str(ref).partition("#")
        target = self._by_id.get(base) if base else file
        node = self.docs.get(target) if target else None
        if node is None or (fragment and not fragment.startswith("/")):
            raise FormDefinitionError(
                f"{file_name(file)}: {where}/$ref: {ref!r} must name a form file's $id and a JSON pointer")
        for part in fragment.split("/")[1:]:
            part = part.replace("~1", "/").replace("~0", "~")
            node = node.get(part) if isinstance(node, dict) else None
            if node is None:
                raise FormDefinitionError(f"{file_name(file)}: {where}/$ref: {ref!r} points at nothing")
        return target, fragment, node

    def fields(self, name: str) -> Iterator[Field]:
        """Every property of the form, at every depth, and every array item that is an object."""
        yield from self._children(name, "", self.docs[name], "", depth=0)

    def _children(self, file, where, node, path, depth) -> Iterator[Field]:
        if depth > 32:
            raise FormDefinitionError(f"{file_name(file)}: {where}: nested too deep (a $ref cycle?)")
        file, where, node = self.follow(file, where, node)
        if not isinstance(node, dict):
            return
        for key, prop in (node.get("properties") or {}).items():
            w, p = f"{where}/properties/{escape(key)}", f"{path}/{escape(key)}"
            yield Field(file, w, p, prop, self.follow(file, w, prop)[2])
            yield from self._children(file, w, prop, p, depth + 1)
        items = node.get("items")
        if isinstance(items, dict):
            w, p = f"{where}/items", f"{path}/*"
            target = self.follow(file, w, items)[2]
            if target.get("type") == "object" or "properties" in target:
                yield Field(file, w, p, items, target)
            yield from self._children(file, w, items, p, depth + 1)

    def example(self, name: str) -> dict:
        """A body assembled from the leaves' examples, so each placeholder is written only once."""
        body = self._assemble(name, "", self.docs[name])
        for key in NOT_IN_EXAMPLE:
            body.pop(key, None)
        return body

    def assembled(self, field: Field):
        """What `field`'s value is when built from the examples of the fields inside it."""
        return self._assemble(field.file, field.where, field.schema)

    def _assemble(self, file, where, node):
        file, where, target = self.follow(file, where, node)
        properties = target.get("properties")
        if isinstance(properties, dict) and properties:
            return {key: self._assemble(file, f"{where}/properties/{escape(key)}", prop)
                    for key, prop in properties.items() if _has_example(self, file, where, prop)}
        items = target.get("items")
        if target.get("type") == "array" and isinstance(items, dict) and \
                "properties" in self.follow(file, f"{where}/items", items)[2]:
            return [self._assemble(file, f"{where}/items", items)]
        return copy.deepcopy(node["examples"][0])


def _has_example(docs: Documents, file: str, where: str, prop: dict) -> bool:
    return bool(prop.get("examples")) or "properties" in docs.follow(file, where, prop)[2]


def check_scenario_file(name: str, doc: dict) -> None:
    """The top of a scenario file: its titles, its `x-scenario` card, and `scenario` fixed to its id."""
    where = file_name(name)
    for key in ("title", "x-title-zh"):
        if not _text(doc.get(key)):
            raise FormDefinitionError(f"{where}: /{key}: the form needs a title in both languages")
    meta = doc.get("x-scenario")
    if not isinstance(meta, dict):
        raise FormDefinitionError(f"{where}: /x-scenario: missing (id, names, agency, descriptions)")
    for key in SCENARIO_META:
        if key not in meta or (key != "agency" and not _text(meta[key])):
            raise FormDefinitionError(f"{where}: /x-scenario/{key}: missing or empty")
    if meta["id"] != name:
        raise FormDefinitionError(f"{where}: /x-scenario/id: is {meta['id']!r}, the file says {name!r}")
    if meta["agency"] not in AGENCY_KINDS:
        raise FormDefinitionError(f"{where}: /x-scenario/agency: must be one of {AGENCY_KINDS}")
    if (doc.get("properties") or {}).get("scenario", {}).get("const") != name:
        raise FormDefinitionError(f"{where}: /properties/scenario/const: must be {name!r}")


def check_field(field: Field, example_errors: Callable[[Field, object], list[str]]) -> None:
    """A property is titled in both languages, closed to unknown fields, and its examples are valid."""
    where = f"{file_name(field.file)}: {field.where}"
    for key, what in (("title", "an English title"), ("x-title-zh", "a Chinese title (x-title-zh)")):
        if not _text(field.schema.get(key)):
            raise FormDefinitionError(f"{where}: property {field.path} needs {what}")
    examples = field.schema.get("examples")
    if not isinstance(examples, list) or not examples:
        raise FormDefinitionError(f"{where}: property {field.path} needs `examples` with a valid value")
    if "properties" in field.target and field.target.get("additionalProperties") is not False:
        raise FormDefinitionError(f"{where}: object {field.path} must set additionalProperties: false")
    for index, example in enumerate(examples):
        problems = example_errors(field, example)
        if problems:
            raise FormDefinitionError(
                f"{where}/examples/{index}: the example of {field.path} is not valid: {problems[0]}")


def check_composite_example(field: Field, assembled) -> None:
    """An object's (or list's) first example is what its own fields' examples make: one source."""
    if not (field.schema.get("examples") and isinstance(assembled, (dict, list))):
        return
    if field.schema["examples"][0] != assembled:
        raise FormDefinitionError(
            f"{file_name(field.file)}: {field.where}/examples/0: the example of {field.path} must equal "
            f"the one its fields' examples make: {json.dumps(assembled, ensure_ascii=False)}")


def _text(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


ENUM_LABELS = "x-enum-labels"


def enum_label_key(value) -> str:
    """The key naming an allowed value in `x-enum-labels`: the text itself, else as JSON writes it."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def check_enum_labels(name: str, doc: dict) -> None:
    """Every `enum` carries `x-enum-labels` giving each allowed value a zh and an en label (and
    no label for a value it does not allow): the portal shows "海淀区" and submits `haidian`."""
    stack = [((), doc)]
    while stack:
        parts, node = stack.pop()
        if isinstance(node, list):
            stack.extend(((*parts, n), value) for n, value in enumerate(node))
        if not isinstance(node, dict):
            continue
        stack.extend(((*parts, key), value) for key, value in node.items() if key != ENUM_LABELS)
        if "enum" in node:
            _check_labels(f"{file_name(name)}: {pointer(parts)}", node["enum"], node.get(ENUM_LABELS))


def _check_labels(where: str, allowed, labels) -> None:
    if not isinstance(labels, dict):
        raise FormDefinitionError(f"{where}/{ENUM_LABELS}: missing (a zh and an en label for each allowed value)")
    keys = [enum_label_key(value) for value in allowed]
    for key in keys:
        label = labels.get(key)
        if not (isinstance(label, dict) and _text(label.get("zh")) and _text(label.get("en"))):
            raise FormDefinitionError(f"{where}/{ENUM_LABELS}/{escape(key)}: needs a zh and an en label")
    extra = sorted(set(labels) - set(keys))
    if extra:
        raise FormDefinitionError(f"{where}/{ENUM_LABELS}: labels values the enum does not allow: {extra}")
