from django.urls import path

from . import views

app_name = "yearbook"

urlpatterns = [
    path("", views.report, name="report"),
    path("<int:year>/", views.report, name="year"),
    path("<int:year>/report.docx", views.report_docx, name="docx"),
    path("<int:year>/report.pdf", views.report_pdf, name="pdf"),
]
