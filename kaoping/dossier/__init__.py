"""The cadre dossier (干部档案): one page per cadre with everything the system knows over the years.

The page is a list of **sections**, each given by one provider (`sections.Section`):

- ``key``: a stable identifier (the HTML anchor, the order of registration is not the order shown);
- ``title``: the heading, translatable;
- ``order``: where the section stands (10, 20 … leave room between);
- ``load(cadre) -> data``: a bulk loader that reads everything of the cadre **in a fixed number of
  queries**, whatever the number of years (a query-count test holds it: 1 year and 5 years of history
  run the same queries);
- ``table(data) -> Table``: the same data as headed rows, for the Word and PDF documents (the page
  prints through its own print style sheet);
- ``template``: renders ``data`` on the page (context: ``section``, ``data``, ``cadre``, ``town``);
  by default `sections.TABLE_TEMPLATE`, which shows the section's table.

`sections.register(Section(...))` adds one; the built-in ones are in `providers.py` (postings,
monthly results with the rank trend, democratic evaluation per quarter, bonuses and deductions,
supervision items) and `mechanisms.py` (achievement records with their attachments, exemplary marks,
lagging-list appearances with reasons and statements, rectifications with their outcome). The
dossier sits above every app it reads (layer "dossier", under "site | ops"), so a new area (annual
grades and honours) adds its section by writing one provider here that reads that area's selectors,
in a module imported by `apps.DossierConfig.ready`.
"""
