"""Mounted under t/<slug:town>/schemes/: every view receives the town's slug as `town`."""

from django.urls import path

from . import views

app_name = "indicators"

urlpatterns = [
    path("", views.scheme_list, name="scheme_list"),
    path("new/", views.scheme_create, name="scheme_create"),
    path("import/template.xlsx", views.scheme_import_template, name="scheme_import_template"),
    path("<int:pk>/", views.scheme_detail, name="scheme_detail"),
    path("<int:pk>/settings/", views.scheme_edit, name="scheme_edit"),
    path("<int:pk>/status/", views.scheme_status, name="scheme_status"),
    path("<int:pk>/weights/", views.weights_edit, name="weights_edit"),
    path("<int:pk>/export.xlsx", views.scheme_export, name="scheme_export"),
    path("<int:pk>/import/", views.scheme_import, name="scheme_import"),
    path("<int:pk>/categories/new/", views.category_edit, name="category_create"),
    path("<int:pk>/categories/<int:category>/edit/", views.category_edit, name="category_edit"),
    path("<int:pk>/indicators/new/", views.indicator_edit, name="indicator_create"),
    path("<int:pk>/indicators/<int:indicator>/edit/", views.indicator_edit, name="indicator_edit"),
    path("<int:pk>/reasons/", views.reason_list, name="reason_list"),
    path("<int:pk>/reasons/new/", views.reason_edit, name="reason_create"),
    path("<int:pk>/reasons/<int:reason>/edit/", views.reason_edit, name="reason_edit"),
    path("<int:pk>/reasons/<int:reason>/delete/", views.reason_delete, name="reason_delete"),
]
