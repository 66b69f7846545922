"""/applications/<pk>/materials/: 申报材料 (namespace materials)."""

from django.urls import URLPattern, path

from policyhub.materials import views

app_name = "materials"

urlpatterns: list[URLPattern] = [
    path("<int:pk>/materials/", views.upload, name="upload"),
    path("<int:pk>/materials/<int:material_pk>/", views.download, name="download"),
]
