"""`POST /auth/dev-token`: local and test stages only; absent from any deployed stage.

The blueprint is registered only when the stage is local or test, and the handler checks again
at run time (never inside Lambda), so a misconfigured deployment still mints nothing.
"""
from chalice import Blueprint

from ..bootstrap import deps
from ..domain.errors import NotFound
from . import auth
from .http import endpoint, require_object

bp = Blueprint(__name__)


@endpoint(bp, "/auth/dev-token", method="POST", body=True, auth_required=False)
def dev_token(request, actor, body):
    container = deps()
    if not container.settings.dev_tokens_enabled:
        raise NotFound.single("", "not_found", "资源不存在", "Not found")
    from ..forms.identifiers import uscc_problem
    return auth.mint_dev_token(container.settings, container.catalog, uscc_problem, require_object(body))
