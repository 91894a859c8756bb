# Placeholder module during development: the cadre import views are being written.
from django.http import HttpResponse


def cadre_import(request, town):
    return HttpResponse(status=501)


def cadre_import_template(request, town):
    return HttpResponse(status=501)


def cadre_export(request, town):
    return HttpResponse(status=501)
