from django.urls import path

from . import collective_views, views

app_name = "annual"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("mine/", views.mine, name="mine"),
    path("<int:year>/publish/", views.publish, name="publish"),
    path("<int:year>/confirm/", views.confirm, name="confirm"),
    path("<int:year>/settings/", views.settings_edit, name="settings"),
    path("<int:year>/settings/approve/", views.share_approve, name="share_approve"),
    path("<int:year>/cases/", views.cases, name="cases"),
    path("<int:year>/cases/<int:pk>/remove/", views.case_remove, name="case_remove"),
    path("<int:year>/honours/", views.honours, name="honours"),
    path("<int:year>/collectives/", collective_views.page, name="collectives"),
    path("<int:year>/collectives/<int:pk>/remove/", collective_views.remove, name="collective_remove"),
    path("<int:year>/collectives/import/", collective_views.upload, name="collectives_import"),
    path("<int:year>/collectives/template.xlsx", collective_views.template, name="collectives_template"),
    path("<int:year>/collectives/scores.xlsx", collective_views.export, name="collectives_export"),
    path("<int:year>/pool/<str:pool>/", views.pool, name="pool"),
    path("<int:year>/pool/<str:pool>/compute/", views.pool_compute, name="pool_compute"),
    path("<int:year>/pool/<str:pool>/grades.xlsx", views.pool_export, name="pool_export"),
    path("<int:year>/cadre/<int:pk>/", views.cadre_year, name="cadre"),
]
