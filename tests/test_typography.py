"""Typography by language: CLDR quotes, apostrophes, French spacing; never in code, URLs or attributes."""

from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup

from .conftest import FIXTURES, ROOT, build

# The module Pelican loads (PLUGIN_PATHS = ["plugins"]), so its exception class is the same.
sys.path.insert(0, str(ROOT / "plugins"))
from typography.tree import typeset_html, typeset_plain, typeset_tree  # noqa: E402
from typography.typography import ConfigurationError, validate  # noqa: E402


def french_text(text):
    return typeset_plain(text, "fr")


def french_html(html):
    return typeset_html(html, "fr")

N = "\u202f"  # narrow no-break space
S = "\u00a0"  # no-break space
NO_BREAK = (N, S)

FIXTURE = dict(
    PATH=str(FIXTURES / "typography"),
    LANGUAGES=["fr", "en", "de"],
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



# -- other languages: quotes from CLDR, apostrophes ------------------------------
LANG_CASES = [
    ("en", "It's \"exascale\"", "It’s “exascale”"),
    ("en", "He said \"she said 'hi'\"", "He said “she said ‘hi’”"),
    ("en", "the '90s and the students' work", "the ’90s and the students’ work"),
    ("en", "a 12\" screen", "a 12\" screen"),  # a lone straight quote stays
    ("en", "Note: \"yes\"!", "Note: “yes”!"),  # no French spaces in English
    ("de", "Sie sagte: \"Das ist 'gut'\" und geht's", "Sie sagte: „Das ist ‚gut‘“ und geht’s"),
    ("fr", "L'Europe parle d'\"exascale\"", f"L’Europe parle d’«{N}exascale{N}»"),
    ("fr", "\"Elle a dit \"oui\" hier\"", f"«{N}Elle a dit «{N}oui{N}» hier{N}»"),
    ("fr", "Il dit : \"non\"?", f"Il dit{S}: «{N}non{N}»{N}?"),
    ("fr-CH", "Il dit \"'oui'\"", f"Il dit «{N}‹{N}oui{N}›{N}»"),  # CLDR fr_CH nested marks
    ("ja", "\"東京\"", "「東京」"),  # a language with no code of its own
    ("ar", "\"مرحبا\"", "”مرحبا“"),
]


@pytest.mark.parametrize("lang, text, expected", LANG_CASES)
def test_languages(lang, text, expected):
    assert typeset_plain(text, lang) == expected
    assert typeset_plain(expected, lang) == expected  # idempotent


def test_quotes_do_not_span_blocks():
    html = '<p>"Ouvert</p><p>fermé"</p>'
    assert typeset_html(html, "en") == html


def test_quotes_across_inline_elements():
    assert typeset_html('<p>"<em>exascale</em>"</p>', "en") == "<p>“<em>exascale</em>”</p>"
    out = BeautifulSoup(typeset_html('<p>"<a href="/x?a=&quot;b&quot;">lien</a>"</p>', "fr"),
                        "html.parser")
    assert out.p.get_text() == f"«{N}lien{N}»"
    assert out.a["href"] == '/x?a="b"'  # attribute values are never changed


def test_element_language_wins():
    html = '<p>Il dit : <span lang="en">"Hello!" it\'s</span> et "oui" !</p>'
    out = typeset_html(html, "fr")
    assert '<span lang="en">“Hello!” it’s</span>' in out
    assert f"et «{N}oui{N}»{N}!" in out and f"Il dit{S}:" in out
    out = typeset_html('<p>"Hi" <q lang="de">"Hallo"</q></p>', "en")
    assert out == '<p>“Hi” <q lang="de">„Hallo“</q></p>'


@pytest.mark.parametrize("tag", ["code", "pre", "kbd", "samp", "script", "style"])
def test_quotes_never_inside_code(tag):
    html = f"<p>\"A\" <{tag}>print(\"it's\")</{tag}> isn't</p>"
    assert typeset_html(html, "en") == f"<p>“A” <{tag}>print(\"it's\")</{tag}> isn’t</p>"


def test_markdown_tree():
    """The body typesetter on Python-Markdown's own tree (as a tree processor runs it):
    stashed raw HTML and entities are placeholders, never changed."""
    import markdown
    from markdown.treeprocessors import Treeprocessor

    class Typeset(Treeprocessor):
        def run(self, root):
            typeset_tree(root, "fr")

    class Extension(markdown.Extension):
        def extendMarkdown(self, md):
            # after the inline patterns (20), before the placeholders are resolved
            md.treeprocessors.register(Typeset(md), "typography", 15)

    source = ('L\'Europe dit "oui" : <abbr title="Un titre ?">UE</abbr> !\n\n'
              'Un &quot;vrai&quot; guillemet et `print("l\'a")`.\n\n'
              '```\nx = "a" ; y = \'b\'\n```\n\n'
              "* [lien \"cité\"](https://example.org/l'a?x=1 \"Titre ?\")")
    html = markdown.markdown(source, extensions=[Extension(), "fenced_code"])
    soup = BeautifulSoup(html, "html.parser")
    first, second = soup.find_all("p")[:2]
    assert first.get_text() == f"L’Europe dit «{N}oui{N}»{S}: UE{N}!"
    assert soup.abbr["title"] == "Un titre ?"
    assert second.get_text() == "Un \"vrai\" guillemet et print(\"l'a\")."
    assert soup.pre.get_text() == "x = \"a\" ; y = 'b'\n"
    # raw inline tags are placeholders: with the stash, their language and code still count
    stash = []

    class Stashed(Treeprocessor):
        def run(self, root):
            blocks = self.md.htmlStash.rawHtmlBlocks
            typeset_tree(root, "fr", raw_html=lambda i: blocks[i])
            stash.append(True)

    class StashExtension(markdown.Extension):
        def extendMarkdown(self, md):
            md.treeprocessors.register(Stashed(md), "typography", 15)

    raw = ('Il dit : <span lang="en">"Hi!" it\'s</span> puis "oui" ! '
           '<kbd>"x" ?</kbd> fin !')
    out = BeautifulSoup(markdown.markdown(raw, extensions=[StashExtension()]), "html.parser")
    assert stash and out.p.get_text() == (f"Il dit{S}: “Hi!” it’s puis «{N}oui{N}»{N}! "
                                          f"\"x\" ? fin{N}!")
    link = soup.select_one("li a")
    assert link.get_text() == f"lien «{N}cité{N}»"
    assert link["href"] == "https://example.org/l'a?x=1"
    assert link["title"] == "Titre ?"


def test_settings():
    assert validate({}) == {"languages": None, "quotes": {}, "apostrophe": {}, "spacing": {}}
    config = validate({"TYPOGRAPHY": {"languages": ["fr-ca", "en"], "quotes": {"de_ch": "«»‹›"},
                                      "spacing": {"fr-CH": {"before": {":": S}}}}})
    assert config["languages"] == ["fr-CA", "en"]
    assert typeset_plain('"Grüezi"', "de-CH", config) == '"Grüezi"'  # de-CH not in languages
    config = validate({"TYPOGRAPHY": {"quotes": {"de_ch": "«»‹›"},
                                      "spacing": {"fr-CH": {"before": {":": S}}}}})
    assert typeset_plain('"Grüezi"', "de-CH", config) == "«Grüezi»"
    assert typeset_plain("Oui ! Non : «x»", "fr-CH", config) == f"Oui ! Non{S}: «x»"
    assert typeset_plain("Oui !", "fr", config) == f"Oui{N}!"
    for value, message in (
        (["fr"], "TYPOGRAPHY must be a dict"),
        ({"langs": ["fr"]}, "unknown key(s) ['langs']"),
        ({"languages": "fr"}, "TYPOGRAPHY['languages'] must be None (every language) or a list"),
        ({"quotes": {"fr": "«»"}}, "TYPOGRAPHY['quotes']['fr']: 4 characters"),
        ({"spacing": {"fr": {"after": {}}}}, "TYPOGRAPHY['spacing']['fr']: a dict with the keys"),
        ({"apostrophe": {"en": "''"}}, "TYPOGRAPHY['apostrophe']['en']: one character"),
    ):
        with pytest.raises(ConfigurationError) as info:
            validate({"TYPOGRAPHY": value})
        assert message in str(info.value)


# -- built fixture site -----------------------------------------------------
def _texts(element):
    """Every text node of an element, with the names of its ancestors."""
    return [(str(s), {p.name for p in s.parents}) for s in element.find_all(string=True)]


CODE = {"code", "pre", "kbd", "samp", "script", "style"}


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
    # an English span in a French paragraph gets English typography
    assert paragraphs[4] == f"Bonjour{N}! Puis Hello! Really? “Quoted” and it’s fine. en anglais."
    assert content.select_one("kbd").get_text() == "Ctrl+?"
    assert content.select_one("samp").get_text() == "Erreur: fichier introuvable!"
    assert paragraphs[6] == (f"L’Europe parle d’«{N}exascale{N}» et de «{N}calcul «{N}haute{N}» "
                             f"performance{N}»{S}: c’est «{N}vraiment{N}» nouveau. Un écran de "
                             "12\" et print(\"l'a\") restent tels quels.")
    assert content.select("p")[6].em.get_text() == "vraiment"
    for text, parents in _texts(content):
        if parents & CODE:
            assert not any(c in text for c in (*NO_BREAK, "’", "“", "”"))
        else:
            assert "'" not in text and ('"' not in text or "12\"" in text)
    assert 'print("Bonjour ! «x»")  # vrai?' in content.select_one("pre").get_text()
    assert content.select("p")[6].code.get_text() == "print(\"l'a\")"


def test_fixture_english_article(site):
    soup = site.soup("en/2025/05/ponctuation/")
    content = soup.select_one(".content")
    text = content.get_text()
    assert N not in text and S not in text
    assert "Hello! How are you? She answers: «Very well» and « Thanks »." in text
    assert "Really ?!" in text
    paragraph = content.find_all("p", recursive=False)[2].get_text()
    assert paragraph == ("It’s “exascale”, she said: “they call it ‘the next step’ in the ’90s "
                         "sense”. The students’ work, a 12\" screen and print(\"it's\") stay.")
    assert content.code.get_text() == "print(\"it's\")"
    assert soup.h1.get_text() == "Typography: it’s the “ultimate” test?"


def test_fixture_german_article(site):
    soup = site.soup("de/2025/05/ponctuation/")
    assert soup.find("html")["lang"] == "de"
    assert soup.h1.get_text() == "Typografie: der „ultimative“ Test?"
    content = soup.select_one(".content")
    assert content.p.get_text() == ("Sie sagte: „Das ist ‚exascale‘ und geht’s gut?“ "
                                    "Der Code print(\"geht's\") bleibt.")
    assert content.code.get_text() == "print(\"geht's\")"
    assert site.soup("de/").select_one("article.summary .excerpt").get_text() == "Sie sagte: „Hallo!“"
    assert site.soup("de/contact/").select_one(".content").get_text().strip() == (
        "Eine Frage? Schreiben Sie uns: „redaktion@example.org“.")


def test_fixture_titles_and_summaries(site):
    title = f"Typographie{S}: l’«{N}exascale{N}», le test ultime{N}?"
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
    en = site.soup("en/")
    assert en.select_one("article.summary .excerpt").get_text() == "“Hello!” she said; really!"


def test_fixture_theme_strings(site):
    """The theme's strings (catalogs) get the typography of the page's language."""
    fr = site.soup("2025/05/ponctuation/")
    assert fr.select_one("p.translations").contents[0].strip() == f"Aussi disponible en{S}:"
    en = site.soup("en/2025/05/ponctuation/")
    assert en.select_one("p.translations").contents[0].strip() == "Also available in:"


def test_fixture_english_untouched_by_french_rules(site):
    for path in ("en/2025/05/ponctuation/", "en/contact/", "en/"):
        html = (site.output / path / "index.html").read_text(encoding="utf-8")
        assert N not in html
    assert site.soup("en/contact/").h1.get_text() == "Contact: write to us!"


def test_typography_can_be_turned_off(tmp_path):
    site = build(tmp_path / "out", **FIXTURE, TYPOGRAPHY={"languages": []})
    soup = site.soup("2025/05/ponctuation/")
    assert soup.h1.get_text() == "Typographie : l'\"exascale\", le test ultime ?"
    assert "Bonjour! Ça va? Elle répond : «Très bien» puis « Merci »." in soup.select_one(".content").get_text()
    assert "It's \"exascale\"" in site.soup("en/2025/05/ponctuation/").select_one(".content").get_text()


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
    expected = f"AI Act{S}: un règlement européen qui s’applique par étapes"
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
    assert f"AI Act{S}: un règlement européen qui s’applique par étapes" in fr
    assert f"Licences libres{S}: permissives ou copyleft{N}?" in fr
    en = titles("en/feeds/all.atom.xml")
    assert "AI Act: a European regulation that applies in stages" in en
    assert not any(c in t for t in en for c in NO_BREAK)
