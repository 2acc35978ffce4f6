"""Hostile rule files, shared by the unit tests of the reader and the API tests."""
from chalicelib.datafiles import data_dir


def alias_bomb(levels: int = 9, width: int = 10) -> str:
    """The classic "billion laughs": each level lists the one before `width` times (about 4 KB)."""
    lines = ["l0: &l0 [" + ", ".join(["laugh" * 8] * width) + "]"]
    lines += [f"l{n}: &l{n} [" + ", ".join([f"*l{n - 1}"] * width) + "]" for n in range(1, levels + 1)]
    return "\n".join(lines) + "\n"


def ruleset_with_bomb() -> str:
    """A ruleset file whose source note stands for 10⁹ strings once its aliases are expanded."""
    shipped = (data_dir("rules") / "required_reviews.yaml").read_text(encoding="utf-8")
    bomb = "\n".join(f"  {line}" for line in alias_bomb().splitlines())
    return shipped.replace("  clause: 部门审核/确权后推送至意向银行",
                           "  clause: 部门审核/确权后推送至意向银行\n  note:\n" + "\n".join(
                               "  " + line for line in bomb.splitlines()), 1)


def deeply_nested_rule(depth: int) -> str:
    shipped = (data_dir("rules") / "required_reviews.yaml").read_text(encoding="utf-8")
    when = "{not: " * depth + "{fact: scenario, equals: ip_pledge}" + "}" * depth
    return shipped.replace("when: {fact: scenario, equals: ip_pledge}", f"when: {when}", 1)
