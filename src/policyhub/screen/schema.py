"""The registry export screened by `policyhub screen`: an events table (docs/screening.md).

One row per event (one row per fee of a `platform_service_fees` event, the rows of one event
sharing its `event_index`), the applicant's columns repeated on every row. A column is named
after the contract's field (docs/contract-evaluate.md) except where two fields would clash:
the project's `kind` is `project_kind`, and a fee's `{date, amount}` are `fee_date` and
`fee_amount`.

Every code the kernel works with (event types, rules, reasons, enums) is an index into one of
the tuples below, so the hot paths compare small integers, never strings.
"""

from __future__ import annotations

from enum import Enum

from policyhub.engine import meta
from policyhub.engine.request import (
    CATEGORIES,
    DISCRETIONARY_RULES,
    EVENT_TYPES,
    KINDS,
    LEVELS,
    PEOPLE,
    SCOPE_FLAGS,
)
from policyhub.screen.options import OPTIONS as OPTIONS


class Kind(Enum):
    """How a column's cells are read (CSV text, or the Parquet types listed per kind)."""

    TEXT = "text"  # non-empty string (Parquet: string; applicant_id may be an integer)
    MONEY = "money"  # yuan: plain decimal string, Parquet decimal(p, s) or integer
    DATE = "date"  # ISO YYYY-MM-DD string or Parquet date32
    BOOL = "bool"  # true / false (any case) or Parquet boolean
    INT = "int"  # digits or Parquet integer


APPLICANT_COLUMNS: dict[str, Kind] = {
    "applicant_id": Kind.TEXT,
    "name": Kind.TEXT,
    "kind": Kind.TEXT,
    "credit_code": Kind.TEXT,
    **{flag: Kind.BOOL for flag in SCOPE_FLAGS},
}

EVENT_COLUMNS: dict[str, Kind] = {
    "type": Kind.TEXT,
    "event_index": Kind.INT,
    "matter": Kind.TEXT,
    "date": Kind.DATE,
    "year": Kind.INT,
    "amount": Kind.MONEY,
    "paid_in_capital": Kind.MONEY,
    "completed_investment": Kind.MONEY,
    "schedule_met": Kind.BOOL,
    "level": Kind.TEXT,
    "revision": Kind.BOOL,
    "housing_price_per_m2": Kind.MONEY,
    "category": Kind.TEXT,
    "total_investment": Kind.MONEY,
    "actual_investment": Kind.MONEY,
    "project_kind": Kind.TEXT,
    "stage": Kind.TEXT,
    "construction_cost": Kind.MONEY,
    "major_public_platform": Kind.BOOL,
    "operation_start": Kind.DATE,
    "fee_date": Kind.DATE,
    "fee_amount": Kind.MONEY,
    "rd_investment": Kind.MONEY,
    "selected": Kind.BOOL,
    "rank": Kind.INT,
    "settles_in_changsha": Kind.BOOL,
    "rule": Kind.TEXT,
}

COLUMNS: dict[str, Kind] = {**APPLICANT_COLUMNS, **EVENT_COLUMNS}
REQUIRED_COLUMNS = ("applicant_id", "kind", *SCOPE_FLAGS, "type", "event_index")

# The contract's field -> this table's column, where they differ.
RENAMED = {("project_investment", "kind"): "project_kind"}
FEE_COLUMNS = {"date": "fee_date", "amount": "fee_amount"}

# Per event type: the columns it needs, in the contract's order (engine.request.EVENT_FIELDS).
EVENT_FIELDS: dict[str, tuple[str, ...]] = {
    "annual_revenue": ("year", "amount"),
    "leading_firm_investment": ("date", "paid_in_capital", "completed_investment",
                                "schedule_met"),
    "talent_recognition": ("date", "level", "housing_price_per_m2"),
    "urgent_talent": ("date", "category"),
    "civil_military_researcher": ("date", "category"),
    "civil_military_team_project": ("date",),
    "standard_led": ("date", "level"),
    "project_investment": ("date", "total_investment", "actual_investment", "project_kind"),
    "ipo_stage": ("date", "stage"),
    "platform_construction": ("date", "construction_cost", "major_public_platform"),
    "platform_service_fees": ("operation_start", "major_public_platform", "fee_date",
                              "fee_amount"),
    "pk_demo_project": ("date", "rd_investment", "selected"),
    "competition_prize": ("date", "rank", "settles_in_changsha"),
    "discretionary": ("date", "rule"),
}
assert tuple(EVENT_FIELDS) == EVENT_TYPES
# Per event type: the optional columns it reads; an empty cell (or an absent column) is
# false, as the contract's default.
OPTIONAL_FIELDS: dict[str, tuple[str, ...]] = {"standard_led": ("revision",)}
# Columns shared by every row of one platform_service_fees event (the rest are per fee).
FEE_EVENT_COLUMNS = ("operation_start", "major_public_platform")

STAGES = ("tutoring_filed", "application_accepted", "listed")
PROJECT_KINDS = ("new_build", "tech_upgrade")
RANKS = (1, 2, 3)
# Closed vocabularies per (type, column); `level` of standard_led is free text (an unknown
# level is not bad input but `unsupported_level`).
CHOICES: dict[tuple[str, str], tuple[str, ...]] = {
    ("talent_recognition", "level"): LEVELS,
    ("urgent_talent", "category"): CATEGORIES,
    ("civil_military_researcher", "category"): CATEGORIES,
    ("project_investment", "project_kind"): PROJECT_KINDS,
    ("ipo_stage", "stage"): STAGES,
    ("discretionary", "rule"): DISCRETIONARY_RULES,
}

# --- integer codes -------------------------------------------------------------------------

TYPE_CODE = {t: i for i, t in enumerate(EVENT_TYPES)}
KIND_CODE = {k: i for i, k in enumerate(KINDS)}
PEOPLE_CODES = tuple(KIND_CODE[k] for k in PEOPLE)

RULES: tuple[str, ...] = tuple(meta.rules())  # rules.yaml order = the engine's `order`
RULE_CODE = {r: i for i, r in enumerate(RULES)}
RULE_CLAUSE = tuple(meta.rule(r).clause for r in RULES)
RULE_GROUP = tuple(meta.rule(r).group for r in RULES)
RULE_CEILING = tuple(meta.rule(r).ceiling for r in RULES)
RULE_PER_MATTER = tuple(meta.rule(r).per == "matter" for r in RULES)
CLAUSES: tuple[str, ...] = tuple(dict.fromkeys(RULE_CLAUSE))
# Contract Revision 2, from rules.yaml: the kinds each rule pays (R4), the matter the text
# fixes for a rule (R1-R3; `revenue-{year}` for the milestones), the rule whose granted
# amount a case-by-case cap is less (R3), the levels rewarded for drafting only (R5).
RULE_KINDS: tuple[tuple[str, ...], ...] = tuple(meta.rule(r).kinds for r in RULES)
RULE_MATTER: tuple[str | None, ...] = tuple(meta.rule(r).matter for r in RULES)
RULE_CAP_LESS: tuple[str | None, ...] = tuple(meta.rule(r).cap_less for r in RULES)
DRAFTING_ONLY: tuple[str, ...] = meta.rule("P6.standard").drafting_only
# The event type whose awards each fixed matter holds (an event naming it shares it).
FIXED_MATTERS: dict[str, str] = {
    str(meta.rule(rule).matter): event_type for rule, event_type in (
        ("P4.leading_firm", "leading_firm_investment"),
        ("P5.talent_reward", "talent_recognition"),
        ("P10.settlement", "competition_prize"))}
assert set(FIXED_MATTERS) == {m for m in RULE_MATTER if m and "{" not in m}

REASONS = (
    "future_event",
    "out_of_scope",
    "outside_validity",
    "below_threshold",
    "not_first_crossing",
    "schedule_not_met",
    "not_selected",
    "not_major_platform",
    "unsupported_level",
    "beyond_operation_window",
    "duplicate_stage",
    # Revision 2 (docs/contract-evaluate.md), after the others: the codes above keep theirs.
    "applicant_kind",
    "already_recognised",
    "already_settled",
    "local_revision",
)
REASON_CODE = {r: i for i, r in enumerate(REASONS)}

ENTRIES = ("award", "discretionary", "ineligible", "total")
STATUSES = ("granted", "excluded")
