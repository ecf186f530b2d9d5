"""`make status`: missing and outdated translations; the preview report; the readers' notice."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from newsroom.cli import main

from .conftest import ROOT, build

SITEURL = "https://news.example.org"


def cli(monkeypatch, capsys, *args):
    monkeypatch.chdir(ROOT)
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def content(tmp_path_factory):
    """A copy of content/ where two translations are outdated and one is up to date.

    * sora-fuite: en recorded, then the French original changed → en outdated;
    * columnar-storage-explained (English original): fr translated and recorded,
      then the original changed → fr outdated;
    * langages-surete-memoire: en recorded, nothing changed → up to date;
    * python-sans-gil and licences-libres have no English version → missing.
    """
    root = tmp_path_factory.mktemp("status") / "content"
    shutil.copytree(ROOT / "content", root)
    mp = pytest.MonkeyPatch()
    try:
        mp.chdir(ROOT)
        for slug in ("sora-fuite", "langages-surete-memoire"):
            assert main(["translation-done", slug, "--lang", "en", "--content", str(root)]) == 0
        assert main(["translation", "columnar-storage-explained", "--lang", "fr",
                     "--content", str(root)]) == 0
    finally:
        mp.undo()
    fr = root / "2026" / "columnar-storage-explained.fr.md"
    head, _, _ = fr.read_text().partition("<!-- newsroom:original")
    fr.write_text(head.replace("Status: draft\n", "").replace(
        "Title: Columnar storage explained: why analytics likes Parquet",
        "Title: Le stockage en colonnes expliqué").rstrip() + "\n\nLe texte traduit.\n")
    mp = pytest.MonkeyPatch()
    try:
        mp.chdir(ROOT)
        assert main(["translation-done", "columnar-storage-explained", "--lang", "fr",
                     "--content", str(root)]) == 0
    finally:
        mp.undo()
    for rel, old, new in (
        ("2024/sora-fuite.fr.md", "Pendant quelques heures", "Pendant trois heures"),
        ("2026/columnar-storage-explained.en.md", "\n\n", "\n\nA new first paragraph.\n\n"),
    ):
        path = root / rel
        text = path.read_text()
        assert old in text
        path.write_text(text.replace(old, new, 1))
    return root


def test_status_json_finds_missing_and_outdated(content, monkeypatch, capsys):
    code, out, _ = cli(monkeypatch, capsys, "status", "--json", "--content", str(content))
    assert code == 0
    rows = {row["slug"]: row for row in json.loads(out)}
    state = {slug: {lang: cell["state"] for lang, cell in row["languages"].items()
                    if lang != "es"}
             for slug, row in rows.items()}
    # Spanish: one translation in the sample, recorded (up to date)
    assert rows["cles-d-acces"]["languages"]["es"]["state"] == "current"
    assert rows["sora-fuite"]["languages"]["es"]["state"] == "missing"
    assert state["sora-fuite"] == {"fr": "original", "en": "outdated"}
    assert state["columnar-storage-explained"] == {"fr": "outdated", "en": "original"}
    assert state["langages-surete-memoire"] == {"fr": "original", "en": "current"}
    assert state["python-sans-gil"] == {"fr": "original", "en": "missing"}
    assert state["licences-libres"] == {"fr": "original", "en": "missing"}
    assert state["ai-act-calendrier"]["en"] == "current"  # sample translations are tracked
    assert state["a-propos"]["en"] == "current" and rows["a-propos"]["kind"] == "page"
    sora = rows["sora-fuite"]["languages"]["en"]
    assert sora["recorded"] != sora["current"]  # fingerprints, not file times


def test_make_status_table_and_check_flag(content, monkeypatch, capsys):
    result = subprocess.run(["make", "--no-print-directory", "status", f"INPUTDIR={content}"],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    rows = {line.split()[0]: line.split()[1:] for line in result.stdout.splitlines()
            if line.startswith("  ")}
    # columns fr, en, es (Spanish: only cles-d-acces is translated)
    assert rows["sora-fuite"] == ["original", "OUTDATED", "MISSING"]
    assert rows["python-sans-gil"] == ["original", "MISSING", "MISSING"]
    assert rows["columnar-storage-explained"] == ["OUTDATED", "original", "MISSING"]
    assert rows["langages-surete-memoire"] == ["original", "up", "to", "date", "MISSING"]
    assert rows["cles-d-acces"] == ["original", "up", "to", "date", "up", "to", "date"]
    assert "missing: 13 · outdated: 2 · up to date: 9" in result.stdout
    code, _, _ = cli(monkeypatch, capsys, "status", "--check", "--content", str(content))
    assert code == 1


def test_file_times_do_not_matter(content, monkeypatch, capsys, tmp_path):
    """Touching a translation (or its original) changes nothing: only the text counts."""
    import os

    copy = tmp_path / "content"
    shutil.copytree(content, copy)
    en = copy / "2024" / "sora-fuite.en.md"
    os.utime(en, (4102444800, 4102444800))  # year 2100
    os.utime(copy / "2026" / "langages-surete-memoire.fr.md", (4102444800, 4102444800))
    code, out, _ = cli(monkeypatch, capsys, "status", "--json", "--content", str(copy))
    rows = {row["slug"]: row["languages"] for row in json.loads(out)}
    assert rows["sora-fuite"]["en"]["state"] == "outdated"
    assert rows["langages-surete-memoire"]["en"]["state"] == "current"


@pytest.fixture(scope="module")
def preview(content, tmp_path_factory):
    return build(tmp_path_factory.mktemp("status-preview") / "output", PATH=str(content))


@pytest.fixture(scope="module")
def published(content, tmp_path_factory):
    return build(tmp_path_factory.mktemp("status-publish") / "output", conf="publishconf.py",
                 PATH=str(content), SITEURL=SITEURL)


def cell(soup, slug, column):
    row = next(tr for tr in soup.select("tbody tr") if tr.find("code").get_text() == slug)
    return row.find_all("td")[column].get_text(" ", strip=True)


def test_preview_writes_the_status_report(preview):
    soup = preview.soup("translation-status/")
    assert soup.html["lang"] == "fr"
    assert soup.find("meta", attrs={"name": "robots"})["content"].startswith("noindex")
    assert soup.h1.get_text() == "État des traductions"
    headers = [th.get_text() for th in soup.select("table")[0].select("thead th")]
    assert headers[1:] == ["Français", "English", "Español"]
    assert cell(soup, "sora-fuite", 1).startswith("Obsolète")
    assert cell(soup, "python-sans-gil", 1).startswith("Manquante")
    assert cell(soup, "columnar-storage-explained", 0).startswith("Obsolète")
    assert cell(soup, "langages-surete-memoire", 1).startswith("À jour")
    link = next(tr for tr in soup.select("tbody tr") if tr.find("code").get_text() == "sora-fuite")
    assert link.find_all("td")[1].a["href"] == "/en/2024/11/sora-fuite/"
    assert "2 traductions obsolètes" in soup.get_text()
    # editors' page: never in a sitemap
    sitemaps = "".join(p.read_text() for p in preview.output.glob("sitemap*.xml"))
    assert "translation-status" not in sitemaps


def test_publish_build_has_no_status_report(published):
    assert not (published.output / "translation-status").exists()
    assert not list(published.output.rglob("*translation-status*"))


def test_outdated_translation_shows_readers_a_notice(published):
    en = published.soup("en/2024/11/sora-fuite/")
    notice = en.select_one(".editorial-outdated")
    assert notice is not None
    assert "This translation may not reflect the latest changes to the original article." in \
        notice.get_text()
    assert notice.a["href"] == f"{SITEURL}/2024/11/sora-fuite/" and notice.a["hreflang"] == "fr"
    assert "French" in notice.a.get_text()
    fr = published.soup("2026/10/columnar-storage-explained/")
    notice = fr.select_one(".editorial-outdated")
    assert notice is not None and fr.html["lang"] == "fr"
    assert ("Cette traduction peut ne pas refléter les dernières modifications de l’article "
            "original." in notice.get_text())
    assert notice.a["href"] == f"{SITEURL}/en/2026/10/columnar-storage-explained/"
    assert "anglais" in notice.a.get_text()


def test_no_notice_on_originals_up_to_date_or_untracked_translations(published):
    for rel in ("2024/11/sora-fuite/", "en/2026/03/langages-surete-memoire/",
                "en/2025/09/bases-de-donnees-vectorielles/", "en/2026/10/columnar-storage-explained/"):
        assert published.soup(rel).select_one(".editorial-outdated") is None, rel


def test_status_for_one_language(content, monkeypatch, capsys):
    code, out, _ = cli(monkeypatch, capsys, "status", "--lang", "fr", "--content", str(content))
    assert code == 0
    rows = {line.split()[0]: " ".join(line.split()[1:]) for line in out.splitlines()[1:]
            if line.startswith("  ")}
    assert rows == {"columnar-storage-explained": "OUTDATED"}  # the only English original
