import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_schema_builds_and_validates_with_no_warnings(tmp_path):
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(tmp_path / "schema.yaml"))
    schema = (tmp_path / "schema.yaml").read_text()
    for path in ("/api/v1/auth/register/", "/api/v1/auth/token/", "/api/v1/me/", "/api/v1/workouts/{id}/",
                 "/api/v1/workouts/{workout_id}/logs/{logged_on}/"):  # fmt: skip
        assert f"{path}:" in schema


def test_schema_and_docs_are_served(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"openapi: 3" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"swagger-ui" in docs.content


def test_every_operation_documents_its_errors(client):
    import yaml

    schema = yaml.safe_load(client.get("/api/schema/").content)
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert "429" in codes, (method, path)
            if method in {"post", "put", "patch"}:
                assert "400" in codes, (method, path)
            if "{" in path:
                assert "404" in codes, (method, path)
            public = {"/api/v1/auth/register/", "/api/v1/auth/token/", "/api/v1/auth/session/",
                      "/api/v1/auth/session/register/"}  # fmt: skip
            if path not in public:
                assert "401" in codes, (method, path)
