"""申报材料: the applicant uploads files of the accepted types within the size limit; each is
stored outside static files by its SHA-256; the materials the clause asks for are listed;
downloads are permission-checked and audited, and refusals change nothing."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from policyhub.audit.models import AuditEntry
from policyhub.materials.models import Material
from policyhub.materials.services import required
from tests.personas import Personas
from tests.web_pages.helpers import draft

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.7\n% a small test file\n"


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MATERIAL_MAX_BYTES = 4096
    return tmp_path / "media"


def upload(client: Client, pk: int, name: str, body: bytes, kind: str = "licence") -> Any:
    return client.post(f"/applications/{pk}/materials/",
                       {"kind": kind, "file": SimpleUploadedFile(name, body)}, follow=True)


def test_the_clause_lists_its_materials_from_data() -> None:
    names = [r.name for r in required("二(七)")]
    assert "营业执照或登记证书复印件" in names and "项目投资专项审计报告" in names
    assert "项目投资专项审计报告" not in [r.name for r in required("二(六)")]


def test_an_applicant_uploads_a_pdf_stored_by_its_hash_and_the_page_lists_it(
        login: Any, people: Personas, today: Any, media: Path) -> None:
    app = draft(people)
    client = login("applicant")
    page = upload(client, app.pk, "执照.pdf", PDF).content.decode()
    material = Material.objects.get()
    digest = hashlib.sha256(PDF).hexdigest()
    assert material.sha256 == digest and material.size == len(PDF)
    assert (media / "materials" / str(app.pk) / f"{digest}.pdf").read_bytes() == PDF
    assert "执照.pdf" in page and "✔ 营业执照或登记证书复印件" in page
    assert "○ 项目投资专项审计报告" in page  # asked for, not yet attached
    got = client.get(f"/applications/{app.pk}/materials/{material.pk}/")
    assert got.status_code == 200 and b"".join(got.streaming_content) == PDF
    assert AuditEntry.objects.filter(action="materials.download", allowed=True).count() == 1


@pytest.mark.parametrize(("name", "body", "message"), [
    ("a.exe", b"MZ....", "类型不支持"),
    ("a.pdf", b"PK\x03\x04 not a pdf", "内容与扩展名 .pdf 不符"),
    ("a.pdf", b"%PDF" + b"x" * 4093, "超过"),
    ("a.pdf", b"", "空文件"),
])
def test_bad_files_are_refused_with_a_reason_and_nothing_stored(
        login: Any, people: Personas, today: Any, media: Path, name: str, body: bytes,
        message: str) -> None:
    app = draft(people)
    page = upload(login("applicant"), app.pk, name, body).content.decode()
    assert message in page
    assert Material.objects.count() == 0 and not (media / "materials").exists()


def test_the_size_limit_holds_at_the_byte(login: Any, people: Personas, today: Any) -> None:
    app = draft(people)
    client = login("applicant")
    upload(client, app.pk, "ok.pdf", b"%PDF" + b"x" * 4092)  # 4,096 bytes: the limit
    assert Material.objects.count() == 1
    upload(client, app.pk, "big.pdf", b"%PDF" + b"x" * 4093)  # one byte more
    assert Material.objects.count() == 1


def test_an_outsider_can_neither_upload_nor_download_and_is_audited(
        client: Client, people: Personas, today: Any) -> None:
    app = draft(people)
    client.force_login(people.applicant)
    upload(client, app.pk, "执照.pdf", PDF)
    material = Material.objects.get()
    client.force_login(people.outsider)
    # An application the outsider may not view is not found, as an unknown one (no leak).
    assert upload(client, app.pk, "x.pdf", PDF).status_code == 404
    assert client.get(f"/applications/{app.pk}/materials/{material.pk}/").status_code == 404
    assert Material.objects.count() == 1
    assert AuditEntry.objects.filter(action="materials.view", allowed=False).count() == 2
    client.force_login(people.reviewer)  # miit reviews 二(七): it reads the materials
    assert client.get(f"/applications/{app.pk}/materials/{material.pk}/").status_code == 200
