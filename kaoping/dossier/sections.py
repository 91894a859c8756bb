"""The registry of dossier sections (see the package docstring for how to add one)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise

from kaoping.accounts.models import User
from kaoping.people.models import Cadre, Town


@dataclass(frozen=True)
class Table:
    """A section as headed rows of text, for the Word and PDF documents."""

    headers: list[str]
    rows: list[list[str]]
    summary: str = ""  # one line above the table (counts, means)
    widths: list[float] = field(default_factory=list)  # relative column widths, optional

    @property
    def labelled_rows(self) -> list[list[tuple[str, str]]]:
        """Each row's cells beside their column's header: on a phone a row is a card of "header: cell"."""
        return [list(zip(self.headers, row, strict=False)) for row in self.rows]


@dataclass(frozen=True)
class Viewer:
    """Who reads the dossier, for the sections whose content depends on it (pay: one's own only)."""

    user: User
    town: Town


# The page renders a section through its `template`; this one shows the section's `table(data)`, which
# is all most sections need (the Word and PDF documents print the same table).
TABLE_TEMPLATE = "dossier/sections/table.html"


@dataclass(frozen=True)
class Section:
    key: str
    title: str | Promise
    order: int
    load: Callable[[Cadre], Any]
    table: Callable[[Any], Table]
    empty: str | Promise = ""
    template: str = TABLE_TEMPLATE
    # True: `load(cadre, viewer)` is given who reads (None for no one in particular: show the least).
    for_viewer: bool = False


@dataclass(frozen=True)
class Loaded:
    section: Section
    data: Any

    @property
    def table(self) -> Table:
        return self.section.table(self.data)


_SECTIONS: dict[str, Section] = {}


def register(section: Section) -> Section:
    """Add `section` to every dossier (registering the same key again replaces it)."""
    _SECTIONS[section.key] = section
    return section


def sections() -> list[Section]:
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key))


def load_all(cadre: Cadre, viewer: Viewer | None = None) -> list[Loaded]:
    """Every section of `cadre`'s dossier, loaded for `viewer`."""
    return [
        Loaded(section, section.load(cadre, viewer) if section.for_viewer else section.load(cadre))  # type: ignore[call-arg]
        for section in sections()
    ]


def sections_by_key() -> dict[str, Section]:
    return dict(_SECTIONS)
