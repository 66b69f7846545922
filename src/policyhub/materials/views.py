"""申报材料 pages: upload on an application (POST), download (permission-checked, audited)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from policyhub.applications.errors import Refused
from policyhub.applications.models import Application
from policyhub.applications.permissions import can_view
from policyhub.audit.services import record
from policyhub.materials import services
from policyhub.materials.models import Material
from policyhub.web.refusals import hidden, refused


def _visible(request: HttpRequest, pk: int) -> Application:
    """The application; one the user may not view is a 404 like an unknown id."""
    app = get_object_or_404(Application, pk=pk)
    allowed, reason = can_view(request.user, app)
    if not allowed:
        hidden(request.user, reason, action="materials.view", obj=app)
    return app


@login_required
@require_POST
def upload(request: HttpRequest, pk: int) -> HttpResponse:
    app = _visible(request, pk)
    file = request.FILES.get("file")
    if file is None:
        messages.error(request, "请选择要上传的文件")
        return redirect("applications:detail", pk=pk)
    user = request.user
    assert isinstance(user, User)  # login_required
    try:
        material = services.attach(app, request.POST.get("kind", ""), file, user)
    except Refused as exc:
        if exc.permission:
            return refused(request, exc.reason)
        messages.error(request, exc.reason)
    else:
        messages.success(request, f"已上传“{material.filename}”")
    return redirect("applications:detail", pk=pk)


@login_required
def download(request: HttpRequest, pk: int, material_pk: int) -> HttpResponseBase:
    _visible(request, pk)
    material = get_object_or_404(Material, pk=material_pk, application_id=pk)
    allowed, reason = services.can_read(request.user, material.application)
    if not allowed:
        return refused(request, reason, action="materials.download", obj=material.application,
                       material=material.pk)
    record(request.user, "materials.download", material.application, allowed=True,
           material=material.pk, sha256=material.sha256)
    return FileResponse(open(services.path_for(material), "rb"), as_attachment=True,
                        filename=material.filename, content_type=material.content_type)
