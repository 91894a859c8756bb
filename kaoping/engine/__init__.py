"""The pure scoring engine: a month's totals (`engine.py`) and competition ranks (`ranking.py`).

Plain data in, plain data out: no Django, no database, no other kaoping app (an import-linter
contract in pyproject.toml holds this).
"""
