"""A plan's coefficients by grade level: one accessor on the model, used by the form and the services,
so that no other module spells the fields' names."""

import re
from decimal import Decimal
from pathlib import Path

import pytest

from kaoping.pay.forms import PlanForm
from kaoping.pay.models import DEFAULT_COEFFICIENTS, PayPlan, PlanKind, coefficient_values, coefficients_of

BONUS = PlanKind.NON_ESTABLISHED_BONUS
FIELD_NAME = re.compile(r"coefficient(\d|\{)")


def test_a_plans_coefficients_read_and_write_by_grade_level_best_first():
    plan = PayPlan(kind=BONUS)
    assert plan.coefficients == DEFAULT_COEFFICIENTS
    plan.coefficients = (Decimal("2"), Decimal("1.5"), Decimal("1"), Decimal("0.5"))
    assert plan.coefficients == (Decimal("2"), Decimal("1.5"), Decimal("1"), Decimal("0.5"))
    assert coefficients_of(coefficient_values(plan.coefficients)) == plan.coefficients


def test_a_plan_refuses_a_wrong_number_of_coefficients_and_keeps_its_own():
    plan = PayPlan(kind=BONUS)
    with pytest.raises(ValueError, match="4 coefficients, not 3"):
        plan.coefficients = (Decimal(1), Decimal(1), Decimal(1))
    assert plan.coefficients == DEFAULT_COEFFICIENTS


def test_the_form_has_a_coefficient_per_grade_after_the_method_and_round_trips_a_plan():
    plan = PayPlan(kind=BONUS, pool=Decimal("100"))
    plan.coefficients = (Decimal("1.3"), Decimal("1"), Decimal("0.5"), Decimal("0"))
    initial = PlanForm.initial_for(plan)
    form = PlanForm({k: str(v) for k, v in initial.items()}, kind=BONUS)
    assert form.is_valid(), form.errors
    names = list(form.fields)
    assert names[:2] == ["pool", "method"] and names[-2:] == ["floor", "by_year_share"]
    assert names[2:-2] == list(coefficient_values(plan.coefficients))
    assert "优秀" in str(form[names[2]].label)
    assert coefficients_of(form.values()) == plan.coefficients


def test_only_the_pay_model_names_the_coefficient_fields():
    root = Path(__file__).resolve().parents[2]  # the kaoping package
    allowed = {root / "pay" / "models.py"}
    spelled = [
        str(path.relative_to(root))
        for path in [*root.rglob("*.py"), *root.rglob("*.html")]
        if path not in allowed
        and "tests" not in path.parts
        and "migrations" not in path.parts
        and FIELD_NAME.search(path.read_text(encoding="utf-8"))
    ]
    assert spelled == []
