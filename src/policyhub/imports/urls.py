"""URLs of the 导入任务 pages, mounted at /imports/ under the namespace `imports`."""

from django.urls import URLPattern, path

from policyhub.imports import views

app_name = "imports"

urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.job_page, name="job"),
]
