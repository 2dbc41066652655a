"""Public pages and error pages: one <h1>, a unique title, help in the reader's language."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.views.defaults import server_error

pytestmark = pytest.mark.django_db


def test_the_home_page_says_what_haven_is_and_for_whom() -> None:
    html = Client().get("/").content.decode()
    assert html.count("<h1") == 1
    assert "For applicants" in html
    assert "For officials" in html
    assert 'href="#main"' in html  # skip link
    assert '<main id="main"' in html


def test_an_unknown_page_answers_404_with_help() -> None:
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_the_server_error_page_renders_without_a_request_context() -> None:
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert b"Sorry, something went wrong" in response.content


def test_a_form_sent_without_its_csrf_token_is_refused_and_explained() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"login": "a@example.org", "password": "x"})
    assert response.status_code == 403
    assert "Your form has expired" in response.content.decode()


def test_the_health_check_answers_for_load_balancers() -> None:
    response = Client().get("/healthz")
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.parametrize(
    ("language", "skip_link"),
    [("en", "Skip to main content"), ("de", 'lang="de"'), ("ru", 'lang="ru"')],
)
def test_the_language_switcher_changes_the_language(language: str, skip_link: str) -> None:
    client = Client()
    response = client.post("/i18n/setlang/", {"language": language, "next": "/"})
    assert response.status_code == 302
    assert skip_link in client.get("/").content.decode()
