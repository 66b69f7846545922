"""The home page: what this site is, and where the API is documented."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from policyhub import __version__


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "policyhub/home.html", {"version": __version__})
