"""The portal's files as the app serves them: the page for a browser at `/`, the JSON index for
an API client, built files by name with their types and cache lifetimes, nothing else."""
import json

import pytest

from chalicelib.api import portal


@pytest.fixture
def built(tmp_path, monkeypatch):
    """A stand-in for `make portal`'s output, so these tests need no npm."""
    (tmp_path / "index.html").write_text('<!doctype html><html lang="zh-CN"><script type="module" '
                                         'src="/portal/main-ABCD2345.js"></script></html>', encoding="utf-8")
    (tmp_path / "main-ABCD2345.js").write_text("console.log('门户')", encoding="utf-8")
    (tmp_path / "main-ABCD2345.css").write_text("body{}", encoding="utf-8")
    monkeypatch.setattr(portal, "BUILD_DIR", tmp_path)
    portal.built_files.cache_clear()
    yield tmp_path
    portal.built_files.cache_clear()


def get(world, path, accept="*/*"):
    resp = world.client.http.request("GET", path, headers={"Accept": accept})
    body = resp.body.decode() if isinstance(resp.body, bytes) else resp.body
    return resp.status_code, {k.lower(): v for k, v in resp.headers.items()}, body


def test_a_browser_gets_the_portal_page_with_a_strict_content_security_policy(world, built):
    status, headers, body = get(world, "/", "text/html,application/xhtml+xml,*/*;q=0.8")
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert "/portal/main-ABCD2345.js" in body
    assert headers["content-security-policy"].startswith("default-src 'self'")
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["cache-control"] == "no-cache"


def test_an_api_client_still_gets_the_json_index(world, built):
    status, headers, body = get(world, "/", "application/json")
    assert status == 200 and "/forms" in json.loads(body)["links"]


@pytest.mark.parametrize("name, kind", [("main-ABCD2345.js", "text/javascript"), ("main-ABCD2345.css", "text/css")])
def test_a_hashed_file_is_served_with_its_type_and_cached_for_a_year(world, built, name, kind):
    status, headers, body = get(world, f"/portal/{name}")
    assert status == 200 and headers["content-type"].startswith(kind)
    assert headers["cache-control"] == portal.IMMUTABLE and headers["x-content-type-options"] == "nosniff"
    assert body == (built / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["nosuch.js", "index.html", "..", ".env", "main-ABCD2345.js~"])
def test_no_other_file_is_served(world, built, name):
    status, _, body = get(world, f"/portal/{name}")
    assert status == 404 and json.loads(body)["errors"][0]["code"] == "not_found"


def test_before_make_portal_the_page_says_how_to_build_it(world, tmp_path, monkeypatch):
    monkeypatch.setattr(portal, "BUILD_DIR", tmp_path / "absent")
    status, _, body = get(world, "/", "text/html")
    assert status == 200 and "make portal" in body


def test_the_config_offers_the_dev_sign_in_with_enterprises_of_the_data_zone(world):
    status, headers, body = get(world, "/portal/config.json")
    config = json.loads(body)
    assert status == 200 and config["dev_sign_in"] is True and config["sign_in_url"] is None
    assert config["hosted_ui"] is None, "no hosted UI unless GC_PORTAL_AUTH_DOMAIN and GC_PORTAL_CLIENT_ID say so"
    assert any(e["patents"] > 0 for e in config["sample_enterprises"])
