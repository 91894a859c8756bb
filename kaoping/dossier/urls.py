from django.urls import path

from . import views

app_name = "dossier"

urlpatterns = [
    path("", views.dossier, name="page"),
    path("dossier.docx", views.dossier_docx, name="docx"),
    path("dossier.pdf", views.dossier_pdf, name="pdf"),
]
