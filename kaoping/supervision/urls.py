from django.urls import path

from . import views

app_name = "supervision"  # the bulletin pages join it from kaoping.reports (kaoping/urls.py)

urlpatterns = [
    path("", views.home, name="home"),
    path("board/", views.board, name="board"),
    path("mine/", views.my_items, name="my_items"),
    path("items/new/", views.item_create, name="item_create"),
    path("people/", views.cadre_search, name="cadre_search"),
    path("items/import/", views.item_import, name="item_import"),
    path("items/import/template.xlsx", views.item_import_template, name="item_import_template"),
    path("items/<int:pk>/", views.item_detail, name="item_detail"),
    path("items/<int:pk>/move/", views.item_move, name="item_move"),
    path("items/<int:pk>/note/", views.item_note, name="item_note"),
    path("items/<int:pk>/extend/", views.item_extend, name="item_extend"),
    path("rules/", views.rules, name="rules"),
]
