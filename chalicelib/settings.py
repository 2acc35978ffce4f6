"""Settings read from the environment once, validated, and handed to `bootstrap`.

Nothing else in the code base reads `os.environ`. A stage is `local` (make run), `test`
(pytest) or anything else (a deployed stage). Only `local` and `test` may mint dev tokens, and
never inside Lambda, whatever the variables say.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Mapping

DEV_STAGES = frozenset({"local", "test"})
STAGE_NAME = re.compile(r"[a-z][a-z0-9-]{0,31}")
DEV_CURSOR_SECRET = "dev-only-cursor-secret-never-valid-in-a-deployed-stage"


class SettingsError(ValueError):
    pass


@dataclass(frozen=True)
class Settings:
    stage: str
    region: str
    resource_prefix: str          # prefixes every table, queue and bucket name
    aws_endpoint_url: str | None  # the embedded moto server locally; None in AWS
    jwt_secret: str | None        # HS256 secret for dev tokens (local/test only)
    jwt_issuer: str
    jwt_audience: str
    cognito_jwks_url: str | None
    max_body_bytes: int
    in_lambda: bool
    cursor_secret: str            # seals the paging cursors a client gets back (opaque, tamper-evident)
    # The data zone: "file" (local/test: the generated data set, built on first use) or "table"
    # (deployed: DATAZONE#<uscc> items of the application table)
    datazone: str = "table"
    datazone_file: str | None = None   # None: build/datazone/ named by size and seed
    datazone_size: int = 50_000
    datazone_seed: int = 2022
    portal_sign_in_url: str | None = None   # the hosted sign-in page (Cognito) the portal links to
    # Cognito's hosted UI, which the portal signs people in through (code + PKCE, public client):
    # the user pool domain (an https origin), the app client, and the portal's registered
    # callback and sign-out URLs. The domain is the one origin the page's CSP lets it call.
    portal_auth_domain: str | None = None
    portal_client_id: str | None = None
    portal_redirect_url: str | None = None
    portal_logout_url: str | None = None

    @property
    def dev_tokens_enabled(self) -> bool:
        return self.stage in DEV_STAGES and not self.in_lambda

    # ---- read by app.py at import time ----------------------------------------------------------
    # Routes and event sources are declared when `app` is imported, also by `chalice package`,
    # which has the stage's variables but not its secrets: these two read only what they need,
    # without the whole validation of `from_env`.
    @staticmethod
    def dev_routes_wanted(env: Mapping[str, str] | None = None) -> bool:
        """Whether the dev-token route exists at all: the same test as `dev_tokens_enabled`, so a
        route and the tokens it mints exist together."""
        env = os.environ if env is None else env
        return stage_of(env) in DEV_STAGES and not Settings.running_in_lambda(env)

    @staticmethod
    def running_in_lambda(env: Mapping[str, str] | None = None) -> bool:
        """True inside AWS Lambda (read once by app.py to turn on JSON log lines)."""
        env = os.environ if env is None else env
        return bool(env.get("AWS_LAMBDA_FUNCTION_NAME"))

    @staticmethod
    def outbox_stream_arn(env: Mapping[str, str] | None = None) -> str:
        """The table stream the fan-out handler subscribes to (set per stage in .chalice/config.json)."""
        env = os.environ if env is None else env
        return env.get("GC_OUTBOX_STREAM_ARN",
                       "arn:aws:dynamodb:cn-north-1:000000000000:table/gc-local-main/stream/local")

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Settings":
        env = os.environ if env is None else env
        stage = stage_of(env)
        in_lambda = cls.running_in_lambda(env)
        secret = env.get("GC_JWT_SECRET")
        if stage in DEV_STAGES and not secret:
            secret = f"dev-only-{stage}-secret-never-valid-in-a-deployed-stage"
        if stage not in DEV_STAGES and not env.get("GC_COGNITO_JWKS_URL"):
            raise SettingsError(
                f"stage {stage!r} is a deployed stage: GC_COGNITO_JWKS_URL must be set "
                "(dev tokens exist only in the local and test stages)")
        cursor_secret = env.get("GC_CURSOR_SECRET") or (DEV_CURSOR_SECRET if stage in DEV_STAGES else "")
        if len(cursor_secret) < 32:
            raise SettingsError(f"stage {stage!r}: GC_CURSOR_SECRET must be set to at least 32 random characters "
                                "(it seals the paging cursors clients hold)")
        try:
            max_body = int(env.get("GC_MAX_BODY_BYTES", str(256 * 1024)))
        except ValueError as exc:
            raise SettingsError("GC_MAX_BODY_BYTES must be an integer") from exc
        datazone = env.get("GC_DATAZONE") or ("file" if stage in DEV_STAGES else "table")
        if datazone not in ("file", "table"):
            raise SettingsError("GC_DATAZONE must be 'file' or 'table'")
        try:
            zone_size, zone_seed = int(env.get("GC_DATAZONE_SIZE", "50000")), int(env.get("GC_DATAZONE_SEED", "2022"))
        except ValueError as exc:
            raise SettingsError("GC_DATAZONE_SIZE and GC_DATAZONE_SEED must be integers") from exc
        return cls(
            stage=stage,
            region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "cn-north-1",
            resource_prefix=env.get("GC_RESOURCE_PREFIX", f"gc-{stage}"),
            aws_endpoint_url=env.get("GC_AWS_ENDPOINT_URL") or None,
            jwt_secret=secret if stage in DEV_STAGES else None,
            jwt_issuer=env.get("GC_JWT_ISSUER", "getting-credit-dev"),
            jwt_audience=env.get("GC_JWT_AUDIENCE", "getting-credit"),
            cognito_jwks_url=env.get("GC_COGNITO_JWKS_URL") or None,
            max_body_bytes=max_body,
            in_lambda=in_lambda,
            cursor_secret=cursor_secret,
            datazone=datazone,
            datazone_file=env.get("GC_DATAZONE_FILE") or None,
            datazone_size=zone_size,
            datazone_seed=zone_seed,
            portal_sign_in_url=env.get("GC_PORTAL_SIGN_IN_URL") or None,
            portal_auth_domain=auth_domain_of(env, stage),
            portal_client_id=env.get("GC_PORTAL_CLIENT_ID") or None,
            portal_redirect_url=env.get("GC_PORTAL_REDIRECT_URL") or None,
            portal_logout_url=env.get("GC_PORTAL_LOGOUT_URL") or None,
        )


AUTH_DOMAIN = re.compile(r"https://[a-z0-9.-]+(:[0-9]{1,5})?")
LOCAL_AUTH_DOMAIN = re.compile(r"http://(127\.0\.0\.1|localhost)(:[0-9]{1,5})?")   # a fake one, in tests


def auth_domain_of(env: Mapping[str, str], stage: str) -> str | None:
    """GC_PORTAL_AUTH_DOMAIN as an origin (it goes into the CSP): https, no path; plain http on
    this machine only in the local and test stages."""
    domain = (env.get("GC_PORTAL_AUTH_DOMAIN") or "").rstrip("/")
    if not domain:
        return None
    if AUTH_DOMAIN.fullmatch(domain) or (stage in DEV_STAGES and LOCAL_AUTH_DOMAIN.fullmatch(domain)):
        return domain
    raise SettingsError(f"GC_PORTAL_AUTH_DOMAIN {domain!r} must be an https origin such as "
                        "https://<prefix>.auth.<region>.amazoncognito.com (no path)")


def stage_of(env: Mapping[str, str]) -> str:
    """The stage, read one way everywhere: exactly as written (" local" is not `local`), else refused."""
    stage = env.get("GC_STAGE", "prod")
    if not STAGE_NAME.fullmatch(stage):
        raise SettingsError(f"GC_STAGE {stage!r} is not a stage name (lower-case letters, digits and -)")
    return stage
