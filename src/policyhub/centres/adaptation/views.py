"""The public catalogue pages (no login); the record pages are centres.common's."""

from __future__ import annotations

from django.core.paginator import Page
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from policyhub.centres.adaptation.catalogue import CatalogueFilter, to_xlsx
from policyhub.centres.adaptation.models import Adaptation
from policyhub.centres.common import xlsx_response
from policyhub.web.tables import paginate


def catalogue(request: HttpRequest) -> HttpResponse:
    form = CatalogueFilter(request.GET)
    page: Page[Adaptation] = paginate(request, form.results())
    return render(request, "adaptation/catalogue.html", {"form": form, "page": page})


def catalogue_export(request: HttpRequest) -> HttpResponse:
    return xlsx_response(to_xlsx(CatalogueFilter(request.GET).results()), "pk-catalogue.xlsx")
