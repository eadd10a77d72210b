"""ui.heap: the collector's heap frozen once per server process."""

import gc

from ui import heap


def test_the_heap_is_frozen_once_per_process(monkeypatch):
    monkeypatch.setattr(heap, "_frozen", False)
    before = gc.get_freeze_count()
    try:
        assert heap.freeze_once() is True
        frozen = gc.get_freeze_count()
        assert frozen > before
        assert heap.freeze_once() is False  # every later run: nothing more frozen
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()  # the rest of the suite collects as usual
