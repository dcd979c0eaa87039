"""Real-world words and scripts: compounds, phrases with stopwords, CJK, languages, datelines.

One small index of news-like sentences written for these tests, in twelve languages and
nine scripts, is built on disk (JSON Lines, through ``index_paths`` and the CLI) and
searched through the API, the CLI (CliRunner) and the web app (Flask test client).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from whoosh import query as wq

from searchidx import Engine, index_paths
from searchidx.analysis import NewsAnalyzer, pieces, tag
from searchidx.cli import cli
from searchidx.ingest.dates import parse_date_line
from searchidx.language import detect

from .conftest import close_app, make_app

ARTICLES = [
    (
        "en-covid",
        "en",
        "Second-class citizens",
        "COVID-19 cases rose in the U.S. on Thursday, "
        "and e-mail warnings went out 24/7 to Hewlett-Packard staff. The Audi e-tron sold well, "
        "and President Tsai Ing-wen spoke in Taipei.",
    ),
    (
        "en-triangle",
        "en",
        "Fighting in the Triangle of Death",
        "Troops returned to the area known as the Triangle of Death after a week of clashes.",
    ),
    (
        "en-trade",
        "en",
        "Triangle and Death of trade",
        "A report on the triangle and death of trade in the region. Send an email to the desk.",
    ),
    (
        "en-who",
        "en",
        "Rock veterans on tour",
        "The Who played a concert in London. To be or not to be, said the actor on stage.",
    ),
    (
        "en-covid19",
        "en",
        "Vaccines",
        "Covid19 vaccines arrived in the capital on Friday "
        "morning, health officials said in a statement.",
    ),
    (
        "de",
        "de",
        "Neue Straße in München eröffnet",
        "Die Stadtverwaltung hat am Freitag die "
        "neue Verbindung im Norden der Stadt für den Verkehr freigegeben. Die Bauarbeiten an den "
        "Häusern dauerten zwei Jahre.",
    ),
    (
        "fr",
        "fr",
        "Le gouvernement annonce de nouvelles élections",
        "Le gouvernement français a "
        "annoncé vendredi l'organisation de nouvelles élections législatives au printemps, "
        "selon un communiqué publié à Paris.",
    ),
    (
        "es",
        "es",
        "El Gobierno aprueba nuevas medidas económicas",
        "El Consejo de Ministros "
        "aprobó el viernes un paquete de medidas económicas para apoyar a las pequeñas empresas "
        "afectadas por la crisis.",
    ),
    (
        "ru",
        "ru",
        "Правительство объявило о новых выборах",
        "Правительство России в пятницу "
        "объявило о проведении новых выборов в местные органы власти, сообщает агентство.",
    ),
    ("zh", "zh", "財政部長宣布減稅", "中華民國財政部今日宣布新的減稅方案，預計將惠及中小企業。"),
    (
        "ja",
        "ja",
        "東京のホテル、営業を再開",
        "東京都内の多くのホテルは金曜日、三か月ぶりに営業を"
        "再開した。観光客の数はまだ少ないという。",
    ),
    (
        "ko",
        "ko",
        "서울시, 새 교통 대책 발표",
        "서울시는 17일 대중교통 이용을 늘리기 위한 새로운 교통 대책을 발표했다고 밝혔다.",
    ),
    (
        "ar",
        "ar",
        "الحكومة تعلن عن إجراءات اقتصادية جديدة",
        "أعلنت الحكومة يوم الجمعة عن حزمة من "
        "الإجراءات الاقتصادية الجديدة لدعم الشركات الصغيرة والمتوسطة المتضررة من الأزمة.",
    ),
    (
        "el",
        "el",
        "Η κυβέρνηση ανακοίνωσε νέα μέτρα",
        "Η ελληνική κυβέρνηση ανακοίνωσε την "
        "Παρασκευή νέα οικονομικά μέτρα για τη στήριξη των μικρών επιχειρήσεων που επλήγησαν "
        "από την κρίση.",
    ),
    (
        "th",
        "th",
        "รัฐบาลประกาศมาตรการเศรษฐกิจใหม่",
        "รัฐบาลไทยประกาศมาตรการกระตุ้นเศรษฐกิจใหม่ในวันศุกร์เพื่อช่วยเหลือธุรกิจขนาดเล็ก",
    ),
]


def write_articles(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps({"id": i, "title": t, "body": b}) for i, _, t, b in ARTICLES]
    (folder / "world.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def world_index(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("world")
    index_dir = base / "index"
    index_paths(index_dir, [write_articles(base / "world")])
    return index_dir


@pytest.fixture(scope="module")
def world(world_index):
    with Engine(world_index) as engine:
        yield engine


def ids(engine, query: str) -> set[str]:
    return {hit.id for hit in engine.search(query, page_size=100).hits}


@pytest.mark.parametrize("doc_id, language, title, body", ARTICLES)
def test_each_article_language_is_detected(world, doc_id, language, title, body):
    assert detect(f"{title}\n\n{body}") == language
    assert world.document(doc_id).language == language


# -- compounds ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, expected",
    [
        ("Covid-19", {"en-covid", "en-covid19"}),  # "COVID-19" and "Covid19"
        ("covid19", {"en-covid", "en-covid19"}),
        ("e-mail", {"en-covid", "en-trade"}),  # "e-mail" and "email"
        ("email", {"en-covid", "en-trade"}),
        ("Hewlett-Packard", {"en-covid"}),
        ("24/7", {"en-covid"}),
        ("U.S.", {"en-covid"}),
        ("second-class", {"en-covid"}),
        ("e-tron", {"en-covid"}),
        ("Ing-wen", {"en-covid"}),
    ],
)
def test_hyphenated_and_dotted_words_find_their_documents(world, query, expected):
    assert ids(world, query) == expected


def test_a_minus_starting_a_word_still_excludes(world):
    assert ids(world, "email -covid") == {"en-trade"}
    assert ids(world, "troops -triangle") == set()


def test_query_tree_of_a_compound_is_its_phrase_or_its_joined_term(world_index):
    from searchidx import storage
    from searchidx.query import parse_query

    schema = storage.open_index(world_index).schema
    q = parse_query("Covid-19", schema, 0.5, 1000, ["en"])
    # Normalised, the per-field alternatives are one flat Or.
    assert q == wq.Or(
        [
            wq.Phrase("title", ["covid", "19"], boost=0.5),
            wq.Term("title", "covid19", boost=0.5),
            wq.Phrase("body", ["covid", "19"]),
            wq.Term("body", "covid19"),
        ]
    )


def test_a_compound_is_indexed_as_its_parts_and_its_joined_form():
    found = [(p.term, p.pos, p.joined) for p in pieces("the e-mails")]
    assert found == [("the", 0, False), ("e", 1, False), ("mail", 2, False), ("email", 1, True)]


# -- phrases with stopwords -----------------------------------------------------------------


@pytest.mark.parametrize(
    "query, expected",
    [
        ('"Triangle of Death"', {"en-triangle"}),  # not "triangle and death"
        ('"The Who"', {"en-who"}),
        ('"to be or not to be"', {"en-who"}),
        ('"Death of trade"', {"en-trade"}),
    ],
)
def test_phrases_match_their_stopwords(world, query, expected):
    assert ids(world, query) == expected


def test_ranked_words_still_drop_stopwords(world):
    # "of" is not searched for: "triangle of death" ranks both triangle articles.
    assert ids(world, "triangle of death") == {"en-triangle", "en-trade"}


def test_a_phrase_is_marked_as_one_span(world):
    hit = world.search('"Triangle of Death"').hits[0]
    assert "<mark>Triangle of Death</mark>" in hit.snippet_html


# -- CJK and other scripts without spaces ---------------------------------------------------


@pytest.mark.parametrize(
    "query, doc_id, marked",
    [
        ("財政部", "zh", "<mark>財政部</mark>"),
        ("ホテル", "ja", "<mark>ホテル</mark>"),
        ("営業", "ja", "<mark>営業</mark>"),
        ("서울시", "ko", "<mark>서울시</mark>"),
        ("มาตรการ", "th", "<mark>มาตรการ</mark>"),
    ],
)
def test_words_inside_runs_are_found_and_marked(world, query, doc_id, marked):
    result = world.search(query)
    assert [hit.id for hit in result.hits] == [doc_id]
    assert marked in result.hits[0].snippet_html


def test_a_cjk_run_is_indexed_as_overlapping_bigrams():
    assert [p.term for p in pieces("財政部長")] == ["財政", "政部", "部長"]
    assert [p.term for p in pieces("年")] == ["年"]  # a lone character: a unigram


def test_a_cjk_query_is_the_phrase_of_its_bigrams_and_not_a_bag(world):
    assert ids(world, "政部財") == set()  # the same bigram set in another order


# -- languages ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, doc_id",
    [
        ("strasse", "de"),  # Straße, full case folding
        ("Häuser", "de"),  # Häusern, German stemmer
        ("élection", "fr"),  # élections, French stemmer
        ("annoncée", "fr"),  # annoncé: Snowball stems the accented ending, then it is folded
        ("medida", "es"),  # medidas
        ("выборы", "ru"),  # выборов, Russian stemmer
        ("الحكومة", "ar"),
        ("κυβέρνηση", "el"),
        ("κυβερνηση", "el"),  # without the accent
    ],
)
def test_a_word_finds_its_inflections_in_its_language(world, query, doc_id):
    assert doc_id in ids(world, query)


def test_the_document_language_reaches_the_stemmer():
    analyzer = NewsAnalyzer()
    german = [t.text for t in analyzer(tag("Die Häuser", "de"))]
    english = [t.text for t in analyzer("Die Häuser")]
    assert german == ["die", "haus"] and english == ["die", "hauser"]


def test_language_is_a_facet_and_a_field(world):
    result = world.search("Freitag OR viernes OR vendredi OR пятницу")
    assert {v.value for v in result.facets["language"]} >= {"de", "es", "fr", "ru"}
    assert ids(world, "language:de") == {"de"}


def test_language_in_cli_json_and_show(runner, world_index):
    result = runner.invoke(cli, ["query", "財政部", "--json", "--index", str(world_index)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [(h["id"], h["language"]) for h in data["hits"]] == [("zh", "zh")]
    shown = runner.invoke(cli, ["show", "ru", "--json", "--index", str(world_index)])
    assert json.loads(shown.output)["language"] == "ru"


def test_language_filter_in_cli_and_web(runner, world_index):
    query = "Freitag OR viernes OR vendredi"
    args = ["query", query, "--language", "es", "--json", "--index", str(world_index)]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [h["id"] for h in data["hits"]] == ["es"] and data["filters"] == {"language": "es"}
    app = make_app(world_index)
    try:
        page = app.test_client().get("/search", query_string={"q": query})
        html = page.get_data(as_text=True)
        assert page.status_code == 200 and "Language" in html and "language=fr" in html
        narrowed = app.test_client().get("/api/search", query_string={"q": query, "language": "fr"})
        assert [h["id"] for h in narrowed.get_json()["hits"]] == ["fr"]
    finally:
        close_app(app)


def test_web_api_finds_and_marks_a_japanese_word(world_index):
    app = make_app(world_index)
    try:
        response = app.test_client().get("/api/search", query_string={"q": "ホテル"})
        data = response.get_json()
        assert [h["id"] for h in data["hits"]] == ["ja"]
        assert "<mark>ホテル</mark>" in data["hits"][0]["snippet_html"]
        assert data["hits"][0]["language"] == "ja"
    finally:
        close_app(app)


def test_parallel_indexing_stems_each_language_the_same(tmp_path, world):
    index_dir = tmp_path / "index"
    index_paths(index_dir, [write_articles(tmp_path / "world")], jobs=2)
    with Engine(index_dir) as engine:
        for query in ("Häuser", "выборы", "財政部", "e-mail", '"Triangle of Death"'):
            assert ids(engine, query) == ids(world, query)


# -- datelines ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "17. Januar 2020",
        "Freitag, 17. Januar 2020, 11:09 Uhr",
        "Freitag, den 17. Januar 2020",
        "le vendredi 17 janvier 2020",
        "17 janvier 2020",
        "17 de enero de 2020",
        "17 gennaio 2020",
        "17 de janeiro de 2020",
        "17 januari 2020",
        "17 января 2020 года",
        "2020年1月17日",
        "2020년 1월 17일",
    ],
)
def test_datelines_in_other_languages(line):
    assert parse_date_line(line).date().isoformat() == "2020-01-17"


def test_an_unusual_dateline_goes_to_dateparser_with_the_language_hint():
    assert parse_date_line("17 Ιανουαρίου 2020") is None  # no fast pattern for Greek
    assert parse_date_line("17 Ιανουαρίου 2020", "el").date().isoformat() == "2020-01-17"
    assert parse_date_line("Top 10 films of 2004", "en") is None  # no day and month


def test_a_headline_with_a_percentage_is_not_sent_to_dateparser(monkeypatch):
    from searchidx.ingest import dates

    asked = []
    monkeypatch.setattr(dates, "_dateparser", lambda text, language: asked.append(text))
    assert parse_date_line("Singapore growth at 8.1% in 2004", "en") is None
    assert parse_date_line("17 Ιανουαρίου 2020", "el") is None  # a date: dateparser asked
    assert asked == ["17 Ιανουαρίου 2020"]


def test_a_german_article_gets_its_dateline(tmp_path):
    folder = tmp_path / "de"
    folder.mkdir()
    (folder / "a.txt").write_text(
        "Regierung beschließt Maßnahmen\n17. Januar 2020\n\nDie Bundesregierung hat am "
        "Freitag neue Maßnahmen beschlossen, teilte ein Sprecher in Berlin mit.\n",
        encoding="utf-8",
    )
    index_paths(tmp_path / "index", [folder])
    with Engine(tmp_path / "index") as engine:
        doc = engine.document("de/a.txt")
    assert doc.date.isoformat().startswith("2020-01-17") and doc.language == "de"
