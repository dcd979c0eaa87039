"""The results page's facets (sources, years) as links that narrow the results in the URL."""

import html as htmlmod
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from .conftest import ARCHIVE_SOURCES, ARCHIVE_YEARS, close_app, make_app


@pytest.fixture
def archive_client(archive_index):
    app = make_app(archive_index)
    yield app.test_client()
    close_app(app)


def facet_links(page: str, name: str) -> dict[str, tuple[int, str, bool]]:
    """Return {value: (count, href, chosen)} for facet NAME on the results PAGE."""
    section = re.search(rf'<section class="facet facet-{name}">.*?</section>', page, re.S).group()
    found = {}
    for li, href, value, count in re.findall(
        r'<li( class="chosen")?><a href="([^"]+)"[^>]*><span class="value">([^<]*)</span> '
        r'<span class="n">([\d,]+)</span>',
        section,
    ):
        found[htmlmod.unescape(value)] = (
            int(count.replace(",", "")),
            htmlmod.unescape(href),
            bool(li),
        )
    return found


def args(href: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(href).query).items()}


def total(page: str) -> int:
    return int(re.search(r'<p class="count">\s*<strong>([\d,]+)</strong>', page).group(1))


def test_results_page_lists_facets_with_hand_counts(archive_client):
    page = archive_client.get("/search?q=river").text
    sources = facet_links(page, "source")
    years = facet_links(page, "year")
    assert {v: c for v, (c, _, _) in sources.items()} == ARCHIVE_SOURCES
    assert {v: c for v, (c, _, _) in years.items()} == ARCHIVE_YEARS
    assert args(sources["Middle East Monitor"][1]) == {
        "q": "river",
        "source": "Middle East Monitor",
    }
    assert args(years["2019"][1]) == {"q": "river", "year": "2019"}
    assert not any(chosen for _, _, chosen in sources.values())


def test_following_facet_links_narrows_and_unnarrows(archive_client):
    first = archive_client.get("/search?q=river").text
    by_source = facet_links(first, "source")["Middle East Monitor"][1]
    page = archive_client.get(by_source).text
    assert total(page) == 3
    assert "Aid convoy arrives" in page and "Drought warning" not in page
    assert {v: c for v, (c, _, _) in facet_links(page, "year").items()} == {"2020": 2, "2019": 1}
    by_year = facet_links(page, "year")["2020"][1]
    assert args(by_year) == {"q": "river", "source": "Middle East Monitor", "year": "2020"}
    narrowed = archive_client.get(by_year).text
    assert total(narrowed) == 2
    chosen = facet_links(narrowed, "source")["Middle East Monitor"]
    assert chosen[2] and args(chosen[1]) == {"q": "river", "year": "2020"}  # a chosen value drops
    # Each filter in use has a link that drops it, keeping the others.
    chips = [htmlmod.unescape(h) for h in re.findall(r'<a class="chip" href="([^"]+)"', narrowed)]
    assert [args(h) for h in chips] == [
        {"q": "river", "year": "2020"},
        {"q": "river", "source": "Middle East Monitor"},
    ]


def test_filters_stay_in_sort_and_page_links(archive_client):
    page = archive_client.get("/search?q=river&source=Wire&from=2020-01-01&to=2021-12-31").text
    assert total(page) == 2
    sort_link = re.search(r'<a href="([^"]+)">date</a>', page).group(1)
    assert args(htmlmod.unescape(sort_link)) == {
        "q": "river",
        "sort": "date",
        "source": "Wire",
        "from": "2020-01-01",
        "to": "2021-12-31",
    }


def test_bad_filter_is_a_400_page(archive_client):
    page = archive_client.get("/search?q=river&from=2020-02-30")
    assert page.status_code == 400
    assert "--from &#39;2020-02-30&#39; is not a date" in page.text


def test_api_takes_the_same_filters(archive_client):
    data = archive_client.get("/api/search?q=river&year=2021&source=wire").get_json()
    assert [h["id"] for h in data["hits"]] == ["j1"]
    assert data["filters"] == {"source": "wire", "year": "2021"}
    assert data["facets"] == {
        "source": [{"value": "Wire", "count": 1}],
        "year": [{"value": "2021", "count": 1}],
    }


def test_article_page_says_which_file_and_row(archive_client, archive):
    page = archive_client.get("/doc/m2").text
    assert "<dt>File</dt><dd>export.csv, row 3</dd>" in page
    assert str(archive) not in page  # the server's folders stay private
    page = archive_client.get("/doc/archive/courier/floods.html").text
    assert "<dt>File</dt><dd>floods.html</dd>" in page
