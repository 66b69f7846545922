"""URLs of the 申报审核 pages, mounted at /applications/ under the namespace `applications`."""

from django.urls import URLPattern, path

from policyhub.applications import views

app_name = "applications"

urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/transition/", views.transition, name="transition"),
    path("<int:pk>/committee-decision/", views.committee_decision, name="committee_decision"),
    path("<int:pk>/committee-decision/<int:decision_pk>/minutes", views.minutes,
         name="minutes"),
    path("<int:pk>/letter.pdf", views.letter_pdf, name="letter"),
    path("proposals/", views.proposals, name="proposals"),
    path("proposals/export.xlsx", views.proposals_xlsx, name="proposals_xlsx"),
    path("proposals/<int:pk>/confirm/", views.confirm_proposal, name="confirm_proposal"),
    path("notice/", views.notice, name="notice"),
    path("notice/<int:batch>.pdf", views.notice_pdf, name="notice_pdf"),
    path("notice/<int:batch>.xlsx", views.notice_xlsx, name="notice_xlsx"),
]
