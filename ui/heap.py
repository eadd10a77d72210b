"""The server's garbage collector, tuned once per process.

Python's cyclic collector runs a full collection now and then, scanning every tracked object;
on this app's heap (Streamlit, pandas, numpy, SQLAlchemy, Babel, plotly: several hundred
thousand objects loaded at import) each took 90–165 ms, inside whichever run it fell in, so
some clicks were slow for no reason of their own (issue 12; Streamlit's own collection after
every run is off too, `runner.postScriptGC`). `freeze_once` moves what exists after the first
imports into the collector's permanent generation: later full collections scan only what came
after. Nothing frozen is garbage (it is collected first); module-level objects live for the
process anyway.
"""

import gc

_frozen = False


def freeze_once() -> bool:
    """Collect, then freeze the heap, the first time in this process; True when it did."""
    global _frozen
    if _frozen:
        return False
    gc.collect()
    gc.freeze()
    _frozen = True
    return True
