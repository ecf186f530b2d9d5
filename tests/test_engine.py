"""The build engine: declared phases, steps by priority on Markdown's tree, same output."""

from __future__ import annotations

import json
import logging
import xml.etree.ElementTree as etree

import pytest

from newsroom import phases

from . import engine_reference
from .conftest import ROOT, build

REFERENCE = ROOT / "tests" / "data" / "engine_reference.json"


@pytest.fixture(scope="module")
def engine_output(tmp_path_factory):
    return engine_reference.collect(tmp_path_factory.mktemp("engine"), build)


def test_every_source_comes_out_as_the_beautifulsoup_engine_made_it(engine_output):
    """Bodies (canonical form), summaries, descriptions, word counts of the sample
    site, the step fixtures and a bench corpus, against the previous engine's."""
    reference = json.loads(REFERENCE.read_text(encoding="utf-8"))
    assert set(engine_output) == set(reference)
    differences = []
    for site, sources in reference.items():
        assert set(engine_output[site]) == set(sources), site
        for path, expected in sources.items():
            got = engine_output[site][path]
            for key in expected:
                if got[key] != expected[key]:
                    differences.append(f"{site}/{path}: {key}: {expected[key]!r} -> {got[key]!r}")
    assert differences == []


def test_the_canonical_form_tells_a_changed_body():
    same = engine_reference.digest('<p class="a" id="b">x &quot;y&quot;<br/></p>\n\n<p>z</p>')
    assert same == engine_reference.digest('<p id="b" class="a">x "y"<br></p>\n<p>z</p>')
    assert same != engine_reference.digest('<p class="a" id="b">x "y"<br></p>\n<p>z </p>')
    assert same != engine_reference.digest('<p class="a" id="c">x "y"<br></p>\n<p>z</p>')


def test_steps_run_by_priority_whatever_the_order_they_were_connected(tmp_path):
    seen = []

    def late(doc):
        seen.append(("late", doc.metadata.get("engine_test")))

    def early(doc):
        doc.metadata["engine_test"] = "early ran"
        seen.append(("early", None))

    late.__module__ = early.__module__ = "tests.test_engine"
    phases.connect_step(late, 1)
    phases.connect_step(early, 500)
    try:
        build(tmp_path / "out", PIPELINE={"workers": 0})
        order = [s.__name__ for s in phases.document_steps()]
        assert order.index("early") < order.index("text_metadata") < order.index("late")
    finally:
        phases.disconnect_step(late)
        phases.disconnect_step(early)
    assert seen and seen[0] == ("early", None)
    assert all(entry == ("late", "early ran") for entry in seen[1::2])


def test_the_project_steps_have_the_declared_priorities(engine_output):
    build_steps = {s.__name__: s.step_priority for s in phases.document_steps()}
    # The steps of the sample site's plugins, once a build has registered them.
    expected = {"text_metadata": "text_metadata", "check_source": "content_rules",
                "typeset": "typography", "count": "reading_time",
                "lead_summary": "lead_summary", "enhance_document": "article_extras"}
    for name, key in expected.items():
        assert build_steps[name] == phases.PRIORITY[key]


def test_a_step_without_a_priority_is_refused_with_how_to_fix():
    def stray(doc):
        pass

    with pytest.raises(phases.StepError, match="must be a number"):
        phases.connect_step(stray, "first")
    phases.source_read.connect(stray)
    try:
        with pytest.raises(phases.StepError, match="connect_step"):
            phases.document_steps()
    finally:
        phases.source_read.disconnect(stray)


def test_a_step_gets_the_tree_before_serialisation_with_raw_html_walkable(tmp_path):
    content = tmp_path / "content"
    (content / "pages").mkdir(parents=True)
    (content / "2026").mkdir()
    (content / "2026" / "arbre.fr.md").write_text(
        "Title: Arbre\nDate: 2026-01-02T10:00:00+01:00\nCategory: IA\nSummary: Court.\n\n"
        "Un *mot* et <span lang=\"en\">raw words</span> puis &eacute;t&eacute;.\n\n"
        "<div class=\"brut\"><p>Bloc brut</p></div>\n\n"
        "```python\nx = 1\n```\n", encoding="utf-8")
    seen = {}

    def inspect(doc):
        seen["root"] = doc.root.tag
        seen["em"] = [el.text for el in doc.root.iter("em")]
        seen["text"] = "".join(v for k, v in doc.events({"pre", "code"}) if k == "text")
        seen["lang"] = doc.lang
        seen["title"] = doc.metadata.get("title")
        # A change to the tree is in the page.
        etree.SubElement(doc.root, "p", {"class": "ajout"}).text = "Ajouté par une étape"

    inspect.__module__ = "tests.test_engine"
    site = build(tmp_path / "out", steps=[inspect], PATH=str(content),
                 PIPELINE={"workers": 0}, I18N_TAXONOMY={})
    assert seen["root"] == "div" and seen["em"] == ["mot"]
    assert "raw words" in seen["text"] and "été" in seen["text"] and "Bloc brut" in seen["text"]
    assert "x = 1" not in seen["text"]  # code, skipped
    assert seen["lang"] == "fr" and seen["title"] == "Arbre"
    page = site.soup("2026/01/arbre/")
    assert page.select_one("p.ajout").get_text() == "Ajouté par une étape"
    assert page.select_one("div.brut p").get_text() == "Bloc brut"  # raw HTML kept


def test_no_body_is_parsed_by_beautifulsoup(tmp_path, monkeypatch):
    import bs4

    parses = []
    original = bs4.BeautifulSoup.__init__

    def counting(self, markup="", *args, **kwargs):
        parses.append(str(markup))
        original(self, markup, *args, **kwargs)

    monkeypatch.setattr(bs4.BeautifulSoup, "__init__", counting)
    site = build(tmp_path / "out", PIPELINE={"workers": 0})
    assert site.errors() == []
    # Only one-paragraph summaries (typography of a French Summary:), never a body.
    assert all(p.count("<p>") <= 1 and "<h2" not in p for p in parses), parses


def test_phases_are_sent_in_their_declared_order(tmp_path):
    sent = []
    receivers = {}
    for signal in phases.PHASES[:1] + phases.PHASES[2:]:
        receivers[signal.name] = lambda sender, name=signal.name, **kw: sent.append(name)
        signal.connect(receivers[signal.name])
    try:
        build(tmp_path / "out", PIPELINE={"workers": 0})
    finally:
        for signal in phases.PHASES:
            if signal.name in receivers:
                signal.disconnect(receivers[signal.name])
    # (item_ready: once per article or page, all of them before items_ready)
    once = [name for n, name in enumerate(sent) if n == 0 or sent[n - 1] != name]
    assert once == [s.name for s in phases.PHASES if s is not phases.source_read]
    # the sample's articles and pages: one Markdown source each
    assert sent.count(phases.item_ready.name) == len(list((ROOT / "content").rglob("*.md")))


def test_the_order_of_plugins_does_not_matter(tmp_path):
    """Two fresh processes (in one, plugins registered earlier keep their order)."""
    from .conftest import run_pelican
    from .test_pipeline import tree

    import pelicanconf

    outputs = {}
    for name, plugins in (("forward", pelicanconf.PLUGINS),
                          ("backward", list(reversed(pelicanconf.PLUGINS)))):
        outputs[name] = tmp_path / name
        result = run_pelican("content", "-o", str(outputs[name]), "-s", "pelicanconf.py",
                             "-e", f"PLUGINS={json.dumps(plugins)}", 'PIPELINE={"workers": 0}')
        assert result.returncode == 0, result.stderr
    assert tree(outputs["forward"]) == tree(outputs["backward"])
    assert (outputs["backward"] / "sitemap.xml").exists()


def test_build_and_lint_read_translation_off_alike(tmp_path):
    """One content model: "Translation: off" is an original for lint and for the build."""
    from newsroom import rules, sources
    from newsroom import config as config_mod
    from pelican.settings import read_settings

    content = tmp_path / "content"
    (content / "2026").mkdir(parents=True)
    (content / "pages").mkdir()
    (content / "2026" / "seul.en.md").write_text(
        "Title: Alone\nDate: 2026-01-02T10:00:00+01:00\nCategory: AI\nTranslation: off\n"
        "Summary: An English original.\n\nText.\n", encoding="utf-8")
    site = build(tmp_path / "out", PATH=str(content), PIPELINE={"workers": 0})
    assert not [e for e in site.errors() if "Translation" in e]
    assert (site.output / "en" / "2026" / "01" / "seul" / "index.html").exists()
    settings = read_settings(str(ROOT / "pelicanconf.py"), override={"PATH": str(content)})
    ctx = rules.RuleContext.from_settings(settings, config_mod.validate(settings))
    problems = rules.lint(sources.scan(settings), ctx)
    assert not [p for p in problems if p.rule == "orphan_translation"]


def test_a_source_in_html_gets_the_steps_too(tmp_path):
    """Metadata as text and safe slugs hold for every reader, not only Markdown's."""
    content = tmp_path / "content"
    (content / "2026").mkdir(parents=True)
    (content / "pages").mkdir()
    (content / "2026" / "brut.fr.html").write_text(
        "<html><head><title>Page brute</title>"
        '<meta name="date" content="2026-01-02T10:00:00+01:00">'
        '<meta name="category" content="IA">'
        '<meta name="slug" content="../../hors-du-site">'
        '<meta name="summary" content="&lt;b&gt;gras&lt;/b&gt; ici">'
        "</head><body><h2>Un titre</h2><p>Du texte en HTML.</p></body></html>",
        encoding="utf-8")
    site = build(tmp_path / "out", PATH=str(content), PIPELINE={"workers": 0},
                 I18N_TAXONOMY={})
    assert not list(tmp_path.glob("hors-du-site*"))  # nothing outside the output folder
    [page] = [p for p in site.output.glob("2026/01/*/index.html")]
    assert "hors-du-site" in str(page)
    assert page.resolve().is_relative_to((tmp_path / "out").resolve())
    soup = site.soup(str(page.relative_to(site.output)))
    assert soup.select_one("h2 a.heading-anchor")  # article_extras ran on it
    home = site.soup("")
    assert "<b>gras</b> ici" in home.get_text()  # the summary is text, shown as typed
    assert home.select_one("article.summary b") is None


def test_every_pelican_signal_the_kit_uses_is_in_the_phases_table():
    """newsroom/phases.py maps each Pelican signal plugins connect to its phase (the
    README's Architecture table is made from it), and is the only place that connects
    to Pelican's signals: plugins (and the preview) use ``phases.on(name, receiver)``."""
    import re

    used, direct = set(), []
    for folder in ("plugins", "newsroom"):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text("utf-8")
            used |= set(re.findall(r"\bphases\.on\(\s*\"([a-z_]+)\"", text))
            if path != ROOT / "newsroom" / "phases.py":
                direct += [f"{path.relative_to(ROOT)}: signals.{name}.connect"
                           for name in re.findall(r"\bsignals\.([a-z_]+)\.connect\(", text)]
    assert direct == []  # connect through phases.on, which knows the build order
    assert len(used) > 10  # (the pattern finds them)
    listed = [name for name, _, _ in phases.PELICAN_SIGNALS]
    assert used - set(listed) == set()
    assert len(listed) == len(set(listed))
    from pelican.plugins import signals

    assert all(hasattr(signals, name) for name in listed)
    assert {phase for _, phase, _ in phases.PELICAN_SIGNALS} <= {s.name.split(".")[1]
                                                               for s in phases.PHASES}


def test_a_pelican_signal_not_in_the_phases_table_is_refused():
    from pelican.plugins import signals

    def late(*args):
        raise AssertionError("never connected")

    with pytest.raises(phases.UnknownSignal, match="article_writer_finalized.*PELICAN_SIGNALS"):
        phases.on("article_writer_finalized", late)
    with pytest.raises(phases.UnknownSignal, match="PELICAN_SIGNALS"):
        phases.on("no_such_signal", late)
    assert late not in list(signals.article_writer_finalized.receivers_for(None))
    # a listed one is connected to Pelican's own signal
    received = []

    def written(path, context=None):
        received.append(path)

    assert phases.on("content_written", written) is written
    try:
        signals.content_written.send("page.html", context={})
    finally:
        signals.content_written.disconnect(written)
    assert received == ["page.html"]


#: Context variables templates read (a template reads the context, not the build
#: state); set from the typed state, never read back by Python.
TEMPLATE_VARIABLES = {"SECURITY_META"}


def test_no_module_keeps_per_build_state_under_a_string_key():
    """Per-build state is newsroom/buildstate.py's ``BuildState`` (``buildstate.of``),
    each plugin's a slot keyed by its class: no module defines a string key of the
    settings or context for its state, which other modules would type again."""
    import ast
    import re

    state_like = re.compile(r"[A-Z][A-Z0-9_]*_(STATE|LEDGER|RECORDER|SOURCES|SPEC|META|COUNTER|"
                            r"KINDS|GENERATED|REGISTRY|CACHE_STATE)")
    setting_like = re.compile(r"[A-Z][A-Z0-9_]+")
    found = []
    for folder in ("plugins", "newsroom"):
        for path in (ROOT / folder).rglob("*.py"):
            if path == ROOT / "newsroom" / "buildstate.py":
                continue
            where = path.relative_to(ROOT)
            for node in ast.walk(ast.parse(path.read_text("utf-8"))):
                if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) \
                        and isinstance(node.value.value, str) \
                        and setting_like.fullmatch(node.value.value) \
                        and any(isinstance(t, ast.Name) and t.id.endswith("_KEY")
                                for t in node.targets):
                    found.append(f"{where}:{node.lineno}: a settings key {node.value.value!r}")
                if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                        and state_like.fullmatch(node.value) \
                        and node.value not in TEMPLATE_VARIABLES:
                    found.append(f"{where}:{node.lineno}: state under {node.value!r}")
    assert found == []


def _builds_in_one_process(tmp_path):
    """The state each build saw (from its generators' context and settings), for two
    Pelican objects, the first run twice (as the preview and autoreload run it)."""
    from pelican import Pelican, signals
    from pelican.settings import read_settings

    from newsroom import buildstate

    seen = []

    def keep(generators):
        context, settings = generators[0].context, generators[0].settings
        assert buildstate.of(context) is buildstate.of(settings)
        state = buildstate.of(context)
        seen.append((state, {type(slot).__name__: id(slot) for slot in state.slots()}))

    phases.on("all_generators_finalized", keep)
    try:
        first = Pelican(read_settings(str(ROOT / "pelicanconf.py"), override={
            "OUTPUT_PATH": str(tmp_path / "one"), "PATH": str(ROOT / "content"),
            "CACHE_CONTENT": False, "LOAD_CONTENT_CACHE": False, "PIPELINE": {"workers": 0}}))
        first.run()
        first.run()
        second = Pelican(read_settings(str(ROOT / "pelicanconf.py"), override={
            "OUTPUT_PATH": str(tmp_path / "two"), "PATH": str(ROOT / "content"),
            "CACHE_CONTENT": False, "LOAD_CONTENT_CACHE": False, "PIPELINE": {"workers": 0}}))
        second.run()
    finally:
        signals.all_generators_finalized.disconnect(keep)
    return seen, (first.settings, second.settings)


def test_each_build_has_its_own_state_object(tmp_path, monkeypatch):
    from newsroom import buildstate
    from newsroom.build import BuildOnly

    monkeypatch.chdir(ROOT)
    seen, settings = _builds_in_one_process(tmp_path)
    assert len(seen) == 3 and len({id(state) for state, _ in seen}) == 3  # never shared
    for state, slots in seen:
        assert isinstance(state, buildstate.BuildState)
        assert len(state.sources) > 10  # the engine's sources read, of this build only
        assert state.languages is not None and state.asset_names
        assert {"Collected", "EditorialState", "SearchCopies", "Assets", "Spec"} <= set(slots)
    # the first run's plugin objects are not the second's
    assert not set(seen[0][1].values()) & set(seen[1][1].values())
    # and the settings hold no other build object than the one entry
    for values in settings:
        assert [key for key, value in values.items() if isinstance(value, BuildOnly)] \
            == ["NEWSROOM_BUILD"]
        assert buildstate.of(values) is not None


def test_build_state_slots_are_keyed_by_class():
    from newsroom import buildstate

    class Mine:
        def __init__(self, size=0):
            self.size = size

    state = buildstate.BuildState()
    assert state.get(Mine) is None
    made = state.slot(Mine, 3)
    assert state.slot(Mine, 5) is made and made.size == 3  # made once
    assert state.pop(Mine) is made and state.get(Mine) is None
    closed = []

    class Pool:
        def abandon(self):
            closed.append(self)

    settings = {}
    pool = buildstate.of(settings).put(Pool())
    buildstate.begin(settings)  # the first run takes what was put before it
    assert buildstate.of(settings).get(Pool) is pool and closed == []
    buildstate.begin(settings)  # the next run: a new state; what the last left is freed
    assert buildstate.of(settings).get(Pool) is None and closed == [pool]
    with pytest.raises(RuntimeError, match="content cache"):
        buildstate.of({"NEWSROOM_BUILD": None})  # a context the cache saved


def test_a_plugin_that_needs_the_engine_says_so_without_it(tmp_path):
    from .conftest import run_pelican

    import pelicanconf

    plugins = [p for p in pelicanconf.PLUGINS if p != "pipeline"]
    result = run_pelican("content", "-o", str(tmp_path / "out"), "-s", "pelicanconf.py",
                         "-e", f"PLUGINS={json.dumps(plugins)}")
    assert result.returncode != 0
    assert 'add "pipeline" to PLUGINS' in result.stdout + result.stderr
    assert not (tmp_path / "out" / "index.html").exists()
