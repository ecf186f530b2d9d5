"""The web editor's configuration (newsroom/cms.py) follows the settings, and a save
through /admin/api/v1 is made what the kit expects (translations stay translations)."""

from __future__ import annotations

import json
import os
import shutil

import pytest

from newsroom import cms
from newsroom import sources as src_mod
from newsroom.cli import Project, build_parser, main

from .conftest import ROOT
from .test_cms_editor import install_editor


def config_of(monkeypatch, capsys, *extra):
    monkeypatch.chdir(ROOT)
    assert main(["cms-config", *extra]) == 0
    return json.loads(capsys.readouterr().out)


def collection(config, name):
    return next(c for c in config["collections"] if c["name"] == name)


def field(coll, name):
    return next(f for f in coll["fields"] if f["name"] == name)


def test_config_follows_pelicanconf(monkeypatch, capsys):
    config = config_of(monkeypatch, capsys)
    assert config["i18n"] == {"structure": "multiple_files", "locales": ["fr", "en", "es"],
                              "default_locale": "fr"}
    assert config["local_backend"] == {"url": "/admin/api/v1"}
    assert config["media_folder"] == "content/images"
    names = [c["name"] for c in config["collections"]]
    assert {"articles-2024", "articles-2025", "articles-2026", "pages"} <= set(names)
    assert "articles-2026-files" in names  # one language file at a time (English-only articles)
    articles = collection(config, "articles-2026")
    assert articles["folder"] == "content/2026" and articles["format"] == "pelican"
    assert articles["preview_path"] == "{{year}}/{{month}}/{{slug}}/"
    category = field(articles, "category")
    assert category["widget"] == "select" and category["i18n"] == "duplicate"
    assert {"label": "IA (en: AI)", "value": "IA"} in category["options"]
    assert [o["value"] for o in category["options"]] == ["IA", "Sécurité", "Données", "Logiciel libre"]
    assert field(articles, "title")["i18n"] is True
    assert field(articles, "summary")["pattern"][0] == r"^[\s\S]{0,200}$"
    assert "Europe/Paris" in field(articles, "date")["hint"]
    assert field(articles, "date")["format"] == "YYYY-MM-DDTHH:mm:ssZ"
    assert field(articles, "body")["modes"] == ["raw"]
    image = field(articles, "image")
    assert image["media_folder"] == "/content/images/lead" and image["public_folder"] == "images/lead"
    assert {f["name"] for f in articles["fields"]} >= {
        "title", "date", "status", "category", "tags", "authors", "summary", "image", "imagealt",
        "imagecaption", "imagecredit", "imagefocus", "modified", "correction", "slug", "body"}
    # Decap refuses "duplicate" on list widgets (its schema): never generated
    assert not [f for c in config["collections"] for f in c["fields"]
                if f.get("widget") == "list" and f.get("i18n") == "duplicate"]
    assert "date" not in {f["name"] for f in collection(config, "pages")["fields"]}


def test_an_added_language_and_category_are_offered(monkeypatch, capsys):
    taxonomy = {"IA": {"en": "AI", "de": "KI"}, "Robotique": {"en": "Robotics", "de": "Robotik"}}
    config = config_of(monkeypatch, capsys, "-e", 'LANGUAGES=["fr", "en", "de"]',
                       "-e", "I18N_TAXONOMY=" + json.dumps(taxonomy),
                       "-e", 'EDITORIAL={"preview": true, "categories": ["IA", "Robotique"]}')
    assert config["i18n"]["locales"] == ["fr", "en", "de"]
    options = field(collection(config, "articles-2026"), "category")["options"]
    assert options == [{"label": "IA (en: AI, de: KI)", "value": "IA"},
                       {"label": "Robotique (en: Robotics, de: Robotik)", "value": "Robotique"}]


def test_production_config_has_the_github_backend(monkeypatch, capsys):
    config = config_of(monkeypatch, capsys, "--github", "lefiltech/site", "--workflow")
    assert config["backend"] == {"name": "github", "repo": "lefiltech/site", "branch": "main"}
    assert config["publish_mode"] == "editorial_workflow"
    assert "local_backend" not in config


@pytest.fixture()
def project(tmp_path, monkeypatch):
    shutil.copytree(ROOT / "content", tmp_path / "content")
    monkeypatch.chdir(ROOT)
    args = build_parser().parse_args(["lint", "--content", str(tmp_path / "content")])
    return Project(args), tmp_path


def test_a_new_language_version_is_recorded_as_a_translation(project):
    proj, repo = project
    fr = (repo / "content/2025/python-sans-gil.fr.md").read_text(encoding="utf-8")
    en = ("Title: Python without the GIL\nDate: 2025-03-04T10:00:00+01:00\nCategory: Logiciel libre\n"
          "ImageAlt: A snake\nImage: images/lead/python-sans-gil.png\n\nText.\n")
    saved = cms.prepare_save(proj, [
        {"path": "content/2025/python-sans-gil.fr.md", "raw": fr},
        {"path": "content/2025/python-sans-gil.en.md", "raw": en},
        {"path": "content/2025/python-sans-gil.de.md", "raw": ""},  # an empty pane
    ], repo)
    assert [f["path"] for f in saved] == ["content/2025/python-sans-gil.fr.md",
                                          "content/2025/python-sans-gil.en.md"]
    assert saved[0]["raw"] == fr
    original = src_mod.read_source(repo / "content/2025/python-sans-gil.fr.md", proj.settings,
                                   proj.root, "article")
    written = src_mod.parse(saved[1]["raw"])[0]
    assert written["translation"].value == "true"
    assert written["translation-of"].value == src_mod.fingerprint(original)  # as `newsroom translation`
    assert written["category"].value == "Open source"  # its English name
    assert saved[1]["raw"].endswith("\n\nText.\n")


def test_an_existing_translation_keeps_its_fingerprint_and_inheritance(project):
    proj, repo = project
    fr = (repo / "content/2024/sora-fuite.fr.md").read_text(encoding="utf-8")
    en = (repo / "content/2024/sora-fuite.en.md").read_text(encoding="utf-8")
    edited = fr.replace("Title: Des artistes", "Title: Des artistes (édité)")
    # Decap copies the original's duplicated fields (Image:) into the English file
    copied = en.replace("ImageCredit:", "Image: images/lead/sora-fuite.png\nImageCredit:")
    saved = cms.prepare_save(proj, [{"path": "content/2024/sora-fuite.fr.md", "raw": edited},
                                    {"path": "content/2024/sora-fuite.en.md", "raw": copied}], repo)
    assert saved[1]["raw"] == en  # outdated stays outdated; the image is still inherited


def test_a_save_without_alt_text_or_title_is_refused_with_the_file_named(project):
    proj, repo = project
    fr = (repo / "content/2024/sora-fuite.fr.md").read_text(encoding="utf-8")
    with pytest.raises(cms.SaveRefused, match=r"sora-fuite.fr.md.*alt text"):
        cms.prepare_save(proj, [{"path": "content/2024/sora-fuite.fr.md",
                                 "raw": fr.replace("ImageAlt:", "X-Alt:")}], repo)
    with pytest.raises(cms.SaveRefused, match=r"sora-fuite.fr.md:1: no Title"):
        cms.prepare_save(proj, [{"path": "content/2024/sora-fuite.fr.md",
                                 "raw": fr.replace("Title:", "X-Title:")}], repo)
    with pytest.raises(cms.SaveRefused, match="outside the content folder"):
        cms.prepare_save(proj, [{"path": "pelicanconf.py", "raw": ""}], repo)


def test_translation_done_records_the_original_fingerprint(project):
    proj, repo = project
    fr = (repo / "content/2024/sora-fuite.fr.md").read_text(encoding="utf-8")
    en = (repo / "content/2024/sora-fuite.en.md").read_text(encoding="utf-8")
    edited = fr.replace("Title: Des artistes", "Title: Des artistes (édité)")
    done = en.replace("\n\n", "\nNewsroom-Translation-Done: true\n\n", 1)
    saved = cms.prepare_save(proj, [{"path": "content/2024/sora-fuite.fr.md", "raw": edited},
                                    {"path": "content/2024/sora-fuite.en.md", "raw": done}], repo)
    (repo / "content/2024/sora-fuite.fr.md").write_text(edited, encoding="utf-8")
    original = src_mod.read_source(repo / "content/2024/sora-fuite.fr.md")
    assert saved[1]["raw"] == en.replace("sha256:7aea3e0101de1c75", src_mod.fingerprint(original))


def test_production_admin_is_written_only_on_request(monkeypatch, capsys, tmp_path, published_site):
    assert not (published_site.output / "admin").exists()  # a publish build has no /admin/
    install_editor()
    monkeypatch.chdir(ROOT)
    assert main(["cms-static", "--github", "lefiltech/site", "--auth-url",
                 "https://auth.example.org/", "--output", str(tmp_path)]) == 0
    admin = tmp_path / "admin"
    page = (admin / "index.html").read_text(encoding="utf-8")
    assert ('<meta http-equiv="Content-Security-Policy" content="default-src \'self\'; '
            "script-src 'self' 'unsafe-eval';") in page
    assert "connect-src 'self' https://api.github.com https://auth.example.org blob:;" in page
    config = json.loads((admin / "config.yml").read_text(encoding="utf-8"))
    assert config["backend"] == {"name": "github", "repo": "lefiltech/site", "branch": "main",
                                 "base_url": "https://auth.example.org"}
    assert config["publish_mode"] == "editorial_workflow" and "local_backend" not in config
    pin = json.loads((ROOT / "cms/decap.json").read_text())
    assert (admin / "decap-cms.js").read_bytes() == \
        (ROOT / "node_modules/.decap-cms" / pin["version"] / "decap-cms.js").read_bytes()
    assert not (admin / "fetch-decap.mjs").exists() and not (admin / "decap.json").exists()
    assert main(["cms-static", "--github", "a/b", "--auth-url", "http://x",
                 "--output", str(tmp_path)]) == 1
    assert "an https:// URL" in capsys.readouterr().err


def test_the_served_config_follows_a_settings_change(tmp_path, monkeypatch):
    shutil.copytree(ROOT / "content", tmp_path / "content")
    for name in ("theme", "plugins"):
        os.symlink(ROOT / name, tmp_path / name)
    conf = tmp_path / "pelicanconf.py"
    conf.write_text((ROOT / "pelicanconf.py").read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    args = build_parser().parse_args(["cms", "-s", str(conf)])
    admin = cms.Admin(Project(args), None, tmp_path, reload_project=lambda: Project(args))
    assert admin.config()["i18n"]["locales"] == ["fr", "en", "es"]
    conf.write_text(conf.read_text(encoding="utf-8").replace('LANGUAGES = ["fr", "en", "es"]',
                                                            'LANGUAGES = ["fr", "en", "es", "de"]'))
    os.utime(conf, ns=(1, 10**18))
    assert admin.config()["i18n"]["locales"] == ["fr", "en", "es", "de"]


def test_every_article_folder_gets_a_collection(monkeypatch, capsys):
    config = config_of(monkeypatch, capsys, "--content", "tests/fixtures/polyglot")
    folders = {c["name"]: c["folder"] for c in config["collections"]}
    assert folders["articles-articles"] == "tests/fixtures/polyglot/articles"
    assert folders["articles-articles-files"] == "tests/fixtures/polyglot/articles"
    assert collection(config, "articles-articles")["label"] == "Articles: articles/"
    assert not [f for f in folders.values() if f.endswith(("/images", "/pages/x"))]


def test_an_upload_the_build_cannot_use_is_refused(project, tmp_path):
    import base64
    import io

    from PIL import Image

    proj, repo = project

    def png(width, height):
        out = io.BytesIO()
        Image.new("RGB", (width, height), (200, 30, 30)).save(out, "PNG")
        return base64.b64encode(out.getvalue()).decode()

    cms.check_upload(proj, "content/images/lead/wide.png", png(1200, 600), "base64", repo)
    with pytest.raises(cms.SaveRefused, match=r"narrow.png is 400 pixels wide; a lead image needs "
                                              r"at least 800"):
        cms.check_upload(proj, "content/images/lead/narrow.png", png(400, 300), "base64", repo)
    cms.check_upload(proj, "content/images/small.png", png(400, 300), "base64", repo)  # body image
    with pytest.raises(cms.SaveRefused, match="fake.png"):
        cms.check_upload(proj, "content/images/lead/fake.png",
                         base64.b64encode(b"not an image").decode(), "base64", repo)
    with pytest.raises(cms.SaveRefused, match="not an image the site takes"):
        cms.check_upload(proj, "content/images/notes.txt", "aGk=", "base64", repo)


def test_a_translation_saved_alone_finds_its_original_beside_it(project):
    proj, repo = project
    en = (repo / "content/2024/sora-fuite.en.md").read_text(encoding="utf-8")
    done = en.replace("Category: AI", "Category: IA").replace("\n\n", "\nNewsroom-Translation-Done: true\n\n", 1)
    saved = cms.prepare_save(proj, [{"path": "content/2024/sora-fuite.en.md", "raw": done}], repo)
    assert saved[0]["raw"] == en  # its English category name; the fingerprint was current already


def test_a_date_set_in_another_zone_is_written_in_the_site_timezone(project):
    proj, repo = project
    text = ("Title: Fuseau\nDate: 2026-07-01T04:30:00-04:00\nModified: 2026-12-01T10:00:00Z\n"
            "Category: IA\nStatus: draft\n\nTexte.\n")
    saved = cms.prepare_save(proj, [{"path": "content/2026/fuseau.fr.md", "raw": text}], repo)
    assert saved[0]["raw"] == text.replace("2026-07-01T04:30:00-04:00", "2026-07-01T10:30:00+02:00") \
        .replace("2026-12-01T10:00:00Z", "2026-12-01T11:00:00+01:00")
    # a date already in the file is left as written, whatever its zone
    sora = (repo / "content/2024/sora-fuite.fr.md")
    odd = sora.read_text(encoding="utf-8").replace("2024-11-27T09:30:00+01:00", "2024-11-27T08:30:00Z")
    sora.write_text(odd, encoding="utf-8")
    assert cms.prepare_save(proj, [{"path": "content/2024/sora-fuite.fr.md", "raw": odd}], repo)[0]["raw"] == odd
