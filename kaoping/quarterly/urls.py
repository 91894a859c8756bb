from django.urls import path

from . import views

app_name = "quarterly"
urlpatterns = [
    path("", views.meeting_list, name="meeting_list"),
    path("rules/", views.rule_list, name="rule_list"),
    path("new/", views.meeting_edit, name="meeting_create"),
    path("rectifications/", views.rectification_list, name="rectification_list"),
    path("rectifications/<int:pk>/", views.rectification_detail, name="rectification_detail"),
    path("<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("<int:pk>/visits/", views.visit_add, name="visit_add"),
    path("<int:pk>/visits/<int:visit>/", views.visit_edit, name="visit_edit"),
    path("<int:pk>/reports/", views.report_add, name="report_add"),
    path("<int:pk>/reports/<int:report>/", views.report_edit, name="report_edit"),
    path("<int:pk>/close/", views.meeting_close, name="meeting_close"),
    path("<int:pk>/list/compute/", views.list_compute, name="list_compute"),
    path("<int:pk>/list/final/", views.list_finalise, name="list_finalise"),
    path("<int:pk>/list/add/", views.entry_add, name="entry_add"),
    path("<int:pk>/list/<int:listed>/", views.entry_detail, name="entry_detail"),
    path("<int:pk>/list/<int:listed>/exempt/", views.entry_exempt, name="entry_exempt"),
    path("<int:pk>/record.docx", views.meeting_docx, name="meeting_docx"),
    path("<int:pk>/record.pdf", views.meeting_pdf, name="meeting_pdf"),
]
