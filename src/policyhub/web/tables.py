"""Pagination for list pages (templates: web/includes/table.html and pagination.html)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

T = TypeVar("T")
PER_PAGE = 20


def paginate(
    request: HttpRequest, items: Sequence[T] | QuerySet[Any], per_page: int = PER_PAGE
) -> Page[T]:
    """The page named by ?page= (the last page when it is too big, the first when garbled)."""
    paginator: Paginator[T] = Paginator(items, per_page)
    return paginator.get_page(request.GET.get("page"))
