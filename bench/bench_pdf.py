"""First request of each PDF document after a server start: the 公示名单 of a batch, the
核定通知书 and the plan's progress report (会议材料).

One child process per document (Django set up there, on a throwaway SQLite database at
build/bench/pdf-<doc>.sqlite3): it migrates, writes the records the document needs straight
into the tables (a notice batch of NOTICE_ROWS applications, an approved application with its
letter number; the plan's targets come with migrate), then starts the server the way gunicorn
does — importing policyhub.config.wsgi, which warms the PDF renderer (web.pdf.warm) — and times
the first request of its document through Django's test Client as an auditor, then a second
one. Nothing else has rendered a PDF in that process before. Target: first request ≤ 1 s of
the serving process's CPU time (time.process_time); the wall clock is printed beside it with
the load average, because on a machine shared by several busy processes the wall clock
measures the others' work too (on an idle machine the two agree).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from decimal import Decimal
from typing import Any

from bench.core import BUILD, Row, run_django_child

NAME = "bench_pdf"
DOCUMENTS = ("notice", "letter", "plan")
LABELS = {"notice": "公示名单 PDF", "letter": "核定通知书 PDF", "plan": "plan report PDF"}
NOTICE_ROWS = 20
FIRST_TARGET_S = 1.0
DOC_ENV = "BENCH_PDF_DOCUMENT"


def run() -> list[Row]:
    out: list[Row] = []
    for doc in DOCUMENTS:
        os.environ[DOC_ENV] = doc
        try:
            r = run_django_child("bench.bench_pdf", BUILD / "bench" / f"pdf-{doc}.sqlite3", NAME)
        finally:
            os.environ.pop(DOC_ENV, None)
        label = LABELS[doc]
        load = os.getloadavg()[0]
        out += [Row(NAME, f"{label}: first request after start ({r['pages']} pages), CPU "
                          "time of the serving process", r["first_cpu_s"], "s", FIRST_TARGET_S),
                Row(NAME, f"{label}: first request, wall clock (load average {load:.1f} on "
                          f"{os.cpu_count()} cores)", r["first_s"], "s"),
                Row(NAME, f"{label}: second request", r["second_s"], "s"),
                Row(NAME, f"{label}: start-up warm-up (web.pdf.warm, once per server)",
                    r["warm_s"], "s"),
                Row(NAME, f"{label}: responses other than 200", r["errors"], "", 0.0)]
    return out


# --- the child --------------------------------------------------------------------------------


def _child(doc: str) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)
    auditor = _auditor()
    url = _records(doc)
    started = time.perf_counter()
    import policyhub.config.wsgi  # noqa: F401  (the server's start: warms the renderer)

    warm_s = time.perf_counter() - started
    from django.test import Client

    client = Client()
    client.force_login(auditor)
    client.get("/")  # a first page, so the PDF request is not the process's first request
    times, cpu, errors, body = [], [], 0, b""
    for _ in range(2):
        began, began_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        times.append(time.perf_counter() - began)
        cpu.append(time.process_time() - began_cpu)
        errors += response.status_code != 200
        body = response.content
    return {"first_s": times[0], "second_s": times[1], "first_cpu_s": cpu[0],
            "warm_s": warm_s, "errors": errors,
            "pages": _pages(body)}


def _pages(pdf: bytes) -> int:
    import io

    import pdfplumber  # a dev dependency, as the benchmarks are

    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return len(doc.pages)


def _auditor() -> Any:
    from django.contrib.auth.models import User

    from policyhub.accounts.models import Role, RoleAssignment

    user = User.objects.create(username="auditor")
    RoleAssignment.objects.create(user=user, role=Role.AUDITOR)
    return user


def _records(doc: str) -> str:
    """The records `doc` needs; its URL."""
    from django.contrib.auth.models import User
    from django.utils import timezone

    from policyhub.applications import numbering
    from policyhub.applications.models import Application, LetterNumber
    from policyhub.engine.creditcode import check_character
    from policyhub.registry.models import Organisation
    from policyhub.units.models import Unit

    if doc == "plan":
        return "/plan/export.pdf?as_of=2021-12-31"
    today = timezone.localdate()
    batch = numbering.notice_batch(today, today + dt.timedelta(days=7))
    creator = User.objects.get(username="auditor")
    miit, park = Unit.objects.get(code="miit"), Unit.objects.get(code="hitech")
    apps = []
    for i in range(NOTICE_ROWS if doc == "notice" else 1):
        first17 = f"91430100{i + 1:09d}"
        org = Organisation.objects.create(
            credit_code=first17 + check_character(first17), kind="enterprise",
            name=f"长沙麓谷网络安全产业园信息技术研究院第{i + 1}有限责任公司", park=park,
            district="岳麓区")
        apps.append(Application.objects.create(
            organisation=org, rule="P7.project", clause="二(七)", reference="政策/二/(七)",
            matter=f"二(七)重点项目第{i + 1}号", department=miit, park=park, created_by=creator,
            state="notice" if doc == "notice" else "approved",
            approved_amount=Decimal("1234567.89") + i, notice_starts_on=batch.starts_on,
            notice_ends_on=batch.ends_on, notice_batch=batch))
    if doc == "notice":
        return f"/applications/notice/{batch.pk}.pdf"
    LetterNumber.objects.create(application=apps[0], year=today.year, number=1,
                                issued_on=today)
    return f"/applications/{apps[0].pk}/letter.pdf"


if __name__ == "__main__":
    print(json.dumps(_child(os.environ[DOC_ENV])))
