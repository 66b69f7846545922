"""ImportJob and its service (imports.jobs): a file runs queued → running → done or failed,
its counts saved as it goes; validation of the whole file holds no lock and opens no
transaction; writing takes the audit head lock once per short batch; a bad row writes
nothing; a batch failing midway is reported with the rows that landed, never silently."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from django.db import IntegrityError, connection

from policyhub.audit.models import AuditEntry
from policyhub.audit.services import verify
from policyhub.imports import jobs, kinds
from policyhub.imports.models import ImportJob
from policyhub.registry import rejected, writing
from policyhub.registry.models import YearlyFigure
from policyhub.registry.reader import ImportFailed
from tests.imports.helpers import figures_file, stored_job
from tests.personas import personas

pytestmark = pytest.mark.django_db
BATCH = 10  # rows per write batch in these tests (writing.BATCH is 500)


@pytest.fixture(autouse=True)
def small_batches(monkeypatch: pytest.MonkeyPatch, settings: Any, tmp_path: Path) -> None:
    monkeypatch.setattr(writing, "BATCH", BATCH)
    settings.IMPORT_UPLOADS_DIR = tmp_path / "uploads"
    settings.IMPORT_ERRORS_DIR = tmp_path / "errors"


class Spy(kinds.Progress):
    """Every progress call, with the job row's counts as saved at that moment."""

    def __init__(self, pk: int) -> None:
        self.pk, self.calls = pk, list[tuple[str, int, dict[str, int]]]()

    def _saved(self) -> dict[str, int]:
        job = ImportJob.objects.get(pk=self.pk)
        return {"read": job.rows_read, "validated": job.rows_validated,
                "written": job.rows_written, "batches": job.batches_written}

    def read(self, rows: int) -> None:
        self.calls.append(("read", rows, self._saved()))

    def validated(self, rows: int) -> None:
        self.calls.append(("validated", rows, self._saved()))

    def wrote(self, rows: int, batches: int) -> None:
        self.calls.append(("wrote", rows, self._saved()))


def test_a_good_file_runs_from_queued_to_done_with_every_count(tmp_path: Path) -> None:
    path, rows = figures_file(tmp_path / "f.csv")
    who = personas().bureau_officer
    job = stored_job(path, actor=who)
    assert job.state == ImportJob.State.QUEUED and job.rows_read == 0
    assert job.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    jobs.run(job.pk)
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE and job.percent == 100
    assert (job.rows_read, job.rows_validated, job.rows_written) == (rows, rows, rows)
    assert job.batches_written == -(-rows // BATCH) and job.created == rows
    assert job.started_at is not None and job.finished_at is not None
    assert job.started_by == who and job.error_count == 0
    assert not Path(job.stored_as).exists()  # the upload is not kept after its job
    assert YearlyFigure.objects.count() == rows
    assert AuditEntry.objects.filter(action="registry.figure.record").count() == rows
    summary = AuditEntry.objects.get(action="registry.import")
    assert summary.payload["created"] == rows and "partial" not in summary.payload
    assert AuditEntry.objects.filter(action="imports.finish", object_id=str(job.pk)).exists()
    assert verify().ok


def test_progress_is_saved_on_the_row_as_the_job_goes(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jobs, "SAVE_EVERY_S", 0.0)  # every report saved
    monkeypatch.setattr(kinds, "EVERY", 7)
    path, rows = figures_file(tmp_path / "f.csv")
    job = stored_job(path)
    spy = Spy(job.pk)
    jobs.run(job.pk, echo=spy)
    assert spy.calls[0][:2] == ("read", rows) and spy.calls[0][2]["read"] == rows
    validated = [(n, saved["validated"]) for what, n, saved in spy.calls if what == "validated"]
    assert [n for n, _ in validated] == [*range(7, rows, 7), rows]
    assert all(n == saved for n, saved in validated)  # saved before the next step
    wrote = [(n, saved) for what, n, saved in spy.calls if what == "wrote"]
    assert [n for n, _ in wrote] == [min(rows, b * BATCH) for b in range(1, len(wrote) + 1)]
    assert all(saved["written"] == n and saved["validated"] == rows for n, saved in wrote)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_validation_holds_no_lock_and_each_batch_takes_the_head_lock_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path, rows = figures_file(tmp_path / "f.csv")
    job = stored_job(path)
    events: list[tuple[str, int]] = []
    real_lock = writing.hold_lock

    def lock() -> None:
        assert connection.in_atomic_block  # held for the batch's transaction only
        events.append(("lock", 0))
        real_lock()

    class Watch(kinds.Progress):
        def validated(self, n: int) -> None:
            # No transaction is open while the file is checked, so no lock can be held.
            assert not connection.in_atomic_block
            events.append(("validated", n))

        def wrote(self, n: int, batches: int) -> None:
            assert not connection.in_atomic_block  # the batch is committed
            events.append(("wrote", n))

    monkeypatch.setattr(writing, "hold_lock", lock)
    jobs.run(job.pk, echo=Watch())
    first_lock = events.index(("lock", 0))
    assert ("validated", rows) in events[:first_lock]  # every row checked before any write
    locks = [e for e in events if e[0] == "lock"]
    assert len(locks) == -(-rows // BATCH)  # one short hold per batch, not one for the file
    # each hold is followed by its batch's commit before the next hold
    kinds_seen = [e[0] for e in events[first_lock:]]
    assert kinds_seen == ["lock", "wrote"] * len(locks)


def test_a_file_with_one_bad_row_writes_nothing_and_keeps_its_errors(tmp_path: Path) -> None:
    path, rows = figures_file(tmp_path / "f.csv", bad_last=True)
    who = personas().bureau_officer
    job = stored_job(path, actor=who)
    jobs.run(job.pk)
    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED
    assert (job.rows_read, job.rows_written, job.bad_rows, job.error_count) == (rows, 0, 1, 1)
    assert not YearlyFigure.objects.exists()
    assert not AuditEntry.objects.filter(action="registry.figure.record").exists()
    kept = rejected.load(who.pk, job.error_token)
    assert kept is not None and kept["errors"][0][:2] == [rows + 1, "主营业务收入"]
    assert rejected.load(personas_other(), job.error_token) is None


def personas_other() -> int:
    from tests.personas import user

    return user("another").pk


def _failing_at(monkeypatch: pytest.MonkeyPatch, failing_call: int) -> None:
    """Batch number `failing_call` (1-based) meets a conflict on every attempt."""
    real = writing._figures_once
    calls = {"n": 0}

    def once(actor: Any, chunk: Any) -> writing.Written:
        calls["n"] += 1  # the failing batch's retries count on: they fail too
        if calls["n"] >= failing_call:
            raise IntegrityError("a concurrent change")
        return real(actor, chunk)

    monkeypatch.setattr(writing, "_figures_once", once)


def test_a_batch_failing_midway_reports_the_rows_that_landed_and_a_rerun_completes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path, rows = figures_file(tmp_path / "f.csv")
    _failing_at(monkeypatch, 3)
    job = stored_job(path)
    jobs.run(job.pk)
    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED
    assert (job.rows_written, job.batches_written) == (2 * BATCH, 2)
    assert "已写入第 2 至第 21 行（2 批），其余行未导入" in job.message
    assert YearlyFigure.objects.count() == 2 * BATCH  # what the job says, no more
    summary = AuditEntry.objects.get(action="registry.import")
    assert summary.payload["partial"] is True and summary.payload["last_row_written"] == 21
    monkeypatch.undo()
    monkeypatch.setattr(writing, "BATCH", BATCH)
    again = stored_job(path)
    jobs.run(again.pk)
    again.refresh_from_db()
    assert again.state == ImportJob.State.DONE
    assert (again.created, again.updated) == (rows - 2 * BATCH, 2 * BATCH)
    assert YearlyFigure.objects.count() == rows
    assert verify().ok


def test_the_first_batch_failing_imports_nothing(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    path, _rows = figures_file(tmp_path / "f.csv")
    _failing_at(monkeypatch, 1)
    job = stored_job(path)
    jobs.run(job.pk)
    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED and job.rows_written == 0
    assert "未导入任何数据" in job.message
    assert not YearlyFigure.objects.exists()


def test_a_centre_record_type_runs_as_a_job(tmp_path: Path) -> None:
    from policyhub.centres.adaptation.models import Adaptation
    from tests.centres.helpers import staff
    from tests.registry.helpers import write_csv

    header = ["产品名称", "厂商", "产品版本", "产品类别", "CPU（飞腾型号）", "操作系统（麒麟版本）",
              "测试结果", "适配证书编号", "适配日期"]
    rows = [[f"产品{i}", "长沙星盾", "2.0", "安全软件/产品", "FT-2000+/64",
             "银河麒麟高级服务器操作系统 V10", "通过", f"PK-{i}", "2020-05-01"] for i in range(3)]
    path = write_csv(tmp_path / "a.csv", [header, *rows])
    job = stored_job(path, "centres.adaptation.adaptations", staff("miit"))
    jobs.run(job.pk)
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE and (job.rows_written, job.created) == (3, 3)
    assert Adaptation.objects.count() == 3
    assert AuditEntry.objects.filter(action="centres_adaptation.adaptation.create").count() == 3
    assert verify().ok


def test_a_centre_import_by_someone_who_may_not_create_fails_with_the_reason(
        tmp_path: Path) -> None:
    from tests.centres.helpers import staff
    from tests.registry.helpers import write_csv

    path = write_csv(tmp_path / "a.csv", [["产品名称"], ["x"]])
    job = stored_job(path, "centres.adaptation.adaptations", staff("finance"))
    jobs.run(job.pk)
    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED and "工作人员" in job.message


def test_an_upload_over_the_limit_is_refused_as_it_is_stored(settings: Any) -> None:
    settings.UPLOAD_MAX_BYTES = 1024
    with pytest.raises(ImportFailed, match="文件过大"):
        jobs.store(lambda: [b"x" * 600, b"x" * 600], "big.csv")
    assert list(Path(settings.IMPORT_UPLOADS_DIR).iterdir()) == []


def test_every_import_kind_is_registered_with_its_page() -> None:
    from django.urls import reverse

    found = kinds.all_kinds()
    assert {"registry.figures", "registry.events",
            "centres.adaptation.adaptations"} <= set(found)
    for kind in found.values():
        assert reverse(kind.page)  # the job page links back to it




def test_a_job_reads_chinese_choices_whatever_language_is_active(tmp_path: Path) -> None:
    """A job started from a page in English (or after one) still reads the Chinese template's
    closed choices, and keeps its reasons in Chinese."""
    from django.utils import translation

    from policyhub.centres.adaptation.models import Adaptation
    from tests.centres.helpers import staff
    from tests.registry.helpers import write_csv

    header = ["产品名称", "厂商", "产品版本", "产品类别", "CPU（飞腾型号）", "操作系统（麒麟版本）",
              "测试结果", "适配证书编号", "适配日期"]
    rows = [["产品", "长沙星盾", "2.0", "安全软件/产品", "FT-2000+/64",
             "银河麒麟高级服务器操作系统 V10", "通过", "PK-1", "2020-05-01"]]
    path = write_csv(tmp_path / "a.csv", [header, *rows])
    job = stored_job(path, "centres.adaptation.adaptations", staff("miit"))
    with translation.override("en"):
        jobs.run(job.pk)
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE and Adaptation.objects.count() == 1
