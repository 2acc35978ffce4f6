"""Routes on materials: the enterprise signs an upload; the parties of an application read them."""
from chalice import Blueprint

from ..bootstrap import deps
from ..services import materials
from .http import endpoint, require_object

bp = Blueprint(__name__)


@endpoint(bp, "/materials/kinds", auth_required=False)
def list_kinds(request, actor):
    """The kinds of material, with their zh/en names"""
    return materials.kinds(deps())


@endpoint(bp, "/materials", method="POST", roles=("enterprise",), body=True, status=201)
def create_material(request, actor, body):
    """Declare a file and get a signed S3 upload for exactly it (15 minutes)"""
    return materials.create(deps(), actor, require_object(body))


@endpoint(bp, "/materials/{material_id}", roles=("enterprise", "agency", "bank", "window"))
def get_material(request, actor, material_id):
    """A material and, once uploaded and verified, a download link (5 minutes)"""
    return materials.get(deps(), actor, material_id)
