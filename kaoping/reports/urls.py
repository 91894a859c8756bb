"""The report pages keep the addresses and URL names they had: kaoping/urls.py puts `months` into the
`scoring` namespace and `bulletins` into the `supervision` one, beside those apps' own pages."""

from django.urls import path

from . import bulletin_views, views

months = [
    path("", views.period_list, name="period_list"),
    path("open/", views.period_open_view, name="period_open"),
    path("<str:month>/", views.period_detail, name="period_detail"),
    path("<str:month>/move/", views.period_move_view, name="period_move"),
    path("<str:month>/confirm/<str:to>/", views.period_confirm, name="period_confirm"),
    path("<str:month>/ranking/", views.ranking, name="ranking"),
    path("<str:month>/ranking.xlsx", views.ranking_export, name="ranking_export"),
    path("<str:month>/cadres/<int:cadre>/", views.breakdown, name="breakdown"),
    path("<str:month>/cadres/<int:cadre>/correct/", views.score_correct_view, name="score_correct"),
]

bulletins = [
    path("bulletins/", bulletin_views.archive, name="bulletin_archive"),
    path("bulletins/new/", bulletin_views.bulletin_edit, name="bulletin_create"),
    path("bulletins/<int:pk>/", bulletin_views.bulletin_detail, name="bulletin_detail"),
    path("bulletins/<int:pk>/edit/", bulletin_views.bulletin_edit, name="bulletin_edit"),
    path("bulletins/<int:pk>/move/", bulletin_views.bulletin_move, name="bulletin_move"),
    path("bulletins/<int:pk>/publish/", bulletin_views.bulletin_publish, name="bulletin_publish"),
    path("bulletins/<int:pk>/document.docx", bulletin_views.bulletin_docx, name="bulletin_docx"),
    path("bulletins/<int:pk>/document.pdf", bulletin_views.bulletin_pdf, name="bulletin_pdf"),
]
