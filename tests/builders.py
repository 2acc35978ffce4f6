"""Valid request bodies built from the forms' own examples (never pasted into tests)."""
from __future__ import annotations

import copy
from functools import lru_cache

from stdnum.cn import uscc

from chalicelib.forms import FormRegistry


@lru_cache(maxsize=1)
def forms() -> FormRegistry:
    return FormRegistry.load()


def valid_uscc(seed: int) -> str:
    """A distinct, valid unified social credit code per seed (Haidian, enterprise type 91)."""
    body = f"91110108{seed:09d}"
    return body + uscc.calc_check_digit(body)


def valid_body(scenario: str, **overrides) -> dict:
    """The scenario's example body; keys may be dotted paths: valid_body("credit", **{"enterprise.employees": 5})."""
    body = copy.deepcopy(forms().example(scenario))
    for dotted, value in overrides.items():
        node = body
        *parents, leaf = dotted.split(".")
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        node[leaf] = value
    return body
