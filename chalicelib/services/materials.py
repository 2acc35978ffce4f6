"""Use cases of materials: sign an upload, read one (settling it), and the kinds an applicant has.

A material counts only when it is the applicant's own and `uploaded`: the stored object's size
and SHA-256 are the declared ones. It is settled when someone reads it or names it in an
application (no S3 event needed, so it works alike on moto and on AWS): the first read after the
upload fetches the object once and records the verdict, which never changes afterwards.
"""
from __future__ import annotations

from datetime import timedelta

from ..domain.application import Actor
from ..domain.errors import BusinessRuleViolated, FieldError, NotFound
from ..domain.material import (AWAITING_UPLOAD, DOWNLOAD_SECONDS, REJECTED, UPLOAD_SECONDS, UPLOADED,
                               Material)
from .applications import BEIJING, checked, may_see, now_iso
from .ports import Deps

KEY_PREFIX = "materials/"


def kinds(deps: Deps) -> list[dict]:
    return [dict(kind) for kind in deps.engine.book.material_kinds.values()]


def create(deps: Deps, actor: Actor, body) -> dict:
    """Sign an upload for a declared file (no call to S3) and record the material awaiting it."""
    checked(body, "material")
    if body["kind"] not in deps.engine.book.material_kinds:
        raise BusinessRuleViolated.single(
            "/kind", "enum", "材料种类不存在，请查看 GET /materials/kinds",
            "No such kind of material; see GET /materials/kinds")
    material_id = deps.ids.new_id()
    now = deps.clock.now().astimezone(BEIJING)
    material = Material(id=material_id, owner=actor.subject, kind=body["kind"], filename=body["filename"],
                        content_type=body["content_type"], size=body["size"], sha256=body["sha256"],
                        status=AWAITING_UPLOAD, created_at=now.isoformat(timespec="milliseconds"),
                        key=f"{KEY_PREFIX}{material_id}")
    upload = deps.files.presign_upload(material.key, material.content_type, material.size, UPLOAD_SECONDS)
    deps.store.add_material(material)
    expires = (now + timedelta(seconds=UPLOAD_SECONDS)).isoformat(timespec="seconds")
    return {"id": material.id, "kind": material.kind, "status": material.status,
            "upload": {"url": upload["url"], "fields": upload["fields"], "expires_at": expires}}


def settle(deps: Deps, material: Material) -> Material:
    """Awaiting its upload: look at the stored object once; uploaded or rejected is final."""
    if material.status != AWAITING_UPLOAD:
        return material
    settled = material.settled(deps.files.digest(material.key), now_iso(deps))
    return material if settled is material else deps.store.settle_material(settled)


def may_read(deps: Deps, actor: Actor, material: Material, application_ids) -> bool:
    """The owner, window staff, and whoever may see an application of the owner naming it."""
    if actor.role == "window":
        return True
    if actor.role == "enterprise":
        return actor.subject == material.owner
    for app_id in application_ids:
        app = deps.store.get(app_id)
        if app is not None and app.owner == material.owner and may_see(app, actor):
            return True
    return False


def get(deps: Deps, actor: Actor, material_id: str) -> dict:
    # Only an agency's or a bank's access depends on the applications naming the material.
    record = deps.store.material(material_id, uses=actor.role not in ("enterprise", "window"))
    if record is None or not may_read(deps, actor, record.material, record.application_ids):
        raise NotFound.single("", "not_found", "材料不存在", "No such material")
    material = settle(deps, record.material)
    view = {"id": material.id, "kind": material.kind, "filename": material.filename,
            "content_type": material.content_type, "size": material.size, "sha256": material.sha256,
            "status": material.status}
    if material.status == UPLOADED:
        view["download_url"] = deps.files.presign_download(material.key, material.filename, material.content_type,
                                                           DOWNLOAD_SECONDS)
        view["download_expires_in"] = DOWNLOAD_SECONDS
    return view


def usable(deps: Deps, owner: str, material_ids) -> tuple[list[Material], list[FieldError]]:
    """The named materials that count for `owner`'s application, and an error for each that does not."""
    found, errors = [], []
    stored = deps.store.materials(list(material_ids)) if material_ids else {}
    for n, material_id in enumerate(material_ids):
        path = f"/materials/{n}"
        material = stored.get(material_id)
        if material is None or material.owner != owner:
            errors.append(FieldError(path, "material_not_found", "材料不存在（须为本企业上传的材料）",
                                     "No such material of yours"))
            continue
        material = settle(deps, material)
        if material.status == AWAITING_UPLOAD:
            errors.append(FieldError(path, "material_not_uploaded", f"材料“{material.filename}”尚未上传",
                                     f"The material {material.filename!r} has not been uploaded yet"))
        elif material.status == REJECTED:
            errors.append(FieldError(path, "material_rejected",
                                     f"材料“{material.filename}”的大小或 SHA-256 与申报不一致，请重新上传",
                                     f"The stored file {material.filename!r} differs from its declared size or "
                                     f"SHA-256: upload it again"))
        else:
            found.append(material)
    return found, errors


def missing_errors(decision) -> list[FieldError]:
    """One error per kind still missing (一次性告知: all of them at once)."""
    return [FieldError("/materials", "material_missing", f"缺少申请材料：{m['zh']}", f"Missing material: {m['en']}")
            for m in decision.missing_materials]


def keep(deps: Deps, materials: list[Material]) -> list[FieldError]:
    """Take the materials an application names out of the bucket's expiry for unreferenced
    uploads, before the application is committed (a failure after it keeps one too many, never
    one too few). An object the lifecycle removed already is an error."""
    errors = []
    for material in materials:
        if not deps.files.keep(material.key):
            errors.append(FieldError("/materials", "material_expired",
                                     f"材料“{material.filename}”已过期被删除，请重新上传",
                                     f"The material {material.filename!r} expired unused: upload it again"))
    return errors
