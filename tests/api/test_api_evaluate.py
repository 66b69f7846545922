"""POST /api/v1/evaluate: the contract examples, bad bodies, and the OpenAPI description."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client, override_settings

from policyhub.cli import main as cli_main
from tests.contract.checks import (
    decision_examples,
    error_examples,
    error_mismatches,
    mismatches,
)

URL = "/api/v1/evaluate"
ROOT = Path(__file__).resolve().parents[2]
CONTRACT_DOC = ROOT / "docs" / "contract-evaluate.md"
API_DOC = ROOT / "docs" / "api.md"

DECISIONS = decision_examples()
ERRORS = error_examples()


def post(client: Client, body: bytes | str) -> Any:
    return client.post(URL, body, content_type="application/json")


@pytest.mark.parametrize("name", sorted(DECISIONS))
def test_it_decides_every_contract_example(client: Client, name: str) -> None:
    example = DECISIONS[name]
    response = post(client, json.dumps(example["request"], ensure_ascii=False))
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert mismatches(response.json(), example["expect"]) == []


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_it_refuses_every_bad_contract_example(client: Client, name: str) -> None:
    example = ERRORS[name]
    response = post(client, json.dumps(example["request"], ensure_ascii=False))
    assert response.status_code == 422, response.content
    problems = response.json()["detail"]
    assert problems and all(set(p) == {"path", "message"} for p in problems)
    assert error_mismatches(problems, example["expect_error"]) == []


@pytest.mark.parametrize("name", sorted(DECISIONS))
def test_it_answers_like_the_cli(
    client: Client, name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    request_file = tmp_path / "request.json"
    request_file.write_text(json.dumps(DECISIONS[name]["request"]), encoding="utf-8")
    assert cli_main(["evaluate", str(request_file)]) == 0
    from_cli = json.loads(capsys.readouterr().out)
    assert post(client, request_file.read_bytes()).json() == from_cli


@pytest.mark.parametrize(
    "body",
    [b"", b"not json", b'{"applicant": ', b"\xff\xfe\xfa", b"[" * 100_000],
    ids=["empty", "text", "truncated", "not-utf8", "too-deep"],
)
def test_it_refuses_a_body_that_is_not_json(client: Client, body: bytes) -> None:
    response = post(client, body)
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["path"] == ""
    assert "not valid JSON" in problem["message"]


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024)
def test_it_refuses_a_body_over_the_limit_with_413(client: Client) -> None:
    response = post(client, b" " * 1025)
    assert response.status_code == 413
    [problem] = response.json()["detail"]
    assert problem["path"] == "" and "1024 bytes" in problem["message"]


def test_it_refuses_json_that_is_not_an_object(client: Client) -> None:
    response = post(client, b"[1, 2]")
    assert response.status_code == 422
    assert [p["path"] for p in response.json()["detail"]] == [""]


def test_it_reports_every_bad_field_at_once(client: Client) -> None:
    request = json.loads(json.dumps(DECISIONS["different_matters_stack"]["request"]))
    request["events"][0]["kind"] = "rebuild"
    request["events"][1]["rd_investment"] = "-5"
    response = post(client, json.dumps(request))
    assert response.status_code == 422
    paths = [p["path"] for p in response.json()["detail"]]
    assert "events[0].kind" in paths and "events[1].rd_investment" in paths


def test_it_allows_only_post(client: Client) -> None:
    assert client.get(URL).status_code == 405
    assert client.put(URL, b"{}", content_type="application/json").status_code == 405


# --- the OpenAPI description: it must name everything the contract names ---------------------


@pytest.fixture(scope="module")
def openapi() -> dict[str, Any]:
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    schema: dict[str, Any] = response.json()
    return schema


def contract_event_table() -> dict[str, str]:
    """The event table of the contract: type -> its "fields" cell."""
    rows = re.findall(r"^\| `([a-z_]+)` \| (.*?) \| ", CONTRACT_DOC.read_text("utf-8"), re.M)
    return dict(rows)


def contract_event_fields() -> dict[str, set[str]]:
    """type -> the field names the table lists (enumerations in parentheses left out)."""
    return {
        kind: set(re.findall(r"`([a-z_]+)`", re.sub(r"\([^)]*\)", "", cell)))
        for kind, cell in contract_event_table().items()
    }


def contract_enums() -> list[tuple[str, str, set[str]]]:
    """(event type, field, values) for each `field` (`a` \\| `b` …) of the event table."""
    found = []
    for kind, cell in contract_event_table().items():
        for field, values in re.findall(r"`([a-z_]+)` \(([^)]*)\)", cell):
            if r"\|" in values:
                choices = values.split(";")[0]  # "…; anything else is `unsupported_level`"
                found.append((kind, field, set(re.findall(r"\w+", choices))))
    return found


def contract_reason_codes() -> set[str]:
    text = CONTRACT_DOC.read_text(encoding="utf-8")
    listing = re.search(r"`reason_code` is one of\s+(.*?)\.\n", text, re.DOTALL)
    assert listing, "the contract's list of reason codes moved"
    return set(re.findall(r"`([a-z_]+)`", listing.group(1)))


def contract_rule_ids() -> set[str]:
    return set(re.findall(r"`(P\d+\.[a-z_]+)`", CONTRACT_DOC.read_text(encoding="utf-8")))


def values_of(prop: dict[str, Any]) -> set[str]:
    """The values a property schema names: const, enum or examples, in any anyOf branch."""
    out = {str(v) for v in prop.get("enum", []) + prop.get("examples", [])}
    if "const" in prop:
        out.add(str(prop["const"]))
    for branch in prop.get("anyOf", []):
        out |= values_of(branch)
    return out


def event_schemas(openapi: dict[str, Any]) -> dict[str, dict[str, Any]]:
    schemas = openapi["components"]["schemas"]
    events = schemas["EvaluateRequest"]["properties"]["events"]["items"]
    mapping = events["discriminator"]["mapping"]
    return {kind: schemas[ref.rsplit("/", 1)[1]] for kind, ref in mapping.items()}


def test_the_contract_table_is_parsed() -> None:
    assert len(contract_event_fields()) == 14
    assert len(contract_reason_codes()) == 15  # 11, and 4 since Revision 2


def test_openapi_documents_every_event_type_and_field(openapi: dict[str, Any]) -> None:
    events = event_schemas(openapi)
    table = contract_event_fields()
    assert set(events) == set(table)
    for kind, fields in table.items():
        assert fields <= set(events[kind]["properties"]), kind
        assert "matter" in events[kind]["properties"], kind


def test_openapi_documents_every_enum_of_the_event_table(openapi: dict[str, Any]) -> None:
    events = event_schemas(openapi)
    for kind, field, choices in contract_enums():
        assert choices <= values_of(events[kind]["properties"][field]), (kind, field)


def test_openapi_documents_every_reason_code(openapi: dict[str, Any]) -> None:
    ineligible = openapi["components"]["schemas"]["Ineligible"]
    assert set(ineligible["properties"]["reason_code"]["enum"]) == contract_reason_codes()


def contract_kinds_table() -> dict[str, set[str]]:
    """Rule id -> the kinds the contract's table "Applicant kinds" accepts."""
    text = CONTRACT_DOC.read_text(encoding="utf-8")
    table = text[text.index("### Applicant kinds") : text.index("### Precise readings")]
    found: dict[str, set[str]] = {}
    for line in table.splitlines():
        cells = line.split(" | ")
        if line.startswith("| `P") and len(cells) == 3:
            kinds = set(re.findall(r"`([a-z_]+)`", cells[2]))
            for rid in re.findall(r"`(P\d+\.[a-z_]+)`", cells[0]):
                found[rid] = kinds
    return found


def test_openapi_documents_the_revision_of_a_standard(openapi: dict[str, Any]) -> None:
    revision = event_schemas(openapi)["standard_led"]["properties"]["revision"]
    assert revision["type"] == "boolean" and revision["default"] is False
    assert "local_revision" in revision["description"]
    assert "revision" not in event_schemas(openapi)["standard_led"].get("required", [])


def test_openapi_documents_every_kind_and_the_rules_it_may_receive(
    openapi: dict[str, Any],
) -> None:
    """The kind's description names, for each kind, exactly the rules of the contract's table
    "Applicant kinds" that pay it."""
    kind = openapi["components"]["schemas"]["Applicant"]["properties"]["kind"]
    table = contract_kinds_table()
    assert len(table) == 20
    every = set().union(*table.values())
    assert set(kind["enum"]) == every
    described = dict(re.findall(r"`([a-z_]+)`: ((?:`P[^`]+`(?:, )?)+)", kind["description"]))
    for name in every:
        rules = set(re.findall(r"`([^`]+)`", described[name]))
        assert rules == {rid for rid, accepted in table.items() if name in accepted}, name


def test_openapi_documents_every_rule(openapi: dict[str, Any]) -> None:
    schemas = openapi["components"]["schemas"]
    documented = values_of(schemas["Award"]["properties"]["rule"])
    documented |= values_of(schemas["Discretionary"]["properties"]["rule"])
    assert documented == contract_rule_ids()


def test_openapi_documents_the_request_and_both_responses(openapi: dict[str, Any]) -> None:
    operation = openapi["paths"][URL]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/EvaluateRequest"}
    responses = operation["responses"]
    assert responses["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/Decision")
    assert responses["422"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/ProblemReport"
    )
    schemas = openapi["components"]["schemas"]
    decision = set(schemas["Decision"]["properties"])
    assert {
        "contract",
        "applicant",
        "options",
        "awards",
        "discretionary",
        "ineligible",
        "total",
    } <= decision
    assert set(schemas["Problem"]["properties"]) == {"path", "message"}


def test_openapi_refs_all_resolve(openapi: dict[str, Any]) -> None:
    refs = set(re.findall(r'"\$ref": "#/components/schemas/([^"]+)"', json.dumps(openapi)))
    assert refs <= set(openapi["components"]["schemas"])


def test_docs_name_every_api_path(openapi: dict[str, Any]) -> None:
    doc = API_DOC.read_text(encoding="utf-8")
    assert [path for path in openapi["paths"] if path not in doc] == []


def test_docs_page_and_home_page_are_served(client: Client) -> None:
    assert client.get("/api/docs").status_code == 200
    home = client.get("/")
    assert home.status_code == 200
    assert "/api/docs" in home.content.decode()
