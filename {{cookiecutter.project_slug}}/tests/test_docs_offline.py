{%- set is_async = cookiecutter.api == "async" -%}
{%- set async_, await_ = ("async ", "await ") if is_async else ("", "") -%}
{%- set Client = "AsyncClient" if is_async else "TestClient" -%}
"""/docs and /redoc load every script, stylesheet and icon from the app itself: no CDN."""

from html.parser import HTMLParser

import pytest
{%- if is_async %}
from httpx2 import AsyncClient
{%- else %}
from fastapi.testclient import TestClient
{%- endif %}

CONTENT_TYPES = {".js": "javascript", ".css": "text/css", ".png": "image/png"}


class Assets(HTMLParser):
    """The URLs a page's <script src> and <link href> tags make the browser fetch."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        url = dict(attrs).get({"script": "src", "link": "href"}.get(tag, ""))
        if url:
            self.urls.append(url)


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
{{ async_ }}def test_docs_page_assets_are_served_by_the_app(client: {{ Client }}, page: str) -> None:
    """Each asset the page loads is a path on the app that answers 200 with its content type."""
    response = {{ await_ }}client.get(page)
    assert response.status_code == 200
    urls = Assets(response.text).urls
    assert any(url.endswith(".js") for url in urls)

    for url in urls:
        assert url.startswith("/"), f"{page} loads {url} from elsewhere"
        asset = {{ await_ }}client.get(url)
        assert asset.status_code == 200, url
        expected = CONTENT_TYPES[url[url.rindex(".") :]]
        assert expected in asset.headers["content-type"], url
