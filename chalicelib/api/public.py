"""Routes anyone may call: the catalog, the forms and the eligibility check."""
from chalice import Blueprint

from ..bootstrap import deps
from ..domain.errors import NotFound
from ..services import applications
from . import portal
from .http import endpoint, require_object

bp = Blueprint(__name__)


@endpoint(bp, "/", auth_required=False)
def index(request, actor):
    """The web portal for a browser (Accept: text/html); the API's index for any other client."""
    if portal.wants_html(request):
        return portal.index_response()
    return {"service": "Getting Credit One-Stop (获得信贷“一件事”)", "version": "v1",
            "links": ["/banks", "/products", "/forms", "/eligibility", "/applications", "/reviews",
                      "/stats"]}


@endpoint(bp, "/banks", auth_required=False)
def list_banks(request, actor):
    return deps().catalog.banks()


@endpoint(bp, "/products", auth_required=False)
def list_products(request, actor):
    params = request.query_params or {}
    return deps().catalog.products(scenario=params.get("scenario") or None, bank=params.get("bank") or None)


@endpoint(bp, "/forms", auth_required=False)
def list_forms(request, actor):
    return deps().forms.list_forms()


@endpoint(bp, "/forms/{scenario}", auth_required=False)
def get_form(request, actor, scenario):
    forms = deps().forms
    if scenario not in forms.scenario_ids():
        raise NotFound.single("", "unknown_scenario", f"没有名为 {scenario} 的贷款场景",
                              f"No loan scenario called {scenario}; see GET /forms")
    return forms.schema(scenario)


@endpoint(bp, "/eligibility", method="POST", body=True, auth_required=False, auth_optional=True)
def eligibility(request, actor, body):
    """Decide a body without storing it (held records only for a caller who may know them)"""
    return applications.eligibility(deps(), actor, require_object(body))


@endpoint(bp, "/openapi.json", auth_required=False)
def openapi_document(request, actor):
    """The OpenAPI 3.1 description of this API."""
    from . import openapi
    from ..services.applications import material_kinds
    return openapi.build(deps().forms, material_kinds(deps()))
