"""outputs: the output folder holds what this build produced, nothing stale.

The page of a deleted article, a stylesheet under its old fingerprint, the
Pagefind shards of an old index: a preview build into an existing ``output/``
removes what the previous build wrote and this one did not. Ownership is the
manifest ``newsroom.outputs`` keeps in the output folder; files the build never
wrote, and anything outside the output folder, are never touched.

Setting: ``OUTPUTS = {"remove_stale": True, "manifest": ".newsroom-output.json"}``.

The check runs once the whole build is over, after every ``finalized``
receiver (precompress writes its ``.gz`` files there): Pelican has no later
signal, and blinker calls the receivers of one signal in no fixed order, so
the plugin wraps this build's ``Pelican.run`` (the instance's, at ``initialized``,
through ``newsroom.compat.wrap_run``).

A write error anywhere in the build (a full disk, a read-only output folder)
ends it there with one clean line and exit status 1 (``newsroom.outputs``),
and so do pelican-precompress's: its driver is replaced by one that reads its
workers' results (``newsroom.compat.read_precompress_results``).
"""

from __future__ import annotations

import logging


from newsroom import buildstate, compat, outputs, phases

logger = logging.getLogger(__name__)

DEFAULTS = {"remove_stale": True, "manifest": outputs.MANIFEST}


class OutputsSettingsError(ValueError):
    pass


def validate(settings) -> dict:
    value = settings.get("OUTPUTS") or {}
    if not isinstance(value, dict) or set(value) - set(DEFAULTS):
        raise OutputsSettingsError(f"OUTPUTS must be a dict with keys among {sorted(DEFAULTS)}")
    config = {**DEFAULTS, **value}
    manifest = config["manifest"]
    if (not isinstance(manifest, str) or not manifest or "/" in manifest or "\\" in manifest
            or manifest in (".", "..")):
        raise OutputsSettingsError("OUTPUTS['manifest'] must be a file name (no folder), e.g. "
                                   f"{outputs.MANIFEST!r}")
    if not isinstance(config["remove_stale"], bool):
        raise OutputsSettingsError("OUTPUTS['remove_stale'] must be True or False")
    return config


def start(pelican):
    settings = pelican.settings
    settings["OUTPUTS"] = config = validate(settings)
    # pelican-precompress (publishconf.py) loses its workers' write errors.
    compat.read_precompress_results()
    compat.wrap_run(pelican, lambda run: _then_tidy(run, settings, config))


def _then_tidy(run, settings, config):
    """This build's ``Pelican.run``, then the stale files' removal (module docstring)."""
    def run_then_tidy():
        root = settings["OUTPUT_PATH"]
        succeeded = writing_failed = False
        try:
            with outputs.write_errors_end_the_build(root):
                result = run()
            succeeded = True
        except outputs.WriteFailed:
            writing_failed = True
            raise
        finally:
            # this run's ledger (begin_ledger); None if the run failed before it began
            build = buildstate.of(settings)
            ledger, build.outputs = build.outputs, None
            if ledger is not None:
                _finish(ledger, root, config, succeeded, writing_failed)
        return result

    return run_then_tidy


def _finish(ledger, root, config, succeeded, writing_failed):
    try:
        ledger.finish(succeeded, remove=config["remove_stale"])
    except OSError as exc:
        if succeeded and outputs.write_error(exc, root):
            # a manifest that cannot be written fails the build too
            with outputs.write_errors_end_the_build(root):
                raise
        # never hide the build's own outcome (nor repeat a write error)
        if not writing_failed:
            logger.warning("outputs: could not update %s in %s: %s (stale files may "
                           "remain; `make clean` removes them)", config["manifest"],
                           ledger.root, exc)


def begin_ledger(pelican):
    """``get_generators``: a ledger per build (``pelican --autoreload`` and the preview
    run one Pelican object again and again), in the build's state."""
    settings = pelican.settings
    root = settings["OUTPUT_PATH"]
    with outputs.write_errors_end_the_build(root):
        buildstate.of(settings).outputs = outputs.OutputLedger(root, settings["OUTPUTS"]["manifest"])


def keep_static(generator):
    """Static files Pelican found up to date are not copied again, but still produced."""
    for static in getattr(generator, "staticfiles", []):
        outputs.claim(generator.settings, static.save_as)


def register():
    phases.on("initialized", start)
    phases.on("get_generators", begin_ledger)
    phases.on("static_generator_finalized", keep_static)
