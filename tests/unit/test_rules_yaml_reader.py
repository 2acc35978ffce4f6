"""Rule files are read as hostile text: no YAML alias bomb, no nesting deep enough to crash a step."""
import time
from pathlib import Path

import pytest

from chalicelib.rules_engine import RuleBook, RuleFileError
from chalicelib.rules_engine.cli import check
from chalicelib.rules_engine.yaml_reader import MAX_DEPTH, read_yaml
from tests.hostile_rules import alias_bomb, deeply_nested_rule, ruleset_with_bomb


def test_a_4kb_alias_bomb_is_refused_at_once_before_anything_is_built(rules):
    (rules / "required_reviews.yaml").write_text(ruleset_with_bomb(), encoding="utf-8")
    assert 3_000 < len(ruleset_with_bomb().encode()) < 6_000
    started = time.perf_counter()
    with pytest.raises(RuleFileError):
        read_yaml(rules / "required_reviews.yaml")
    assert time.perf_counter() - started < 0.5   # expanded, it took 8.8 s and 800 MB at depth 7
    with pytest.raises(RuleFileError) as info:
        RuleBook.load(rules)
    assert info.value.file.endswith("required_reviews.yaml")
    assert "anchors and aliases" in info.value.message
    lines = ruleset_with_bomb().splitlines()
    assert "&l0" in lines[info.value.line - 1]


def test_make_rules_check_refuses_the_alias_bomb(rules, capsys):
    (rules / "required_reviews.yaml").write_text(ruleset_with_bomb(), encoding="utf-8")
    assert check(rules) == 1
    assert "required_reviews.yaml" in capsys.readouterr().out


def test_a_single_harmless_anchor_is_refused_in_a_rule_file_too():
    with pytest.raises(RuleFileError, match="anchors and aliases"):
        read_yaml(Path("x.yaml"), "a: &shared {b: 1}\nc: *shared\n")


def test_nesting_deeper_than_the_bound_is_a_plain_refusal_not_a_recursion_error(rules):
    (rules / "required_reviews.yaml").write_text(deeply_nested_rule(5_000), encoding="utf-8")
    with pytest.raises(RuleFileError) as info:
        RuleBook.load(rules)
    assert f"more than {MAX_DEPTH} levels" in info.value.message


def test_nesting_within_the_bound_still_loads_and_decides(rules):
    # Every `not` is one level of YAML; the rule file nests 4 levels before `when`.
    (rules / "required_reviews.yaml").write_text(deeply_nested_rule(MAX_DEPTH - 6), encoding="utf-8")
    book = RuleBook.load(rules)
    assert any(r.name == "required_reviews" for r in book.rulesets)


def test_case_files_may_share_facts_through_anchors_but_not_explode():
    assert read_yaml(Path("cases.yaml"), "base: &b {x: 1}\ncases: [{<<: *b, y: 2}]\n", aliases=True)["cases"] \
        == [{"x": 1, "y": 2}]
    started = time.perf_counter()
    with pytest.raises(RuleFileError, match="expands to"):
        read_yaml(Path("cases.yaml"), alias_bomb(), aliases=True)
    assert time.perf_counter() - started < 0.5


def test_an_alias_inside_its_own_anchor_is_refused():
    with pytest.raises(RuleFileError, match="refers to the value it is part of"):
        read_yaml(Path("cases.yaml"), "a: &a [1, *a]\n", aliases=True)
