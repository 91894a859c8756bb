"""Python's garbage collector, set for a long-lived process that has loaded what it keeps.

A town-month recompute or a score save makes tens of thousands of short-lived tuples and dicts (the
month's entries, the engine's lines). With the collector's default thresholds (700, 10, 10), a
recompute ran about 43 collections, and every few recomputes a full one that walks every object the
process holds (Django's models, URL patterns, templates, translations): about a tenth of the
recompute's CPU time, and an uneven one (docs/performance.md, "What the speed rests on"; the
measurement is in that file's history, "The collector, the grid's cells, a save's roster"). The work
these collections find is small: the app makes few reference cycles.

`settle()` is called once the process has loaded the application (`kaoping.wsgi`, in each gunicorn
worker; `kaoping bench` before it measures): what is loaded is moved to the permanent generation
(`gc.freeze`), so that no collection walks it again, and a young collection runs after
`YOUNG_THRESHOLD` new container objects instead of 700. Cycles are still collected, later.
"""

import gc

YOUNG_THRESHOLD = 50_000
OLDER_THRESHOLDS = (20, 100)


def settle() -> None:
    """Freeze what the process has loaded and collect young objects less often (see the module)."""
    gc.collect()  # what start-up left as garbage is not frozen with the rest
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, *OLDER_THRESHOLDS)
