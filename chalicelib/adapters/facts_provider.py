"""Facts the form does not carry, from a data file standing in for the credit-report and list services.

Checked when loaded. Each fact comes back with the source it came from, so the decision can say
which facts the enterprise declared and which the platform looked up.
"""
from __future__ import annotations

from datetime import date

from ..services.ports import ProvidedFact

LISTS = {"dishonest_list": "on_dishonest_list", "financing_platforms": "is_financing_platform"}


class FactsFileError(ValueError):
    pass


class FileFactsProvider:
    def __init__(self, doc: dict):
        if not isinstance(doc, dict) or not {"sources", "lists", "credit_reports"} <= set(doc):
            raise FactsFileError("provider_facts.yaml needs sources, lists and credit_reports")
        self._sources = doc["sources"]
        unknown = (set(doc["lists"]) - set(LISTS)) | ({"credit_report"} - set(self._sources)) | \
            (set(doc["lists"]) - set(self._sources))
        if unknown:
            raise FactsFileError(f"provider_facts.yaml: unknown or undescribed sources {sorted(unknown)}")
        self._lists = {name: frozenset(members or []) for name, members in doc["lists"].items()}
        self._reports = {}
        for uscc, report in (doc["credit_reports"] or {}).items():
            if not isinstance(report, dict) or not isinstance(report.get("has_loans"), bool):
                raise FactsFileError(f"provider_facts.yaml: credit report of {uscc} needs has_loans: true/false")
            self._reports[uscc] = report

    @classmethod
    def load(cls, path=None) -> "FileFactsProvider":
        import yaml
        from ..datafiles import data_dir
        path = path or data_dir("data") / "provider_facts.yaml"
        with open(path, encoding="utf-8") as fh:
            return cls(yaml.safe_load(fh))

    def source(self, name: str) -> dict:
        return dict(self._sources[name])

    def facts_for(self, uscc: str) -> list[ProvidedFact]:
        facts = [ProvidedFact(fact, uscc in self._lists.get(name, frozenset()), name)
                 for name, fact in LISTS.items()]
        report = self._reports.get(uscc)
        if report is not None:
            checked = report.get("checked_on")
            facts.append(ProvidedFact("credit_report_has_loans", report["has_loans"], "credit_report",
                                      checked.isoformat() if isinstance(checked, date) else checked))
        return facts
