"""`newsroom serve` keeps the site in memory between edits and is never stale.

A real preview server (its own build process) previews a copy of the sample
site; the tests edit real files, wait for /__build.json over HTTP, and compare
the served output folder with a cold preview build of the same files, byte for
byte. The property-based test draws random sequences of editors' edits.
"""

from __future__ import annotations

import difflib
import io
import json
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from PIL import Image

from newsroom.serve import PREVIEW_MARKER

from .conftest import ROOT, run_pelican
from .test_editor_devserver import NEWSROOM, Server, fetch, free_port, wait_for

NOW = "2026-12-01T09:00:00+01:00"
CATEGORIES = {"fr": ["IA", "Sécurité", "Données", "Logiciel libre"],
              "en": ["AI", "Security", "Data", "Open source"]}
TAGS = {"fr": ["Python", "RGPD", "vie privée", "performance", "Rust"],
        "en": ["Python", "GDPR", "privacy", "performance", "Rust"]}
AUTHORS = ["Claire Dubois", "Julien Moreau", "Ana Lima"]


def editorial():
    from pelicanconf import EDITORIAL

    return {**EDITORIAL, "now": NOW, "live": True}


class Preview(Server):
    def settle(self, after, timeout=180):
        """Wait until a build newer than ``after`` is done and no other follows."""
        state = self.wait_build(after, timeout)
        while True:
            time.sleep(0.6)
            again = self.state()
            if again["build"] == state["build"] and not again["building"] \
                    and not again.get("indexing") and not again.get("waiting"):
                return again
            state = self.wait_build(again["build"] - 1, timeout)


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("preview")
    content = tmp / "content"
    shutil.copytree(ROOT / "content", content)
    port = free_port()
    log = tmp / "serve.log"
    command = [NEWSROOM, "serve", "--content", str(content), "--output", str(tmp / "out"),
               "--port", str(port), "--", "-e",
               "EDITORIAL=" + json.dumps({"now": NOW})]
    process = subprocess.Popen(command, cwd=ROOT, stdout=log.open("w"),
                               stderr=subprocess.STDOUT)
    server = Preview(f"http://127.0.0.1:{port}", content, tmp / "out", process, log)
    try:
        server.settle(0)
        yield server
    finally:
        process.terminate()
        process.wait(timeout=30)


def differences(preview_out: Path, cold_out: Path):
    """Paths whose bytes differ (or exist on one side only), with a diff of the first."""
    def files(root):  # (the preview's marker file is its own: see below)
        return {p.relative_to(root).as_posix(): p for p in root.rglob("*")
                if p.is_file() and p.name != PREVIEW_MARKER}

    ours, theirs = files(preview_out), files(cold_out)
    different = sorted(set(ours) ^ set(theirs))
    different += sorted(rel for rel in set(ours) & set(theirs)
                        if ours[rel].read_bytes() != theirs[rel].read_bytes())
    detail = ""
    for rel in different:
        if rel in ours and rel in theirs and rel.endswith((".html", ".xml", ".json")):
            diff = difflib.unified_diff(theirs[rel].read_text().splitlines(),
                                        ours[rel].read_text().splitlines(), "cold", "preview",
                                        lineterm="", n=1)
            detail = f"\n{rel}:\n" + "\n".join(list(diff)[:40])
            break
    return different, detail


def cold_build(content, output, **editorial_values):
    """A cold preview build of ``content``, as `make html` makes it (its own process: no
    plugin another test registered in this one)."""
    result = run_pelican(str(content), "-o", str(output), "-s", "pelicanconf.py", "-e",
                         "EDITORIAL=" + json.dumps({**editorial(), **editorial_values}))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return output


def assert_same_as_cold(preview, tmp_path):
    cold = cold_build(preview.content, tmp_path / "cold")
    different, detail = differences(preview.output, cold)
    assert not different, f"{len(different)} file(s) differ: {different[:10]}{detail}"


# -- edits as an editor makes them ------------------------------------------------

def header_and_body(path: Path):
    # (a file the "unreadable" edit left in Latin-1 keeps its bytes, as an editor keeps them)
    text = path.read_text(encoding="utf-8", errors="surrogateescape")
    head, _, body = text.partition("\n\n")
    return head.splitlines(), body


def set_field(path: Path, key: str, value: str | None):
    lines, body = header_and_body(path)
    lines = [line for line in lines if not line.lower().startswith(key.lower() + ":")]
    if value is not None:
        lines.append(f"{key}: {value}")
    path.write_text("\n".join(lines) + "\n\n" + body, encoding="utf-8", errors="surrogateescape")


def articles(content: Path):
    return sorted(p for p in content.rglob("*.md") if "pages" not in p.parts)


def lang_of(path: Path):
    return path.name.rsplit(".", 2)[-2]


def edit(content: Path, op: str, rng: random.Random, target: Path | None = None) -> str:
    files = articles(content)
    target = rng.choice(files) if target is None else target
    lang = lang_of(target)
    n = rng.randrange(10_000)
    if op == "body":
        with target.open("a", encoding="utf-8") as fh:
            fh.write(f"\nUn paragraphe ajouté numéro {n}.\n")
    elif op == "title":
        set_field(target, "Title", f"Un titre changé {n}")
    elif op == "date":
        set_field(target, "Date", f"20{rng.choice([24, 25, 26])}-{rng.randrange(1, 13):02d}-"
                                  f"{rng.randrange(1, 29):02d}T10:{rng.randrange(60):02d}:00+01:00")
    elif op == "category":
        set_field(target, "Category", rng.choice(CATEGORIES.get(lang, CATEGORIES["en"])))
    elif op == "tags":
        set_field(target, "Tags", ", ".join(rng.sample(TAGS.get(lang, TAGS["en"]), 2)))
    elif op == "authors":
        set_field(target, "Authors", rng.choice(AUTHORS))
    elif op == "summary":
        set_field(target, "Summary", None if rng.random() < 0.4 else f"Un résumé {n}.")
    elif op == "draft":
        set_field(target, "Status", "draft")
    elif op == "publish":
        set_field(target, "Status", None)
    elif op == "schedule":
        set_field(target, "Date", "2027-01-15T09:00:00+01:00")
    elif op == "translation":
        originals = [p for p in files if lang_of(p) == "fr"
                     and not p.with_name(p.name.replace(".fr.md", ".en.md")).exists()]
        if originals:
            original = rng.choice(originals)
            lines, _ = header_and_body(original)
            date = next(line for line in lines if line.startswith("Date:"))
            original.with_name(original.name.replace(".fr.md", ".en.md")).write_text(
                f"Title: A translation {n}\n{date}\nCategory: AI\nTranslation: true\n\n"
                f"The translated text {n}.\n", encoding="utf-8")
            target = original
        else:  # every article has its translation: an edit all the same
            with target.open("a", encoding="utf-8") as fh:
                fh.write(f"\nUn autre paragraphe {n}.\n")
    elif op == "delete":
        target.unlink()
    elif op == "rename":
        target.rename(target.with_name(f"renomme-{n}.{lang}.md"))
    elif op == "new":
        (content / "2026" / f"nouvel-article-{n}.fr.md").write_text(
            f"Title: Nouvel article {n}\nDate: 2026-10-{rng.randrange(1, 29):02d}T09:00:00+01:00\n"
            f"Category: IA\nTags: Python\nAuthors: Claire Dubois\n\nUn texte neuf {n}.\n",
            encoding="utf-8")
    elif op == "image_in_body":
        with target.open("a", encoding="utf-8") as fh:
            fh.write("\n![Une carte]({static}/images/card.png)\n")
    elif op == "image":
        out = io.BytesIO()
        Image.new("RGB", (rng.randrange(200, 1300), rng.randrange(100, 700)),
                  (n % 256, 80, 120)).save(out, "PNG")
        (content / "images" / "card.png").write_bytes(out.getvalue())
    elif op == "broken":
        set_field(target, "Date", "2026-13-45 10:00")
    elif op == "own_slug":  # a translation with its own URL, linked by its file name
        set_field(target, "Slug", f"{target.name.split('.')[0]}-{lang}-{n}")
    elif op == "hidden":
        set_field(target, "Status", "hidden")
    elif op == "unreadable":  # not UTF-8 any more: the file fails to read
        with target.open("ab") as fh:
            fh.write(f"\nUn mot en Latin-1 {n} : ".encode() + "été".encode("latin-1") + b"\n")
    elif op == "linked":  # a translation under another name, linked by Translation-Of
        from newsroom import sources

        originals = [p for p in files if lang_of(p) == "fr" and not any(
            o.name.startswith(p.name.split(".")[0] + ".") and lang_of(o) == "en" for o in files)]
        if originals:
            original = rng.choice(originals) if target not in originals else target
            key = original.name.split(".")[0]
            mark = sources.fingerprint(sources.read_source(str(original)))
            lines, _ = header_and_body(original)
            date = next(line for line in lines if line.startswith("Date:"))
            (original.parent / f"linked-{n}.en.md").write_text(
                f"Title: A linked translation {n}\n{date}\nCategory: AI\nTranslation: true\n"
                f"Translation-Of: {key} {mark}\n\nThe linked text {n}.\n", encoding="utf-8")
            target = original
    elif op == "settings":  # the settings file, saved by rename (see serve_with_settings)
        settings = content.parent / "settings.py"
        if settings.exists():
            save_by_rename(settings, settings.read_text(encoding="utf-8")
                           + f'SITESUBTITLE = "Sous-titre {n}"\n')
    return f"{op} {target.relative_to(content)}"


OPS = ["body", "body", "body", "title", "title", "date", "category", "tags", "authors",
       "summary", "summary", "draft", "publish", "schedule", "translation", "delete", "rename",
       "new", "image_in_body", "image", "broken", "own_slug", "hidden", "unreadable", "linked"]


def test_a_body_edit_renders_only_its_pages_and_matches_a_cold_build(preview, tmp_path):
    path = preview.content / "2025" / "python-sans-gil.fr.md"
    if not path.exists():
        pytest.skip("removed by the random edits")
    before = preview.state()["build"]
    with path.open("a", encoding="utf-8") as fh:
        fh.write("\nUne phrase ajoutée pendant la relecture.\n")
    state = preview.settle(before)
    assert state["kind"] == "pages", state
    status, html = fetch(f"{preview.url}/2025/11/python-sans-gil/")
    assert status == 200 and "ajoutée pendant la relecture" in html
    assert_same_as_cold(preview, tmp_path)


def test_a_title_edit_renders_the_pages_that_show_it_and_matches_a_cold_build(preview,
                                                                              tmp_path):
    path = preview.content / "2025" / "cles-d-acces.fr.md"
    before = preview.state()["build"]
    set_field(path, "Title", "Clés d'accès : un titre revu")
    state = preview.settle(before)
    assert state["kind"] == "pages", state
    status, html = fetch(f"{preview.url}/")
    assert status == 200 and "un titre revu" in html
    assert_same_as_cold(preview, tmp_path)


def test_a_broken_file_is_reported_the_others_served_and_fixing_it_recovers(preview, tmp_path):
    path = preview.content / "2024" / "sora-fuite.fr.md"
    if not path.exists():
        pytest.skip("removed by the random edits")
    good = path.read_text(encoding="utf-8")
    before = preview.state()["build"]
    set_field(path, "Date", "2024-13-27 10:00")
    state = preview.settle(before)
    assert not state["ok"]
    assert any("sora-fuite.fr.md" in e and "invalid Date '2024-13-27 10:00'" in e
               for e in state["errors"]), state["errors"]
    assert fetch(f"{preview.url}/2025/11/python-sans-gil/")[0] == 200
    assert fetch(f"{preview.url}/en/")[0] == 200
    path.write_text(good, encoding="utf-8")
    state = preview.settle(state["build"])
    assert state["errors"] == [] and state["ok"]
    assert_same_as_cold(preview, tmp_path)


#: Edit sequences that once left the preview stale (found by exploring): batches of
#: (op, file) edits, each batch saved at once and built before the next.
STALE_ONCE = {
    # An orphaned translation has no page: its title on the translation status
    # (made from the sources) was not in the render memo's key: the page was kept.
    "orphan-title": [[("delete", "2024/sora-fuite.fr.md")],
                     [("title", "2024/sora-fuite.en.md")]],
    # A draft translation is not in its original's Pelican ``translations``: its
    # "outdated" notice did not follow an edit to the original's text.
    "draft-translation-outdated": [[("draft", "2026/langages-surete-memoire.en.md")],
                                   [("body", "2026/langages-surete-memoire.fr.md")]],
    # The corrections page (plugins/notices) was never written by a page build.
    "corrected-title": [[("title", "2025/rgpd-minimisation.fr.md")]],
}
#: Pages that depend on an original through its translation key (not its slug, nor
#: Pelican's ``translations``): after a body edit to the original — a page build —
#: their "outdated" notices and /translation-status/ are those of a cold build.
BY_KEY = {
    "own-slug": [[("own_slug", "2025/cles-d-acces.en.md")],
                 [("body", "2025/cles-d-acces.fr.md")]],
    "draft-own-slug": [[("own_slug", "2025/bases-de-donnees-vectorielles.en.md"),
                        ("draft", "2025/bases-de-donnees-vectorielles.en.md")],
                       [("body", "2025/bases-de-donnees-vectorielles.fr.md")]],
    "translation-of": [[("linked", "2026/licences-libres.fr.md")],
                       [("body", "2026/licences-libres.fr.md")]],
    "hidden": [[("hidden", "2025/ai-act-calendrier.en.md")],
               [("body", "2025/ai-act-calendrier.fr.md")]],
    "unreadable": [[("unreadable", "2025/quantification-modeles-de-langage.en.md")],
                   [("body", "2025/quantification-modeles-de-langage.fr.md")]],
}


@pytest.mark.parametrize("batches", list(STALE_ONCE.values()), ids=list(STALE_ONCE))
def test_edit_sequences_that_were_once_stale_give_the_cold_build(preview, tmp_path, batches):
    run_batches(preview, batches, random.Random(13))
    assert_same_as_cold(preview, tmp_path)


def run_batches(preview, batches, rng):
    """Each batch of (op, file) edits saved at once and built; the last build's state."""
    state = before = preview.state()["build"]
    for batch in batches:
        for op, rel in batch:
            path = preview.content / rel
            if not path.exists():
                pytest.skip(f"{rel}: removed by earlier edits")
            edit(preview.content, op, rng, path)
        state = preview.settle(before)
        before = state["build"]
    return state


@pytest.mark.parametrize("batches", list(BY_KEY.values()), ids=list(BY_KEY))
def test_a_body_edit_rebuilds_what_depends_on_it_by_translation_key(preview, tmp_path,
                                                                    batches):
    state = run_batches(preview, batches, random.Random(17))
    assert state["kind"] == "pages", state.get("reason", state)  # the body edit
    assert_same_as_cold(preview, tmp_path)


@pytest.mark.parametrize("field", ["Title", "Summary"])
def test_a_title_or_summary_edit_is_a_page_build(preview, tmp_path, field):
    path = preview.content / "2025" / "cles-d-acces.fr.md"
    before = preview.state()["build"]
    set_field(path, field, f"Un {field.lower()} revu pendant la relecture")
    state = preview.settle(before)
    assert state["kind"] == "pages", state
    assert f"Un {field.lower()} revu pendant la relecture" in fetch(f"{preview.url}/")[1]
    assert_same_as_cold(preview, tmp_path)


@settings(max_examples=int(__import__("os").environ.get("PREVIEW_EXAMPLES", 8)), deadline=None,
          derandomize=not __import__("os").environ.get("PREVIEW_EXPLORE"),
          phases=[Phase.generate], suppress_health_check=list(HealthCheck))
@given(ops=st.lists(st.sampled_from(
    __import__("os").environ.get("PREVIEW_OPS", "").split(",") if __import__("os").environ.get(
        "PREVIEW_OPS") else OPS), min_size=1, max_size=4), seed=st.integers(0, 2**32),
       together=st.booleans())
def test_random_edits_give_the_cold_build(preview, tmp_path_factory, ops, seed, together):
    rng = random.Random(seed)
    done = []
    before = preview.state()["build"]
    for op in ops:
        done.append(edit(preview.content, op, rng))
        if not together:  # one build per edit; else one build for all of them
            before = preview.settle(before)["build"]
    if together:
        preview.settle(before)
    tmp = tmp_path_factory.mktemp("cold")
    try:
        assert_same_as_cold(preview, tmp)
    except AssertionError as exc:
        raise AssertionError(f"after {done}: {exc}") from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def test_a_scheduled_article_goes_live_at_its_time_without_an_edit(tmp_path):
    """With the real "now": the server builds again when a scheduled date passes."""
    import datetime

    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    when = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0) \
        + datetime.timedelta(seconds=25)
    (content / "2026" / "bientot.fr.md").write_text(
        f"Title: Bientôt en ligne\nDate: {when.isoformat()}\nCategory: IA\n"
        "Authors: Claire Dubois\nSummary: Un article programmé.\n\nLe texte.\n",
        encoding="utf-8")
    port = free_port()
    log = tmp_path / "serve.log"
    process = subprocess.Popen([NEWSROOM, "serve", "--content", str(content), "--output",
                                str(tmp_path / "out"), "--port", str(port)], cwd=ROOT,
                               stdout=log.open("w"), stderr=subprocess.STDOUT)
    server = Preview(f"http://127.0.0.1:{port}", content, tmp_path / "out", process, log)
    try:
        first = server.settle(0)
        assert fetch(f"{server.url}/drafts/bientot/")[0] == 200
        live = f"{server.url}/{when:%Y}/{when:%m}/bientot/"
        assert fetch(live)[0] == 404
        wait_for(lambda: fetch(live)[0] == 200, timeout=120, what="the article, live")
        server.settle(first["build"])
        assert "a scheduled item goes live" in log.read_text()
        cold = cold_build(content, tmp_path / "cold", now=None)
        different, detail = differences(server.output, cold)
        assert not different, f"{len(different)} file(s) differ: {different[:10]}{detail}"
    finally:
        process.terminate()
        process.wait(timeout=30)


def serve_with_settings(tmp_path, content, lines, extra=()):
    """A preview server on ``content`` with the project's settings and ``lines`` after them."""
    settings = tmp_path / "settings.py"
    settings.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *  # noqa\n"
        + "".join(line + "\n" for line in lines) + f"PATH = {str(content)!r}\n",
        encoding="utf-8")
    port = free_port()
    log = tmp_path / "serve.log"
    process = subprocess.Popen([NEWSROOM, "serve", "-s", str(settings), "--content", str(content),
                                "--output", str(tmp_path / "out"), "--port", str(port), *extra],
                               cwd=ROOT, stdout=log.open("w"), stderr=subprocess.STDOUT)
    return Preview(f"http://127.0.0.1:{port}", content, tmp_path / "out", process, log)


def test_a_template_change_restarts_the_build_process_not_the_server(tmp_path):
    content, theme = tmp_path / "content", tmp_path / "theme"
    shutil.copytree(ROOT / "content", content)
    shutil.copytree(ROOT / "theme", theme, ignore=shutil.ignore_patterns("*.mo"))
    server = serve_with_settings(tmp_path, content, [
        f"THEME = {str(theme)!r}", f"PLUGIN_PATHS = [{str(ROOT / 'plugins')!r}]"])
    process = server.process
    try:
        first = server.settle(0)
        footer = theme / "templates" / "partials" / "footer.html"
        footer.write_text(footer.read_text(encoding="utf-8").replace(
            "</footer>", "<p>Pied de page modifié</p></footer>", 1), encoding="utf-8")
        state = server.settle(first["build"])
        assert state["kind"] == "full" and state["ok"], state
        for rel in ("", "2025/11/python-sans-gil/", "en/"):
            assert "Pied de page modifié" in fetch(f"{server.url}/{rel}")[1], rel
        assert process.poll() is None  # the same server
        assert server.log.read_text().count("rebuilding") == 1
        # Then content edits go to the new build process, page by page again.
        path = content / "2025" / "python-sans-gil.fr.md"
        with path.open("a", encoding="utf-8") as fh:
            fh.write("\nAprès le changement de gabarit.\n")
        assert server.settle(state["build"])["kind"] == "pages"
        assert "Après le changement de gabarit." in fetch(
            f"{server.url}/2025/11/python-sans-gil/")[1]
    finally:
        process.terminate()
        process.wait(timeout=30)


GENERATOR_PLUGIN = """
from pelican import signals
from pelican.generators import Generator


class TitlesGenerator(Generator):
    def generate_output(self, writer):
        template = self.env.from_string(
            "<ul>{% for a in titled %}<li>{{ a.title }}</li>{% endfor %}</ul>")
        writer.write_file("titles/index.html", template, self.context,
                          self.settings["RELATIVE_URLS"], titled=self.context["articles"])


def titles_generator(pelican):
    return TitlesGenerator


def register():
    signals.get_generators.connect(titles_generator)
"""


def test_a_generator_the_preview_does_not_know_makes_every_build_full(tmp_path):
    """A plugin's generator may write pages that show titles: the preview cannot tell
    which, so it builds the whole site (never a stale page) until it is listed."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    (tmp_path / "extra" / "titles").mkdir(parents=True)
    (tmp_path / "extra" / "titles" / "__init__.py").write_text(GENERATOR_PLUGIN,
                                                               encoding="utf-8")
    server = serve_with_settings(tmp_path, content, [
        f"PLUGIN_PATHS = [{str(ROOT / 'plugins')!r}, {str(tmp_path / 'extra')!r}]",
        "PLUGINS = [*PLUGINS, 'titles']"])
    process = server.process
    try:
        first = server.settle(0)
        status, html = fetch(f"{server.url}/titles/")
        assert status == 200 and "Un titre revu pour le GIL" not in html
        path = content / "2025" / "python-sans-gil.fr.md"
        set_field(path, "Title", "Un titre revu pour le GIL")
        state = server.settle(first["build"])
        assert state["kind"] == "full", state
        assert "Un titre revu pour le GIL" in fetch(f"{server.url}/titles/")[1]
    finally:
        process.terminate()
        process.wait(timeout=30)


# -- settings, catalogs and templates while the server runs -----------------------

def save_by_rename(path: Path, text: str):
    """Save as many editors do: a temporary file next to it, renamed over it."""
    temporary = path.with_name(f".{path.name}.{time.monotonic_ns()}~")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def settings_of(path: Path):
    """The settings a file gives, read in a process of its own (as a cold build reads them)."""
    code = ("import json, sys; from pelican.settings import read_settings; "
            "s = read_settings(sys.argv[1]); "
            "print(json.dumps({'EDITORIAL': s['EDITORIAL']}, default=str))")
    result = subprocess.run([sys.executable, "-c", code, str(path)], cwd=ROOT,
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def test_settings_catalogs_and_templates_take_effect_however_they_are_saved(tmp_path):
    """Written in place or saved by rename, an edit to the settings (EDITORIAL's
    categories: the server once kept those it started with), a catalog or a
    template shows in the next build; the preview then matches a cold build with
    the same files, and every full build says why it was full."""
    content, theme = tmp_path / "content", tmp_path / "theme"
    shutil.copytree(ROOT / "content", content)
    shutil.copytree(ROOT / "theme", theme, ignore=shutil.ignore_patterns("*.mo"))
    (content / "2026" / "nuage-souverain.fr.md").write_text(
        "Title: Le nuage souverain\nDate: 2026-10-02T09:00:00+01:00\nCategory: Cloud\n"
        "Authors: Claire Dubois\nSummary: Un article d'une rubrique nouvelle.\n\nLe texte.\n",
        encoding="utf-8")
    server = serve_with_settings(tmp_path, content, [
        f"THEME = {str(theme)!r}", f"PLUGIN_PATHS = [{str(ROOT / 'plugins')!r}]"],
        extra=["--", "-e", "EDITORIAL=" + json.dumps({"now": NOW})])
    settings = tmp_path / "settings.py"
    try:
        state = server.settle(0)
        assert any("nuage-souverain.fr.md" in e and "unknown category 'Cloud'" in e
                   for e in state["errors"]), state["errors"]
        # 1. the settings, saved by rename: the new category is known
        save_by_rename(settings, settings.read_text(encoding="utf-8") + (
            'EDITORIAL = {**EDITORIAL, "categories": [*EDITORIAL["categories"], "Cloud"]}\n'))
        state = server.settle(state["build"])
        assert state["kind"] == "full" and "settings.py" in (state["reason"] or ""), state
        assert not any("Cloud" in e for e in state["errors"]), state["errors"]
        assert "settings.py changed" in server.log.read_text()
        # 2. the settings again, saved by rename (the watch outlived the first rename)
        save_by_rename(settings, settings.read_text(encoding="utf-8")
                       + 'SITENAME = "Le Fil renommé"\n')
        state = server.settle(state["build"])
        assert "Le Fil renommé" in fetch(f"{server.url}/")[1]
        # 3. a catalog, written in place; 4. a template, saved by rename
        catalog = theme / "translations" / "fr" / "LC_MESSAGES" / "messages.po"
        catalog.write_text(catalog.read_text(encoding="utf-8").replace(
            'msgstr "Rechercher"', 'msgstr "Fouiller"', 1), encoding="utf-8")
        state = server.settle(state["build"])
        assert "Fouiller" in fetch(f"{server.url}/")[1]
        footer = theme / "templates" / "partials" / "footer.html"
        save_by_rename(footer, footer.read_text(encoding="utf-8").replace(
            "</footer>", "<p>Pied de page renommé</p></footer>", 1))
        state = server.settle(state["build"])
        assert "Pied de page renommé" in fetch(f"{server.url}/en/")[1]
        assert state["kind"] == "full" and "footer.html" in state["reason"], state
        # Then a body edit is a page build again, in the new build process.
        path = content / "2025" / "python-sans-gil.fr.md"
        with path.open("a", encoding="utf-8") as fh:
            fh.write("\nAprès les réglages.\n")
        state = server.settle(state["build"])
        assert state["kind"] == "pages" and state["reason"] is None, state
        editorial_values = {**settings_of(settings)["EDITORIAL"], "now": NOW, "live": True}
        result = run_pelican(str(content), "-o", str(tmp_path / "cold"), "-s", str(settings),
                             "-e", "EDITORIAL=" + json.dumps(editorial_values))
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        different, detail = differences(server.output, tmp_path / "cold")
        assert not different, f"{len(different)} file(s) differ: {different[:10]}{detail}"
    finally:
        server.process.terminate()
        server.process.wait(timeout=30)


def test_the_preview_has_its_own_folder_and_deploy_refuses_one_it_wrote(tmp_path):
    """`make devserver` writes to preview/, never the published output/; a folder a
    preview wrote carries a marker, and `make deploy-*` refuses it."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    devserver = makefile[makefile.index("\ndevserver:"):].split("\n\n")[0]
    assert "--output $(PREVIEWDIR)" in devserver and "PREVIEWDIR ?= preview" in makefile
    assert "preview/" in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "index.html").write_text("<p>built</p>", encoding="utf-8")
    for target in ("deploy-rsync", "deploy-ghpages"):
        # (dry run: make prints the deploy commands it would run; none runs)
        ok = subprocess.run(["make", "-n", target, f"OUTPUTDIR={folder}", "RSYNC_DEST=x:/y"],
                            cwd=ROOT, capture_output=True, text=True)
        assert ok.returncode == 0, ok.stderr
        from newsroom.serve import mark_preview

        mark_preview(str(folder))
        refused = subprocess.run(["make", target, f"OUTPUTDIR={folder}", "RSYNC_DEST=x:/y"],
                                 cwd=ROOT, capture_output=True, text=True)
        assert refused.returncode == 2, refused.stdout + refused.stderr
        assert "written by a live preview" in refused.stdout + refused.stderr
        (folder / PREVIEW_MARKER).unlink()
