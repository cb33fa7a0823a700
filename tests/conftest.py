"""How pytest-xdist shares the suite out (pyproject.toml runs it with ``-n auto``)."""

from __future__ import annotations

import pytest

#: Modules whose tests go to one worker together: each builds an expensive session or module
#: fixture (two app replicas behind nginx; a throwaway PostgreSQL), which two workers would
#: each build once.
ONE_WORKER = ("tests/test_scale.py", "tests/test_live_class_store.py")


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """``--dist load``, except that each module of ``ONE_WORKER`` is one unit of work.

    (pytest-xdist's own ``--dist loadgroup`` would do it with a mark, but 3.8 sets the mark's
    group on ``item._nodeid``, which pytest 9 no longer reads: the groups were split.)
    """
    if config.getvalue("dist") != "load":
        return None
    from xdist.scheduler import LoadGroupScheduling

    class Scheduling(LoadGroupScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            return module if module in ONE_WORKER else nodeid

    return Scheduling(config, log)
