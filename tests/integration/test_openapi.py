"""The OpenAPI document describes exactly the routes the app serves, with the forms' own schemas."""
from jsonschema import Draft202012Validator

from app import app
from tests.builders import valid_body


def test_the_document_lists_every_route_and_nothing_else(world):
    doc = world.call("GET", "/openapi.json").json
    documented = {(m.upper(), path) for path, ops in doc["paths"].items() for m in ops}
    served = {(m, path) for path, methods in app.routes.items() for m in methods}
    assert documented == served
    assert doc["openapi"].startswith("3.1")


def test_the_application_body_schema_accepts_the_examples_and_refuses_garbage(world):
    doc = world.call("GET", "/openapi.json").json
    schema = doc["paths"]["/applications"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    validator = Draft202012Validator(schema)
    assert validator.is_valid(valid_body("ip_pledge"))
    assert not validator.is_valid({"scenario": "credit"})


def test_protected_routes_name_their_roles(world):
    doc = world.call("GET", "/openapi.json").json
    assert doc["paths"]["/reviews"]["get"]["x-roles"] == ["agency", "window"]
    assert doc["paths"]["/notifications"]["get"]["x-roles"] == ["enterprise"]
    assert "security" not in doc["paths"]["/banks"]["get"]
