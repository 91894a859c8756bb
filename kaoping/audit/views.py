# Placeholder during development: the audit log views are being written.
from django.http import HttpResponse


def entry_list(request):
    return HttpResponse(status=501)
