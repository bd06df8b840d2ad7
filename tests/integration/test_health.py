"""/healthz answers 200 with a database and 503 without one."""

from __future__ import annotations

from survey import create_app


def test_health_is_ok_with_a_database(client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_health_is_503_when_the_database_does_not_answer(tmp_path) -> None:
    app = create_app(
        {
            "SURVEY_ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/none",
            "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"connect_timeout": 1}},
        }
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"


def test_unknown_page_is_a_dutch_404_without_traceback(client) -> None:
    response = client.get("/bestaat-niet")
    assert response.status_code == 404
    assert "Traceback" not in response.get_data(as_text=True)


def test_ready_when_the_database_is_migrated_and_the_limit_store_answers(client) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "ready",
        "database": "ok",
        "migrations": "ok",
        "ratelimit": "ok",
    }


def test_not_ready_before_the_migrations_ran(fresh_database_url) -> None:
    """An instance started before ``flask db upgrade`` finished is taken
    out of the load balancer: no schema, or a schema without its revision."""
    from survey.extensions import db

    app = create_app(
        {
            "SURVEY_ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": fresh_database_url("unmigrated"),
            "RATELIMIT_ENABLED": False,
        }
    )
    try:
        response = app.test_client().get("/readyz")
        assert response.status_code == 503
        assert response.get_json()["migrations"] == "behind"
        with app.app_context():
            db.create_all()
        response = app.test_client().get("/readyz")
        assert response.status_code == 503
        assert response.get_json() == {
            "status": "unavailable",
            "database": "ok",
            "migrations": "behind",
            "ratelimit": "ok",
        }
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def test_not_ready_without_a_database() -> None:
    app = create_app(
        {
            "SURVEY_ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/none",
            "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"connect_timeout": 1}},
            "RATELIMIT_ENABLED": False,
        }
    )
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"
    assert response.get_json()["migrations"] == "unknown"
