"""The REST API (django-ninja): docs at /api/docs, schema at /api/openapi.json.

`POST /api/v1/evaluate` is on the hot path (target: 1,500 decisions/s on two cores), so it
does not let ninja or pydantic parse anything: it reads the raw body, hands it to the
engine and writes the engine's dict back as JSON. The pydantic models in evaluate_schema
only describe the request and the responses in the OpenAPI schema.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema
from ninja.security import django_auth

from policyhub import clock
from policyhub.config.evaluate_schema import (
    REQUEST_BODY,
    Decision,
    ProblemReport,
    request_components,
)
from policyhub.engine import InputError, evaluate, loads

JSON_TYPE = "application/json; charset=utf-8"
HTTP_TOO_LARGE = 413
HTTP_UNPROCESSABLE = 422

DESCRIPTION = """\
长沙市网络安全产业政策（长政办发〔2019〕30号）核定接口。
Changsha cybersecurity industry policy (长政办发〔2019〕30号): one applicant's facts in, one
decision out. The contract is docs/contract-evaluate.md (`policyhub.evaluate/1`); the CLI
`policyhub evaluate` takes the same body and prints the same decision.
"""


class PolicyHubAPI(NinjaAPI):
    def get_openapi_schema(
        self,
        *,
        path_prefix: str | None = None,
        path_params: dict[str, Any] | None = None,
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        # The evaluate body is documented, not parsed, so ninja does not collect its models.
        schema.setdefault("components", {}).setdefault("schemas", {}).update(request_components())
        _document_refusals(schema)
        return schema


UNAUTHORIZED = {"description": "未登录 (no signed-in session)", "content": {"application/json": {
    "schema": {"type": "object", "properties": {"detail": {"type": "string"}},
               "required": ["detail"]}}}}
# What ninja answers when a parameter or body does not parse (a list of pydantic errors).
INVALID = {"type": "object", "properties": {"detail": {"type": "array", "items": {
    "type": "object"}}}, "required": ["detail"]}
# What the NUL edge answers (web/edges.py), on any operation.
BAD_REQUEST = {"description": "请求含有空字符 (NUL)", "content": {"application/json": {
    "schema": UNAUTHORIZED["content"]["application/json"]["schema"]}}}  # type: ignore[index]


def _document_refusals(schema: OpenAPISchema) -> None:
    """Every answer an operation can give, in its schema: 401 where a login is needed, 400
    (NUL, web.edges) everywhere, and ninja's own 422 beside an operation's own 422."""
    for item in schema.get("paths", {}).values():
        for operation in item.values():
            responses = operation.setdefault("responses", {})
            if operation.get("security"):
                responses.setdefault(401, UNAUTHORIZED)
            responses.setdefault(400, BAD_REQUEST)
            if operation.get("operationId") == "evaluate":
                continue  # parses its own body: its 422 is its own problem report
            if not (operation.get("parameters") or operation.get("requestBody")):
                continue
            own = responses.get(422)
            if own is None:
                responses[422] = {"description": "参数无效 (invalid parameters)",
                                  "content": {"application/json": {"schema": INVALID}}}
            else:
                body = own["content"]["application/json"]
                body["schema"] = {"anyOf": [body["schema"], INVALID]}


# Every endpoint needs a signed-in session (401 otherwise, before any view code runs, so an
# anonymous caller writes nothing, not even an audit row); the public ones say `auth=None`:
# evaluate and the PK catalogue. The schema and the docs page are public too.
api = PolicyHubAPI(
    auth=django_auth,
    title="PolicyHub API",
    version="1",
    description=DESCRIPTION,
    docs_url="/docs",
    openapi_url="/openapi.json",
    urls_namespace="api",
)


def json_response(data: Any, status: int = 200) -> HttpResponse:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    return HttpResponse(body, status=status, content_type=JSON_TYPE)


def problems_response(
    problems: list[dict[str, str]], status: int = HTTP_UNPROCESSABLE
) -> HttpResponse:
    return json_response({"detail": problems}, status=status)


@api.post(
    "/v1/evaluate",
    operation_id="evaluate",
    summary="Decide one applicant's entitlements (policyhub.evaluate/1)",
    description="Same body and same decision as `policyhub evaluate`. A request that does not "
    "fit the contract is refused whole with 422 and one problem per bad field; a body that "
    'is not JSON gives one problem with path `""`; a body larger than the limit gets 413.',
    tags=["evaluate"],
    auth=None,  # public: the stateless engine, no data of anyone
    response={200: Decision, HTTP_TOO_LARGE: ProblemReport, HTTP_UNPROCESSABLE: ProblemReport},
    openapi_extra={"requestBody": REQUEST_BODY},
)
def evaluate_view(request: HttpRequest) -> HttpResponse:
    try:
        body = request.body
    except RequestDataTooBig:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        message = f"the request is larger than {limit} bytes (POLICYHUB_MAX_BODY_BYTES)"
        return problems_response([{"path": "", "message": message}], HTTP_TOO_LARGE)
    try:
        raw = loads(body)
    except InputError as exc:
        return problems_response(exc.problems)
    except (ValueError, RecursionError) as exc:  # not JSON, not UTF-8, nested too deep
        return problems_response([{"path": "", "message": f"the request is not valid JSON: {exc}"}])
    try:
        decision = evaluate(raw, today=clock.today())
    except InputError as exc:
        return problems_response(exc.problems)
    return json_response(decision)


# Each domain app exposes `router` in its api.py; mounted under /api/v1/<app>/.
def _mount_routers() -> None:
    from importlib import import_module

    for app in DOMAIN_APPS:
        api.add_router(f"/v1/{app}/", import_module(f"policyhub.{app}.api").router)


DOMAIN_APPS = ("registry", "ledger", "applications", "centres")
_mount_routers()
