from django.urls import path

from . import meeting_views

app_name = "meetings"
urlpatterns = [
    path("<str:month>/", meeting_views.month_page, name="month"),
    path("<str:month>/docx/", meeting_views.month_docx, name="month_docx"),
    path("<str:month>/pdf/", meeting_views.month_pdf, name="month_pdf"),
    path("<str:month>/archive/", meeting_views.archive, name="archive"),
    path("decide/<int:pk>/", meeting_views.decide, name="decide"),
]
