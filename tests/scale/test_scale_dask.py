"""The Dask executor on a LocalCluster grades exactly as the local executor does."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from .conftest import HERE, make_class, results

distributed = pytest.importorskip("distributed")

Grade = Callable[..., tuple[int, str]]


@pytest.mark.slow
def test_dask_local_cluster_results_equal_local_results(tmp_path: Path, grade: Grade) -> None:
    paths = make_class(tmp_path / "class", 6, extra={2: "HANG"})
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  worker_dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        # the workers are fresh processes: give them the test-only `sleep` kind as launch.py does
        client.run(exec, f"import sys; sys.path.insert(0, {str(HERE)!r}); import sleepcheck; sleepcheck.register()")
        code, err = grade(paths, "dask", "--executor", "dask", "--scheduler", cluster.scheduler_address,
                          "--timeout", "2")
    assert code == 1, err
    assert grade(paths, "local", "--timeout", "2")[0] == 1
    assert results(tmp_path / "dask") == results(tmp_path / "local")
    assert results(tmp_path / "dask")["submissions"][2]["questions"][0]["status"] == "error"


def test_dask_without_scheduler_is_a_usage_error(tmp_path: Path, grade: Grade) -> None:
    code, err = grade(make_class(tmp_path / "class", 1), "out", "--executor", "dask")
    assert code == 2 and err == "grader grade: --executor dask needs --scheduler ADDRESS\n"
