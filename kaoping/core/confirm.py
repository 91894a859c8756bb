"""Confirming a step that cannot be undone: the page includes `core/_confirm.html` in the step's
form (what follows from it and a required checkbox); the view reads the answer with `confirmed` and
hands it to the service, which refuses the step without it."""

from django.http import HttpRequest


def confirmed(request: HttpRequest) -> bool:
    """True when the posted form carries the ticked confirmation checkbox of `core/_confirm.html`."""
    return request.POST.get("confirmed") == "1"
