"""Reading time: Unicode word counts, code left out, overrides, localised plural forms."""

from __future__ import annotations

import sys
import unicodedata

import pytest

from .conftest import FIXTURES, ROOT, build

# The module Pelican loads (PLUGIN_PATHS = ["plugins"]), so its exception class is the same.
sys.path.insert(0, str(ROOT / "plugins"))
from reading_time.reading_time import (  # noqa: E402
    ConfigurationError,
    count_words,
    minutes,
    validate,
    visible_text,
    words_per_minute,
)

FIXTURE = dict(
    PATH=str(FIXTURES / "reading_time"),
    ARTICLE_PATHS=["articles"],
    PAGE_PATHS=[],
    LANGUAGES=["fr", "en", "de", "ar"],
    I18N_OVERRIDES={},
    I18N_TAXONOMY={},
    READING_TIME={"wpm": {"fr": 230, "en": 240}},
)
URL = "2025/03/{slug}/"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return build(tmp_path_factory.mktemp("reading_time") / "output", **FIXTURE)


def reading_time(site, lang, slug):
    """(text, datetime) of the reading time in an article's header."""
    prefix = "" if lang == "fr" else f"{lang}/"
    soup = site.soup(prefix + URL.format(slug=slug))
    found = soup.select("article.article header .reading-time time")
    assert len(found) == 1
    return found[0].get_text(), found[0]["datetime"]


# -- counting ---------------------------------------------------------------
@pytest.mark.parametrize("text, words", [
    ("café sécurité", 2),
    ("l’été aujourd'hui peut-être", 3),  # elisions and hyphens join: one word each
    ("Il a 3,5 Go, soit 3 500 Mo.", 8),  # "3,5" is one word, "3 500" two
    ("« Bonjour » ! — dit-elle…", 2),  # punctuation alone is no word
    ("naïve coöperation Ελληνικά русский עברית العربية", 6),
    ("नमस्ते दुनिया", 2),  # Devanagari vowel signs are combining marks
    ("", 0),
])
def test_words(text, words):
    assert count_words(text) == words


def test_decomposed_accents_count_like_composed_ones():
    text = "L’été, la sécurité des données élémentaires"
    decomposed = unicodedata.normalize("NFD", text)
    assert decomposed != text
    assert count_words(decomposed) == count_words(text) == 6


@pytest.mark.parametrize("text, words", [
    ("我们今天发布新版本", 9),  # Han: one word per character
    ("東京は、きょうも晴れ。", 9),  # kanji + hiragana, punctuation not counted
    ("カタカナ・テスト", 7),  # the middle dot is no character to read
    ("안녕하세요 세계", 7),  # Hangul syllables
    ("Tokyo 東京 2024", 4),
])
def test_cjk_counted_per_character(text, words):
    assert count_words(text) == words


def test_cjk_chars_per_word():
    assert count_words("我们今天发布新版本", cjk_chars_per_word=3) == 3
    assert count_words("我们今天发布新版本 et deux", cjk_chars_per_word=1.5) == 8


def test_visible_text_drops_code_scripts_and_styles():
    html = ("<p>Un <em>mot</em>s <code>x = 1</code></p><pre><code>a b c</code></pre>"
            "<script>var a = 1;</script><style>p { color: red }</style><p>fin</p>")
    assert count_words(visible_text(html)) == 3  # Un, mots, fin and nothing else
    assert "mots" in visible_text(html)  # inline elements do not split words
    with_code = visible_text(html, count_code=True)
    assert count_words(with_code) == 3 + 2 + 3  # x 1, a b c — and still no script
    assert "var" not in with_code and "color" not in with_code


def test_blocks_do_not_run_together():
    assert count_words(visible_text("<p>fin</p><p>début</p><ul><li>un</li><li>deux</li></ul>")) == 4


@pytest.mark.parametrize("words, wpm, expected", [
    (0, 230, 1), (1, 230, 1), (230, 230, 1), (231, 230, 2), (460, 230, 2), (461, 230, 3),
])
def test_minutes_round_up_and_never_zero(words, wpm, expected):
    assert minutes(words, wpm) == expected


def test_words_per_minute_by_language():
    config = validate({"READING_TIME": {"wpm": {"fr": 230, "en": 240, "default": 200}}})
    assert words_per_minute(config, "en") == 240
    assert words_per_minute(config, "fr-CA") == 230
    assert words_per_minute(config, "fr_BE") == 230
    assert words_per_minute(config, "ja") == 200
    assert words_per_minute(validate({}), "ja") == 230


def test_settings_defaults():
    assert validate({}) == {"wpm": {"default": 230}, "count_code": False, "cjk_chars_per_word": 1}
    assert validate({"READING_TIME": {"wpm": {"en": 240}}})["wpm"] == {"default": 230, "en": 240}


@pytest.mark.parametrize("value, message", [
    (["fr"], "READING_TIME must be a dict"),
    ({"speed": 200}, "unknown key(s) ['speed']"),
    ({"wpm": 230}, "READING_TIME['wpm'] must be a dict"),
    ({"wpm": {"fr": 0}}, "READING_TIME['wpm']['fr'] must be a positive number"),
    ({"wpm": {"fr": "fast"}}, "READING_TIME['wpm']['fr'] must be a positive number"),
    ({"count_code": "yes"}, "READING_TIME['count_code'] must be True or False"),
    ({"cjk_chars_per_word": -1}, "READING_TIME['cjk_chars_per_word'] must be a positive"),
])
def test_settings_errors_name_the_setting(value, message):
    with pytest.raises(ConfigurationError) as info:
        validate({"READING_TIME": value})
    assert message in str(info.value)


def test_bad_setting_stops_the_build(tmp_path):
    with pytest.raises(ConfigurationError, match=r"READING_TIME\['wpm'\]\['fr'\]"):
        build(tmp_path / "out", **{**FIXTURE, "READING_TIME": {"wpm": {"fr": -5}}})


# -- built fixture site -----------------------------------------------------
def test_exact_word_counts_per_language(site):
    # 460 French words (accents, elisions, a paragraph in NFD): 2 min at 230 wpm
    # (461 would be 3); 480 English words: 2 min at 240 wpm (3 at 230).
    assert reading_time(site, "fr", "mots") == ("2 min de lecture", "PT2M")
    assert reading_time(site, "en", "mots") == ("2 min read", "PT2M")


def test_code_is_not_counted(site):
    # 231 words of prose (2 min) and a 100-line code block plus inline code.
    assert reading_time(site, "fr", "code") == ("2 min de lecture", "PT2M")


def test_code_counted_when_asked(tmp_path):
    site = build(tmp_path / "out", **{**FIXTURE, "READING_TIME": {"count_code": True}})
    # 231 + 600 words in the block + 3 in the inline code = 834 words at 230 wpm
    assert reading_time(site, "fr", "code") == ("4 min de lecture", "PT4M")


def test_japanese_counted_by_characters(site):
    # 10 French words and 451 Japanese characters = 461 words: 3 min at 230 wpm
    assert reading_time(site, "fr", "japonais") == ("3 min de lecture", "PT3M")


def test_tiny_article_is_one_minute(site):
    assert reading_time(site, "fr", "court") == ("1 min de lecture", "PT1M")
    assert reading_time(site, "en", "court") == ("1 min read", "PT1M")
    assert reading_time(site, "de", "court") == ("1 Min. Lesezeit", "PT1M")


def test_metadata_overrides(site):
    assert reading_time(site, "fr", "sept") == ("7 min de lecture", "PT7M")
    assert reading_time(site, "en", "sept") == ("7 min read", "PT7M")
    assert reading_time(site, "fr", "deux") == ("2 min de lecture", "PT2M")


def test_invalid_override_is_an_error_and_falls_back(site):
    errors = [e for e in site.errors() if "ReadingTime" in e]
    assert len(errors) == 1
    assert "reading_time: " in errors[0]
    assert "articles/invalide.fr.md:5: invalid ReadingTime 'dix minutes'" in errors[0]
    assert "'ReadingTime: 7'" in errors[0]
    assert reading_time(site, "fr", "invalide") == ("1 min de lecture", "PT1M")


def test_arabic_plural_forms(site):
    # One, two and few (3–10) take different forms in Arabic.
    assert reading_time(site, "ar", "court")[0] == "دقيقة قراءة واحدة (1)"
    assert reading_time(site, "ar", "deux")[0] == "دقيقتا قراءة (2)"
    assert reading_time(site, "ar", "sept")[0] == "7 دقائق قراءة"


def test_listings_show_reading_time(site):
    for prefix, expected in (("", "2 min de lecture"), ("en/", "2 min read")):
        home = site.soup(prefix)
        summaries = home.select("article.summary")
        assert summaries
        for summary in summaries:
            assert len(summary.select(".reading-time time[datetime]")) == 1
        link = home.select_one(f'article.summary h2 a[href="/{prefix}{URL.format(slug="mots")}"]')
        summary = link.find_parent("article")
        assert summary.select_one(".reading-time").get_text() == expected


def test_sample_site_articles_and_listings(sample_site):
    for path in ("2024/11/sora-fuite/", "en/2024/11/sora-fuite/"):
        header = sample_site.soup(path).select_one("article.article header")
        time = header.select(".reading-time time")
        assert len(time) == 1
        assert time[0]["datetime"] == "PT2M"
    fr = sample_site.soup("2024/11/sora-fuite/").select_one(".reading-time").get_text()
    en = sample_site.soup("en/2024/11/sora-fuite/").select_one(".reading-time").get_text()
    assert (fr, en) == ("2 min de lecture", "2 min read")
    for prefix in ("", "en/"):
        home = sample_site.soup(prefix)
        assert len(home.select("article.summary")) == len(home.select("article.summary .reading-time"))
