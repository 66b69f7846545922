"""The 导入任务 pages: an upload answers at once with its job's page, which polls its
progress and ends in the result (errors page by page, the rejected rows as .xlsx); each
user sees only its own jobs (the administrator and the auditor every job), and another
user's job answers exactly like a job that does not exist."""

from __future__ import annotations

import io
import threading
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from policyhub.imports import jobs
from policyhub.imports.models import ImportJob
from policyhub.registry.models import YearlyFigure
from tests.personas import Personas, personas

HEADER = "统一社会信用代码,年度,主营业务收入"


@pytest.fixture(autouse=True)
def folders(settings: Any, tmp_path: Path) -> None:
    settings.IMPORT_UPLOADS_DIR = tmp_path / "uploads"
    settings.IMPORT_ERRORS_DIR = tmp_path / "errors"


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _upload(text: str, name: str = "figures.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8-sig"), "text/csv")


def _post(client: Client, text: str) -> Any:
    return client.post(reverse("registry:import"), {"kind": "figures", "file": _upload(text)})


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_upload_answers_at_once_with_the_job_queued(settings: Any,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    settings.IMPORT_INLINE = False
    p = personas()
    release, threads = threading.Event(), list[threading.Thread]()
    real = jobs._in_thread

    def held(pk: int) -> None:  # the worker waits until the test has seen the answer
        release.wait(10)
        real(pk)

    monkeypatch.setattr(jobs, "_in_thread", held)
    real_start = threading.Thread.start

    def start(self: threading.Thread) -> None:
        threads.append(self)
        real_start(self)

    monkeypatch.setattr(threading.Thread, "start", start)
    response = _post(_client(p.applicant), f"{HEADER}\n{p.org.credit_code},2020,100\n")
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("imports:job", args=[job.pk])
    assert job.state == ImportJob.State.QUEUED  # answered before the file was even read
    assert not YearlyFigure.objects.exists()
    page = _client(p.applicant).get(response["Location"])
    assert "排队中" in page.text and 'hx-trigger="every 1s"' in page.text
    release.set()
    for t in threads:
        t.join(30)
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE and job.rows_written == 1
    assert YearlyFigure.objects.filter(organisation=p.org, year=2020).exists()
    done = _client(p.applicant).get(response["Location"])
    assert "导入成功" in done.text and "hx-trigger" not in done.text


@pytest.mark.django_db
def test_a_running_job_shows_its_counts_and_the_poll_gets_only_the_panel() -> None:
    p = personas()
    job = ImportJob.objects.create(kind="registry.figures", started_by=p.applicant,
                                   file_name="大文件.csv", sha256="0" * 64,
                                   state=ImportJob.State.RUNNING,
                                   phase=ImportJob.Phase.VALIDATING, rows_read=1000,
                                   rows_validated=400)
    client = _client(p.applicant)
    page = client.get(reverse("imports:job", args=[job.pk]))
    assert page.status_code == 200
    assert "已读取 1000 行 · 已校验 400 行 · 已写入 0 行" in page.text
    assert "逐行校验" in page.text and 'aria-valuenow="20"' in page.text
    assert "导入登记库年度数据" in page.text  # the kind's label, not its key
    assert "registry.figures" not in page.text
    polled = client.get(reverse("imports:job", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert polled.text.lstrip().startswith('<div id="import-job"')
    assert "<html" not in polled.text


@pytest.mark.django_db
def test_a_refused_file_ends_in_its_errors_and_the_rejected_rows_download() -> None:
    p = personas()
    client = _client(p.applicant)
    body = HEADER + "\n" + "".join(f"{p.org.credit_code},y{i},100\n" for i in range(60))
    response = client.post(reverse("registry:import"), {"kind": "figures",
                                                        "file": _upload(body)}, follow=True)
    assert response.status_code == 200
    assert "60 行有误，未导入任何数据" in response.text
    assert "第 1 / 2 页，共 60 处错误" in response.text
    job = ImportJob.objects.get()
    second = client.get(reverse("imports:job", args=[job.pk]), {"page": 2})
    assert ">y59<" in second.text and ">y0<" not in second.text
    url = reverse("registry:import_errors", args=[job.error_token])
    assert url in response.text
    sheet = load_workbook(io.BytesIO(client.get(url).content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 61 and rows[1][1] == "y0" and rows[1][3] == 2
    assert "[年度]" in str(rows[1][4])
    assert not YearlyFigure.objects.exists()


@pytest.mark.django_db
def test_an_applicant_cannot_import_another_organisations_figures() -> None:
    from tests.personas import organisation

    p = personas()
    other = organisation("长沙别家有限公司")
    response = _client(p.applicant).post(
        reverse("registry:import"),
        {"kind": "figures", "file": _upload(f"{HEADER}\n{other.credit_code},2020,1\n")},
        follow=True)
    assert "1 行有误，未导入任何数据" in response.text
    assert not YearlyFigure.objects.exists()


def _job_of(p: Personas) -> ImportJob:
    return ImportJob.objects.create(kind="registry.figures", started_by=p.applicant,
                                    file_name="星盾2022年数据.csv", sha256="0" * 64,
                                    state=ImportJob.State.DONE, rows_read=3, rows_written=3)


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "sees"), [
    ("applicant", True), ("admin", True), ("auditor", True),
    ("outsider", False), ("reviewer", False), ("park_officer", False), ("finance", False)])
def test_who_sees_a_job(who: str, sees: bool) -> None:
    p = personas()
    job = _job_of(p)
    client = _client(getattr(p, who))
    page = client.get(reverse("imports:job", args=[job.pk]))
    listing = client.get(reverse("imports:index"))
    if sees:
        assert page.status_code == 200 and "星盾2022年数据.csv" in page.text
        assert "星盾2022年数据.csv" in listing.text
    else:
        missing = client.get(reverse("imports:job", args=[job.pk + 1000]))
        assert page.status_code == missing.status_code == 404
        assert "星盾2022年数据.csv" not in page.text + listing.text
        assert page.text.replace(f"/imports/{job.pk}/", "") == missing.text.replace(
            f"/imports/{job.pk + 1000}/", "")  # the refusal reveals nothing


@pytest.mark.django_db
def test_signed_out_visitors_are_sent_to_the_login() -> None:
    job = _job_of(personas())
    response = Client().get(reverse("imports:job", args=[job.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.django_db
def test_a_centre_import_is_refused_to_staff_of_other_units() -> None:
    from tests.centres.helpers import csv_bytes, staff

    upload = SimpleUploadedFile("a.csv", csv_bytes([["产品名称"], ["x"]]))
    response = _client(staff("finance")).post(
        reverse("centres_adaptation:adaptations-import"), {"file": upload})
    assert response.status_code == 403
    assert not ImportJob.objects.exists()  # refused before a job or a stored file
