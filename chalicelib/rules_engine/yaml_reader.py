"""The one way rule files are read from YAML: safely, bounded, and with the line of every part.

A rule file arrives from policy staff through the API (`PUT /rules/…`, `POST /rules/simulate`)
as well as from the repository, so it is read as hostile text. YAML anchors and aliases
(`&a` … `*a`) let a 4 KB file stand for gigabytes once expanded (an "alias bomb": ×10 per
level); a rule file never needs them, so the first one is refused while the document is being
composed, before any value is built. Nesting is bounded too: every step after reading (the
parser, the compilers) walks the document recursively, and thousands of levels would end in
RecursionError, not in a plain answer.

The test cases beside the rules (`rules/tests/`, repository only) share facts through anchors;
they are read with `aliases=True`, which still refuses a document whose expanded size (every
alias counted as a copy) passes `MAX_EXPANDED_NODES`, measured on the composed nodes before
anything is built.
"""
from __future__ import annotations

from pathlib import Path

import yaml
from yaml.events import AliasEvent

MAX_DEPTH = 32                # the shipped rule and case files nest at most 9 levels
MAX_EXPANDED_NODES = 100_000  # the largest case file, expanded, holds about 5,000


class RuleFileError(ValueError):
    def __init__(self, file, line: int, message: str):
        self.file, self.line, self.message = str(file), line, message
        super().__init__(f"{file}:{line}: {message}")


class _Refused(Exception):
    def __init__(self, line: int, message: str):
        self.line, self.message = line, message


class _Map(dict):
    line = 0
    key_lines: dict = {}


class _Seq(list):
    line = 0


class _LineLoader(yaml.SafeLoader):
    """SafeLoader that bounds nesting, refuses anchors unless allowed, and remembers the line of
    every mapping and list (a person fixing a file needs the line)."""

    allow_aliases = False

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        line = event.start_mark.line + 1
        if not self.allow_aliases and (isinstance(event, AliasEvent) or getattr(event, "anchor", None)):
            raise _Refused(line, "YAML anchors and aliases (&name, *name) are not allowed in a rule file; "
                                 "write each value out in full")
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _Refused(line, f"nested more than {MAX_DEPTH} levels deep; a rule file never needs that "
                                 f"many (split the condition into simpler rules)")
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def get_single_data(self):
        node = self.get_single_node()
        if node is None:
            return None
        if self.allow_aliases:
            size, depth = _expanded(node)
            if size > MAX_EXPANDED_NODES or depth > MAX_DEPTH:
                raise _Refused(1, f"through its aliases the document expands to {size:,} values nested "
                                  f"{depth} deep (at most {MAX_EXPANDED_NODES:,} and {MAX_DEPTH}); "
                                  "write the values out or share fewer")
        return self.construct_document(node)


class _CaseLoader(_LineLoader):
    allow_aliases = True


def _expanded(root) -> tuple[int, int]:
    """How many values the document stands for once every alias is copied out, and how deep it
    then nests. Each shared node is measured once, without recursion, so even a bomb is measured
    in time linear in its text; an alias inside its own anchor is refused."""
    measured: dict[int, tuple[int, int]] = {}
    in_progress: set[int] = set()
    stack = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key, children = id(node), _children(node)
        if children_done:
            measured[key] = (1 + sum(measured[id(c)][0] for c in children),
                             1 + max((measured[id(c)][1] for c in children), default=0))
            in_progress.discard(key)
        elif key not in measured:
            if key in in_progress:
                raise _Refused(node.start_mark.line + 1, "an alias refers to the value it is part of")
            in_progress.add(key)
            stack.append((node, True))
            stack.extend((c, False) for c in children if id(c) not in measured)
    return measured[id(root)]


def _children(node) -> list:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return list(node.value) if isinstance(node, yaml.SequenceNode) else []


def _construct_map(loader, node):
    loader.flatten_mapping(node)
    pairs = [(loader.construct_object(k, deep=True), k, v) for k, v in node.value]
    out = _Map((key, loader.construct_object(v, deep=True)) for key, _, v in pairs)
    out.line = node.start_mark.line + 1
    out.key_lines = {key: k.start_mark.line + 1 for key, k, _ in pairs if isinstance(key, (str, int, float, bool))}
    return out


def _construct_seq(loader, node):
    out = _Seq(loader.construct_object(child, deep=True) for child in node.value)
    out.line = node.start_mark.line + 1
    return out


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_map)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_seq)


def read_yaml(path: Path, text: str | None = None, aliases: bool = False):
    """The document in `text` (else the file at `path`); a wrong one is a RuleFileError naming
    `path`, the line and a plain reason. `aliases=True` only for the repository's case files."""
    text = path.read_text(encoding="utf-8") if text is None else text
    try:
        return yaml.load(text, Loader=_CaseLoader if aliases else _LineLoader)
    except _Refused as exc:
        raise RuleFileError(path, exc.line, exc.message) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        raise RuleFileError(path, mark.line + 1 if mark else 0,
                            f"not valid YAML ({exc.problem}); check indentation and quotes") from None
    except yaml.reader.ReaderError as exc:   # a character YAML forbids (a control character, …)
        line = text.count("\n", 0, exc.position) + 1
        raise RuleFileError(path, line, f"a character YAML does not allow (code point {exc.character!r}); "
                                        "remove it or retype the line") from None
    except yaml.YAMLError as exc:
        raise RuleFileError(path, 0, f"not valid YAML ({exc})") from None
