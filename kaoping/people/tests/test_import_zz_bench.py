import time
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from kaoping.people.tests.test_import import _agency, _xlsx
from kaoping.people import importing
from kaoping.core import spreadsheets

@pytest.mark.django_db
def test_bench(town, personas):
    content = _xlsx([_agency(i) for i in range(1000)] * 5)
    t = time.perf_counter()
    # all-duplicate file: mostly problems
    r = importing.cadre_import(actor=personas["town_admin"], town=town, file=content)
    print("5000 rows checked (4000 bad)", time.perf_counter() - t, len(r.problems), len(content))
    from kaoping import testing
    ids = []
    import openpyxl, io
    wb = openpyxl.Workbook(); ws = wb.active
    ws.append(["Name", "ID number", "Population", "Agency-cadre category", "Position", "Department"])
    from kaoping.people.idnumbers import check_char
    for i in range(5000):
        f17 = f"37018319800101{i:03d}"[:14] + f"{i:04d}"[:3]
        f17 = f"3701831980{(i // 1000) + 1:02d}01{i % 1000:03d}"
        ws.append([f"人{i}", f17 + check_char(f17), "Agency cadre", "Established staff", "科员", "党政办公室"])
    b = io.BytesIO(); wb.save(b)
    t = time.perf_counter()
    with CaptureQueriesContext(connection) as c:
        r = importing.cadre_import(actor=personas["town_admin"], town=town, file=b.getvalue())
    print("5000 rows imported", time.perf_counter() - t, len(r.created), len(r.problems), r.problems[:2], "queries", len(c))
    t = time.perf_counter()
    out = importing.cadre_export(actor=None, town=town, cadres=town.cadres.with_workplace(), personal=True)
    print("export", time.perf_counter() - t, len(out))
    t = time.perf_counter()
    tpl = importing.cadre_template(town)
    print("template", time.perf_counter() - t, len(tpl))
