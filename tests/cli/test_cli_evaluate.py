"""`policyhub evaluate` and `policyhub params`, run as the installed command in a subprocess.

The contract examples are read from tests/contract/examples (copies of the shared contract's
examples) and checked as docs/contract-evaluate.md, "The example files", says.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from policyhub.engine.params import parameters
from tests.contract.checks import (
    decision_examples,
    error_examples,
    error_mismatches,
    mismatches,
)

ROOT = Path(__file__).resolve().parents[2]
DECISIONS = decision_examples()
ERRORS = error_examples()
FIRM = {
    "kind": "enterprise",
    "credit_code": "91430100AY4CL12T2M",
    "registered_in_changsha": True,
    "taxed_in_changsha": True,
    "cybersecurity_business": True,
}
STANDARD = {"type": "standard_led", "date": "2020-05-10", "level": "national"}
# Contract examples the engine currently fails, with the bug reported to the lead.
KNOWN_BUGS: dict[str, str] = {}


def _examples(names: list[str]) -> list[Any]:
    return [
        pytest.param(
            n,
            marks=[pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[n])] if n in KNOWN_BUGS else [],
        )
        for n in names
    ]


def policyhub(
    *args: str, stdin: bytes | str | None = None, python: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).with_name("policyhub")
    if python or not script.exists():
        argv = [sys.executable, *python, "-m", "policyhub.cli", *args]
    else:
        argv = [str(script), *args]
    if isinstance(stdin, str):
        stdin = stdin.encode("utf-8")
    done = subprocess.run(
        argv,
        input=stdin,
        capture_output=True,
        cwd=ROOT,
        check=False,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    return subprocess.CompletedProcess(
        done.args, done.returncode, done.stdout.decode("utf-8"), done.stderr.decode("utf-8")
    )


def write(tmp_path: Path, body: Any, name: str = "request.json") -> Path:
    path = tmp_path / name
    path.write_text(
        body if isinstance(body, str) else json.dumps(body, ensure_ascii=False), encoding="utf-8"
    )
    return path


def problem_paths(stderr: str) -> list[str]:
    return [line.split(": ", 1)[0] for line in stderr.splitlines() if ": " in line]


def test_the_contract_examples_are_there() -> None:
    assert len(DECISIONS) >= 10 and len(ERRORS) >= 1


@pytest.mark.parametrize("name", _examples(sorted(DECISIONS)))
def test_it_decides_every_contract_example(tmp_path: Path, name: str) -> None:
    done = policyhub("evaluate", str(write(tmp_path, DECISIONS[name]["request"])))
    assert (done.returncode, done.stderr) == (0, "")
    assert mismatches(json.loads(done.stdout), DECISIONS[name]["expect"]) == []


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_it_refuses_every_bad_contract_example(tmp_path: Path, name: str) -> None:
    done = policyhub("evaluate", str(write(tmp_path, ERRORS[name]["request"])))
    assert (done.returncode, done.stdout) == (2, "")
    wanted = ERRORS[name]["expect_error"]["path_contains"]
    assert any(wanted in path for path in problem_paths(done.stderr)), done.stderr
    problems = [{"path": p, "message": "…"} for p in problem_paths(done.stderr)]
    assert error_mismatches(problems, ERRORS[name]["expect_error"]) == []


def test_a_dash_reads_the_request_from_standard_input() -> None:
    example = DECISIONS["national_leader_talent"]
    done = policyhub("evaluate", "-", stdin=json.dumps(example["request"], ensure_ascii=False))
    assert done.returncode == 0, done.stderr
    assert mismatches(json.loads(done.stdout), example["expect"]) == []


def test_stdin_and_a_file_give_the_same_decision(tmp_path: Path) -> None:
    body = json.dumps({"as_of": "2022-07-31", "applicant": FIRM, "events": [STANDARD]})
    from_file = policyhub("evaluate", str(write(tmp_path, body)))
    from_stdin = policyhub("evaluate", "-", stdin=body)
    assert from_file.stdout == from_stdin.stdout and from_file.returncode == 0


def test_every_problem_gets_its_own_line_on_stderr(tmp_path: Path) -> None:
    body = {
        "as_of": "soon",
        "applicant": {**FIRM, "taxed_in_changsha": "no"},
        "events": [{**STANDARD, "date": "2020-02-30"}, {"type": "nope"}],
    }
    done = policyhub("evaluate", str(write(tmp_path, body)))
    assert (done.returncode, done.stdout) == (2, "")
    assert {"as_of", "applicant.taxed_in_changsha", "events[0].date", "events[1].type"} <= set(
        problem_paths(done.stderr)
    )
    assert all(": " in line for line in done.stderr.splitlines())


def test_a_file_that_does_not_exist_exits_2(tmp_path: Path) -> None:
    done = policyhub("evaluate", str(tmp_path / "missing.json"))
    assert (done.returncode, done.stdout) == (2, "")
    assert "missing.json" in done.stderr


def test_a_directory_instead_of_a_file_exits_2(tmp_path: Path) -> None:
    done = policyhub("evaluate", str(tmp_path))
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.strip()


@pytest.mark.parametrize("body", ["not json", '{"applicant": ', "", "\ufeff{}x"])
def test_a_request_that_is_not_json_exits_2(tmp_path: Path, body: str) -> None:
    done = policyhub("evaluate", str(write(tmp_path, body)))
    assert (done.returncode, done.stdout) == (2, "")
    assert "JSON" in done.stderr


def test_bytes_that_are_not_utf8_exit_2() -> None:
    done = policyhub("evaluate", "-", stdin=b'{"as_of": "\xff"}')
    assert (done.returncode, done.stdout) == (2, "")


def test_a_json_array_is_refused_with_exit_2() -> None:
    done = policyhub("evaluate", "-", stdin="[]")
    assert (done.returncode, done.stdout) == (2, "")


def test_as_of_on_the_command_line_is_used_when_the_request_has_none() -> None:
    body = json.dumps({"applicant": FIRM, "events": [STANDARD]})
    before = json.loads(policyhub("evaluate", "--as-of", "2020-05-09", "-", stdin=body).stdout)
    on_the_day = json.loads(policyhub("evaluate", "--as-of", "2020-05-10", "-", stdin=body).stdout)
    assert [i["reason_code"] for i in before["ineligible"]] == ["future_event"]
    assert on_the_day["total"] == "100000.00"


def test_the_request_as_of_wins_over_the_command_line() -> None:
    body = json.dumps({"as_of": "2020-05-10", "applicant": FIRM, "events": [STANDARD]})
    done = policyhub("evaluate", "--as-of", "2020-01-01", "-", stdin=body)
    assert json.loads(done.stdout)["total"] == "100000.00"


def test_a_bad_as_of_option_exits_2() -> None:
    done = policyhub("evaluate", "--as-of", "31/12/2020", "-", stdin="{}")
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith("--as-of")


def test_indent_pretty_prints_the_same_decision() -> None:
    body = json.dumps({"as_of": "2022-07-31", "applicant": FIRM, "events": [STANDARD]})
    compact = policyhub("evaluate", "-", stdin=body).stdout
    pretty = policyhub("evaluate", "--indent", "2", "-", stdin=body).stdout
    assert len(compact.splitlines()) == 1 and len(pretty.splitlines()) > 10
    assert json.loads(compact) == json.loads(pretty)


def test_the_output_keeps_chinese_readable() -> None:
    body = json.dumps({"as_of": "2022-07-31", "applicant": FIRM, "events": [STANDARD]})
    assert "二(六)" in policyhub("evaluate", "-", stdin=body).stdout


def test_evaluate_imports_no_django(tmp_path: Path) -> None:
    request = write(tmp_path, DECISIONS["ipo_stages"]["request"])
    probe = (
        "import io, sys, contextlib\n"
        "from policyhub.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    code = main(['evaluate', {str(request)!r}])\n"
        "loaded = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "print(code, loaded)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert done.stdout.strip() == "0 []"


def test_evaluate_imports_no_django_per_importtime(tmp_path: Path) -> None:
    request = write(tmp_path, DECISIONS["ipo_stages"]["request"])
    done = policyhub("evaluate", str(request), python=("-X", "importtime"))
    assert done.returncode == 0
    imported = [
        line.rsplit("|", 1)[-1].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:")
    ]
    assert "policyhub.engine" in imported
    assert [m for m in imported if m.split(".")[0] == "django"] == []


def test_an_event_type_that_is_a_list_exits_2() -> None:
    body = json.dumps({"applicant": FIRM, "events": [{**STANDARD, "type": ["x"]}]})
    done = policyhub("evaluate", "-", stdin=body)
    assert (done.returncode, problem_paths(done.stderr)) == (2, ["events[0].type"])


def test_params_lists_every_parameter() -> None:
    done = policyhub("params")
    assert done.returncode == 0
    listed = {
        line.split()[0] for line in done.stdout.splitlines() if line and not line.startswith(" ")
    }
    assert listed == set(parameters())
    for name, p in parameters().items():
        assert f"{name}  [{p.reference}]" in done.stdout


def test_params_json_lists_every_parameter_with_its_reference_and_values() -> None:
    done = policyhub("params", "--json")
    rows = json.loads(done.stdout)
    assert {r["name"] for r in rows} == set(parameters())
    by_name = {r["name"]: r for r in rows}
    assert by_name["p2_platforms.construction_cap"]["values"] == {"2019-08-01": "5000000"}
    assert by_name["p7_projects.major_project_cap"]["values"] == {"2019-08-01": None}
    assert all(r["reference"].startswith("政策/") for r in rows)
