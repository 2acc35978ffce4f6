"""Sign-in through Cognito's hosted UI, as the portal does it in AWS (authorization code + PKCE
from the browser, the ID token as bearer, sign-out through the hosted UI), against a local
stand-in for the hosted UI: it checks what Cognito checks (client, redirect URI, the verifier
against the challenge) and answers with a token the local stack accepts."""
import base64
import hashlib
import json
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from tests.e2e.conftest import assert_accessible, free_port, started_stack

CLIENT_ID = "portal-client"


class FakeHostedUi(BaseHTTPRequestHandler):
    """/oauth2/authorize, /oauth2/token and /logout of a user pool domain, for one policy user."""
    seen: dict = {}
    stack_url = ""

    def log_message(self, *args):
        pass

    def _redirect(self, to: str):
        self.send_response(302)
        self.send_header("Location", to)
        self.end_headers()

    def do_GET(self):
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path == "/oauth2/authorize":
            assert query["client_id"] == CLIENT_ID and query["response_type"] == "code"
            assert query["code_challenge_method"] == "S256" and "openid" in query["scope"].split()
            self.seen["authorize"] = query
            self._redirect(query["redirect_uri"] + "?" + urlencode({"code": "the-code", "state": query["state"]}))
        elif url.path == "/logout":
            self.seen["logout"] = query
            self._redirect(query["logout_uri"])
        else:
            self.send_error(404)

    def do_POST(self):
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode()).items()}
        asked = self.seen.get("authorize", {})
        challenge = base64.urlsafe_b64encode(hashlib.sha256(form.get("code_verifier", "").encode()).digest())
        good = (self.path == "/oauth2/token" and form.get("grant_type") == "authorization_code"
                and form.get("code") == "the-code" and form.get("client_id") == CLIENT_ID
                and form.get("redirect_uri") == asked.get("redirect_uri")
                and challenge.decode().rstrip("=") == asked.get("code_challenge"))
        self.seen["token"] = form
        body = {"error": "invalid_grant"}
        if good:
            request = urllib.request.Request(self.stack_url + "/auth/dev-token", method="POST",
                                             data=json.dumps({"role": "policy", "subject": "p-hosted"}).encode(),
                                             headers={"Content-Type": "application/json"})
            token = json.loads(urllib.request.urlopen(request, timeout=10).read())["token"]
            body = {"id_token": token, "access_token": "not-for-the-api", "token_type": "Bearer", "expires_in": 3600}
        raw = json.dumps(body).encode()
        self.send_response(200 if good else 400)
        self.send_header("Content-Type", "application/json")
        self.send_header("Access-Control-Allow-Origin", self.stack_url)
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)


@pytest.fixture(scope="module")
def hosted_ui():
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), FakeHostedUi)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def hosted_stack(hosted_ui):
    for url, proc in started_stack({"GC_PORTAL_AUTH_DOMAIN": hosted_ui, "GC_PORTAL_CLIENT_ID": CLIENT_ID}):
        FakeHostedUi.stack_url = url
        yield url


def test_a_policy_user_signs_in_and_out_through_the_hosted_ui(browser, hosted_stack, hosted_ui):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    reply = page.request.get(hosted_stack + "/", headers={"Accept": "text/html"})
    connect = next(d for d in reply.headers["content-security-policy"].split(";") if "connect-src" in d)
    assert hosted_ui in connect.split() and "*" not in connect, connect     # that origin, not any
    config = page.request.get(hosted_stack + "/portal/config.json").json()
    assert config["hosted_ui"]["domain"] == hosted_ui and config["hosted_ui"]["client_id"] == CLIENT_ID

    page.goto(hosted_stack + "/")
    page.get_by_role("button", name="使用统一身份认证登录").click()
    page.get_by_role("heading", name="规则版本", exact=True).wait_for()       # back, signed in, the API answers
    page.get_by_role("region", name="loan_prime_rate 的版本").wait_for()
    assert "code=" not in page.url and FakeHostedUi.seen["authorize"]["redirect_uri"] == hosted_stack + "/"
    assert FakeHostedUi.seen["token"]["code_verifier"] and "client_secret" not in FakeHostedUi.seen["token"]
    assert "p-hosted" in page.locator(".who").inner_text()
    assert_accessible(page, "policy-home-after-hosted-sign-in")

    page.get_by_role("button", name="退出").click()
    page.get_by_role("button", name="使用统一身份认证登录").wait_for()
    assert FakeHostedUi.seen["logout"] == {"client_id": CLIENT_ID, "logout_uri": hosted_stack + "/"}
    assert page.evaluate("sessionStorage.getItem('gc.session')") is None
    context.close()


def test_a_code_returned_for_another_sign_in_is_refused_plainly(browser, hosted_stack):
    context = browser.new_context(viewport={"width": 375, "height": 740}, locale="zh-CN")
    page = context.new_page()
    page.goto(hosted_stack + "/?code=stolen&state=not-mine")
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "登录未完成" in alert.inner_text() and "state" in alert.inner_text()
    assert page.evaluate("sessionStorage.getItem('gc.session')") is None and "code=" not in page.url
    assert_accessible(page, "sign-in-refused")
    context.close()
