"""The size and first-loan subsidy rules as a GoRules JDM graph, evaluated by zen-engine.

The graph is translated from the same rule files the platform loads (not written by hand), so
the comparison stays on the same table when policy staff edit it: one first-hit decision table
per derivation (longest prefix first), one per ruleset (a `priority` ruleset's rules ordered by
rank, a `unique` one's in file order), each ending in a catch-all row with the defaults. Every
table passes its input through, so a later table sees the earlier tables' outcomes as facts.

zen runs on its fast path: one `ZenEngine` whose loader returns the graph already parsed
(`ZenDecisionContent`). Measured here: a loader returning the JSON text makes zen parse it again
on every evaluation (about ten times slower), and so does `create_decision(...).evaluate`.
"""
from __future__ import annotations

import json

GRAPH_KEY = "size_and_subsidy.json"
ORDERED = {"gte": ">=", "gt": ">", "lte": "<=", "lt": "<"}


def literal(value) -> str:
    """A zen expression literal: JSON's spelling of strings, numbers, true/false/null works."""
    if isinstance(value, str) and "{" in value:
        raise NotImplementedError(f"templated outcome {value!r} has no zen equivalent here")
    return json.dumps(value, ensure_ascii=False)


def cell(condition) -> str:
    """A zen unary test on the column's value with the platform's meaning of a missing fact
    (model.py): a positive test on it fails, a negative one holds.

    Written as zen's own short forms where they mean the same (`"farming"`, `>= 300`, a comma
    list for `in`): zen evaluates those faster than the general `$ …` expressions, and a table
    cell whose test errors on a null (`>= 300` on a missing fact) does not match, as wanted."""
    op, v = condition.op, condition.value
    if op == "equals":
        return literal(v)
    if op == "not_equals":
        return f"!= {literal(v)}"                      # null != v holds in zen too
    if op in ("gte", "gt", "lte", "lt"):
        return f"{ORDERED[op]} {literal(v)}"
    if op == "between":
        return f"[{literal(v[0])}..{literal(v[1])}]"
    if op == "in":
        return ", ".join(literal(x) for x in v)
    if op == "not_in":
        return f"$ == null or not ($ in [{', '.join(literal(x) for x in v)}])"
    if op == "starts_with_any":
        return " or ".join(f"startsWith($, {literal(p)})" for p in v)
    if op == "not_starts_with_any":
        return "$ == null or " + " and ".join(f"not startsWith($, {literal(p)})" for p in v)
    if op == "exists":
        return "$ != null" if v else "$ == null"
    raise NotImplementedError(f"no zen cell for operator {op}")


def conjuncts(condition) -> list:
    """The leaves of a rule written as `all` of tests (the shape the size and subsidy rules have)."""
    if condition.op == "always":
        return []
    if condition.op == "all" and all(p.fact for p in condition.parts):
        return list(condition.parts)
    if condition.fact:
        return [condition]
    raise NotImplementedError("only rules that are a conjunction of single-fact tests become table rows")


def table_node(node_id: str, name: str, inputs: list[str], outputs: list[str], rows: list[dict]) -> dict:
    columns_in = [{"id": f"{node_id}-in-{i}", "name": fact, "field": fact} for i, fact in enumerate(inputs)]
    columns_out = [{"id": f"{node_id}-out-{i}", "name": out, "field": out} for i, out in enumerate(outputs)]
    rules = []
    for n, row in enumerate(rows):
        rule = {"_id": f"{node_id}-r{n}"}
        rule.update({c["id"]: row["when"].get(c["field"], "") for c in columns_in})
        rule.update({c["id"]: row["then"][c["field"]] for c in columns_out})
        rules.append(rule)
    return {"id": node_id, "type": "decisionTableNode", "name": name, "position": {"x": 0, "y": 0},
            "content": {"hitPolicy": "first", "passThrough": True, "inputs": columns_in,
                        "outputs": columns_out, "rules": rules}}


def derivation_node(node_id: str, derivation) -> dict:
    """Longest prefix wins: the longest prefixes come first in a first-hit table."""
    rows = [{"when": {derivation.source: f"startsWith($, {literal(prefix)})"},
             "then": {derivation.fact: literal(value)}}
            for prefix, value in sorted(derivation.table.items(), key=lambda kv: -len(kv[0]))]
    rows.append({"when": {}, "then": {derivation.fact: literal(derivation.default)}})
    return table_node(node_id, f"derive {derivation.fact}", [derivation.source], [derivation.fact], rows)


def ruleset_node(node_id: str, ruleset) -> dict:
    outputs = sorted(set(ruleset.defaults) | {name for r in ruleset.rules for name in r.then})
    ordered = list(ruleset.rules)
    if ruleset.hit_policy == "priority":
        if len(outputs) != 1:
            raise NotImplementedError("a first-hit table gives one priority per row; this ruleset has several outcomes")
        ranks = ruleset.priority.get(outputs[0], [])
        ordered.sort(key=lambda r: ranks.index(r.then[outputs[0]]) if r.then[outputs[0]] in ranks else len(ranks))
    elif ruleset.hit_policy != "unique":
        raise NotImplementedError(f"hit policy {ruleset.hit_policy} is not translated")
    rows = []
    for rule in ordered:
        when: dict[str, str] = {}
        for leaf in conjuncts(rule.when):
            if leaf.fact in when:
                raise NotImplementedError(f"rule {rule.id} tests {leaf.fact} twice")
            when[leaf.fact] = cell(leaf)
        rows.append({"when": when, "then": {o: literal(rule.then.get(o, ruleset.defaults.get(o))) for o in outputs}})
    rows.append({"when": {}, "then": {o: literal(ruleset.defaults.get(o)) for o in outputs}})
    inputs = sorted({fact for row in rows for fact in row["when"]})
    return table_node(node_id, ruleset.key, inputs, outputs, rows)


def jdm_graph(rulesets) -> dict:
    """input → (derivations, ruleset table) for each ruleset in order → output."""
    nodes = [{"id": "request", "type": "inputNode", "name": "Request", "position": {"x": 0, "y": 0}}]
    for n, ruleset in enumerate(rulesets):
        for m, derivation in enumerate(ruleset.derive):
            nodes.append(derivation_node(f"t{n}-d{m}", derivation))
        nodes.append(ruleset_node(f"t{n}", ruleset))
    nodes.append({"id": "response", "type": "outputNode", "name": "Response", "position": {"x": 0, "y": 0}})
    edges = [{"id": f"e{i}", "type": "edge", "sourceId": a["id"], "targetId": b["id"]}
             for i, (a, b) in enumerate(zip(nodes, nodes[1:]))]
    return {"contentType": "application/vnd.gorules.decision", "nodes": nodes, "edges": edges}


class ZenSizeAndSubsidy:
    """zen-engine deciding enterprise size and the first-loan subsidy for a facts dict."""

    def __init__(self, rulesets):
        import zen
        content = zen.ZenDecisionContent(json.dumps(jdm_graph(rulesets), ensure_ascii=False))
        self._engine = zen.ZenEngine({"loader": lambda key: content})

    def decide(self, facts: dict) -> dict:
        return self._engine.evaluate(GRAPH_KEY, facts)["result"]
