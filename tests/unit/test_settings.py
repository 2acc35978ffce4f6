"""Dev tokens exist only where they are safe: the local and test stages, never inside Lambda."""
import pytest

from chalicelib.settings import Settings, SettingsError


def test_local_and_test_stages_mint_dev_tokens():
    for stage in ("local", "test"):
        assert Settings.from_env({"GC_STAGE": stage}).dev_tokens_enabled


def test_a_deployed_stage_needs_cognito_and_never_mints_dev_tokens():
    with pytest.raises(SettingsError):
        Settings.from_env({"GC_STAGE": "prod"})
    prod = Settings.from_env({"GC_STAGE": "prod", "GC_COGNITO_JWKS_URL": "https://example/jwks.json",
                              "GC_CURSOR_SECRET": "c" * 32})
    assert not prod.dev_tokens_enabled and prod.jwt_secret is None


@pytest.mark.parametrize("stage", [" local", "local ", "Local", "test\n", "", "local;prod"])
def test_a_stage_is_read_exactly_as_written_or_refused(stage):
    """" local" had passed as local for the tokens (stripped) but not for the dev route: the
    route was off while tokens signed with the public dev secret were accepted."""
    with pytest.raises(SettingsError):
        Settings.from_env({"GC_STAGE": stage, "GC_COGNITO_JWKS_URL": "https://example/jwks.json"})
    with pytest.raises(SettingsError):
        Settings.dev_routes_wanted({"GC_STAGE": stage})


def test_a_deployed_stage_needs_its_own_cursor_secret():
    env = {"GC_STAGE": "prod", "GC_COGNITO_JWKS_URL": "https://example/jwks.json"}
    with pytest.raises(SettingsError):
        Settings.from_env(env)
    with pytest.raises(SettingsError):
        Settings.from_env(env | {"GC_CURSOR_SECRET": "short"})
    assert Settings.from_env(env | {"GC_CURSOR_SECRET": "x" * 32}).cursor_secret == "x" * 32


def test_no_stage_means_deployed():
    assert not Settings.dev_routes_wanted({})
    with pytest.raises(SettingsError):
        Settings.from_env({})


def test_inside_lambda_the_dev_route_is_absent_even_if_the_stage_says_local():
    env = {"GC_STAGE": "local", "AWS_LAMBDA_FUNCTION_NAME": "getting-credit-prod"}
    assert not Settings.dev_routes_wanted(env)
    assert not Settings.from_env(env).dev_tokens_enabled


def test_the_deployed_app_has_no_dev_token_route():
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path
    code = "import json, app; print(json.dumps(sorted(app.app.routes)))"
    env = {k: v for k, v in os.environ.items() if not k.startswith("GC_")} | {"GC_STAGE": "prod"}
    out = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parents[2], env=env,
                         capture_output=True, text=True, check=True).stdout
    routes = json.loads(out)
    assert "/applications" in routes and "/auth/dev-token" not in routes


PROD = {"GC_STAGE": "prod", "GC_COGNITO_JWKS_URL": "https://example/jwks.json", "GC_CURSOR_SECRET": "c" * 32}


def test_the_hosted_ui_domain_is_an_https_origin_because_it_goes_into_the_portals_csp():
    domain = "https://gc-prod-123456789012.auth.eu-west-1.amazoncognito.com"
    assert Settings.from_env(PROD | {"GC_PORTAL_AUTH_DOMAIN": domain + "/"}).portal_auth_domain == domain
    for bad in ("http://gc.auth.example.com", "https://gc.example.com/oauth2", "https://*.amazoncognito.com",
                "https://a.example.com 'unsafe-inline'", "http://127.0.0.1:9000"):
        with pytest.raises(SettingsError):
            Settings.from_env(PROD | {"GC_PORTAL_AUTH_DOMAIN": bad})
    local = Settings.from_env({"GC_STAGE": "local", "GC_PORTAL_AUTH_DOMAIN": "http://127.0.0.1:9000"})
    assert local.portal_auth_domain == "http://127.0.0.1:9000", "a stand-in hosted UI on this machine, in tests"
    assert Settings.from_env(PROD).portal_auth_domain is None
