from django.urls import path

from . import import_views, views

app_name = "people"

urlpatterns = [
    path("towns/", views.town_list, name="town_list"),
    path("towns/new/", views.town_edit, name="town_create"),
    path("towns/<int:pk>/edit/", views.town_edit, name="town_edit"),
    path("t/<slug:town>/cadres/", views.cadre_list, name="cadre_list"),
    path("t/<slug:town>/cadres/new/", views.cadre_edit, name="cadre_create"),
    path("t/<slug:town>/cadres/import/", import_views.cadre_import, name="cadre_import"),
    path(
        "t/<slug:town>/cadres/import/template.xlsx",
        import_views.cadre_import_template,
        name="cadre_import_template",
    ),
    path("t/<slug:town>/cadres/export.xlsx", import_views.cadre_export, name="cadre_export"),
    path("t/<slug:town>/cadres/<int:pk>/", views.cadre_detail, name="cadre_detail"),
    path("t/<slug:town>/cadres/<int:pk>/edit/", views.cadre_edit, name="cadre_edit"),
    path("t/<slug:town>/cadres/<int:pk>/active/", views.cadre_set_active, name="cadre_set_active"),
    path("t/<slug:town>/departments/", views.unit_list, {"kind": "department"}, name="department_list"),
    path("t/<slug:town>/departments/new/", views.unit_edit, {"kind": "department"}, name="department_create"),
    path(
        "t/<slug:town>/departments/<int:pk>/",
        views.unit_detail,
        {"kind": "department"},
        name="department_detail",
    ),
    path(
        "t/<slug:town>/departments/<int:pk>/edit/",
        views.unit_edit,
        {"kind": "department"},
        name="department_edit",
    ),
    path(
        "t/<slug:town>/departments/<int:pk>/active/",
        views.unit_set_active,
        {"kind": "department"},
        name="department_set_active",
    ),
    path("t/<slug:town>/villages/", views.unit_list, {"kind": "village"}, name="village_list"),
    path("t/<slug:town>/villages/new/", views.unit_edit, {"kind": "village"}, name="village_create"),
    path("t/<slug:town>/villages/<int:pk>/", views.unit_detail, {"kind": "village"}, name="village_detail"),
    path("t/<slug:town>/villages/<int:pk>/edit/", views.unit_edit, {"kind": "village"}, name="village_edit"),
    path(
        "t/<slug:town>/villages/<int:pk>/active/",
        views.unit_set_active,
        {"kind": "village"},
        name="village_set_active",
    ),
]
