import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from kaoping.accounts.models import User
from kaoping.audit.models import AuditEntry
from kaoping.testing import PASSWORD


@pytest.mark.parametrize("password", ["short1!", "onlyletters", "letters123", "letters!!!", "12345678!"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_password_mixing_letters_digits_and_symbols_is_accepted():
    validate_password("Town#2026x")


@pytest.mark.django_db
def test_a_user_with_an_administrator_set_password_must_change_it_first(client, personas, town):
    user = personas["scorer"]
    user.must_change_password = True
    user.save()
    client.force_login(user)
    home = reverse("town_home", kwargs={"town": town.slug})
    response = client.get(home)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_change")
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Fresh#pass22",
            "new_password2": "Fresh#pass22",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.must_change_password
    assert user.check_password("Fresh#pass22")
    assert client.get(home).status_code == 200
    assert AuditEntry.objects.filter(action="user.change_password", object_id=str(user.pk)).exists()


@pytest.mark.django_db
def test_a_weak_new_password_is_refused_and_nothing_changes(client, personas):
    user = personas["scorer"]
    client.force_login(user)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "weakweak",
            "new_password2": "weakweak",
        },
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


@pytest.mark.django_db
def test_a_wrong_current_password_is_refused(client, personas):
    user = personas["scorer"]
    client.force_login(user)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "Not#mine11",
            "new_password1": "Fresh#pass22",
            "new_password2": "Fresh#pass22",
        },
    )
    assert response.status_code == 200
    assert User.objects.get(pk=user.pk).check_password(PASSWORD)
