"""The meeting's record (会议纪要) as a Word document in the house style of official documents
(`kaoping/core/documents.py`: A4 with the margins of GB/T 9704, red masthead and rule, 仿宋 body with
黑体 headings, page numbers at the outer edge), and as PDF through the bulletins' LibreOffice conversion.

An official document of the town, so it is written in the town's language (Chinese) whatever the
reader's interface language.
"""

import io

from django.conf import settings
from django.utils import translation
from docx import Document

from kaoping.core import documents as house

from . import rules, selectors
from .models import ListStatus, Meeting

NUMERALS = "一二三四五六七八九十"


def _body(doc, text: str) -> None:
    for block in text.strip().splitlines():
        if block.strip():
            house.body(doc, block.strip())


def _heading(doc, number: int, text: str) -> None:
    house.heading(doc, f"{NUMERALS[number - 1]}、{text}")


def _sub(doc, text: str) -> None:
    house.heading(doc, text, level=2)


def record_docx(meeting: Meeting, *, with_list: bool = True) -> bytes:
    """The meeting's record: site visits, reports and comments, the democratic round's turnout, the
    lagging list with reasons, and the statements (`with_list=False` leaves out a draft list)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _record(meeting, with_list)


def _record(meeting: Meeting, with_list: bool) -> bytes:
    doc = Document()
    width = house.house_page(doc)
    house.masthead(
        doc, title="会议纪要", issuer=f"{meeting.town.name}考核办", date=meeting.held_on, width=width
    )
    house.document_title(doc, meeting.title)
    house.blank_line(doc)
    house.body(
        doc,
        f"{house.chinese_date(meeting.held_on)}，{meeting.town.name}在{meeting.place}召开"
        f"{meeting.year}年第{NUMERALS[meeting.quarter - 1]}季度观摩述职评比会议。现将会议主要情况纪要如下。",
    )

    section = 0
    visits = selectors.visits_with_photos(meeting)
    if visits:
        section += 1
        _heading(doc, section, "现场观摩")
        for n, visit in enumerate(visits, start=1):
            _sub(doc, f"（{NUMERALS[(n - 1) % 10]}）{visit.get_kind_display()}：{visit.name}")
            if visit.note:
                _body(doc, visit.note)
            if visit.photos:
                _body(doc, f"（现场照片{len(visit.photos)}张，存于系统。）")
    reports = selectors.reports_with_files(meeting)
    if reports:
        section += 1
        _heading(doc, section, "站所长述职及分管领导点评")
        for n, report in enumerate(reports, start=1):
            unit = report.cadre.department.name if report.cadre.department_id else report.cadre.position
            _sub(doc, f"（{NUMERALS[(n - 1) % 10]}）{unit}{report.cadre.name}述职")
            if report.text:
                _body(doc, report.text)
            if report.files:
                names = "、".join(f"《{a.original_name}》" for a in report.files)
                _body(doc, f"述职报告附件：{names}。")
            if report.comment:
                _body(doc, f"{report.comment_by.name if report.comment_by else ''}点评：{report.comment}")
    turnout = selectors.meeting_turnout(meeting)
    if turnout:
        section += 1
        _heading(doc, section, "干部民主测评")
        issued = sum(t.issued for t in turnout)
        used = sum(t.used for t in turnout)
        parts = "；".join(
            f"{t.rater_class.get_kind_display()}发放{t.issued}张、收回{t.used}张" for t in turnout
        )
        share = round(100 * used / issued) if issued else 0
        _body(
            doc,
            f"{meeting.evaluation_round.title}：{parts}。合计发放{issued}张，收回{used}张，参与率{share}%。",
        )
    lst = meeting.lagging_list
    if with_list:
        entries = selectors.entries(meeting)
        names = selectors.cadre_names(rules.cadres_named(lst.notes, [e.basis for e in entries]))
        section += 1
        state = "" if lst.status == ListStatus.FINAL else "（草稿，未定稿）"
        _heading(doc, section, f"后进名单{state}")
        listed = [e for e in entries if not e.exempt]
        for said in rules.notes_text(lst.notes, names):
            _body(doc, said)
        if not listed:
            _body(doc, "本季度无人列入后进名单。")
        for n, entry in enumerate(listed, start=1):
            why = rules.short(entry.rule) if entry.source == "rule" else f"考核办列入，理由：{entry.reason}"
            _sub(doc, f"（{NUMERALS[(n - 1) % 10]}）{entry.cadre.name}（{entry.cadre.position}）")
            _body(doc, why)
            for line in entry.basis:
                _body(doc, rules.line_text(line, names))
        for entry in (e for e in entries if e.exempt):
            _body(doc, f"{entry.cadre.name}按规则列入，经考核办研究予以免列，理由：{entry.exempt_reason}")
        statements = [e for e in listed if getattr(e, "statement", None)]
        statement_files = selectors.attachments_of(
            selectors.STATEMENT_OWNER, [e.statement.pk for e in statements]
        )
        if statements:
            section += 1
            _heading(doc, section, "后进表态发言")
            for n, entry in enumerate(statements, start=1):
                _sub(
                    doc,
                    f"（{NUMERALS[(n - 1) % 10]}）{entry.cadre.name}"
                    f"（{house.chinese_date(entry.statement.made_on)}）",
                )
                if entry.statement.text:
                    _body(doc, entry.statement.text)
                if statement_files.get(entry.statement.pk):
                    names = "、".join(f"《{a.original_name}》" for a in statement_files[entry.statement.pk])
                    _body(doc, f"表态发言附件：{names}。")
                rect = getattr(entry, "rectification", None)
                if rect:
                    _body(doc, f"整改措施：{rect.measures}（整改时限：{house.chinese_date(rect.deadline)}）")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def filename(meeting: Meeting, extension: str) -> str:
    return f"{meeting.year}年第{meeting.quarter}季度观摩述职评比会议纪要.{extension}"
