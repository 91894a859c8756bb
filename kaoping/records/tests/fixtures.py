"""A small town of records: two leaders in charge, a department and a village, their cadres."""

from datetime import date

import pytest

from kaoping.accounts.models import Role
from kaoping.people.models import Population
from kaoping.records import services
from kaoping.records.services import Answer
from kaoping.testing import make_cadre, make_user

MONTH = date(2026, 5, 1)
ALL_NOTHING = {
    h: Answer(nothing_notable=True) for h in ("post_duties", "key_tasks", "hard_problems", "moving_up")
}


def full_answers(text: str = "完成春季防火巡查12次") -> dict[str, Answer]:
    return {**ALL_NOTHING, "urgent_tasks": Answer(text=text)}


@pytest.fixture
def area(town, personas):
    """Leader 甲 leads the department (with two agency cadres), leader 乙 the village (one cadre)."""
    department = town.departments.first()
    village = town.villages.first()
    lead_a = make_cadre(town, "甲分管", 501, Population.LEADERSHIP, position="副镇长")
    lead_b = make_cadre(town, "乙分管", 502, Population.LEADERSHIP, position="组织委员")
    user_a = make_user("lead-a", town=town, role=None, cadre=lead_a)
    user_b = make_user("lead-b", town=town, role=None, cadre=lead_b)
    office = personas["party_building_office"]
    services.area_assign(actor=office, town=town, leader=lead_a, unit=department, starts_on=date(2026, 1, 1))
    services.area_assign(actor=office, town=town, leader=lead_b, unit=village, starts_on=date(2026, 1, 1))
    agency = [make_cadre(town, "张一", 601), make_cadre(town, "李二", 602)]
    villager = make_cadre(town, "赵村", 603, Population.VILLAGE)
    return {
        "lead_a": lead_a,
        "lead_b": lead_b,
        "user_a": user_a,
        "user_b": user_b,
        "agency": agency,
        "villager": villager,
        "office": office,
        "department": department,
        "village": village,
        "cadre_persona": personas["cadre"].cadre,  # 王小明, in the department too
    }


__all__ = ["MONTH", "Role", "area", "full_answers"]
