"""The OpenAPI description of `POST /api/v1/evaluate` (contract `policyhub.evaluate/1`).

These models document the request and the response; they never parse a request. The
endpoint hands the raw body to the engine (docs/contract-evaluate.md), which is the one
judge of what is valid. tests/api/test_api_evaluate.py checks that the served schema names
every event type, rule id and reason code of the contract, so the two cannot drift.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from ninja.openapi.schema import REF_TEMPLATE
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from pydantic.json_schema import SkipJsonSchema

from policyhub.engine import meta
from policyhub.engine.request import KINDS, YEAR_MAX, YEAR_MIN

CONTRACT = "policyhub.evaluate/1"

# --- shared field types -------------------------------------------------------------------

Money = Annotated[
    Annotated[str, StringConstraints(pattern=r"^[0-9]+(\.[0-9]+)?$")]
    | Annotated[float, Field(ge=0)],
    Field(
        description="Yuan: a plain decimal string (no sign, no exponent) or a non-negative "
        "JSON number. Decimal strings are exact; prefer them.",
        examples=["1200000", "10500.50"],
    ),
]
Day = Annotated[dt.date, Field(description="ISO date YYYY-MM-DD.")]
Matter = Annotated[
    str | SkipJsonSchema[None],
    Field(
        description="Optional. Events that share a matter id are one supported matter (one "
        "project, one person, one listing); an event without one is a matter of its own.",
        min_length=1,
    ),
]
Amount = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9]+\.[0-9]{2}$"),
    Field(
        description="Yuan, exactly two decimals, rounded half-up to the fen.",
        examples=["500000.00"],
    ),
]
Category = Literal["A", "B", "C"]
DiscretionaryRule = Literal[
    "P3.cluster_park",
    "P5.leader_project",
    "P5.major_contribution",
    "P7.major_project",
    "P10.exceptional_settlement",
]
RuleId = Literal[
    "P2.construction",
    "P2.service_fees",
    "P4.milestone",
    "P4.leading_firm",
    "P5.talent_reward",
    "P5.housing",
    "P5.urgent_talent",
    "P5.civil_military",
    "P5.civil_military_team",
    "P6.standard",
    "P7.project",
    "P8.ipo",
    "P9.pk_demo",
    "P10.prize",
    "P10.settlement",
]
ReasonCode = Literal[
    "out_of_scope",
    "outside_validity",
    "future_event",
    "below_threshold",
    "not_first_crossing",
    "schedule_not_met",
    "not_selected",
    "not_major_platform",
    "unsupported_level",
    "beyond_operation_window",
    "duplicate_stage",
    # Revision 2 of the contract (readings corrected):
    "applicant_kind",
    "already_recognised",
    "already_settled",
    "local_revision",
]
Kind = Literal["enterprise", "institute", "platform_operator", "park", "person", "team"]


def _kinds_text() -> str:
    """Which rules pay each kind (contract table "Applicant kinds"), from rules.yaml."""
    lines = []
    for kind in KINDS:
        rules = [rid for rid, rule in meta.rules().items() if kind in rule.kinds]
        lines.append(f"`{kind}`: {', '.join(f'`{r}`' for r in rules)}")
    return "; ".join(lines)


class _Doc(BaseModel):
    # Requests may carry extra fields (they are ignored), so the schema does not forbid them.
    model_config = ConfigDict(extra="allow")


# --- request --------------------------------------------------------------------------------


class Applicant(_Doc):
    """Who applies. Scope (policies 一): an organisation is in scope only when all three
    flags are true; for `person` and `team` the first two mean "works / is based in Changsha"."""

    id: str | SkipJsonSchema[None] = None
    kind: Kind = Field(
        description='Decides which rules may pay (contract table "Applicant kinds", '
        "Revision 2 R4); any other rule gives `applicant_kind`, second in the reason order, "
        "and a case-by-case item is not listed. It does not restrict which event types may "
        "be sent. Rules per kind: " + _kinds_text() + ".",
    )
    name: str | SkipJsonSchema[None] = None
    credit_code: Annotated[
        str | SkipJsonSchema[None],
        Field(
            description="Unified social credit code (GB 32100-2015), check digit verified. "
            "Required for every kind except `person` and `team`.",
            min_length=18,
            max_length=18,
            examples=["91430100AY4CL12T2M"],
        ),
    ] = None
    registered_in_changsha: bool
    taxed_in_changsha: bool
    cybersecurity_business: bool


class Options(_Doc):
    """The two readings the policy text leaves open; the decision echoes the ones used."""

    dedup_scope: Literal["matter", "applicant"] = Field(
        "matter",
        description="三(一) 就高不就低: compare clauses per matter (default) or across the "
        "whole request.",
    )
    milestone_jump: Literal["highest", "cumulative"] = Field(
        "highest",
        description="二(四): a year that first reaches several revenue thresholds rewards "
        "only the highest (default) or every one.",
    )


class AnnualRevenue(_Doc):
    """二(四) P4.milestone. Dated Y-12-31; its matter is always `revenue-Y`."""

    type: Literal["annual_revenue"]
    year: int = Field(ge=YEAR_MIN, le=YEAR_MAX)
    amount: Money
    matter: Matter = None


class LeadingFirmInvestment(_Doc):
    """二(四) P4.leading_firm. All of an applicant's investments are matter `leading-firm` (their
    own `matter` is ignored) and share one cap of 50,000,000 (Revision 2 R1)."""

    type: Literal["leading_firm_investment"]
    date: Day
    paid_in_capital: Money
    completed_investment: Money
    schedule_met: bool
    matter: Matter = None


class TalentRecognition(_Doc):
    """二(五) P5.talent_reward and P5.housing, once per applicant in matter `talent`: the highest
    level recognised pays (ties: earliest date, then event order); every other recognition
    that passes the general gates gets `already_recognised` (Revision 2 R2)."""

    type: Literal["talent_recognition"]
    date: Day
    level: Literal["international_top", "national_leader", "provincial_municipal_leader"]
    housing_price_per_m2: Money
    matter: Matter = None


class UrgentTalent(_Doc):
    """二(五) P5.urgent_talent."""

    type: Literal["urgent_talent"]
    date: Day
    category: Category
    matter: Matter = None


class CivilMilitaryResearcher(_Doc):
    """二(五) P5.civil_military."""

    type: Literal["civil_military_researcher"]
    date: Day
    category: Category
    matter: Matter = None


class CivilMilitaryTeamProject(_Doc):
    """二(五) P5.civil_military_team."""

    type: Literal["civil_military_team_project"]
    date: Day
    matter: Matter = None


class StandardLed(_Doc):
    """二(六) P6.standard. "主持制(修)订国际、国家标准和制定地方标准": a revised local standard
    gets `local_revision` (Revision 2 R5)."""

    type: Literal["standard_led"]
    date: Day
    level: str = Field(
        min_length=1,
        description="`international`, `national` or `local`; any other level is accepted "
        "and gives `unsupported_level`.",
        examples=["international", "national", "local"],
    )
    revision: bool | SkipJsonSchema[None] = Field(
        False,
        description="Optional (Revision 2), default false: true when the standard was revised "
        "(修订) rather than drafted (制定). Revising is rewarded for international and national "
        "standards only; a local revision gets `local_revision`. Not a boolean: bad input.",
    )
    matter: Matter = None


class ProjectInvestment(_Doc):
    """二(七) P7.project (a ceiling: a reviewer may approve less)."""

    type: Literal["project_investment"]
    date: Day
    total_investment: Money
    actual_investment: Money
    kind: Literal["new_build", "tech_upgrade"]
    matter: Matter = None


class IpoStage(_Doc):
    """二(八) P8.ipo. Each stage is paid once per applicant."""

    type: Literal["ipo_stage"]
    date: Day
    stage: Literal["tutoring_filed", "application_accepted", "listed"]
    matter: Matter = None


class PlatformConstruction(_Doc):
    """二(二) P2.construction."""

    type: Literal["platform_construction"]
    date: Day
    construction_cost: Money
    major_public_platform: bool
    matter: Matter = None


class Fee(_Doc):
    date: Day
    amount: Money


class PlatformServiceFees(_Doc):
    """二(二) P2.service_fees: fees within three years of `operation_start`."""

    type: Literal["platform_service_fees"]
    operation_start: Day
    major_public_platform: bool
    fees: list[Fee] = Field(min_length=1)
    matter: Matter = None


class PkDemoProject(_Doc):
    """二(九) P9.pk_demo."""

    type: Literal["pk_demo_project"]
    date: Day
    rd_investment: Money
    selected: bool
    matter: Matter = None


class CompetitionPrize(_Doc):
    """二(十) P10.prize and P10.settlement (exempt from the scope test). The settlement is paid
    once, in matter `settlement`, for the best-ranked settling prize; the others get
    `already_settled` (Revision 2 R3)."""

    type: Literal["competition_prize"]
    date: Day
    rank: Literal[1, 2, 3]
    settles_in_changsha: bool = Field(
        description="The winner came to settle in Changsha after the prize (来长落户)."
    )
    matter: Matter = None


class DiscretionaryEvent(_Doc):
    """二(三)/(五)/(七)/(十): decided case by case; the decision gives only the cap."""

    type: Literal["discretionary"]
    date: Day
    rule: DiscretionaryRule
    matter: Matter = None


Event = Annotated[
    AnnualRevenue
    | LeadingFirmInvestment
    | TalentRecognition
    | UrgentTalent
    | CivilMilitaryResearcher
    | CivilMilitaryTeamProject
    | StandardLed
    | ProjectInvestment
    | IpoStage
    | PlatformConstruction
    | PlatformServiceFees
    | PkDemoProject
    | CompetitionPrize
    | DiscretionaryEvent,
    Field(discriminator="type"),
]


class EvaluateRequest(_Doc):
    """One applicant's facts (contract policyhub.evaluate/1)."""

    as_of: Annotated[
        dt.date | SkipJsonSchema[None],
        Field(description="The decision date; default today. Later events: `future_event`."),
    ] = None
    options: Options | SkipJsonSchema[None] = None
    applicant: Applicant
    events: list[Event]


# --- response -------------------------------------------------------------------------------


class DecisionApplicant(BaseModel):
    id: str | None
    name: str | None


class DecisionOptions(BaseModel):
    dedup_scope: Literal["matter", "applicant"]
    milestone_jump: Literal["highest", "cumulative"]


class Award(BaseModel):
    rule: RuleId
    clause: str = Field(examples=["二(四)"])
    matter: str = Field(
        description="The event's matter, `event-<index>` for an event without one, or the "
        "matter the text fixes: `revenue-Y`, `leading-firm`, `talent`, `settlement`.",
        examples=["revenue-2020", "leading-firm", "talent", "settlement"],
    )
    amount: Amount
    ceiling: bool = Field(
        description="True where the text bounds the amount itself (不超过, 二(七)): the "
        "amount is an upper bound and a reviewer may approve less."
    )
    status: Literal["granted", "excluded"]
    excluded_by: RuleId | SkipJsonSchema[None] = Field(
        None, description="Only when `excluded`: a rule of the winning clause group (三(一))."
    )
    explanation: str = Field(description="Chinese; names the clause and the figures used.")
    events: list[int] = Field(description="Indexes (0-based) of the events behind this award.")


class Discretionary(BaseModel):
    rule: DiscretionaryRule
    clause: str
    matter: str
    cap: Amount | None = Field(
        description="The cap the text gives, or null where it gives none. For "
        "`P10.exceptional_settlement`: 10,000,000.00 less the `P10.settlement` granted in this "
        "decision, never below 0.00 (the 一事一议 award replaces the standard one, R3)."
    )
    event_index: int = Field(ge=0)
    explanation: str


class Ineligible(BaseModel):
    event_index: int = Field(ge=0, description="0-based, like the paths of input errors.")
    rule: RuleId | DiscretionaryRule
    reason_code: ReasonCode = Field(
        description="The first reason that applies, in this order: `future_event`, "
        "`applicant_kind`, `out_of_scope`, `outside_validity`, then the rule's own."
    )
    reason: str = Field(description="Chinese; names the clause and the figures used.")


class Decision(BaseModel):
    """The decision for one request."""

    contract: Literal["policyhub.evaluate/1"]
    as_of: dt.date
    applicant: DecisionApplicant
    options: DecisionOptions
    awards: list[Award]
    discretionary: list[Discretionary]
    ineligible: list[Ineligible]
    total: Amount = Field(description="The sum of the granted amounts.")


class Problem(BaseModel):
    path: str = Field(
        description="The field's path, e.g. `events[2].level`; empty for the body as a whole.",
        examples=["events[0].rank"],
    )
    message: str = Field(examples=["must be one of 1 | 2 | 3, got 4"])


class ProblemReport(BaseModel):
    """The request was refused whole (nothing was evaluated): one entry per problem."""

    detail: list[Problem] = Field(min_length=1)


# --- the request body as OpenAPI components ---------------------------------------------------


def request_components() -> dict[str, Any]:
    """EvaluateRequest and the models it uses, keyed by name, for components/schemas."""
    schema = EvaluateRequest.model_json_schema(ref_template=REF_TEMPLATE, mode="validation")
    components: dict[str, Any] = schema.pop("$defs", {})
    components[EvaluateRequest.__name__] = schema
    return components


REQUEST_BODY: dict[str, Any] = {
    "required": True,
    "description": "One `policyhub.evaluate/1` request (docs/contract-evaluate.md). Extra "
    "fields are ignored.",
    "content": {
        "application/json": {
            "schema": {"$ref": REF_TEMPLATE.format(model=EvaluateRequest.__name__)}
        }
    },
}
