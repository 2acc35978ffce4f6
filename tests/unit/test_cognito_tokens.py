"""Deployed stages verify Cognito tokens against the pool's JWKS: signature, expiry, issuer, audience."""
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from chalicelib.api import auth
from chalicelib.domain.errors import Unauthenticated
from chalicelib.settings import Settings

ISSUER = "https://cognito-idp.cn-north-1.amazonaws.com.cn/cn-north-1_TEST"
AUDIENCE = "app-client-id"


@pytest.fixture(scope="module")
def pool():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(RSAAlgorithm.to_jwk(key.public_key())) | {"kid": "k1", "use": "sig", "alg": "RS256"}
    body = json.dumps({"keys": [jwk]}).encode()

    class JWKS(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass
    server = HTTPServer(("127.0.0.1", 0), JWKS)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/.well-known/jwks.json"
    settings = Settings.from_env({"GC_STAGE": "prod", "GC_COGNITO_JWKS_URL": url, "GC_JWT_ISSUER": ISSUER, "GC_CURSOR_SECRET": "c" * 32,
                                  "GC_JWT_AUDIENCE": AUDIENCE})
    yield key, settings
    server.shutdown()


def token(key, **overrides):
    now = int(time.time())
    claims = {"sub": "uuid-1", "cognito:groups": ["bank"], "custom:subject": "ICBC-BJ", "iss": ISSUER,
              "aud": AUDIENCE, "iat": now, "exp": now + 300} | overrides
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": "k1"})


def test_a_pool_token_identifies_the_party_by_its_role_group_and_custom_subject(pool):
    key, settings = pool
    actor = auth.verify(token(key), settings)
    assert (actor.role, actor.subject) == ("bank", "ICBC-BJ")


def test_claims_a_user_could_set_never_change_who_a_pool_token_names(pool):
    """`role`, `custom:role` and `sub` are not read: the group and custom:subject are the identity."""
    key, settings = pool
    actor = auth.verify(token(key, role="window", **{"custom:role": "window"}, sub="91110108MA01C2XY6E"), settings)
    assert (actor.role, actor.subject) == ("bank", "ICBC-BJ")


@pytest.mark.parametrize("claims", [{"aud": "another-client"}, {"iss": "https://evil.example"},
                                    {"exp": int(time.time()) - 5}, {"cognito:groups": ["admin"]},
                                    {"cognito:groups": ["bank", "window"]}, {"cognito:groups": "bank"},
                                    {"custom:subject": ""}])
def test_a_token_for_another_audience_issuer_time_or_role_is_refused(pool, claims):
    key, settings = pool
    with pytest.raises(Unauthenticated):
        auth.verify(token(key, **claims), settings)


def test_a_token_signed_by_another_key_or_with_hs256_is_refused(pool):
    _, settings = pool
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with pytest.raises(Unauthenticated):
        auth.verify(token(stranger), settings)
    forged = jwt.encode({"sub": "x", "cognito:groups": ["window"], "custom:subject": "x", "iss": ISSUER, "aud": AUDIENCE,
                         "iat": int(time.time()), "exp": int(time.time()) + 60},
                        "a-shared-secret-nobody-should-accept-0000", algorithm="HS256", headers={"kid": "k1"})
    with pytest.raises(Unauthenticated):
        auth.verify(forged, settings)


def test_dev_tokens_do_not_work_in_a_deployed_stage(pool):
    _, settings = pool
    dev_settings = Settings.from_env({"GC_STAGE": "test"})
    dev = jwt.encode({"sub": "w", "role": "window", "iss": dev_settings.jwt_issuer, "aud": dev_settings.jwt_audience,
                      "iat": int(time.time()), "exp": int(time.time()) + 60}, dev_settings.jwt_secret, algorithm="HS256")
    with pytest.raises(Unauthenticated):
        auth.verify(dev, settings)


def test_a_dev_token_names_its_party_by_sub_alone():
    """A dev token with `sub=E1` and `custom:subject=E2` acts as E1 (it listed E2's applications)."""
    settings = Settings.from_env({"GC_STAGE": "test"})
    now = int(time.time())
    forged = jwt.encode({"sub": "91110108MA01C2XY6E", "custom:subject": "91110105MA00FAKE0M", "role": "enterprise",
                         "custom:role": "window", "iss": settings.jwt_issuer, "aud": settings.jwt_audience,
                         "iat": now, "exp": now + 60}, settings.jwt_secret, algorithm="HS256")
    actor = auth.verify(forged, settings)
    assert (actor.role, actor.subject) == ("enterprise", "91110108MA01C2XY6E")


def dev_token(settings, expires: int) -> str:
    return jwt.encode({"sub": "w001", "role": "window", "iss": settings.jwt_issuer, "aud": settings.jwt_audience,
                       "iat": int(time.time()), "exp": expires}, settings.jwt_secret, algorithm="HS256")


def test_a_token_already_verified_is_refused_from_the_moment_it_expires():
    """Verified tokens are held for the session's later requests, until their `exp` and no longer."""
    settings = Settings.from_env({"GC_STAGE": "test"})
    expires = int(time.time()) + 2
    short = dev_token(settings, expires)
    assert auth.verify(short, settings).subject == "w001"
    assert auth.verify(short, settings).subject == "w001"
    time.sleep(max(0.0, expires - time.time()) + 0.05)
    with pytest.raises(Unauthenticated):
        auth.verify(short, settings)


def test_a_token_verified_under_one_secret_is_not_accepted_under_another():
    settings = Settings.from_env({"GC_STAGE": "test"})
    rotated = Settings.from_env({"GC_STAGE": "test", "GC_JWT_SECRET": "a-rotated-dev-secret-of-32-bytes-or-more"})
    signed = dev_token(settings, int(time.time()) + 60)
    assert auth.verify(signed, settings).role == "window"
    with pytest.raises(Unauthenticated):
        auth.verify(signed, rotated)
