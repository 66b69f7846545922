"""Attach and read 申报材料 (policyhub.materials): type and size checked, SHA-256 computed,
stored under MEDIA_ROOT/materials/, every upload and download (and refusal) audited."""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from policyhub.accounts.roles import assignments
from policyhub.applications import permissions
from policyhub.applications.errors import Refused
from policyhub.applications.models import Application
from policyhub.audit.services import record
from policyhub.materials.models import Material

AnyUser = AbstractBaseUser | AnonymousUser
# Extension → (content type, the file's first bytes). xlsx, docx and OFD are ZIP containers.
TYPES: dict[str, tuple[str, bytes]] = {
    "pdf": ("application/pdf", b"%PDF"),
    "jpg": ("image/jpeg", b"\xff\xd8\xff"),
    "jpeg": ("image/jpeg", b"\xff\xd8\xff"),
    "png": ("image/png", b"\x89PNG\r\n\x1a\n"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK\x03\x04"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             b"PK\x03\x04"),
    "ofd": ("application/ofd", b"PK\x03\x04"),
}
UPLOAD_STATES = ("draft", "returned", "submitted")
OTHER = "other"


@dataclass(frozen=True)
class Required:
    key: str
    name: str


@functools.cache
def _table() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(
        (Path(__file__).with_name("materials.yaml")).read_text(encoding="utf-8"))
    return data


def required(clause: str) -> list[Required]:
    """The materials an application under `clause` asks for (materials.yaml)."""
    rows = [*_table()["common"], *_table()["clauses"].get(clause, [])]
    return [Required(str(r["key"]), str(r["name"])) for r in rows]


def kind_name(clause: str, key: str) -> str:
    return next((r.name for r in required(clause) if r.key == key), "其他材料")


def can_upload(user: AnyUser, app: Application) -> tuple[bool, str]:
    """The applicant (or the park committee applying on its behalf) before acceptance."""
    if not user.is_authenticated:
        return False, "请先登录"
    if app.state not in UPLOAD_STATES:
        return False, "申报受理后不能再补充材料；如需补正，请等待退回"
    if not permissions.can_apply(user, app.applicant)[0]:
        return False, "只有申报主体本身或其所在园区管委会可以上传申报材料"
    return True, ""


def can_read(user: AnyUser, app: Application) -> tuple[bool, str]:
    """Those who handle the application; unlike its public notice, its materials are not
    public (permissions._in_scope: applicant, park, department, city-wide roles)."""
    if not user.is_authenticated:
        return False, "请先登录"
    if any(permissions._in_scope(a, app) for a in assignments(user)):
        return True, ""
    return False, "申报材料仅向申报主体、受理园区、责任部门、市工业和信息化局、市财政局和审计开放"


def _check(upload: UploadedFile) -> tuple[str, str]:
    """(extension, content type) of an acceptable file; Refused naming what is wrong."""
    name = upload.name or ""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in TYPES:
        raise Refused(f"文件“{name}”的类型不支持：请上传 PDF、JPG、PNG、XLSX、DOCX 或 OFD 文件")
    limit = settings.MATERIAL_MAX_BYTES
    if upload.size is None or upload.size == 0:
        raise Refused(f"文件“{name}”是空文件")
    if upload.size > limit:
        raise Refused(f"文件“{name}”超过 {limit // (1024 * 1024)} MB 的大小限制")
    content_type, magic = TYPES[ext]
    upload.seek(0)
    head = upload.read(len(magic))
    upload.seek(0)
    if head != magic:
        raise Refused(f"文件“{name}”的内容与扩展名 .{ext} 不符")
    return ext, content_type


def attach(app: Application, kind: str, upload: UploadedFile, actor: User) -> Material:
    allowed, reason = can_upload(actor, app)
    if not allowed:
        record(actor, "materials.upload", app, allowed=False, reason=reason)
        raise Refused(reason, permission=True)
    if kind != OTHER and kind not in {r.key for r in required(app.clause)}:
        raise Refused("请选择材料类别")
    ext, content_type = _check(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    sha = digest.hexdigest()
    relative = f"materials/{app.pk}/{sha}.{ext}"
    target = Path(settings.MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():  # same content, same file
        with open(target, "wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
    with transaction.atomic():
        material = Material.objects.create(
            application=app, kind=kind, filename=(upload.name or "")[-200:],
            content_type=content_type, size=upload.size or 0, sha256=sha, stored=relative,
            uploaded_by=actor)
        record(actor, "materials.upload", app, allowed=True, material=material.pk,
               filename=material.filename, sha256=sha, size=material.size)
    return material


def path_for(material: Material) -> Path:
    return Path(settings.MEDIA_ROOT) / material.stored
