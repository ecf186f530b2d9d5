"""French typography: no-break spaces in French text only, never in code, URLs or attributes."""

from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ET

import pytest

from .conftest import FIXTURES, ROOT, build

# The module Pelican loads (PLUGIN_PATHS = ["plugins"]), so its exception class is the same.
sys.path.insert(0, str(ROOT / "plugins"))
from typography.french import french_html, french_text  # noqa: E402
from typography.typography import ConfigurationError, validate  # noqa: E402

N = "\u202f"  # narrow no-break space
S = "\u00a0"  # no-break space
NO_BREAK = (N, S)

FIXTURE = dict(
    PATH=str(FIXTURES / "typography"),
    ARTICLE_PATHS=["articles"],
    PAGE_PATHS=["pages"],
    I18N_OVERRIDES={},
    I18N_TAXONOMY={},
)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return build(tmp_path_factory.mktemp("typography") / "output", **FIXTURE)


# -- the transform ----------------------------------------------------------
TEXT_CASES = [
    ("Bonjour!", f"Bonjour{N}!"),
    ("Bonjour !", f"Bonjour{N}!"),
    (f"Bonjour{S}?", f"Bonjour{N}?"),  # no-break space of the wrong kind
    ("Quoi ; vraiment", f"Quoi{N}; vraiment"),
    ("Note: voir", f"Note{S}: voir"),
    (f"Note{N}: voir", f"Note{S}: voir"),
    ("Note \n: voir", f"Note{S}: voir"),  # a line break the editor typed
    ("«Bonjour»", f"«{N}Bonjour{N}»"),
    ("« Bonjour »", f"«{N}Bonjour{N}»"),
    (f"«{S}Bonjour{S}»", f"«{N}Bonjour{N}»"),
    ("Quoi?!", f"Quoi{N}?!"),  # one space before a run of signs
    ("Quoi ?!", f"Quoi{N}?!"),
    ("Vraiment!!!", f"Vraiment{N}!!!"),
    ("« Oui ! »", f"«{N}Oui{N}!{N}»"),
    ("Il dit « non » ?", f"Il dit «{N}non{N}»{N}?"),
    ("AI Act : un règlement", f"AI Act{S}: un règlement"),
    ("Licences libres : permissives ou copyleft ?", f"Licences libres{S}: permissives ou copyleft{N}?"),
    # left alone
    ("Il est 12:30.", "Il est 12:30."),
    ("std::vector", "std::vector"),
    ("a != b", "a != b"),
    ("x:y et a?b", "x:y et a?b"),
    ("(?) et [!]", "(?) et [!]"),
    ("?Début", "?Début"),
    ("https://example.org/?a=1&b=2", "https://example.org/?a=1&b=2"),
    ("Voir https://example.org/x?q=1 ou www.example.org/?a=b!", "Voir https://example.org/x?q=1 ou www.example.org/?a=b!"),
    ("mailto:redaction@example.org?subject=Bonjour", "mailto:redaction@example.org?subject=Bonjour"),
    ("Rien à changer.", "Rien à changer."),
    ("", ""),
]


@pytest.mark.parametrize("text, expected", TEXT_CASES)
def test_french_text(text, expected):
    assert french_text(text) == expected


@pytest.mark.parametrize("text", [case[0] for case in TEXT_CASES] + [case[1] for case in TEXT_CASES])
def test_idempotent(text):
    once = french_text(text)
    assert french_text(once) == once


@pytest.mark.parametrize("tag", ["code", "pre", "kbd", "samp", "script", "style", "textarea"])
def test_html_never_inside_code_like_elements(tag):
    html = f"<p>Avant : <{tag}>a ? b : «c» !</{tag}> après !</p>"
    out = french_html(html)
    assert f"<{tag}>a ? b : «c» !</{tag}>" in out
    assert f"Avant{S}:" in out and f"après{N}!" in out


def test_html_attributes_and_urls_untouched():
    html = ('<p><a href="https://example.org/?a=1&amp;b=2" title="Un titre ?">Le lien</a> ! '
            'Voir https://example.org/?q=1 ;</p>')
    out = french_html(html)
    assert 'href="https://example.org/?a=1&amp;b=2"' in out
    assert 'title="Un titre ?"' in out
    assert f"</a>{N}! Voir https://example.org/?q=1{N};" in out


def test_html_spaces_across_inline_elements():
    assert french_html("<p><em>Bonjour</em>!</p>") == f"<p><em>Bonjour</em>{N}!</p>"
    assert french_html("<p><em>Bonjour </em>!</p>") == f"<p><em>Bonjour{N}</em>!</p>"
    assert french_html('<p>«<a href="/x">lien</a>»</p>') == f'<p>«{N}<a href="/x">lien</a>{N}»</p>'
    assert french_html("<p>Voir <code>x</code> ?</p>") == f"<p>Voir <code>x</code>{N}?</p>"


def test_html_blocks_are_separate():
    html = "<p>Fin</p><p>! Début</p><ul><li>un</li><li>? deux</li></ul>"
    assert french_html(html) == html


def test_html_other_language_elements_untouched():
    html = '<p>Il dit : <span lang="en">Hello! Really?</span> <q lang="fr-CA">Allô!</q></p>'
    out = french_html(html)
    assert '<span lang="en">Hello! Really?</span>' in out
    assert f"Il dit{S}:" in out and f"Allô{N}!" in out


def test_html_unchanged_is_byte_identical():
    html = "<p>Rien à faire ici.<br />Vraiment rien.</p>\n<!-- note : non -->"
    assert french_html(html) is html


def test_html_idempotent():
    html = ('<h2>Titre : sous-titre ?</h2><p>«Bonjour» <em>dit</em>-elle ; <a href="/?a=1">x</a>!'
            '</p><pre><code>a ? b</code></pre><blockquote><p>« Citation »</p></blockquote>')
    once = french_html(html)
    assert once != html
    assert french_html(once) == once


def test_settings():
    assert validate({}) == {"languages": ["fr"]}
    assert validate({"TYPOGRAPHY": {"languages": ["fr-CA", "fr"]}}) == {"languages": ["fr", "fr"]}
    for value, message in (
        (["fr"], "TYPOGRAPHY must be a dict"),
        ({"langs": ["fr"]}, "unknown key(s) ['langs']"),
        ({"languages": "fr"}, "TYPOGRAPHY['languages'] must be a list"),
    ):
        with pytest.raises(ConfigurationError) as info:
            validate({"TYPOGRAPHY": value})
        assert message in str(info.value)


# -- built fixture site -----------------------------------------------------
def test_fixture_french_article(site):
    soup = site.soup("2025/05/ponctuation/")
    content = soup.select_one(".content")
    paragraphs = [p.get_text() for p in content.find_all("p", recursive=False)]
    assert paragraphs[0].startswith(f"Bonjour{N}! Ça va{N}? Elle répond{S}: «{N}Très bien{N}» puis «{N}Merci{N}».")
    assert f"d’interrogation{N}? Et une fine avant les deux-points{S}:" in paragraphs[1]
    assert f"Quoi{N}?! Vraiment{N}!!" in paragraphs[1]
    assert "Il est 12:30. En C++, on écrit std::vector et a != b dans le texte." in paragraphs[2]
    assert "https://example.org/recherche?q=1&a=2 pour la suite" in paragraphs[3]
    link = content.select_one('a[href="https://example.org/?a=1"]')
    assert link["title"] == "Un titre ?"
    assert paragraphs[3].endswith(f"ce lien{N}!")
    assert paragraphs[4].startswith(f"Bonjour{N}! Puis Hello! Really? en anglais")
    assert content.select_one("kbd").get_text() == "Ctrl+?"
    assert content.select_one("samp").get_text() == "Erreur: fichier introuvable!"
    for element in content.select("code, pre, kbd, samp"):
        assert not any(c in element.get_text() for c in NO_BREAK)
    assert 'print("Bonjour ! «x»")' in content.select_one("pre").get_text()


def test_fixture_titles_and_summaries(site):
    title = f"Typographie{S}: le test ultime{N}?"
    article = site.soup("2025/05/ponctuation/")
    assert article.h1.get_text() == title
    assert article.title.get_text().startswith(title + " – ")
    home = site.soup("")
    summary = home.select_one("article.summary")
    assert summary.h2.get_text() == title
    assert summary.select_one(".excerpt").get_text() == f"«{N}Bonjour{N}» dit-elle{N}; vraiment{N}!"
    page = site.soup("contact/")
    assert page.h1.get_text() == f"Contact{S}: écrivez-nous{N}!"
    assert f"Une question{N}? Écrivez-nous{S}: «{N}redaction@example.org{N}»." in page.select_one(".content").get_text()


def test_fixture_english_untouched(site):
    for path in ("en/2025/05/ponctuation/", "en/contact/", "en/"):
        html = (site.output / path / "index.html").read_text(encoding="utf-8")
        assert N not in html
    article = site.soup("en/2025/05/ponctuation/")
    assert article.h1.get_text() == "Typography: the ultimate test?"
    text = article.select_one(".content").get_text()
    assert "Hello! How are you? She answers: «Very well» and « Thanks »." in text
    assert "Really ?!" in text
    assert site.soup("en/contact/").h1.get_text() == "Contact: write to us!"


def test_typography_can_be_turned_off(tmp_path):
    site = build(tmp_path / "out", **FIXTURE, TYPOGRAPHY={"languages": []})
    soup = site.soup("2025/05/ponctuation/")
    assert soup.h1.get_text() == "Typographie : le test ultime ?"
    assert "Bonjour! Ça va? Elle répond : «Très bien» puis « Merci »." in soup.select_one(".content").get_text()


# -- sample site ------------------------------------------------------------
def test_sample_sora_french_and_english(sample_site):
    fr = sample_site.soup("2024/11/sora-fuite/").select_one(".content").get_text()
    assert f"produit commercial{N}?" in fr
    assert f"«{N}Sora PR Puppets{N}»" in fr
    assert f"en novembre 2024{S}: des artistes" in fr
    assert " ?" not in fr and "« " not in fr and " »" not in fr
    en = (sample_site.output / "en/2024/11/sora-fuite/index.html").read_text(encoding="utf-8")
    assert N not in en
    assert "product begin?" in en


def test_sample_code_untouched(sample_site):
    soup = sample_site.soup("2025/11/python-sans-gil/")
    content = soup.select_one(".content")
    code = content.select("pre, code")
    assert code
    for element in code:
        assert not any(c in element.get_text() for c in NO_BREAK)
    assert "# 1 si compilé sans GIL" in content.select_one("pre").get_text()
    assert f"dans quel mode on se trouve{S}:" in content.get_text()


def test_sample_titles_with_colon(sample_site):
    expected = f"AI Act{S}: un règlement européen qui s'applique par étapes"
    soup = sample_site.soup("2025/03/ai-act-calendrier/")
    assert soup.h1.get_text() == expected
    assert soup.title.get_text().startswith(expected)
    home_titles = [h.get_text() for h in sample_site.soup("").select("article.summary h2")]
    assert expected in home_titles
    assert f"Licences libres{S}: permissives ou copyleft{N}?" in home_titles
    en = sample_site.soup("en/2025/03/ai-act-calendrier/")
    assert en.h1.get_text() == "AI Act: a European regulation that applies in stages"


def test_same_title_in_json_ld_and_social_metadata(sample_site):
    expected = f"Licences libres{S}: permissives ou copyleft{N}?"
    soup = sample_site.soup("2026/06/licences-libres/")
    headlines = [json.loads(s.string).get("headline")
                 for s in soup.select('script[type="application/ld+json"]')]
    assert expected in headlines
    assert soup.select_one('meta[property="og:title"]')["content"] == expected
    en = sample_site.soup("en/2025/03/ai-act-calendrier/")
    assert en.select_one('meta[property="og:title"]')["content"] == (
        "AI Act: a European regulation that applies in stages")


def test_feed_titles_keep_no_break_spaces(published_site):
    atom = "{http://www.w3.org/2005/Atom}"

    def titles(path):
        root = ET.parse(published_site.output / path).getroot()
        return [e.findtext(f"{atom}title") for e in root.iter(f"{atom}entry")]

    fr = titles("feeds/all.atom.xml")
    assert f"AI Act{S}: un règlement européen qui s'applique par étapes" in fr
    assert f"Licences libres{S}: permissives ou copyleft{N}?" in fr
    en = titles("en/feeds/all.atom.xml")
    assert "AI Act: a European regulation that applies in stages" in en
    assert not any(c in t for t in en for c in NO_BREAK)
