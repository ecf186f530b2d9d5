"""Derivatives: what to encode (``Job``), encoding with Pillow, the disk cache, the pool.

A job is named by a key: the SHA-256 of the source's bytes and of every
parameter that changes the output. Its file is kept in ``IMAGES['cache']``
(``cache/images/<key>.<ext>``) between builds and copied into the output, so a
warm build encodes nothing, and a changed image or setting gets a new name
(published files can be cached forever).

Pillow, not pyvips: on a 4000×3000 photo → 4 widths × AVIF/WebP/JPEG, Pillow
13 took 4.2 s and 134 MiB peak, pyvips 3.2 (libvips 8.18, binary wheel) 5.3 s
and 164 MiB with the same AVIF effort (``bench/image_libs.py``): both spend
three quarters of the time in the AVIF encoder (libaom), and Pillow's JPEG
draft mode shrinks on load as libvips does. Pillow is already a dependency
and has AVIF, WebP, LittleCMS and raqm built in.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import logging
import math
import multiprocessing
import os
import shutil
import threading
from dataclasses import asdict, dataclass

from newsroom import media
from newsroom.build import BuildOnly

logger = logging.getLogger(__name__)

#: Drawn cards sent to an encoder at a time (a few milliseconds each: one task per card
#: would cost more in queueing than in drawing).
CARDS_PER_TASK = 32
EXTENSIONS = {"avif": "avif", "webp": "webp", "jpeg": "jpg", "png": "png"}
MIME = {"avif": "image/avif", "webp": "image/webp", "jpeg": "image/jpeg", "png": "image/png"}
#: Bump when the encoding code changes what it writes: every cached file is redone.
VERSION = 5


@dataclass(frozen=True)
class Job:
    """One output file: ``source`` resized to ``width``×``height`` in ``fmt``.

    ``crop`` is a (left, top, right, bottom) box of the oriented source, for
    social cards; ``card`` a generated card's text (then ``source`` is empty).
    """

    source: str
    digest: str  # SHA-256 of the source's bytes
    width: int
    height: int
    fmt: str  # avif, webp, jpeg, png
    quality: int | None
    background: str = "#ffffff"
    crop: tuple | None = None
    card: tuple | None = None  # social.Card fields
    #: The fraction of the source's size it is decoded at (JPEG draft mode) and the
    #: larger widths it is resized through: both come from the source's size and the
    #: settings only (``decode_plan``), so a file's bytes never depend on which other
    #: files of its source were encoded with it.
    scale: float = 1.0
    chain: tuple = ()
    style: tuple | None = None  # a drawn card's social.CardStyle fields

    @functools.cached_property  # a frozen dataclass without slots: kept in __dict__
    def key(self) -> str:
        params = {k: v for k, v in asdict(self).items() if k != "source"}
        if self.card is not None:  # drawn cards' own encoding (photos keep their files)
            from .social import CARD_FORMAT
            params["card_format"] = CARD_FORMAT
        return hashlib.sha256(json.dumps([VERSION, params], sort_keys=True,
                                         ensure_ascii=False).encode()).hexdigest()[:32]

    def name(self, stem: str) -> str:
        """File name in the output: readable stem, width, short key."""
        return f"{stem}-{self.width}.{self.key[:10]}.{EXTENSIONS[self.fmt]}"


def digest(path: str) -> str:
    """SHA-256 of a source's bytes (read once per file version: a lead image's
    files, thumbnails and social card all need it)."""
    stat = os.stat(path)
    return _digest(os.path.abspath(path), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=4096)
def _digest(path, mtime, size):
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


# -- encoding (in worker processes) -------------------------------------------------

def open_oriented(path, max_pixels=media.DEFAULTS["max_pixels"], scale=1.0):
    """The image with EXIF orientation applied, in RGB(A) sRGB, and the factor it was
    shrunk by on load.

    Opened by the one image reader (``newsroom.media.open_image``): a file changed
    into a bomb since it was planned is refused before it is decoded. ``scale``: the
    largest fraction of the full size any of its files needs; a JPEG is decoded in
    draft mode at the smallest 1/2, 1/4 or 1/8 scale still at least that large (the
    decoder skips the detail instead of decoding and then throwing it away).
    """
    from PIL import ImageCms, ImageOps

    image = media.open_image(path, max_pixels)
    full = image.size
    if scale < 1:
        image.draft(image.mode, (max(1, math.ceil(full[0] * scale)),
                                 max(1, math.ceil(full[1] * scale))))
    shrink = image.size[0] / full[0]
    image = ImageOps.exif_transpose(image)
    icc = image.info.get("icc_profile")
    if icc:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            mode = "RGBA" if image.mode in ("RGBA", "LA", "PA") else "RGB"
            if image.mode not in ("RGB", "RGBA", "CMYK", "L"):
                image = image.convert(mode)
            image = ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"),
                                              outputMode=mode)
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken profile: the plain conversion below
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        return image.convert("RGBA"), shrink
    return (image if image.mode == "RGB" else image.convert("RGB")), shrink


def render_all(jobs, max_pixels=media.DEFAULTS["max_pixels"]) -> dict:
    """{key: bytes} of jobs of one source (or drawn cards): one decode, one resize chain.

    The source is decoded once, in draft mode at the scale its largest file needs;
    each size is made once (its formats share it), largest first, each from the
    previous one (a 1600-pixel image, not the 6-megapixel original, is what the 1200
    is resized from: about a third of the resampling work, and Pillow's ``reduce``
    does the integer part of each step), and crops (social cards) are cut from the
    decoded image.
    """
    out = {}
    cards = [job for job in jobs if job.card is not None]
    if cards:
        from .social import card_jpeg
        for job in cards:
            out[job.key] = card_jpeg(job)
    photos = [job for job in jobs if job.card is None]
    if not photos:
        return out
    info = media.inspect(photos[0].source, max_pixels)
    for scale in sorted({job.scale for job in photos}):
        image, _ = open_oriented(photos[0].source, max_pixels, scale)
        made = {}  # width -> image resized through the chain
        for job in photos:
            if job.scale != scale:
                continue
            if job.crop:
                # From the largest file's image when it is large enough (``chain``),
                # else from the decoded source.
                base = _through(made, image, info, job.chain[0], ()) if job.chain else image
                factor = base.size[0] / info.width
                cut = base.crop(tuple(round(v * factor) for v in job.crop))
                resized = _resize(cut, job.width, job.height)
            else:
                resized = _through(made, image, info, job.width, job.chain)
                if resized.size != (job.width, job.height):
                    resized = _resize(resized, job.width, job.height)
            out[job.key] = encode_image(resized, job)
    return out


def _through(made, image, info, width, chain):
    """``image`` at ``width``, resized through the larger widths of ``chain`` (kept in
    ``made``). A plain function, not a closure: a recursive closure is a reference
    cycle, and the decoded image and its sizes (10-15 MB a photo) waited for the
    garbage collector in every encoder (their memory grew by that much per photo)."""
    if width not in made:
        larger = [w for w in chain if w > width]
        start = _through(made, image, info, larger[-1], chain) if larger else image
        made[width] = _resize(start, width, max(1, round(info.height * width / info.width)))
    return made[width]


def _resize(image, width, height):
    from PIL import Image

    if image.size == (width, height):
        return image
    return image.resize((width, height), Image.LANCZOS, reducing_gap=2.0)


def render(job: Job, max_pixels=media.DEFAULTS["max_pixels"]) -> bytes:
    """The bytes of one derivative."""
    return render_all([job], max_pixels)[job.key]


def encode_image(image, job: Job) -> bytes:
    """``image`` (already at the job's size) in the job's format."""
    from PIL import Image

    if job.fmt == "jpeg" and image.mode == "RGBA":
        flat = Image.new("RGB", image.size, job.background.split("|")[0])
        flat.paste(image, mask=image.getchannel("A"))
        image = flat
    out = io.BytesIO()
    # Nothing of the source's metadata is passed on: no EXIF, XMP or ICC (the
    # pixels are sRGB, the web's default), so no GPS or camera data.
    if job.fmt == "avif":
        # speed 8: a quarter of speed 6's time for files about 10 % larger; one
        # thread, as the pool runs one encoder per core.
        image.save(out, "AVIF", quality=job.quality, speed=8, max_threads=1)
    elif job.fmt == "webp":
        image.save(out, "WEBP", quality=job.quality, method=2)  # 4: 6 % smaller, 75 % slower
    elif job.fmt == "jpeg" and job.card is not None:
        # A drawn card: baseline, not optimised (2 ms instead of 9 for 12 % more bytes;
        # social networks fetch it once and re-encode it), in rows (social.card_jpeg).
        from .social import save_card
        return save_card(image, job.quality)
    elif job.fmt == "jpeg":
        # The fallback of browsers without WebP (and of e-mail clients): optimised
        # Huffman tables, baseline. Progressive saved 1 % of the bytes of a 1600-pixel
        # photo for 2.4 times the encoding time.
        image.save(out, "JPEG", quality=job.quality, optimize=True)
    else:  # optimize=True: 7 % smaller, 4 times slower
        image.save(out, "PNG")
    return out.getvalue()


# -- the cache: every entry is checked before it is used ----------------------------

def _sum_path(path):
    return f"{path}.sum"


def write_entry(path: str, data: bytes):
    """Write a cache entry and its record (size and SHA-256), each atomically, the
    record first: another build reading the cache meanwhile sees either no entry or
    a record without its file (both: not there yet), never a file without its record,
    which only a damaged cache has."""
    record = f"{len(data)} {hashlib.sha256(data).hexdigest()}\n".encode()
    for target, content in ((_sum_path(path), record), (path, data)):
        tmp = f"{target}.{os.getpid()}.tmp"
        with open(tmp, "wb") as fh:
            fh.write(content)
        os.replace(tmp, target)


def _record(path):
    """(size, digest) recorded when the entry was written, or None."""
    try:
        with open(_sum_path(path), encoding="ascii") as fh:
            size, digest_ = fh.read().split()
        return int(size), digest_
    except (OSError, ValueError, UnicodeDecodeError):
        return None


def entry_state(path: str) -> str | None:
    """None if the entry and its record exist and their sizes agree (a stat, no
    read), "" if there is no entry, else what is wrong with it."""
    record = _record(path)
    try:
        size = os.path.getsize(path)
    except OSError:
        return ""  # not there (yet: the record is written first)
    if record is None:
        return "no size and digest recorded"
    return None if size == record[0] else f"{size} bytes instead of {record[0]}"


def entry_problem(path: str) -> str | None:
    """Why the cache entry at ``path`` cannot be used (its bytes are not those written),
    or None. Reads the file: its size and SHA-256 against the record."""
    record = _record(path)
    if record is None:
        return "no size and digest recorded"
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        return f"unreadable ({exc.strerror})"
    if len(data) != record[0]:
        return f"{len(data)} bytes instead of {record[0]}"
    if hashlib.sha256(data).hexdigest() != record[1]:
        return "its SHA-256 digest differs from the one recorded"
    return None


def _damaged(path, problem):
    logger.warning("images: cache entry %s is damaged (%s); encoding it again",
                   os.path.relpath(path), problem)
    remove_entry(path)


def remove_entry(path: str):
    for target in (path, _sum_path(path)):
        try:
            os.remove(target)
        except OSError:
            pass


def encode(jobs, cache_dir: str, max_pixels=media.DEFAULTS["max_pixels"]) -> list:
    """Write the files of ``jobs`` (one source's) into the cache; returns their paths."""
    if isinstance(jobs, Job):
        jobs = [jobs]
    rendered = render_all(jobs, max_pixels)
    paths = []
    for job in jobs:
        path = os.path.join(cache_dir, f"{job.key}.{EXTENSIONS[job.fmt]}")
        write_entry(path, rendered[job.key])
        paths.append(path)
    return paths


# -- the build's share -----------------------------------------------------------------

class Derivatives(BuildOnly):
    """The files of one build: encoded as soon as they are planned, then copied.

    Sources read in this process plan their files as they are read, so the
    encoders start while the build is still reading and rendering (on a small
    site the build itself keeps one core busy, the encoders the others). Files
    planned later (social cards, sources read in the pipeline's workers) are
    added at ``all_generators_finalized``; ``finish`` waits for all of them.
    """

    def __init__(self, config, output_path, workers):
        self.config = config
        self.cache_dir = os.path.abspath(config["cache"])
        self.output_path = output_path
        self.workers = workers
        self.planned = {}  # output-relative path -> Job
        self.queued = set()  # keys sent to the encoders (or encoded here)
        self.pending = []  # jobs planned, not yet sent (``flush``)
        self.failed = set()
        self.processes = []
        self.tasks = self.results = None

    @property
    def encoded(self):
        """Files encoded by this build (not found in the cache)."""
        return len(self.queued - self.failed)

    def cached(self, job: Job) -> str:
        return os.path.join(self.cache_dir, f"{job.key}.{EXTENSIONS[job.fmt]}")

    def add(self, rel: str, job: Job):
        """Plan ``job``'s file at output path ``rel``; ``flush`` sends what must be encoded."""
        self.planned[rel] = job
        if job.key in self.queued:
            return
        problem = entry_state(self.cached(job))
        if problem is None:
            return
        if problem:
            _damaged(self.cached(job), problem)
        self.queued.add(job.key)
        self.pending.append(job)

    def flush(self):
        """Send the planned jobs to the encoders: one task per source (one decode for
        all its files), drawn cards in tasks of ``CARDS_PER_TASK``."""
        if not self.pending:
            return
        os.makedirs(self.cache_dir, exist_ok=True)
        groups = {}
        for job in self.pending:
            groups.setdefault(job.source, []).append(job)
        self.pending = []
        tasks = []
        for source, jobs in groups.items():
            if source:
                tasks.append(jobs)
            else:  # drawn cards
                tasks += [jobs[i:i + CARDS_PER_TASK] for i in range(0, len(jobs), CARDS_PER_TASK)]
        if self.workers < 1:
            self.failed |= _encode_all(tasks, self.cache_dir, self.config["max_pixels"])
            return
        if self.tasks is None:
            self._start()
        for task in tasks:
            self.tasks.put(task)

    def _start(self):
        # Plain processes, not a pool: a pool's manager thread would keep the
        # pipeline from forking its renderers (a queue's feeder thread is a
        # daemon, which it ignores). Forked when no other thread could hold a
        # lock the children need; otherwise from a fork server.
        context = multiprocessing.get_context("fork" if _safe_to_fork() else "forkserver")
        self.tasks, self.results = context.Queue(), context.Queue()
        for _ in range(self.workers):
            process = context.Process(target=_worker, args=(self.tasks, self.results,
                                                           self.cache_dir,
                                                           self.config["max_pixels"]), daemon=True)
            process.start()
            self.processes.append(process)

    def finish(self, keep=lambda path: None):
        """Wait for the encoders, then copy every planned file into the output;
        ``keep(path)`` is told of each one already there (see ``newsroom.outputs``).

        Each cache entry is checked (size and SHA-256 against those recorded when it
        was written) before it is copied: a damaged one (a truncated file in a CI
        cache, a disk error) is encoded again, with a warning, never published."""
        self._wait(lambda keys: None, lambda: False)
        self._copy(self.planned.items(), keep)

    def _wait(self, done, stopped, timeout=3600):
        """Tell the encoders there is no more work and wait for them; ``done(keys)``
        after each task (the keys it encoded). ``stopped()``: give up (``close``)."""
        self.flush()
        for _ in self.processes:
            self.tasks.put(None)
        ended, waited, lost = 0, 0.0, 0
        while ended < len(self.processes) and not stopped():
            try:
                kind, keys, failed = self.results.get(timeout=0.5)
            except Exception:  # queue.Empty
                waited += 0.5
                # (a worker that ended said so before it exited: its message is there)
                alive = sum(p.is_alive() for p in self.processes)
                lost = lost + 1 if alive + ended < len(self.processes) else 0
                if stopped() or waited < timeout and lost < 2:
                    continue
                # A worker died; its files are redone next build.
                logger.error("images: an encoding process stopped (exit codes %s)",
                             [p.exitcode for p in self.processes])
                break
            waited, lost = 0.0, 0
            self.failed |= failed
            if kind == "end":
                ended += 1
            else:
                done(keys - failed)
        for process in self.processes:
            process.join(timeout=10)
        self.processes = []

    def _copy(self, planned, keep=lambda path: None, checked=None):
        """Copy the files ``planned`` ((rel, job), …) from the cache into the output;
        their output paths."""
        checked = {} if checked is None else checked  # key -> usable
        copied = []
        for rel, job in sorted(planned):
            if job.key in self.failed:
                continue
            if job.key not in checked:
                checked[job.key] = self._verified(job)
            if not checked[job.key]:
                continue
            target = os.path.join(self.output_path, rel)
            cached = self.cached(job)
            # Named by its content: an existing file of the right size is the same file.
            if os.path.exists(target) and os.path.getsize(target) == os.path.getsize(cached):
                keep(target)
            else:
                os.makedirs(os.path.dirname(target), exist_ok=True)
                tmp = f"{target}.{os.getpid()}.tmp"  # a page may point at it: whole or absent
                shutil.copyfile(cached, tmp)
                os.replace(tmp, target)
            copied.append(target)
        return copied

    def copy_ready(self, keep=lambda path: None):
        """The preview: copy now the planned files whose cache entry is complete (the
        others are being encoded: ``in_background``)."""
        self._copy([(rel, job) for rel, job in self.planned.items()
                    if entry_state(self.cached(job)) is None], keep)

    def in_background(self, ready, finished, written=lambda paths: None):
        """The preview: wait for the encoders in a thread, copying each task's files
        into the output as soon as they are encoded (``written(paths)``), then
        ``ready()``; ``finished()`` at the end (or once ``close`` stopped it)."""
        by_key = {}
        for rel, job in self.planned.items():
            by_key.setdefault(job.key, []).append((rel, job))

        def done(keys):
            written(self._copy([entry for key in keys for entry in by_key.get(key, ())]))
            ready()

        def run():
            try:
                self._wait(done, lambda: self.closed)
                if not self.closed:
                    written(self._copy(self.planned.items()))  # (what a dead worker left)
                    ready()
            except Exception as exc:  # noqa: BLE001 - a thread has no caller to raise to
                logger.error("images: %s", exc)
            finally:
                finished()

        self.closed = False
        threading.Thread(target=run, name="images-encoders", daemon=True).start()

    def _verified(self, job) -> bool:
        """True once the cache entry of ``job`` holds the bytes it was written with,
        encoding it again here if it did not."""
        path = self.cached(job)
        problem = entry_problem(path)
        if problem is None:
            return True
        if job.key in self.queued and not os.path.exists(path):
            return False  # not written: the encoder logged why
        _damaged(path, problem)
        self.queued.add(job.key)
        if _encode_all([[job]], self.cache_dir, self.config["max_pixels"]):
            self.failed.add(job.key)
            return False
        return entry_problem(path) is None

    closed = False

    def close(self):
        """Stop the encoders of a build that failed before ``finish`` (or whose files
        the preview was still encoding when the next build began)."""
        self.closed = True
        for process in self.processes:
            process.kill()


def _safe_to_fork():
    # As the pipeline's renderers: daemon threads (Pelican's console spinner) are harmless.
    return not [t for t in threading.enumerate()
                if t is not threading.current_thread() and not t.daemon]


def _encode_all(tasks, cache_dir, max_pixels):
    """Encode each task (a list of jobs of one source, or drawn cards); the keys of
    those that failed."""
    failed = set()
    for jobs in tasks:
        try:
            encode(jobs, cache_dir, max_pixels)
        except (OSError, ValueError, media.ImageProblem) as exc:
            logger.error("images: %s: cannot encode (%s)",
                         os.path.relpath(jobs[0].source) if jobs[0].source else "social card",
                         exc)
            failed |= {job.key for job in jobs}
    return failed


def _worker(tasks, results, cache_dir, max_pixels):
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the build, which stops us
    while (task := tasks.get()) is not None:
        results.put(("task", {job.key for job in task}, _encode_all([task], cache_dir, max_pixels)))
    results.put(("end", set(), set()))
