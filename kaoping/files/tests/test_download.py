import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kaoping.files import services

from . import samples


@pytest.fixture
def attachment(town, personas):
    [a] = services.attachments_store(
        actor=personas["town_admin"], town=town, uploads=[SimpleUploadedFile("a.pdf", samples.PDF)]
    )
    return a


@pytest.mark.django_db
def test_the_uploader_downloads_an_unattached_file_with_safe_headers(client_for, personas, town, attachment):
    response = client_for(personas["town_admin"]).get(
        reverse("files:download", args=[town.slug, attachment.pk])
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == samples.PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline; filename*=UTF-8''a.pdf")


@pytest.mark.django_db
def test_nobody_else_gets_an_unattached_file(client_for, personas, town, attachment):
    for who in ("main_leader", "cadre", "party_building_office"):
        response = client_for(personas[who]).get(reverse("files:download", args=[town.slug, attachment.pk]))
        assert response.status_code == 404, who


@pytest.mark.django_db
def test_another_towns_user_gets_404(client_for, personas, town, attachment):
    response = client_for(personas["other_town_admin"]).get(
        reverse("files:download", args=[town.slug, attachment.pk])
    )
    assert response.status_code == 404
