"""The kernel is a pure function of whole applicants: partitioned by applicant hash and decided
on a Dask cluster of two worker processes, it gives the single run's decisions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import numpy as np
import polars as pl
import pytest

from policyhub.screen import Options, ScreenResult, screen_frame, synth

distributed = pytest.importorskip(
    "distributed", reason="Dask is the optional [scale] extra: pip install -e '.[scale]'")
from distributed import Client, LocalCluster  # noqa: E402

PARTITIONS = 6
OPTIONS = Options(dt.date(2022, 12, 31), "applicant", "cumulative")


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            Client(cluster) as c:
        yield c


def _decide(part: pl.DataFrame, options: Options) -> ScreenResult:
    return screen_frame(part, options)


def _rows(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(pl.col(pl.Categorical).cast(pl.String)).sort(
        ["applicant_id", "entry", "event_index", "rule", "matter"], nulls_last=True)


def test_screen_on_a_dask_cluster_matches_a_single_run(client: Client) -> None:
    events = synth.frame(3000, seed=99)
    bucket = events.select(pl.col("applicant_id").hash(seed=1) % PARTITIONS).to_series()
    parts = [events.filter(bucket == i) for i in range(PARTITIONS)]
    assert sum(p.height for p in parts) == events.height
    futures = client.map(_decide, client.scatter(parts), options=OPTIONS)
    results: list[ScreenResult] = client.gather(futures)
    assert len({client.who_has(f)[f.key][0] for f in futures}) == 2  # both workers decided

    single = screen_frame(events, OPTIONS)
    together = pl.concat([r.frame() for r in results], how="vertical_relaxed")
    assert _rows(together).equals(_rows(single.frame()))
    total = results[0].summary
    for r in results[1:]:
        total = total + r.summary
    assert total.applicants == single.summary.applicants == 3000
    assert np.array_equal(total.granted_fen, single.summary.granted_fen)
