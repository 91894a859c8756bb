"""The town's annual report (年度报告): the town's year in one page and one official document (.docx in
the house style of `core/documents.py`, and PDF through LibreOffice): summary figures, grades per pool
against the 优秀 quota, honours, pay totals per plan, the lagging lists by quarter with the statements,
the exemplary cases and the objections and reviews. It reads every area through its selectors
(`report.py`), so it sits at the dossier's layer, above pay, and independent of the dossier.
"""
