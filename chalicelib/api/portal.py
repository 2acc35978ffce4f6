"""The web portal: `GET /` (for a browser), its built files at `GET /portal/{file}` and
`GET /portal/config.json` (how to sign in here).

`make portal` builds `portal/` (React, rjsf, esbuild) into `chalicelib/_portal/` (gitignored),
which Chalice packages with the code; nothing is loaded from another site. Hashed file names
never change content, so they are cached for a year; `index.html` and the config are not cached.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from chalice import Blueprint, Response

from ..bootstrap import deps
from ..domain.errors import NotFound
from .http import endpoint

bp = Blueprint(__name__)

BUILD_DIR = Path(__file__).resolve().parents[1] / "_portal"
CONTENT_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
                 ".css": "text/css; charset=utf-8", ".json": "application/json",
                 ".txt": "text/plain; charset=utf-8", ".svg": "image/svg+xml"}
_FILE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,120}$")
_HASHED = re.compile(r"-[A-Z0-9]{8}\.(js|css)$")   # esbuild's [name]-[hash]: content never changes
IMMUTABLE = "public, max-age=31536000, immutable"
# ajv (rjsf's validator) compiles the form's schema into a function: 'unsafe-eval' for that only.
# Uploads go straight to the bucket's presigned POST: its origin is added to connect-src there.
CSP = ("default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'{upload}; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
NOT_BUILT = ("<!doctype html><html lang=\"zh\"><meta charset=\"utf-8\"><title>Portal not built</title>"
             "<main><h1>门户尚未构建 / The portal is not built</h1><p>make portal</p></main></html>")


def wants_html(request) -> bool:
    """A browser asks for text/html; an API client (curl, the walkthrough) keeps the JSON index."""
    return "text/html" in (request.headers or {}).get("accept", "")


def index_response() -> Response:
    page = BUILD_DIR / "index.html"
    body = page.read_text(encoding="utf-8") if page.is_file() else NOT_BUILT
    return Response(body=body, status_code=200,
                    headers={"Content-Type": CONTENT_TYPES[".html"], "Cache-Control": "no-cache",
                             "Content-Security-Policy": CSP.format(upload=_upload_origin()),
                             "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"})


def _upload_origin() -> str:
    """Where the browser sends material uploads (presigned POST): the local S3 endpoint here; and
    the hosted UI's domain, whose token endpoint the sign-in page calls (code + PKCE)."""
    settings = deps().settings
    return "".join(f" {origin}" for origin in (settings.aws_endpoint_url, settings.portal_auth_domain) if origin)


@lru_cache(maxsize=1)
def built_files() -> frozenset:
    return frozenset(p.name for p in BUILD_DIR.iterdir() if p.is_file()) if BUILD_DIR.is_dir() else frozenset()


@endpoint(bp, "/portal/config.json", auth_required=False)
def portal_config(request, actor):
    """How the portal signs people in here: the dev-token role picker, or the hosted sign-in page."""
    settings = deps().settings
    body = {"dev_sign_in": settings.dev_tokens_enabled, "sign_in_url": settings.portal_sign_in_url,
            "hosted_ui": hosted_ui(settings)}
    if settings.dev_tokens_enabled and settings.datazone == "file":
        body["sample_enterprises"] = sample_enterprises(settings.datazone_seed)
    return Response(body=body, status_code=200,
                    headers={"Content-Type": "application/json", "Cache-Control": "no-cache"})


def hosted_ui(settings) -> dict | None:
    """Cognito's hosted UI as the portal's sign-in page uses it (authorization code with PKCE, no
    client secret), or None where it is not configured. `redirect_uri`/`logout_uri` may be null:
    the page then uses its own address, which must be one the app client lists."""
    if not (settings.portal_auth_domain and settings.portal_client_id):
        return None
    return {"domain": settings.portal_auth_domain, "client_id": settings.portal_client_id,
            "redirect_uri": settings.portal_redirect_url, "logout_uri": settings.portal_logout_url,
            "scope": "openid email profile"}


SAMPLES = 5


@lru_cache(maxsize=2)
def sample_enterprises(seed: int) -> list[dict]:
    """A few enterprises of the local data zone for the sign-in page (dev stages only): the first
    holding patents (an IP-pledge loan needs no uploaded certificate for a registered patent)
    and the first ones without."""
    from scripts.datazone import enterprise   # local and test stages only, as in bootstrap
    found, index = [], 0
    while len(found) < SAMPLES and index < 500:
        record = enterprise(index, seed)
        patents = len(record["patents"]["items"])
        if (patents > 0) == (len(found) < 3):
            found.append({"uscc": record["uscc"], "name": record["registration"]["name"], "patents": patents})
        index += 1
    return found


@endpoint(bp, "/portal/{file}", auth_required=False)
def portal_file(request, actor, file):
    """A built file of the web portal (script, style sheet), by name; no directories."""
    if not _FILE.match(file) or file not in built_files() or file == "index.html":
        raise NotFound.single("", "not_found", "门户中没有这个文件", "The portal has no such file")
    suffix = Path(file).suffix
    return Response(body=(BUILD_DIR / file).read_text(encoding="utf-8"), status_code=200,
                    headers={"Content-Type": CONTENT_TYPES.get(suffix, "application/octet-stream"),
                             "Cache-Control": IMMUTABLE if _HASHED.search(file) else "no-cache",
                             "X-Content-Type-Options": "nosniff"})
