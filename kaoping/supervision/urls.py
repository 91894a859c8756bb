from django.urls import path

from . import bulletin_views, views

app_name = "supervision"

urlpatterns = [
    path("", views.home, name="home"),
    path("board/", views.board, name="board"),
    path("mine/", views.my_items, name="my_items"),
    path("items/new/", views.item_create, name="item_create"),
    path("items/import/", views.item_import, name="item_import"),
    path("items/import/template.xlsx", views.item_import_template, name="item_import_template"),
    path("items/<int:pk>/", views.item_detail, name="item_detail"),
    path("items/<int:pk>/move/", views.item_move, name="item_move"),
    path("items/<int:pk>/note/", views.item_note, name="item_note"),
    path("items/<int:pk>/extend/", views.item_extend, name="item_extend"),
    path("rules/", views.rules, name="rules"),
    path("bulletins/", bulletin_views.archive, name="bulletin_archive"),
    path("bulletins/new/", bulletin_views.bulletin_edit, name="bulletin_create"),
    path("bulletins/<int:pk>/", bulletin_views.bulletin_detail, name="bulletin_detail"),
    path("bulletins/<int:pk>/edit/", bulletin_views.bulletin_edit, name="bulletin_edit"),
    path("bulletins/<int:pk>/move/", bulletin_views.bulletin_move, name="bulletin_move"),
    path("bulletins/<int:pk>/publish/", bulletin_views.bulletin_publish, name="bulletin_publish"),
    path("bulletins/<int:pk>/document.docx", bulletin_views.bulletin_docx, name="bulletin_docx"),
    path("bulletins/<int:pk>/document.pdf", bulletin_views.bulletin_pdf, name="bulletin_pdf"),
]
