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

import hashlib
import io
import json
import logging
import multiprocessing
import os
import shutil
import threading
from dataclasses import asdict, dataclass

from newsroom import media
from newsroom.build import BuildOnly

logger = logging.getLogger(__name__)

EXTENSIONS = {"avif": "avif", "webp": "webp", "jpeg": "jpg", "png": "png"}
MIME = {"avif": "image/avif", "webp": "image/webp", "jpeg": "image/jpeg", "png": "image/png"}
#: Bump when the encoding code changes what it writes: every cached file is redone.
VERSION = 4


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

    @property
    def key(self) -> str:
        params = {k: v for k, v in asdict(self).items() if k != "source"}
        return hashlib.sha256(json.dumps([VERSION, params], sort_keys=True,
                                         ensure_ascii=False).encode()).hexdigest()[:32]

    def name(self, stem: str) -> str:
        """File name in the output: readable stem, width, short key."""
        return f"{stem}-{self.width}.{self.key[:10]}.{EXTENSIONS[self.fmt]}"


def digest(path: str) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


# -- encoding (in worker processes) -------------------------------------------------

def open_oriented(path, max_pixels=media.DEFAULTS["max_pixels"]):
    """The image with EXIF orientation applied, in RGB(A) sRGB.

    Opened by the one image reader (``newsroom.media.open_image``): a file changed
    into a bomb since it was planned is refused before it is decoded."""
    from PIL import ImageCms, ImageOps

    image = media.open_image(path, max_pixels)
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
        return image.convert("RGBA")
    return image.convert("RGB")


def render(job: Job, max_pixels=media.DEFAULTS["max_pixels"]) -> bytes:
    """The bytes of one derivative."""
    from PIL import Image

    if job.card is not None:
        from .social import draw_card
        image = draw_card(job)
    else:
        image = open_oriented(job.source, max_pixels)
        if job.crop:
            image = image.crop(job.crop)
        if image.size != (job.width, job.height):
            image = image.resize((job.width, job.height), Image.LANCZOS, reducing_gap=3.0)
    if job.fmt == "jpeg" and image.mode == "RGBA":
        flat = Image.new("RGB", image.size, job.background)
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
    elif job.fmt == "jpeg":
        image.save(out, "JPEG", quality=job.quality, optimize=True, progressive=True)
    else:  # optimize=True: 7 % smaller, 4 times slower (a site draws a card per article)
        image.save(out, "PNG")
    return out.getvalue()


def encode(job: Job, cache_dir: str, max_pixels=media.DEFAULTS["max_pixels"]) -> str:
    """Write ``job``'s file into the cache (atomically); returns its path."""
    path = os.path.join(cache_dir, f"{job.key}.{EXTENSIONS[job.fmt]}")
    data = render(job, max_pixels)
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)
    return path


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
        self.planned[rel] = job
        if job.key in self.queued or os.path.exists(self.cached(job)):
            return
        self.queued.add(job.key)
        os.makedirs(self.cache_dir, exist_ok=True)
        if self.workers < 1:
            self.failed |= _encode_all([job], self.cache_dir, self.config["max_pixels"])
            return
        if self.tasks is None:
            self._start()
        self.tasks.put(job)

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
        ``keep(path)`` is told of each one already there (see ``newsroom.outputs``)."""
        for _ in self.processes:
            self.tasks.put(None)
        for process in self.processes:
            try:
                self.failed |= self.results.get(timeout=3600)
            except Exception:  # queue.Empty: a worker died; its files are redone next build
                logger.error("images: an encoding process stopped (exit code %s)",
                             process.exitcode)
        for process in self.processes:
            process.join()
        self.processes = []
        for rel, job in sorted(self.planned.items()):
            cached = self.cached(job)
            if job.key in self.failed or not os.path.exists(cached):
                continue
            target = os.path.join(self.output_path, rel)
            if os.path.exists(target):  # named by its content: the same file
                keep(target)
            else:
                os.makedirs(os.path.dirname(target), exist_ok=True)
                shutil.copyfile(cached, target)

    def close(self):
        """Stop the encoders of a build that failed before ``finish``."""
        for process in self.processes:
            process.kill()
        self.processes = []


def _safe_to_fork():
    # As the pipeline's renderers: daemon threads (Pelican's console spinner) are harmless.
    return not [t for t in threading.enumerate()
                if t is not threading.current_thread() and not t.daemon]


def _encode_all(jobs, cache_dir, max_pixels):
    failed = set()
    for job in jobs:
        try:
            encode(job, cache_dir, max_pixels)
        except (OSError, ValueError, media.ImageProblem) as exc:
            logger.error("images: %s: cannot encode (%s)", os.path.relpath(job.source or "card"), exc)
            failed.add(job.key)
    return failed


def _worker(tasks, results, cache_dir, max_pixels):
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the build, which stops us
    failed = set()
    while (job := tasks.get()) is not None:
        failed |= _encode_all([job], cache_dir, max_pixels)
    results.put(failed)
