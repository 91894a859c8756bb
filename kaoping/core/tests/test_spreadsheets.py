import io
import zipfile
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest
from django.utils import translation
from django.utils.functional import lazy

from kaoping.core import spreadsheets
from kaoping.core.spreadsheets import (
    Boolean,
    CellError,
    Choice,
    Column,
    Date,
    Number,
    Sheet,
    SpreadsheetError,
    Text,
)


def _by_language(**spellings: str):
    """A translatable label whose text depends on the active language, without a message catalogue."""
    return lazy(lambda: spellings[translation.get_language()], str)()


SHEET = Sheet(
    title="Staff",
    columns=(
        Column(
            "name",
            _by_language(en="Name", **{"zh-hans": "姓名"}),
            Text(max_length=10),
            required=True,
            example="张伟",
            help="Full name",
        ),
        Column("code", "Code", Text(pattern=r"[A-Z]\d", pattern_message="Like A1."), aliases=("编号",)),
        Column(
            "colour",
            "Colour",
            Choice([("red", "Red"), ("blue", "Blue")], aliases={"red": ("红",)}),
            required=True,
            example="red",
        ),
        Column("lead", "Lead", Boolean(), example=True),
        Column("score", "Score", Number(places=1, minimum=Decimal(0), maximum=Decimal(100))),
        Column("since", "Since", Date()),
        Column("status", "Status", Text(), importable=False),
    ),
)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _workbook(*lines, title="Staff") -> bytes:
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.title = title
    for line in lines:
        worksheet.append(list(line))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _errors(table):
    return [(p.row, p.key) for p in table.sorted_problems()]


def test_a_template_has_a_styled_frozen_header_drop_downs_and_an_instructions_sheet():
    workbook = openpyxl.load_workbook(io.BytesIO(spreadsheets.write_template(SHEET)))
    data, instructions, lists = workbook.worksheets
    assert [c.value for c in data[1]] == ["Name", "Code", "Colour", "Lead", "Score", "Since"]
    assert data.freeze_panes == "A2"
    assert data["A1"].font.bold and data["A1"].comment.text == "Full name"
    assert data["A1"].fill.fgColor.rgb != data["B1"].fill.fgColor.rgb  # required columns stand out
    assert data.column_dimensions["B"].number_format == "@"
    ranges = {str(v.sqref): v.formula1 for v in data.data_validations.dataValidation}
    assert ranges == {"C2:C5001": "'Lists'!$C$2:$C$3", "D2:D5001": "'Lists'!$D$2:$D$3"}
    assert [lists["C2"].value, lists["C3"].value] == ["Red", "Blue"]
    assert lists.sheet_state == "hidden"
    text = [[c.value for c in line] for line in instructions.iter_rows()]
    assert ["Name", "Yes", "Text, at most 10 characters", "张伟", "Full name"] in text
    assert ["Colour", "Yes", "Red / Blue", "Red", None] in text


def test_a_template_counts_chinese_characters_as_two_in_column_widths():
    sheet = Sheet(title="T", columns=(Column("a", "机关干部类别"), Column("b", "Category")))
    data = openpyxl.load_workbook(io.BytesIO(spreadsheets.write_template(sheet))).active
    assert data.column_dimensions["A"].width > data.column_dimensions["B"].width
    assert spreadsheets.display_width("机关干部类别") == 12


def test_a_template_reads_back_as_a_header_without_rows():
    with pytest.raises(SpreadsheetError, match="no data"):
        spreadsheets.read(SHEET, spreadsheets.write_template(SHEET))


def test_an_export_reads_back_to_the_same_values():
    rows = [
        {
            "name": "张伟",
            "code": "A1",
            "colour": "red",
            "lead": True,
            "score": Decimal("92.5"),
            "since": date(2024, 3, 1),
            "status": "x",
        },
        {"name": "李娜", "code": "", "colour": "blue", "lead": False, "score": None, "since": None},
    ]
    table = spreadsheets.read(SHEET, spreadsheets.write_rows(SHEET, rows))
    assert table.problems == []
    assert [r.values for r in table.rows] == [{k: v for k, v in row.items() if k != "status"} for row in rows]
    assert [r.number for r in table.rows] == [2, 3]


def test_an_export_writes_text_that_looks_like_a_formula_as_text():
    content = spreadsheets.write_rows(SHEET, [{"name": "=1+1", "colour": "red"}])
    cell = openpyxl.load_workbook(io.BytesIO(content)).active["A2"]
    assert cell.data_type == "s" and cell.value == "=1+1"


def test_headers_are_recognised_in_every_language_by_alias_and_loosely():
    chinese = _workbook(["姓名", "编号", " colour* "], ["张伟", "B2", "红"])
    english = _workbook(["NAME", "Code", "Colour"], ["张伟", "B2", "Red"])
    for content in (chinese, english):
        (row,) = spreadsheets.read(SHEET, content).rows
        assert row.values == {
            "name": "张伟",
            "code": "B2",
            "colour": "red",
            "lead": False,
            "score": None,
            "since": None,
        }


def test_row_numbers_are_the_ones_excel_shows_above_a_title_and_across_blank_rows():
    content = _workbook(
        ["夏村镇职工名单"], [], ["Name", "Colour"], ["张伟", "Red"], [None, "  "], ["李娜", "Green"]
    )
    table = spreadsheets.read(SHEET, content)
    assert table.header_row == 3
    assert [r.number for r in table.rows] == [4, 6]
    (problem,) = table.problems
    assert (problem.row, problem.column, problem.cell, problem.value) == (6, "Colour", "B6", "Green")
    assert "Red / Blue" in problem.message


def test_every_bad_cell_is_reported_with_its_row_and_column():
    content = _workbook(
        ["Name", "Code", "Colour", "Lead", "Score", "Since"],
        ["", "B2", "Red", "yes", 50, "2024-01-31"],
        ["一个很长很长很长很长的名字", "22", "Red", "maybe", 100.05, "yesterday"],
        ["王五", None, "Blue", "否", -1, datetime(2024, 2, 1)],
    )
    table = spreadsheets.read(SHEET, content)
    assert _errors(table) == [
        (2, "name"),
        (3, "name"),
        (3, "code"),
        (3, "lead"),
        (3, "score"),
        (3, "since"),
        (4, "score"),
    ]
    assert table.rows[2].values["since"] == date(2024, 2, 1)
    assert table.rows[0].values["since"] == date(2024, 1, 31)
    messages = {p.key: p.message for p in table.problems if p.row == 3}
    assert messages["code"] == "Like A1."
    assert "10" in messages["name"] and "1 decimal" in messages["score"]


def test_unknown_columns_and_absent_optional_columns_are_fine():
    table = spreadsheets.read(SHEET, _workbook(["Remarks", "Colour", "Name"], ["x", "Blue", "张伟"]))
    assert table.rows[0].values["code"] == "" and table.rows[0].values["lead"] is False
    assert table.letters == {"colour": "B", "name": "C"}


def test_a_long_number_excel_rounded_is_refused_with_advice():
    table = spreadsheets.read(SHEET, _workbook(["Name", "Colour"], [370183198001010011, "Red"]))
    assert "15 digits" in table.problems[0].message


def test_phone_numbers_typed_as_numbers_read_as_text():
    assert Text().parse(13800000000) == "13800000000"
    assert Text().parse(13800000000.0) == "13800000000"


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("是", True),
        ("否", False),
        ("Y", True),
        ("n", False),
        ("Yes", True),
        (1, True),
        (0, False),
        (True, True),
    ],
)
def test_booleans_accept_the_usual_spellings(cell, value):
    assert Boolean().parse(cell) is value


def test_numbers_and_dates_refuse_nonsense():
    for cell in ("abc", True, "NaN"):
        with pytest.raises(CellError):
            Number().parse(cell)
    assert Number().parse("1,234.5") == Decimal("1234.5")
    assert Date().parse("2025年3月31日") == date(2025, 3, 31)
    assert Date().parse(45747) == date(2025, 3, 31)


def _corrupt_xlsx() -> bytes:
    content = bytearray(_workbook(["Name"], ["张伟"]))
    content[200:400] = b"\0" * 200
    return bytes(content)


def _zip_without_workbook() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        ("姓名,性别\n张伟,男\n".encode(), ".xlsx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, ".xls"),
        (_zip_without_workbook(), ".xlsx"),
        (b"PK\x03\x04 not really a zip", "damaged"),
        (_corrupt_xlsx(), "damaged"),
    ],
    ids=["empty", "csv", "old-excel", "word", "bad-zip", "corrupt"],
)
def test_files_that_are_not_a_readable_xlsx_are_refused_clearly(content, message):
    with pytest.raises(SpreadsheetError, match=message):
        spreadsheets.read(SHEET, io.BytesIO(content))


def test_a_workbook_without_a_required_column_is_refused_naming_it():
    with pytest.raises(SpreadsheetError, match="missing: Colour"):
        spreadsheets.read(SHEET, _workbook(["Name", "Code"], ["张伟", "A1"]))


def test_a_header_given_twice_is_refused():
    with pytest.raises(SpreadsheetError, match="twice"):
        spreadsheets.read(SHEET, _workbook(["Name", "Colour", "姓名"], ["张伟", "Red", "李娜"]))


def test_an_empty_sheet_and_a_sheet_without_a_header_are_refused():
    with pytest.raises(SpreadsheetError, match="is empty"):
        spreadsheets.read(SHEET, _workbook())
    with pytest.raises(SpreadsheetError, match="No header row"):
        spreadsheets.read(SHEET, _workbook(["张伟", "Red"]))


def test_too_many_rows_or_too_many_bytes_are_refused():
    content = _workbook(["Name", "Colour"], *[["张伟", "Red"]] * 4)
    assert len(spreadsheets.read(SHEET, content, max_rows=4).rows) == 4
    with pytest.raises(SpreadsheetError, match="more than 3 rows"):
        spreadsheets.read(SHEET, content, max_rows=3)
    with pytest.raises(SpreadsheetError, match="too large"):
        spreadsheets.read(SHEET, content, max_bytes=len(content) - 1)


def test_the_sheet_named_like_the_declaration_is_read_whatever_its_position():
    workbook = openpyxl.Workbook()
    workbook.active.append(["Instructions"])
    workbook.create_sheet("Staff").append(["Name", "Colour"])
    workbook["Staff"].append(["张伟", "Red"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert spreadsheets.read(SHEET, buffer.getvalue()).rows[0].values["name"] == "张伟"


def test_a_download_names_the_file_in_chinese_with_an_ascii_fallback():
    response = spreadsheets.xlsx_response(b"x", filename="夏村镇-干部.xlsx", fallback="xiacun cadres.xlsx")
    assert response["Content-Disposition"] == (
        'attachment; filename="xiacun-cadres.xlsx"; '
        "filename*=UTF-8''%E5%A4%8F%E6%9D%91%E9%95%87-%E5%B9%B2%E9%83%A8.xlsx"
    )
    assert response["Content-Type"] == spreadsheets.XLSX_CONTENT_TYPE


def _with_sheet_xml(content: bytes, replace) -> bytes:
    """The workbook `content` with its first worksheet's XML passed through `replace`."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = replace(data.decode()).encode()
            target.writestr(info, data)
    return out.getvalue()


def _one_huge_row(cells: int) -> bytes:
    def replace(xml: str) -> str:
        start, end = xml.index("<sheetData>") + len("<sheetData>"), xml.index("</sheetData>")
        row = '<row r="1"><c t="inlineStr"><is><t>Name</t></is></c>' + "<c/>" * cells + "</row>"
        return xml[:start] + row + xml[end:]

    return _with_sheet_xml(_workbook(["Name"]), replace)


def test_a_small_file_with_a_row_of_four_million_empty_cells_is_refused_at_once():
    import time

    content = _one_huge_row(4_000_000)
    assert len(content) < 200_000  # a small upload: what it unpacks to is the danger
    started = time.perf_counter()
    with pytest.raises(SpreadsheetError) as refused:
        spreadsheets.read(SHEET, content)
    assert time.perf_counter() - started < 2
    assert "“Staff” reaches row 1, column 257" in refused.value.message
    assert "at most 20000 rows and 256 columns" in refused.value.message


def test_declared_dimensions_past_the_limits_are_refused_before_any_cell_is_read():
    content = _with_sheet_xml(
        _workbook(["Name", "Colour"], ["张伟", "Red"]),
        lambda xml: xml.replace('<dimension ref="A1:B2"/>', '<dimension ref="A1:XFD1048576"/>'),
    )
    with pytest.raises(SpreadsheetError, match="reaches row 1048576, column 16384"):
        spreadsheets.read(SHEET, content)


def test_a_cell_far_down_the_sheet_is_refused_without_reading_the_rows_before_it():
    content = _with_sheet_xml(
        _workbook(["Name", "Colour"], ["张伟", "Red"]),
        lambda xml: xml.replace(
            "</sheetData>", '<row r="1000000"><c r="A1000000" t="n"><v>1</v></c></row></sheetData>'
        ),
    )
    with pytest.raises(SpreadsheetError, match="reaches row 1000000"):
        spreadsheets.read(SHEET, content)


def test_more_cells_than_the_limit_are_refused(monkeypatch):
    monkeypatch.setattr(spreadsheets, "MAX_CELLS", 10)
    with pytest.raises(SpreadsheetError, match="more than 10 cells"):
        spreadsheets.read(SHEET, _workbook(["Name", "Colour"], *[["张伟", "Red"]] * 6))


def test_a_header_typed_as_a_number_names_its_column_and_unknown_headers_are_recorded():
    sheet = Sheet(
        title="Scores",
        columns=(Column("name", "Name"), Column("a", "1.1", Number()), Column("b", "2.10", Number())),
    )
    table = spreadsheets.read(
        sheet, _workbook(["Name", 1.1, 2.1, 3.5, "Remarks"], ["张伟", 5, 6, 7, "x"], title="Scores")
    )
    assert table.letters == {"name": "A", "a": "B", "b": "C"}
    assert table.rows[0].values == {"name": "张伟", "a": Decimal(5), "b": Decimal(6)}
    assert table.unknown_columns == [("D", "3.5"), ("E", "Remarks")]


def test_a_number_header_that_could_name_two_columns_is_refused():
    sheet = Sheet(title="Scores", columns=(Column("a", "2.1", Number()), Column("b", "2.10", Number())))
    with pytest.raises(SpreadsheetError, match="could name any of 2.1、2.10"):
        spreadsheets.read(sheet, _workbook([2.1], [5], title="Scores"))


def test_a_percentage_cell_reads_as_the_percentage_shown():
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.title = "Staff"
    worksheet.append(["Name", "Colour", "Score"])
    worksheet.append(["张伟", "Red", 0.95])
    worksheet["C2"].number_format = "0%"
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = spreadsheets.read(SHEET, buffer.getvalue())
    [problem] = table.problems
    assert (problem.cell, problem.value) == ("C2", "95%")
    assert "is a percentage" in problem.message


def test_long_numbers_are_shown_as_excel_shows_them():
    assert spreadsheets.display(3.70783197003198e17) == "370783197003198000"
    assert spreadsheets.display(12.0) == "12"
    assert spreadsheets.display(0.1) == "0.1"
    assert spreadsheets.display(1e-05) == "0.00001"


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        (20260305, date(2026, 3, 5)),
        (20260305.0, date(2026, 3, 5)),
        ("20260305", date(2026, 3, 5)),
        ("２０２６年３月５日", date(2026, 3, 5)),
        ("2026 年 3 月 5 日", date(2026, 3, 5)),
        ("２０２６－０３－０５", date(2026, 3, 5)),
        (46086, date(2026, 3, 5)),
        (datetime(2026, 3, 5, 9, 30), date(2026, 3, 5)),
    ],
)
def test_dates_are_read_as_offices_type_them(cell, value):
    assert Date().parse(cell) == value


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        (0, "“0” is not a date"),
        (-1, "is not a date"),
        (1, "1900-01-01 is not a plausible date"),
        (99999999, "is not a date"),
        (1e20, "is not a date"),
        ("1900-01-01", "1900-01-01 is not a plausible date"),
        ("9999-12-31", "9999-12-31 is not a plausible date"),
        (date(1999, 12, 31), "1999-12-31 is not a plausible date"),
        ("2026-02-30", "is not a date"),
        (True, "is not a date"),
    ],
)
def test_implausible_dates_are_refused(cell, message):
    with pytest.raises(CellError, match=message):
        Date().parse(cell)


def test_text_cells_refuse_control_characters_and_apply_their_normalisation():
    with pytest.raises(CellError, match="U\\+0007"):
        Text().parse("东\x07村")
    assert Text(clean=str.upper).parse(" abc ") == "ABC"


def test_a_kind_that_fails_unexpectedly_names_the_cell_instead_of_calling_the_file_damaged():
    class Fragile(spreadsheets.Kind):
        def parse(self, cell):
            raise OverflowError

        def describe(self):
            return "a fragile value"

    sheet = Sheet(title="Staff", columns=(Column("name", "Name"), Column("x", "X", Fragile())))
    table = spreadsheets.read(sheet, _workbook(["Name", "X"], ["张伟", 1]))
    assert [(p.cell, p.message) for p in table.problems] == [
        ("B2", "This cell could not be read. Expected: a fragile value.")
    ]


def test_a_template_writes_names_holding_control_characters_without_them():
    sheet = Sheet(title="Staff", columns=(Column("village", "Village", options=("东村\x07", "西村")),))
    workbook = openpyxl.load_workbook(io.BytesIO(spreadsheets.write_template(sheet)))
    assert workbook["Lists"]["A2"].value == "东村"


def test_a_missing_header_row_names_the_sheet_read():
    with pytest.raises(SpreadsheetError, match="No header row was found in the sheet “Staff”"):
        spreadsheets.read(SHEET, _workbook(["名册"], ["张伟"]))


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("1e30", "is written with an exponent"),
        (1e30, "is too large"),
        ("٣", "uses digits other than 0–9"),
        ("1_0", "is not a number"),
        ("95%", "is a percentage"),
        ("12.345", "At most 1 decimal place is allowed."),
    ],
)
def test_number_cells_are_read_by_the_one_number_parser(cell, message):
    with pytest.raises(CellError, match=message):
        Number(places=1).parse(cell)
    assert Number(places=1).parse("　９．５　") == Decimal("9.5")


def test_a_template_and_an_export_carry_their_document_properties_written_once():
    properties = {"kaoping-sheet-revision": 7, "kaoping-note": "三月"}
    for content in (
        spreadsheets.write_template(SHEET, properties=properties),
        spreadsheets.write_rows(SHEET, [{"name": "张伟"}], instructions=True, properties=properties),
    ):
        assert spreadsheets.properties_of(content) == properties
        workbook = openpyxl.load_workbook(io.BytesIO(content))
        assert [p.name for p in workbook.custom_doc_props.props] == list(properties)
        assert isinstance(workbook.custom_doc_props["kaoping-sheet-revision"].value, int)
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            assert archive.read("docProps/custom.xml").count(b"kaoping-sheet-revision") == 1
    assert spreadsheets.properties_of(spreadsheets.write_template(SHEET)) == {}
    assert spreadsheets.properties_of(b"not a workbook") == {}
    with pytest.raises(TypeError):
        spreadsheets.write_template(SHEET, properties={"x": 1.5})
