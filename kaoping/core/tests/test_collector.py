"""The garbage collector set for a served process (kaoping/core/collector.py)."""

import gc
import importlib
import sys

from kaoping.core import collector


def test_settle_sets_what_is_loaded_aside_and_collects_young_objects_less_often():
    thresholds = gc.get_threshold()
    try:
        collector.settle()
        assert gc.get_freeze_count() > 1000  # Django, the apps, the URL patterns …
        assert gc.get_threshold() == (collector.YOUNG_THRESHOLD, *collector.OLDER_THRESHOLDS)
        assert gc.isenabled()  # cycles are still collected, later
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)


def test_each_served_worker_settles_once_it_has_loaded_the_application(monkeypatch):
    settled = []
    monkeypatch.setattr(collector, "settle", lambda: settled.append(True))
    monkeypatch.delitem(sys.modules, "kaoping.wsgi", raising=False)
    wsgi = importlib.import_module("kaoping.wsgi")
    assert settled == [True]
    assert callable(wsgi.application)
