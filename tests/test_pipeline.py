"""The pipeline: parallel reading gives the same site as reading in-process; cache works."""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import subprocess
import sys
import threading

import jinja2
import pytest
from bs4 import BeautifulSoup

from newsroom import outputs

from .conftest import ROOT, build, document_steps


def tree(folder):
    # Not the search index (its own tests) nor precompressed copies (a publish
    # build run earlier in this process leaves pelican-precompress connected,
    # and it does not redo an existing .gz), nor the list of files the build owns
    # (newsroom.outputs: it lists those too).
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*"))
            if p.is_file() and "pagefind" not in p.parts and p.suffix not in (".gz", ".br")
            and p.name != outputs.MANIFEST}


def test_worker_processes_and_in_process_reading_build_the_same_site(tmp_path, monkeypatch):
    build(tmp_path / "first", PIPELINE={"workers": 0})  # imports the plugins
    engine = sys.modules["pipeline.pipeline"]
    main_reads = []
    original = engine.read_source

    def counting_read(reader, source_path, steps):
        main_reads.append(source_path)
        return original(reader, source_path, steps)

    monkeypatch.setattr(engine, "read_source", counting_read)
    pooled = build(tmp_path / "pooled", PIPELINE={"workers": 2, "min_files": 1})
    assert main_reads == []  # every source was read (once) by a worker process
    serial = build(tmp_path / "serial", PIPELINE={"workers": 0})
    assert main_reads  # ... and read here without workers
    assert tree(pooled.output) == tree(serial.output)
    assert pooled.errors() == serial.errors() == []


def report_reader(doc):
    """A pipeline step for the tests below: says which process read the source."""
    logging.getLogger("tests.reader").warning("read %s in a child of %d",
                                              os.path.basename(doc.path), os.getppid())


def _readers_parents(site):
    return {int(m.rsplit(" ", 1)[1]) for m in site.warnings()
            if m.startswith("read ") and " in a child of " in m}


def test_workers_are_forked_from_the_build_and_their_log_records_reach_it(tmp_path):
    site = build(tmp_path / "out", PIPELINE={"workers": 2, "min_files": 1},
                 steps=[report_reader])
    # Logged in the workers, relogged by the build (where strict builds count them).
    read = [m for m in site.warnings() if m.startswith("read ")]
    sources = {p.name for p in (ROOT / "content").rglob("*.md")}
    assert {m.split()[1] for m in read} == sources
    assert _readers_parents(site) == {os.getpid()}  # forked from this process


def test_with_another_thread_running_workers_come_from_a_fork_server(tmp_path):
    release = threading.Event()
    helper = threading.Thread(target=release.wait, daemon=False)  # e.g. a dev server's
    helper.start()
    try:
        site = build(tmp_path / "out", PIPELINE={"workers": 2, "min_files": 1},
                     steps=[report_reader])
    finally:
        release.set()
        helper.join()
    parents = _readers_parents(site)
    assert parents and os.getpid() not in parents  # the fork server's children
    assert site.errors() == []
    forked = build(tmp_path / "forked", PIPELINE={"workers": 2, "min_files": 1})
    assert tree(site.output) == tree(forked.output)


def test_content_cache_is_saved_and_reused(tmp_path):
    cache = tmp_path / "cache"
    first = build(tmp_path / "one", CACHE_CONTENT=True, LOAD_CONTENT_CACHE=True, CACHE_PATH=str(cache))
    assert not [w for w in first.warnings() if "cache" in w.lower()], first.warnings()
    assert any(cache.iterdir())
    second = build(tmp_path / "two", CACHE_CONTENT=True, LOAD_CONTENT_CACHE=True, CACHE_PATH=str(cache))
    assert second.errors() == [] and not [w for w in second.warnings() if "cache" in w.lower()]
    assert tree(first.output) == tree(second.output)


# -- rendering on every core (writing.py) ----------------------------------------

def _theme_with(tmp_path, template, marker, addition):
    """A copy of our theme with ``addition`` inserted after ``marker`` in ``template``."""
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    path = theme / "templates" / template
    text = path.read_text(encoding="utf-8")
    assert marker in text
    path.write_text(text.replace(marker, marker + addition, 1), encoding="utf-8")
    return theme


def test_pages_are_rendered_by_forked_processes_and_identical(tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="pipeline.writing")
    forked = build(tmp_path / "forked", PIPELINE={"workers": 2, "min_files": 1})
    shared = [r.getMessage() for r in caplog.records if "other process" in r.getMessage()]
    assert shared, "no generator's pages were rendered in another process"
    rendered = [int(m.split()[1]) for m in shared]
    assert max(rendered) > 0, shared
    serial = build(tmp_path / "serial", PIPELINE={"workers": 0})
    assert tree(forked.output) == tree(serial.output)


def test_warnings_logged_while_rendering_in_a_child_reach_the_build(tmp_path):
    plugin = tmp_path / "plugins" / "warner"
    plugin.mkdir(parents=True)
    (plugin / "__init__.py").write_text(
        "import logging\n"
        "from pelican import signals\n"
        "logger = logging.getLogger('warner')\n"
        "def warn(value):\n"
        "    logger.warning('warner: rendered %s', value)\n"
        "    return ''\n"
        "def install(generator):\n"
        "    generator.env.filters['warn'] = warn\n"
        "def register():\n"
        "    signals.generator_init.connect(install)\n", encoding="utf-8")
    theme = _theme_with(tmp_path, "article.html", "{% block content %}",
                        "{{ article.source_path | warn }}")
    settings = dict(THEME=str(theme), PLUGIN_PATHS=[str(ROOT / "plugins"), str(tmp_path / "plugins")])
    from pelicanconf import PLUGINS
    forked = build(tmp_path / "forked", PLUGINS=[*PLUGINS, "warner"],
                   PIPELINE={"workers": 2, "min_files": 1}, **settings)
    serial = build(tmp_path / "serial", PLUGINS=[*PLUGINS, "warner"],
                   PIPELINE={"workers": 0}, **settings)
    warned = sorted(w for w in forked.warnings() if w.startswith("warner:"))
    assert warned and warned == sorted(w for w in serial.warnings() if w.startswith("warner:"))


def test_a_template_error_in_a_child_fails_the_build_as_in_a_serial_build(tmp_path):
    # One article's page cannot render; whichever process it falls to, the
    # build stops with Jinja's error, as a serial build does (and does not hang).
    theme = _theme_with(tmp_path, "article.html", "{% block content %}",
                        "{% if article.source_path.endswith('.en.md') %}"
                        "{{ article.no_such_thing.boom() }}{% endif %}")
    errors = []
    for name, workers in (("forked", 2), ("serial", 0)):
        with pytest.raises(jinja2.exceptions.UndefinedError) as caught:
            build(tmp_path / name, THEME=str(theme), PIPELINE={"workers": workers, "min_files": 1})
        errors.append(str(caught.value))
    assert errors[0] == errors[1]


# -- warm rebuilds: pages whose inputs did not change are kept (memo.py) ----------

def _kept_and_rendered(records):
    kept = rendered = 0
    for record in records:
        message = record.getMessage()
        if "kept from the last build" in message:
            words = message.split()
            kept += int(words[1])
            rendered += int(words[-2])
    return kept, rendered


def _warm_site(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    options = dict(PATH=str(content), CACHE_CONTENT=True, LOAD_CONTENT_CACHE=True,
                   CACHE_PATH=str(tmp_path / "cache"), PIPELINE={"workers": 2, "min_files": 1})
    return content, options


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_warm_rebuild_renders_only_the_edited_article_and_equals_a_cold_build(tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="pipeline.writing")
    content, options = _warm_site(tmp_path)
    build(tmp_path / "out", **options)
    article = content / "2025" / "python-sans-gil.fr.md"
    article.write_text(article.read_text(encoding="utf-8")
                       + "\nUn dernier paragraphe, ajouté après coup.\n", encoding="utf-8")
    caplog.clear()
    warm = build(tmp_path / "out", **options)
    kept, rendered = _kept_and_rendered(caplog.records)
    assert rendered == 1 and kept > 20, (kept, rendered)
    [page] = [p for p in warm.output.glob("*/*/python-sans-gil/index.html")]
    assert "ajouté après coup" in BeautifulSoup(page.read_text(), "html.parser").get_text()
    cold = build(tmp_path / "cold", PATH=str(content), PIPELINE={"workers": 0})
    assert tree(warm.output) == tree(cold.output)


def test_a_title_change_renders_every_page_that_may_show_it(tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="pipeline.writing")
    content, options = _warm_site(tmp_path)
    build(tmp_path / "out", **options)
    _edit(content / "2025" / "python-sans-gil.fr.md", "Title: ", "Title: Nouveau : ")
    caplog.clear()
    warm = build(tmp_path / "out", **options)
    kept, rendered = _kept_and_rendered(caplog.records)
    assert kept == 0 and rendered > 20, (kept, rendered)
    cold = build(tmp_path / "cold", PATH=str(content), PIPELINE={"workers": 0})
    assert tree(warm.output) == tree(cold.output)


def test_a_page_changed_or_deleted_in_the_output_is_rendered_again(tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="pipeline.writing")
    content, options = _warm_site(tmp_path)
    first = build(tmp_path / "out", **options)
    pristine = tree(first.output)
    (first.output / "index.html").write_text("tampered", encoding="utf-8")
    (first.output / "en" / "index.html").unlink()
    caplog.clear()
    again = build(tmp_path / "out", **options)
    kept, rendered = _kept_and_rendered(caplog.records)
    assert rendered == 2, (kept, rendered)
    assert tree(again.output) == pristine


def test_a_source_held_by_the_content_cache_still_reports_its_problems(tmp_path):
    content, options = _warm_site(tmp_path)
    (content / "2026" / "brouillon-fautif.fr.md").write_text(
        "Title: Fautif\nDate: 2026-01-02T10:00:00+01:00\nCategory: IA\n\n"
        "Un texte avec <script>alert(1)</script> et ![](images/absente.png).\n",
        encoding="utf-8")
    first = build(tmp_path / "out", **options)
    problems = sorted(m for m in first.errors() + first.warnings() if "brouillon-fautif" in m)
    assert len(problems) >= 2, problems
    second = build(tmp_path / "out", **options)  # read from the cache, not parsed again
    assert sorted(m for m in second.errors() + second.warnings()
                  if "brouillon-fautif" in m) == problems


def test_a_cached_source_is_read_again_when_an_image_or_link_target_it_uses_changes(tmp_path):
    # The content cache watches a source file only; its HTML also depends on the
    # images it shows (width and height) and its checks on the files it links to.
    content, options = _warm_site(tmp_path)
    from PIL import Image
    Image.new("RGB", (40, 30)).save(content / "images" / "schema.png")
    article = content / "2025" / "python-sans-gil.fr.md"
    _edit(article, "\n\n", "\n\n![Un schéma]({static}/images/schema.png)\n\n"
          "Voir [la suite]({filename}/2026/la-suite.fr.md).\n\n")

    def image_size(site):
        [page] = site.output.glob("*/*/python-sans-gil/index.html")
        img = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").find(
            "img", alt="Un schéma")
        return img["width"], img["height"]

    def missing_link(site):
        return [m for m in site.errors() if "la-suite.fr.md" in m]

    first = build(tmp_path / "out", **options)
    assert image_size(first) == ("40", "30")
    assert len(missing_link(first)) == 1
    Image.new("RGB", (64, 48)).save(content / "images" / "schema.png")
    (content / "2026" / "la-suite.fr.md").write_text(
        "Title: La suite\nDate: 2026-01-03T10:00:00+01:00\nCategory: IA\n\nLa suite.\n",
        encoding="utf-8")
    warm = build(tmp_path / "out", **options)  # the article's source is unchanged
    assert image_size(warm) == ("64", "48")
    assert missing_link(warm) == []
    cold = build(tmp_path / "cold", PATH=str(content), PIPELINE={"workers": 0})
    assert tree(warm.output) == tree(cold.output)


@pytest.mark.parametrize("kept", [0, 0.5])
def test_a_content_cache_file_left_half_written_by_a_killed_build_is_not_loaded(tmp_path, kept):
    content, options = _warm_site(tmp_path)
    build(tmp_path / "out", **options)
    [cache_file] = [p for p in (tmp_path / "cache").iterdir()
                    if p.name.startswith("ArticlesGenerator")]
    data = cache_file.read_bytes()
    # Killed while Pelican saved it: just opened (emptied), or halfway through.
    cache_file.write_bytes(data[: int(len(data) * kept)])
    again = build(tmp_path / "out", **options)  # Pelican alone: EOFError, every build
    assert [w for w in again.warnings() if str(cache_file) in w and "interrupted" in w]
    assert again.errors() == []
    cold = build(tmp_path / "cold", PATH=str(content), PIPELINE={"workers": 0})
    assert tree(again.output) == tree(cold.output)
    third = build(tmp_path / "out", **options)  # the cache it saved is whole again
    assert not [w for w in third.warnings() if "interrupted" in w]


def log_read(doc):
    """A pipeline step for the test below: appends the source's name to a file."""
    with open(doc.settings["TEST_READ_LOG"], "a", encoding="utf-8") as fh:
        fh.write(os.path.basename(doc.path) + "\n")


def test_the_content_cache_is_read_only_for_unchanged_sources_settings_and_code(tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="pipeline.cache")
    content, options = _warm_site(tmp_path)
    log = tmp_path / "read.log"
    options.update(steps=[log_read], TEST_READ_LOG=str(log))

    def read(**more):
        log.write_text("", encoding="utf-8")
        build(tmp_path / "out", **options, **more)
        return sorted(log.read_text(encoding="utf-8").split())

    everything = read()
    assert len(everything) > 20
    _edit(content / "2025" / "python-sans-gil.fr.md", "\n\n", "\n\nUn ajout.\n\n")
    assert read() == ["python-sans-gil.fr.md"]
    assert read() == []
    caplog.clear()
    # A setting changes what reading gives: Pelican alone would keep the cache.
    assert read(SUMMARY_MAX_LENGTH=12) == everything
    assert any("settings, plugins or libraries changed" in r.getMessage() for r in caplog.records)


def hold_a_lock(doc):
    """A pipeline step for the test below: leaves an object pickle refuses in one source."""
    if doc.path.endswith("python-sans-gil.fr.md"):
        doc.metadata["lock"] = threading.Lock()


def test_a_content_cache_file_pelican_failed_to_save_is_not_loaded(tmp_path):
    content, options = _warm_site(tmp_path)
    options.update(PIPELINE={"workers": 0}, steps=[hold_a_lock])
    first = build(tmp_path / "out", **options)  # Pelican: "Could not save cache", goes on
    assert [w for w in first.warnings() if "not saved whole" in w]
    again = build(tmp_path / "out", **options)  # Pelican alone: EOFError, every build
    assert again.errors() == []


def test_scratch_folders_a_killed_build_left_in_memory_are_removed_by_the_next(tmp_path):
    from newsroom.build import scratch_folder

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    dead = int(gone.stdout)  # a build process that no longer runs
    ours = scratch_folder("pelican-search-")  # a build of this process, still running
    parent = os.path.dirname(ours)
    host = os.path.basename(ours).split("-")[3]  # pelican-search-<pid>-<host>-<random>
    orphans = [os.path.join(parent, f"{prefix}{dead}-{host}-x1") for prefix in
               ("pelican-search-", "pelican-render-")]
    elsewhere = os.path.join(parent, f"pelican-render-{dead}-0another-x1")  # another machine's
    for folder in orphans + [elsewhere]:
        os.makedirs(os.path.join(folder, "fr"))
    try:
        build(tmp_path / "out", PIPELINE={"workers": 2, "min_files": 1})
        assert not any(os.path.exists(folder) for folder in orphans)
        assert os.path.isdir(ours) and os.path.isdir(elsewhere)
    finally:
        for folder in orphans + [ours, elsewhere]:
            shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.parametrize("gzip_cache", [False, True])
def test_the_content_cache_works_in_strict_builds_beside_other_folders_gzipped_or_not(
        tmp_path, gzip_cache):
    content, options = _warm_site(tmp_path)
    options.update(STRICT=True, GZIP_CACHE=gzip_cache, SITEURL="https://news.example.org")
    (tmp_path / "cache" / "devserver-output").mkdir(parents=True)  # `make devserver`'s
    (tmp_path / "cache" / "notes.txt").write_text("not Pelican's", encoding="utf-8")
    log = tmp_path / "read.log"
    options.update(steps=[log_read], TEST_READ_LOG=str(log))
    for _ in range(2):
        log.write_text("", encoding="utf-8")
        site = build(tmp_path / "out", **options)  # a strict build raises on any warning
        assert site.errors() == [] and site.warnings() == []
    assert log.read_text(encoding="utf-8") == ""  # the second build read nothing again
    assert (tmp_path / "cache" / "devserver-output").is_dir()
    # Another setting: the cache is dropped, but only Pelican's files in it.
    build(tmp_path / "out", **options, SUMMARY_MAX_LENGTH=12)
    assert (tmp_path / "cache" / "notes.txt").exists()


def save_while_read(doc):
    """A pipeline step for the test below: the editor saves the source as it is read."""
    done = doc.settings["TEST_SAVED"]
    if doc.path.endswith("python-sans-gil.fr.md") and not os.path.exists(done):
        with open(doc.path, "a", encoding="utf-8") as fh:
            fh.write("\nEnregistré pendant la lecture.\n")
        open(done, "w").close()


@pytest.mark.parametrize("workers", [0, 2])
def test_an_edit_saved_while_its_source_is_read_is_in_the_next_build(tmp_path, workers):
    content, options = _warm_site(tmp_path)
    options.update(PIPELINE={"workers": workers, "min_files": 1},
                   steps=[save_while_read], TEST_SAVED=str(tmp_path / "saved"))

    def text(site):
        [page] = site.output.glob("*/*/python-sans-gil/index.html")
        return page.read_text(encoding="utf-8")

    assert "Enregistré pendant la lecture" not in text(build(tmp_path / "out", **options))
    # Pelican stamps a cached source once read: it would take the edit as read.
    assert "Enregistré pendant la lecture" in text(build(tmp_path / "out", **options))


def test_builds_of_one_pelican_instance_keep_the_cache(tmp_path):
    # `pelican --autoreload` runs the same instance again, with the settings of the
    # first build, which Pelican's Markdown reader changed (MARKDOWN["extensions"]).
    from pelican import Pelican
    from pelican.settings import read_settings

    content, options = _warm_site(tmp_path)
    log = tmp_path / "read.log"
    options.update(TEST_READ_LOG=str(log), OUTPUT_PATH=str(tmp_path / "out"))
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        with document_steps([log_read]):
            pelican = Pelican(read_settings(str(ROOT / "pelicanconf.py"), override=options))
            pelican.run()
            _edit(content / "2025" / "python-sans-gil.fr.md", "\n\n", "\n\nUn ajout.\n\n")
            log.write_text("", encoding="utf-8")
            pelican.run()
    finally:
        os.chdir(cwd)
    assert log.read_text(encoding="utf-8").split() == ["python-sans-gil.fr.md"]


def test_no_beautifulsoup_in_the_build_path(tmp_path):
    """Summaries, descriptions and the text of items with no paragraph come from the
    element tree (newsroom/htmltree.py), as bodies do: a build never imports bs4."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    # No Summary: and no paragraph: seo takes Pelican's own summary (markup) as text.
    (content / "2025" / "liste-seule.fr.md").write_text(
        "Title: Liste seule\nDate: 2025-05-01 10:00\nCategory: IA\nAuthors: Claire Dubois\n\n"
        '- un *point* "cité"\n- deux\n', encoding="utf-8")
    script = ("import sys\nfrom pelican import main\nmain(sys.argv[1:])\n"
              "print('LOADED', sorted(m for m in sys.modules if m.split('.')[0] == 'bs4'))\n")
    result = subprocess.run(
        [sys.executable, "-c", script, str(content), "-o", str(tmp_path / "out"), "-s",
         "pelicanconf.py"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "LOADED []" in result.stdout, result.stdout[-500:]
    page = (tmp_path / "out" / "2025" / "05" / "liste-seule" / "index.html").read_text()
    assert '<meta name="description" content="un point «\u202fcité\u202f» deux">' in page
