"""`make article`, `make translation`, `make translation-done`: files that parse and build."""

from __future__ import annotations

import datetime
import os
import shutil
import subprocess

import pytest

from newsroom import sources
from newsroom.cli import main

from .conftest import ROOT, build

NOW = "2026-11-24T12:00:00+01:00"


def content_copy(tmp_path):
    target = tmp_path / "content"
    shutil.copytree(ROOT / "content", target)
    return target


def make(*args):
    return subprocess.run(["make", "--no-print-directory", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, env={**os.environ, "LANG": "C.UTF-8"})


def cli(capsys, monkeypatch, *args):
    monkeypatch.chdir(ROOT)
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out + err


def header(path):
    source = sources.read_source(str(path))
    return {key: field.value for key, field in source.fields.items()}, source


def test_make_article_creates_a_draft_with_every_field(tmp_path):
    content = content_copy(tmp_path)
    result = make("article", "TITLE=Sécurité des données : l’état des lieux", "CATEGORY=Sécurité",
                  "TAGS=RGPD, vie privée", "DATE=2026-11-20T09:30", f"INPUTDIR={content}")
    assert result.returncode == 0, result.stdout + result.stderr
    path = content / "2026" / "securite-des-donnees-l-etat-des-lieux.fr.md"
    assert path.is_file(), result.stdout
    meta, _ = header(path)
    assert list(meta) == ["title", "date", "category", "tags", "authors", "summary", "status"]
    assert meta["title"] == "Sécurité des données : l’état des lieux"
    # TIMEZONE (Europe/Paris) gives the offset
    assert meta["date"] == "2026-11-20T09:30:00+01:00"
    assert meta["category"] == "Sécurité" and meta["tags"] == "RGPD, vie privée"
    assert meta["status"] == "draft" and meta["authors"]
    assert "securite-des-donnees-l-etat-des-lieux.fr.md" in result.stdout


def test_slug_folds_accents_and_the_date_has_the_paris_offset(tmp_path, capsys, monkeypatch):
    content = content_copy(tmp_path)
    code, out = cli(capsys, monkeypatch, "article", "Sécurité des données", "--content",
                    str(content))
    assert code == 0, out
    now = datetime.datetime.now(datetime.timezone.utc)
    path = content / str(now.astimezone(datetime.timezone(datetime.timedelta(hours=1))).year) / \
        "securite-des-donnees.fr.md"
    if not path.exists():  # a year not in ARTICLE_PATHS is refused, with how to fix it
        assert "add" in out and "ARTICLE_PATHS" in out
        return
    date = datetime.datetime.fromisoformat(header(path)[0]["date"])
    assert date.utcoffset() in (datetime.timedelta(hours=1), datetime.timedelta(hours=2))
    assert abs((date - now).total_seconds()) < 120


def test_an_english_article_gets_the_english_category_name(tmp_path, capsys, monkeypatch):
    content = content_copy(tmp_path)
    code, out = cli(capsys, monkeypatch, "article", "Passkeys everywhere", "--lang", "en",
                    "--category", "Sécurité", "--date", "2026-11-20T10:00:00+01:00",
                    "--content", str(content))
    assert code == 0, out
    meta, _ = header(content / "2026" / "passkeys-everywhere.en.md")
    assert meta["category"] == "Security"


def test_refuses_to_overwrite_and_to_reuse_a_slug(tmp_path, capsys, monkeypatch):
    content = content_copy(tmp_path)
    args = ["article", "Sécurité des données", "--date", "2026-11-20T10:00", "--content",
            str(content)]
    assert cli(capsys, monkeypatch, *args)[0] == 0
    path = content / "2026" / "securite-des-donnees.fr.md"
    path.write_text(path.read_text() + "Texte déjà écrit.\n")
    before = path.read_bytes()
    code, out = cli(capsys, monkeypatch, *args)
    assert code == 1 and "already used by" in out
    assert path.read_bytes() == before
    # the same slug in another year's folder is refused too
    code, out = cli(capsys, monkeypatch, "article", "Des artistes", "--slug", "sora-fuite",
                    "--date", "2026-11-20T10:00", "--content", str(content))
    assert code == 1 and "sora-fuite.fr.md" in out
    assert not (content / "2026" / "sora-fuite.fr.md").exists()


def test_a_closed_category_list_is_enforced(tmp_path, capsys, monkeypatch):
    content = content_copy(tmp_path)
    code, out = cli(capsys, monkeypatch, "article", "Football", "--category", "Sport",
                    "--date", "2026-11-20T10:00", "--content", str(content))
    assert code == 1 and "unknown category 'Sport'" in out and "IA" in out
    assert not list((content / "2026").glob("football*"))


def test_make_translation_scaffold(tmp_path):
    content = content_copy(tmp_path)
    result = make("translation", "SLUG=python-sans-gil", "LANG=en", f"INPUTDIR={content}")
    assert result.returncode == 0, result.stdout + result.stderr
    original = sources.read_source(str(content / "2025" / "python-sans-gil.fr.md"))
    path = content / "2025" / "python-sans-gil.en.md"
    meta, translation = header(path)
    assert meta["title"] == original.get("title")
    assert meta["date"] == original.get("date") and meta["authors"] == original.get("authors")
    assert meta["category"] == "Open source"  # I18N_TAXONOMY: Logiciel libre -> Open source
    assert meta["translation"] == "true" and meta["status"] == "draft"
    assert meta["translation-of"] == sources.fingerprint(original)
    assert meta["translation-of"].startswith("sha256:") and len(meta["translation-of"]) == 23
    # the original text is kept below the marker, for the translator
    above, offset = sources.split_marker(translation.body)
    assert offset is not None and not above.strip()
    assert original.body.strip() in translation.body
    # a second run does not overwrite it
    again = make("translation", "SLUG=python-sans-gil", "LANG=en", f"INPUTDIR={content}")
    assert again.returncode != 0 and "already exists" in again.stderr


def test_make_translation_requires_its_arguments():
    result = make("translation", "SLUG=python-sans-gil")
    assert result.returncode != 0 and "usage: make translation" in result.stdout


def test_created_files_parse_and_build(tmp_path, capsys, monkeypatch):
    """A new article and its translation build as linked drafts, in preview."""
    content = content_copy(tmp_path)
    assert cli(capsys, monkeypatch, "article", "Clés d’accès : le bilan", "--category", "Sécurité",
               "--tags", "authentification", "--summary", "Un bilan.", "--date",
               "2026-11-20T10:00:00+01:00", "--content", str(content))[0] == 0
    assert cli(capsys, monkeypatch, "translation", "cles-d-acces-le-bilan", "--lang", "en",
               "--content", str(content))[0] == 0
    en = content / "2026" / "cles-d-acces-le-bilan.en.md"
    assert header(en)[0]["tags"] == "authentication"
    text = en.read_text()
    en.write_text(text.replace("Title: Clés d’accès : le bilan", "Title: Passkeys: the review")
                  .replace("\n\n\n\n<!--", "\n\nThe English text.\n\n<!--"))
    site = build(tmp_path / "out", PATH=str(content), EDITORIAL={"preview": True, "now": NOW})
    assert not [m for m in site.errors() if "cles-d-acces-le-bilan" in m], site.errors()
    fr = site.soup("drafts/cles-d-acces-le-bilan/")
    page = site.soup("en/drafts/cles-d-acces-le-bilan/")
    # (the typography plugin may put a no-break space before the colon)
    assert fr.h1.get_text().replace("\xa0", " ").replace("\u202f", " ") == "Clés d’accès : le bilan"
    assert page.h1.get_text() == "Passkeys: the review" and page.html["lang"] == "en"
    # what is below the marker (the French original) is not published
    body = page.select_one(".content").get_text()
    assert "The English text." in body and "Clés" not in body
    assert {l["hreflang"] for l in page.select("link[hreflang]")} == {"fr", "en", "x-default"}
    # the build warns while the original text is still below the marker
    assert any("cles-d-acces-le-bilan.en.md" in w and "translator's marker" in w
               for w in site.warnings())


def test_translation_done_records_the_new_fingerprint(tmp_path, capsys, monkeypatch):
    content = content_copy(tmp_path)
    en = content / "2024" / "sora-fuite.en.md"
    fr = content / "2024" / "sora-fuite.fr.md"
    code, out = cli(capsys, monkeypatch, "translation-done", "sora-fuite", "--lang", "en",
                    "--content", str(content))
    assert code == 0, out
    current = sources.fingerprint(sources.read_source(str(fr)))
    lines = en.read_text().splitlines()
    assert lines[6:8] == ["Translation: true", f"Translation-Of: {current}"]
    fr.write_text(fr.read_text().replace("Pendant quelques heures", "Pendant trois heures"))
    new = sources.fingerprint(sources.read_source(str(fr)))
    assert new != current
    result = make("translation-done", "SLUG=sora-fuite", "LANG=en", f"INPUTDIR={content}")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Translation-Of: {new} (was {current})" in result.stdout
    assert en.read_text().splitlines()[7] == f"Translation-Of: {new}"
    assert len(en.read_text().splitlines()) == len(lines)  # replaced, not added


def test_translation_done_refuses_while_the_original_text_is_below_the_marker(
        tmp_path, capsys, monkeypatch):
    content = content_copy(tmp_path)
    assert cli(capsys, monkeypatch, "translation", "licences-libres", "--lang", "en",
               "--content", str(content))[0] == 0
    code, out = cli(capsys, monkeypatch, "translation-done", "licences-libres", "--lang", "en",
                    "--content", str(content))
    assert code == 1 and "licences-libres.en.md:" in out and "marker" in out


@pytest.mark.parametrize("title,slug", [
    ("Sécurité des données", "securite-des-donnees"),
    ("L’IA générative : ça change tout", "l-ia-generative-ca-change-tout"),
    ("Œuvres & droit d'auteur en 2026", "oeuvres-droit-d-auteur-en-2026"),
])
def test_slugs(title, slug):
    from pelican.settings import read_settings

    from newsroom.scaffold import make_slug

    assert make_slug(title, read_settings(str(ROOT / "pelicanconf.py"))) == slug


def test_a_bare_new_article_builds_as_a_draft(tmp_path, capsys, monkeypatch):
    """`make article TITLE=…` alone leaves Category, Tags and Summary empty: still a draft that builds."""
    content = content_copy(tmp_path)
    code, out = cli(capsys, monkeypatch, "article", "Une idée", "--date",
                    "2026-11-20T10:00:00+01:00", "--content", str(content))
    assert code == 0 and "fill in: Category, Tags, Summary" in out
    site = build(tmp_path / "out", PATH=str(content), EDITORIAL={"preview": True, "now": NOW})
    page = site.soup("drafts/une-idee/")
    assert page.h1.get_text() == "Une idée"
    assert page.select_one(".editorial-banner strong").get_text() == "Brouillon"
    # what is still to fill is reported, as warnings (it is a draft)
    assert any("une-idee.fr.md:3: Category is empty (needed before publishing)" in w
               for w in site.warnings()), site.warnings()
