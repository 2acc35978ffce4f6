"""Valid request bodies built from the forms' own examples (never pasted into tests)."""
from __future__ import annotations

import copy
from functools import lru_cache

from chalicelib.forms import FormRegistry

_ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


@lru_cache(maxsize=1)
def forms() -> FormRegistry:
    return FormRegistry.load()


@lru_cache(maxsize=1)
def catalog():
    from chalicelib.catalog import Catalog
    return Catalog.load()


def _organization_check_digit(code: str) -> str:
    """GB 11714-1997: the check digit of the 8-character organization code inside a USCC."""
    remainder = 11 - sum(_ORG_ALPHABET.index(c) * w for c, w in zip(code, _ORG_WEIGHTS)) % 11
    return {10: "X", 11: "0"}.get(remainder, str(remainder))


def valid_uscc(seed: int) -> str:
    """A distinct, valid unified social credit code per seed: an enterprise (91) registered in
    Haidian (110108) whose embedded organization code and final check digit are both right."""
    from stdnum.cn import uscc
    if not 0 <= seed < 10**8:
        raise ValueError("seed must be in 0 .. 99,999,999")
    organization = f"{seed:08d}"
    body = f"91110108{organization}{_organization_check_digit(organization)}"
    return body + uscc.calc_check_digit(body)


def valid_body(scenario: str, /, **overrides) -> dict:
    """The scenario's example body with overrides; keys may be dotted paths, list indexes as numbers:
    valid_body("credit", **{"enterprise.employees": 5, "banks.0": "BOC-BJ"})."""
    body = copy.deepcopy(forms().example(scenario))
    for dotted, value in overrides.items():
        node = body
        *parents, leaf = dotted.split(".")
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        if isinstance(node, list):
            node[int(leaf)] = value
        else:
            node[leaf] = value
    return body


def valid_offer(scenario: str, bank: str = "ICBC-BJ", *, amount=800_000, term_months: int = 12,
                reason: str = "经营稳定，同意授信", **extra) -> dict:
    """A bank approval inside the bank's published products for the scenario: the rate midway
    through their range (an offer outside it is refused, DESIGN "Bank terms")."""
    products = catalog().products(scenario=scenario, bank=bank)
    low = min(p["annual_rate_min"] for p in products)
    high = max(p["annual_rate_max"] for p in products)
    return {"approved": True, "amount": amount, "annual_rate": round((low + high) / 2, 4),
            "term_months": term_months, "reason": reason, **extra}


def edit(path, old: str, new: str) -> None:
    """Replace the first `old` in a file (which must hold it) with `new`."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


SAMPLE_PDF = b"%PDF-1.7 test material\n"


def upload_material(call, kind: str, content: bytes = SAMPLE_PDF, content_type: str = "application/pdf",
                    sent: bytes | None = None) -> tuple[str, int]:
    """Declare a material with `call(method, path, body) -> (status, json)` (as its owner), then
    POST `sent` (default: the declared content) to the signed S3 URL as a browser would.
    Returns the material's id and S3's status."""
    import hashlib
    import requests
    declared = {"kind": kind, "filename": f"{kind}.pdf", "content_type": content_type, "size": len(content),
                "sha256": hashlib.sha256(content).hexdigest()}
    status, reply = call("POST", "/materials", declared)
    assert status == 201, reply
    upload = reply["upload"]
    stored = requests.post(upload["url"], data=upload["fields"],
                           files={"file": (declared["filename"], content if sent is None else sent)}, timeout=30)
    return reply["id"], stored.status_code


def with_materials(call, body: dict) -> dict:
    """`body` with one uploaded file of every kind its decision still lacks (as the portal does)."""
    status, decision = call("POST", "/eligibility", body)
    if status != 200:
        return body
    uploaded = [upload_material(call, missing["kind"])[0] for missing in decision["missing_materials"]]
    return {**body, "materials": list(body.get("materials") or []) + uploaded}


def uploaded_in_memory(deps, actor, body: dict) -> dict:
    """`body` with every material its decision lacks uploaded, on the in-memory bucket
    (`deps.files` an `InMemoryFiles`) through the same use cases the API calls."""
    import hashlib
    from chalicelib.services import applications, materials
    ids = []
    for missing in applications.eligibility(deps, actor, body)["missing_materials"]:
        declared = {"kind": missing["kind"], "filename": f"{missing['kind']}.pdf", "content_type": "application/pdf",
                    "size": len(SAMPLE_PDF), "sha256": hashlib.sha256(SAMPLE_PDF).hexdigest()}
        created = materials.create(deps, actor, declared)
        assert deps.files.receive_post(created["upload"]["fields"], SAMPLE_PDF) == 204
        ids.append(created["id"])
    return {**body, "materials": list(body.get("materials") or []) + ids}
