"""The home page: what this site is; signed in, the user's roles and the pages they use."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from policyhub import __version__
from policyhub.accounts.models import Role
from policyhub.accounts.roles import assignments
from policyhub.web.nav import links_for


def home(request: HttpRequest) -> HttpResponse:
    held = assignments(request.user)
    links = links_for([Role(a.role) for a in held], request.user)
    return render(
        request,
        "policyhub/home.html",
        {
            "version": __version__,
            "assignments": held,
            "links": [(link.label, link.url()) for link in links],
        },
    )
