"""The bounded fields and query-string readers of `kaoping.core`, and every form of the project using them."""

import importlib
import inspect
import pkgutil
from datetime import date

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator

import kaoping
from kaoping.core import forms as core_forms
from kaoping.core.params import id_param, int_param, text_param
from kaoping.people.models import Department


def every_form_class():
    for app in pkgutil.iter_modules(kaoping.__path__):
        try:
            module = importlib.import_module(f"kaoping.{app.name}.forms")
        except ModuleNotFoundError:
            continue
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                yield cls


FORMS = sorted(every_form_class(), key=lambda c: f"{c.__module__}.{c.__name__}")


def test_the_project_has_forms_to_check():
    assert len(FORMS) > 20


@pytest.mark.parametrize("form_class", FORMS, ids=lambda c: f"{c.__module__}.{c.__name__}")
def test_every_multiple_model_choice_of_every_form_refuses_ids_beyond_the_database(form_class):
    """Django sends the ids of a multiple choice to the database in one IN (...), which overflows; a
    single choice's lookup is safe (Django answers "no such row" for an id beyond the column)."""
    for name, field in form_class.base_fields.items():
        if isinstance(field, forms.ModelMultipleChoiceField):
            assert isinstance(field, core_forms.ModelMultipleChoiceField), name


def _model_bounds(form_class, name) -> set[type]:
    """The kinds of range validators on the model field behind a ModelForm's field."""
    meta = getattr(form_class, "_meta", None)
    if meta is None or meta.model is None or name not in (meta.fields or ()):
        return set()
    return {type(v) for v in meta.model._meta.get_field(name)._validators}


@pytest.mark.parametrize("form_class", FORMS, ids=lambda c: f"{c.__module__}.{c.__name__}")
def test_every_integer_of_every_form_has_a_range(form_class):
    """A ModelForm's integer may leave its range to the model field's validators (run on saving)."""
    for name, field in form_class.base_fields.items():
        if isinstance(field, forms.IntegerField) and not isinstance(
            field, forms.DecimalField | forms.FloatField
        ):
            bounded = field.max_value is not None and field.min_value is not None
            assert bounded or {MinValueValidator, MaxValueValidator} <= _model_bounds(form_class, name), name


@pytest.mark.parametrize("form_class", FORMS, ids=lambda c: f"{c.__module__}.{c.__name__}")
def test_every_date_of_every_form_stays_within_the_working_years(form_class):
    for name, field in form_class.base_fields.items():
        if isinstance(field, forms.DateTimeField):
            assert isinstance(field, core_forms.DateTimeField), name
        elif isinstance(field, forms.DateField):
            assert isinstance(field, core_forms.DateField), name


@pytest.mark.parametrize("value", ["0001-01-01", "1999-12-31", "2101-01-01", "9999-12-31"])
def test_a_date_outside_the_working_years_is_refused(value):
    with pytest.raises(ValidationError):
        core_forms.DateField().clean(value)
    with pytest.raises(ValidationError):
        core_forms.DateTimeField().clean(f"{value}T10:00")


def test_a_date_within_the_working_years_is_read():
    assert core_forms.DateField().clean("2026-05-10") == date(2026, 5, 10)
    assert core_forms.DateTimeField().clean("2026-05-10T10:00").date() == date(2026, 5, 10)


@pytest.mark.parametrize("value", [str(2**64), "99999999999999999999"])
def test_an_id_beyond_the_key_column_among_several_is_an_unknown_choice(db, value):
    field = core_forms.ModelMultipleChoiceField(queryset=Department.objects.all())
    with pytest.raises(ValidationError) as refused:
        field.clean(["1", value])
    assert refused.value.code == "invalid_choice"


def test_a_known_id_is_still_chosen(town):
    department = town.departments.first()
    field = core_forms.ModelMultipleChoiceField(queryset=Department.objects.all())
    assert list(field.clean([str(department.pk)])) == [department]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12", 12),
        (" 12 ", 12),
        ("１２", 12),
        ("0", None),
        ("-5", None),
        ("²", None),
        ("1e3", None),
        ("NaN", None),
        ("", None),
        (None, None),
        (str(2**63 - 1), 2**63 - 1),
        (str(2**63), None),
        ("9" * 5000, None),
    ],
)
def test_an_id_from_the_query_string_is_a_key_or_nothing(text, expected):
    assert id_param(text) == expected


def test_an_integer_out_of_its_range_gives_the_default():
    assert int_param("2101", low=2000, high=2100, default=2026) == 2026
    assert int_param("2100", low=2000, high=2100, default=2026) == 2100


def test_search_text_loses_control_characters_and_is_cut():
    assert text_param("a\x00b\x1fc") == "abc"
    assert text_param("a\nb") == "ab"
    assert len(text_param("x" * 5000)) == 200


def test_a_longer_text_keeps_its_lines_but_no_other_control_character():
    assert text_param("a\r\nb\x00\tc", multiline=True) == "a\nb\tc"
