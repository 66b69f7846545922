"""Centre test helpers: staff of a given unit, a logged-in client, hand-made records."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from policyhub.accounts.models import Role
from policyhub.centres.adaptation.models import Adaptation
from tests.personas import user
from tests.registry.helpers import xlsx_bytes as xlsx_bytes

DAY = dt.date(2020, 6, 1)


def staff(unit_code: str, role: Role = Role.DEPARTMENT_REVIEWER) -> User:
    return user(f"{role.value}-{unit_code}", role, unit_code=unit_code)


def client_for(u: User) -> Client:
    client = Client()
    client.force_login(u)
    return client


def moment(text: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(text))


def adaptation(product: str = "星盾终端安全管理系统", *, vendor: str = "长沙星盾网络安全有限公司",
               version: str = "3.2", category: str = "security", cpu: str = "FT-2000/4",
               os: str = "kylin-v10-desktop", result: str = "passed",
               tested_on: dt.date = DAY) -> Adaptation:
    return Adaptation.objects.create(
        product=product, vendor=vendor, version=version, category=category, cpu=cpu, os=os,
        result=result, certificate=f"PK-2020-{Adaptation.objects.count() + 1:04d}"
        if result == "passed" else "", tested_on=tested_on)


def csv_bytes(rows: Sequence[Sequence[Any]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8-sig")
