"""Imports as background jobs: the web request stores the upload and creates an ImportJob,
and returns at once; a worker thread reads, validates and writes the file through the kind's
functions (imports.kinds), saving its progress on the row so the job page can show it.

One service for the pages and the CLI (`start` then `run`, or `run_file`): inline when
settings.IMPORT_INLINE (tests whose transaction a thread cannot see; the CLI), otherwise at
most settings.IMPORT_WORKERS jobs run at once and the rest wait, queued. Reading and
validating hold no lock and no transaction; writing goes in short batches (imports.kinds).
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.files.uploadedfile import UploadedFile
from django.db import close_old_connections
from django.db.models import QuerySet
from django.utils import timezone, translation

from policyhub.accounts.models import Role
from policyhub.accounts.roles import has_role
from policyhub.audit.services import record
from policyhub.imports import kinds
from policyhub.imports.models import ImportJob
from policyhub.locks import retry_while_busy
from policyhub.registry import rejected
from policyhub.registry.reader import ImportFailed, refuse
from policyhub.registry.services import Refused

log = logging.getLogger(__name__)
SAVE_EVERY_S = 0.5  # progress saved at most this often (each save is a short write)
NOT_FOUND = "没有这个导入任务"  # also for another user's job: its existence is not revealed
_slots: threading.BoundedSemaphore | None = None
_slots_lock = threading.Lock()


# --- who sees what ---------------------------------------------------------------------------


def can_see_all(user: AbstractBaseUser | AnonymousUser) -> bool:
    """The administrator and the auditor see every job; anyone else only its own."""
    return user.is_authenticated and (has_role(user, Role.ADMINISTRATOR)
                                      or has_role(user, Role.AUDITOR))


def visible_jobs(user: AbstractBaseUser | AnonymousUser) -> QuerySet[ImportJob]:
    if not user.is_authenticated:
        return ImportJob.objects.none()
    if can_see_all(user):
        return ImportJob.objects.all()
    return ImportJob.objects.filter(started_by_id=user.pk)


def can_start(user: AbstractBaseUser | AnonymousUser, kind: kinds.ImportKind) -> kinds.Decision:
    if not user.is_authenticated:
        return False, "请先登录"
    return kind.can_start(user)


# --- starting --------------------------------------------------------------------------------


def _folder() -> Path:
    return Path(settings.IMPORT_UPLOADS_DIR)


def store(chunks: Callable[[], Any], name: str) -> tuple[Path, str, int]:
    """The upload written under IMPORT_UPLOADS_DIR (never under static or media), with its
    SHA-256 and size; refused when larger than UPLOAD_MAX_BYTES."""
    folder = _folder()
    folder.mkdir(parents=True, exist_ok=True)
    suffix = Path(name).suffix.lower()[:10]
    path = folder / f"{uuid.uuid4().hex}{suffix}"
    digest, size, limit = hashlib.sha256(), 0, int(settings.UPLOAD_MAX_BYTES)
    with path.open("wb") as fh:
        path.chmod(0o600)
        for chunk in chunks():
            size += len(chunk)
            if size > limit:
                fh.close()
                path.unlink(missing_ok=True)
                raise refuse(f"文件过大：上限为 {limit:,} 字节")
            digest.update(chunk)
            fh.write(chunk)
    return path, digest.hexdigest(), size


def start(kind: kinds.ImportKind, upload: UploadedFile,
          actor: AbstractBaseUser | AnonymousUser) -> ImportJob:
    """Store the upload, create the job and run it in the background (inline when
    settings.IMPORT_INLINE); Refused when the user may not start this kind."""
    allowed, reason = can_start(actor, kind)
    if not allowed:
        record(actor, "imports.start", None, allowed=False, reason=reason, kind=kind.key)
        raise Refused(reason)
    name = Path(upload.name or "upload").name
    path, sha, size = store(upload.chunks, name)
    job = create(kind, path, name, sha, size, actor)
    launch(job)
    return job


def create(kind: kinds.ImportKind, path: Path, name: str, sha: str, size: int,
           actor: kinds.Actor) -> ImportJob:
    who = actor.pk if actor is not None and actor.is_authenticated else None
    job = ImportJob.objects.create(kind=kind.key, file_name=name[:255], sha256=sha, size=size,
                                   stored_as=str(path), started_by_id=who)
    record(actor, "imports.start", job, kind=kind.key, file=name, sha256=sha, size=size)
    return job


def launch(job: ImportJob) -> None:
    if getattr(settings, "IMPORT_INLINE", False):
        run(job.pk)
    else:
        threading.Thread(target=_in_thread, args=(job.pk,), daemon=True,
                         name=f"import-{job.pk}").start()


def run_file(kind: kinds.ImportKind, path: Path, actor: kinds.Actor,
             progress: kinds.Progress | None = None) -> ImportJob:
    """The CLI's way: the same job, run here and now on a file that stays where it is."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    job = create(kind, path, path.name, digest.hexdigest(), path.stat().st_size, actor)
    run(job.pk, keep_file=True, echo=progress)
    job.refresh_from_db()
    return job


def _workers() -> threading.BoundedSemaphore:
    global _slots
    with _slots_lock:
        if _slots is None:
            _slots = threading.BoundedSemaphore(int(settings.IMPORT_WORKERS))
        return _slots


def _in_thread(pk: int) -> None:
    slots = _workers()
    try:
        with slots:
            run(pk)
    except Exception:  # the job row says failed; the thread must not die noisily
        log.exception("import job %s failed", pk)
    finally:
        close_old_connections()


# --- running ---------------------------------------------------------------------------------


class JobProgress(kinds.Progress):
    """Saves the counts on the job row, at most every SAVE_EVERY_S (and at phase changes)."""

    def __init__(self, job: ImportJob, echo: kinds.Progress | None = None) -> None:
        self.job, self.echo, self.saved = job, echo, 0.0

    def _save(self, *fields: str, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self.saved >= SAVE_EVERY_S:
            self.saved = now
            retry_while_busy(lambda: self.job.save(update_fields=list(fields)))

    def read(self, rows: int) -> None:
        self.job.rows_read, self.job.phase = rows, ImportJob.Phase.VALIDATING
        self._save("rows_read", "phase", force=True)
        if self.echo:
            self.echo.read(rows)

    def validated(self, rows: int) -> None:
        self.job.rows_validated = rows
        self._save("rows_validated", force=rows == self.job.rows_read)
        if self.echo:
            self.echo.validated(rows)

    def wrote(self, rows: int, batches: int) -> None:
        self.job.rows_written, self.job.batches_written = rows, batches
        self.job.phase = ImportJob.Phase.WRITING
        self._save("rows_written", "batches_written", "phase",
                   force=rows == self.job.rows_read)
        if self.echo:
            self.echo.wrote(rows, batches)


def run(pk: int, *, keep_file: bool = False, echo: kinds.Progress | None = None) -> None:
    """Run a queued job to its end: done, or failed with its errors kept (registry.rejected)
    or its message. The files and their closed choices are Chinese (the templates), and the
    kept reasons are shown later to whoever opens the job: a job runs in the site's language
    (LANGUAGE_CODE), not in the language of the request or thread that happens to start it."""
    with translation.override(settings.LANGUAGE_CODE):
        _run(pk, keep_file=keep_file, echo=echo)


def _run(pk: int, *, keep_file: bool, echo: kinds.Progress | None) -> None:
    job = ImportJob.objects.get(pk=pk)
    kind = kinds.get(job.kind)
    actor = job.started_by
    job.state, job.phase, job.started_at = (ImportJob.State.RUNNING, ImportJob.Phase.READING,
                                            timezone.now())
    retry_while_busy(lambda: job.save(update_fields=["state", "phase", "started_at"]))
    progress = JobProgress(job, echo)
    try:
        if kind is None:
            raise refuse("未知的导入类型")
        plan = kind.validate(Path(job.stored_as), actor, progress)
        job.rows_read = job.rows_validated = plan.rows
        job.phase = ImportJob.Phase.WRITING
        retry_while_busy(lambda: job.save(update_fields=["rows_read", "rows_validated", "phase"]))
        outcome = kind.write(plan, actor, progress)
        job.rows_written = outcome.rows
        job.created, job.updated, job.unchanged = (outcome.created, outcome.updated,
                                                   outcome.unchanged)
        job.state = ImportJob.State.DONE
    except ImportFailed as exc:
        job.state, job.error_count, job.bad_rows = ImportJob.State.FAILED, len(exc.errors), \
            exc.bad_rows
        job.rows_written = job.batches_written = 0
        job.error_token = rejected.save(job.started_by_id, job.kind, job.file_name, exc)
        job.message = exc.errors[0].reason if exc.errors and exc.errors[0].row == 0 else ""
    except kinds.PartlyWritten as exc:
        job.state = ImportJob.State.FAILED
        job.rows_written, job.batches_written = exc.written.rows, exc.batches
        job.created, job.updated, job.unchanged = (exc.written.created, exc.written.updated,
                                                   exc.written.unchanged)
        job.message = (f"已写入第 2 至第 {exc.last_row} 行（{exc.batches} 批），其余行未导入："
                       f"{exc.reason}。请重新导入同一文件以补齐：已写入的数据不会重复登记。")
    except Refused as exc:
        job.state, job.message = ImportJob.State.FAILED, exc.reason
    except Exception:
        job.state = ImportJob.State.FAILED
        job.message = "导入时发生内部错误，未完成；请联系系统管理员"
        raise
    finally:
        job.phase, job.finished_at = ImportJob.Phase.FINISHED, timezone.now()
        if not keep_file:
            Path(job.stored_as).unlink(missing_ok=True)
        retry_while_busy(job.save)
        record(None, "imports.finish", job, kind=job.kind, file=job.file_name,
               state=job.state, rows=job.rows_read, written=job.rows_written,
               errors=job.error_count)


def errors_of(job: ImportJob) -> dict[str, Any] | None:
    """The kept errors of a refused job (an hour), or None."""
    if not job.error_token:
        return None
    return rejected.load(job.started_by_id, job.error_token)
