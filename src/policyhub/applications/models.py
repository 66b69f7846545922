"""Applications (申报) and their history: transitions, committee decisions, objections,
appeals, and 免申即享 proposals.

The state machine itself is `workflow.py`; only `services.transition()` changes `state`.
History rows are append-only (healthchecks' `Flip`): what happened is derived from them.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from policyhub.appendonly import AppendOnlyModel, AppendOnlyQuerySet
from policyhub.applications import workflow
from policyhub.registry.models import Organisation, Person, Team

DIGITS, PLACES = 14, 2  # up to a trillion yuan, in fen
POSITIVE = [MinValueValidator(Decimal("0.01"))]


# 申报主体: an organisation, a talent (Person) or a team (《若干政策》二(五)、二(十)).
Applicant = Organisation | Person | Team
APPLICANT_FIELDS = ("organisation", "person", "team")
APPLICANT_KIND_LABELS = {"organisation": "单位", "person": "人才", "team": "团队"}


def applicant_field(applicant: Applicant) -> str:
    """The Application/Proposal field that holds `applicant`: organisation, person or team."""
    if isinstance(applicant, Organisation):
        return "organisation"
    if isinstance(applicant, Person):
        return "person"
    if isinstance(applicant, Team):
        return "team"
    raise TypeError(f"not an applicant: {applicant!r}")


def of_applicant(applicant: Applicant) -> dict[str, Applicant]:
    """Keyword arguments that select (or set) `applicant` on an Application or Proposal."""
    return {applicant_field(applicant): applicant}


def owning_organisation(applicant: Applicant) -> Organisation | None:
    """The organisation whose applicant users act for `applicant`: itself, a person's
    employer, a team's leader's employer (as registry.permissions.owner)."""
    if isinstance(applicant, Organisation):
        return applicant
    return applicant.organisation


def exactly_one_applicant(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=(
            models.Q(organisation__isnull=False, person__isnull=True, team__isnull=True)
            | models.Q(organisation__isnull=True, person__isnull=False, team__isnull=True)
            | models.Q(organisation__isnull=True, person__isnull=True, team__isnull=False)),
        name=name)


class HasApplicant(models.Model):
    """Exactly one of organisation, person, team (the table's CheckConstraint holds it)."""

    class Meta:
        abstract = True

    organisation: models.ForeignKey[Organisation | None, Organisation | None]
    person: models.ForeignKey[Person | None, Person | None]
    team: models.ForeignKey[Team | None, Team | None]

    @property
    def applicant(self) -> Applicant:
        found: Applicant | None = self.organisation or self.person or self.team
        if found is None:
            raise ValueError(f"{self._meta.label} {self.pk} has no applicant")
        return found

    @property
    def applicant_kind(self) -> str:
        """organisation, person or team."""
        return applicant_field(self.applicant)

    @property
    def applicant_kind_label(self) -> str:
        return APPLICANT_KIND_LABELS[self.applicant_kind]

    @property
    def applicant_name(self) -> str:
        return self.applicant.name

    @property
    def applicant_code(self) -> str:
        """What identifies the applicant on documents: an organisation's credit code, a
        person's masked ID number, nothing for a team."""
        found = self.applicant
        if isinstance(found, Organisation):
            return found.credit_code
        if isinstance(found, Person):
            return found.id_number_masked
        return ""

    @property
    def owning_organisation(self) -> Organisation | None:
        return owning_organisation(self.applicant)


class AppendOnly(AppendOnlyModel):
    """Transitions, committee decisions, objections and appeals are written once."""

    objects = AppendOnlyQuerySet["AppendOnly"].as_manager()

    class Meta:
        abstract = True


class ApplicationQuerySet(models.QuerySet["Application"]):
    def open(self) -> ApplicationQuerySet:
        return self.filter(state__in=workflow.OPEN_STATES)

    def same_matter(self, app: Application) -> ApplicationQuerySet:
        """The other applications of `app`'s applicant (whatever its kind) for its matter."""
        return self.filter(**of_applicant(app.applicant), matter=app.matter).exclude(
            pk=app.pk)


class NoticeBatch(models.Model):
    """一批公示: the applications put into public notice on one day, with one period and one
    文号 (year and number in the year, Beijing time). `documents.notice_batch` finds or makes it
    when final review opens a notice; the unique constraints keep concurrent reviews of one
    day in one batch and give every batch of a year its own number."""

    starts_on = models.DateField(_("公示开始"))
    ends_on = models.DateField(_("公示截止"))
    year = models.PositiveIntegerField(_("文号年度"))
    number = models.PositiveIntegerField(_("文号序号"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-starts_on", "-id")
        verbose_name = _("公示批次")
        verbose_name_plural = _("公示批次")
        constraints = (
            models.UniqueConstraint(fields=["starts_on", "ends_on"], name="one_batch_per_period"),
            models.UniqueConstraint(fields=["year", "number"], name="unique_notice_number"),
        )

    def __str__(self) -> str:
        return f"公示〔{self.year}〕{self.number}号 {self.starts_on}—{self.ends_on}"


class Application(HasApplicant):
    # 申报主体: exactly one of an organisation, a talent or a team (exactly_one_applicant).
    organisation = models.ForeignKey("registry.Organisation", on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="applications",
                                     verbose_name=_("申报单位"))
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, null=True,
                               blank=True, related_name="applications",
                               verbose_name=_("申报人才"))
    team = models.ForeignKey("registry.Team", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="applications", verbose_name=_("申报团队"))
    rule = models.CharField(_("规则"), max_length=40)  # engine rule id, e.g. P7.project
    clause = models.CharField(_("条款"), max_length=20)  # contract label, e.g. 二(七)
    reference = models.CharField(_("条款编号"), max_length=40)  # policytext id, 政策/二/(七)
    matter = models.CharField(_("事项"), max_length=100)
    state = models.CharField(_("状态"), max_length=20, choices=workflow.choices(),
                             default="draft", db_index=True)
    # The facts this application brings (engine event dicts) until the registry holds them.
    events = models.JSONField(_("申报事实"), default=list, blank=True)
    requested_amount = models.DecimalField(_("申请金额"), max_digits=DIGITS,
                                           decimal_places=PLACES, null=True, blank=True,
                                           validators=POSITIVE)
    # The engine's amount; for 二(七) its ceiling (`ceiling`), which a reviewer may lower.
    entitled_amount = models.DecimalField(_("核定金额/上限"), max_digits=DIGITS,
                                          decimal_places=PLACES, null=True, blank=True)
    approved_amount = models.DecimalField(_("批准金额"), max_digits=DIGITS,
                                          decimal_places=PLACES, null=True, blank=True,
                                          validators=POSITIVE)
    ceiling = models.BooleanField(_("金额为上限"), default=False)
    discretionary = models.BooleanField(_("一事一议"), default=False)
    cap = models.DecimalField(_("文件上限"), max_digits=DIGITS, decimal_places=PLACES,
                              null=True, blank=True)
    explanation = models.TextField(_("核定说明"), blank=True)
    decision = models.JSONField(_("引擎决定快照"), default=dict, blank=True)
    decided_as_of = models.DateField(_("核定基准日"), null=True, blank=True)
    park = models.ForeignKey("units.Unit", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="park_applications", verbose_name=_("受理园区"))
    department = models.ForeignKey("units.Unit", on_delete=models.PROTECT,
                                   related_name="reviewed_applications",
                                   verbose_name=_("责任部门"))
    notice_starts_on = models.DateField(_("公示开始"), null=True, blank=True)
    notice_ends_on = models.DateField(_("公示截止"), null=True, blank=True)
    # The batch of its latest notice (kept after the notice ends: the published list).
    notice_batch = models.ForeignKey(NoticeBatch, on_delete=models.PROTECT, null=True,
                                     blank=True, related_name="applications",
                                     verbose_name=_("公示批次"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("申报")
        verbose_name_plural = _("申报")
        indexes = (
            # 就高不就低: an organisation's applications for one matter.
            models.Index(fields=["organisation", "matter"]),
            # Reviewers' queues: a department's (or park's) applications in one state.
            models.Index(fields=["department", "state"]),
            models.Index(fields=["park", "state"]),
            # Every list is newest first; without this SQLite sorted all visible rows per page
            # (567 ms at 100k applications, bench_applications).
            models.Index(fields=["-created_at", "-id"], name="application_newest_first"),
            models.Index(fields=["state", "-created_at"], name="application_state_newest"),
            # 就高不就低 for people and teams.
            models.Index(fields=["person", "matter"], name="application_person_matter"),
            models.Index(fields=["team", "matter"], name="application_team_matter"),
        )
        constraints = (
            exactly_one_applicant("application_has_exactly_one_applicant"),
            # One matter, one claim (issue 20): at most one live application per applicant,
            # rule and matter, whatever the timing of two requests. With Proposal.application
            # (one-to-one) it also holds one application per 免申即享 proposal.
            *(models.UniqueConstraint(fields=[field, "rule", "matter"],
                                      condition=models.Q(state__in=workflow.LIVE_STATES),
                                      name=f"one_live_application_{field}")
              for field in APPLICANT_FIELDS),
        )

    def __str__(self) -> str:
        return f"#{self.pk} {self.applicant_name} {self.clause} {self.matter}"

    @property
    def state_label(self) -> str:
        return workflow.state(self.state).zh

    @property
    def award_key(self) -> str:
        """The ledger's key for this award (one commitment per application)."""
        return f"award-{self.pk}"


class TransitionRecord(AppendOnly):
    """One state change: who moved it, in which role, why, with which amount and decision."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT,
                                    related_name="history")
    name = models.CharField(_("动作"), max_length=20)
    source = models.CharField(_("原状态"), max_length=20)
    target = models.CharField(_("新状态"), max_length=20)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                              blank=True, related_name="+")  # null: the system (就高不就低)
    role = models.CharField(_("角色"), max_length=30)
    reason = models.TextField(_("理由"), blank=True)
    amount = models.DecimalField(_("金额"), max_digits=DIGITS, decimal_places=PLACES,
                                 null=True, blank=True)
    decision = models.JSONField(_("引擎决定快照"), default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("at", "id")
        verbose_name = _("流转记录")
        verbose_name_plural = _("流转记录")


class LetterNumber(AppendOnly):
    """The 文号 of an application's 核定通知书, given once at approval: numbered per calendar
    year of the approval day in Beijing time; unique (year, number) under concurrency."""

    application = models.OneToOneField(Application, on_delete=models.PROTECT,
                                       related_name="letter_number")
    year = models.PositiveIntegerField(_("文号年度"))
    number = models.PositiveIntegerField(_("文号序号"))
    issued_on = models.DateField(_("核定日期"))  # the approval day, Beijing time
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("核定通知书文号")
        verbose_name_plural = _("核定通知书文号")
        constraints = (
            models.UniqueConstraint(fields=["year", "number"], name="unique_letter_number"),
        )


class CommitteeDecision(AppendOnly):
    """一事一议: the amount a meeting decided for a discretionary item (≤ the text's cap)."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT,
                                    related_name="committee_decisions")
    meeting_ref = models.CharField(_("会议纪要编号"), max_length=100)
    meeting_date = models.DateField(_("会议日期"))
    amount = models.DecimalField(_("决定金额"), max_digits=DIGITS, decimal_places=PLACES,
                                 validators=POSITIVE)
    members = models.JSONField(_("参会成员"), default=list)
    minutes = models.FileField(_("会议纪要"), upload_to="committee/%Y/", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("recorded_at", "id")
        verbose_name = _("一事一议会议决定")
        verbose_name_plural = _("一事一议会议决定")


class Raised(AppendOnly):
    """Something a user raises against an application, in their own words, once (each
    subclass names its link to the application, so the migrations keep plain names)."""

    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    raised_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ("raised_at", "id")


class Objection(Raised):
    """公示异议: raised during the notice by another applicant; the bureau answers it."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT,
                                    related_name="objections")
    text = models.TextField(_("异议内容"))

    class Meta(Raised.Meta):
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")


class Appeal(Raised):
    """申诉 after a refusal: goes to the industry bureau's final review."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT,
                                    related_name="appeals")
    reason = models.TextField(_("申诉理由"))

    class Meta(Raised.Meta):
        verbose_name = _("申诉")
        verbose_name_plural = _("申诉")


class Proposal(HasApplicant):
    """免申即享: an entitlement found by screening the registry that nobody applied for."""

    class Status(models.TextChoices):
        OPEN = "open", _("待确认")
        CONFIRMED = "confirmed", _("已确认")
        DISMISSED = "dismissed", _("已放弃")

    organisation = models.ForeignKey("registry.Organisation", on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="proposals")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, null=True,
                               blank=True, related_name="proposals")
    team = models.ForeignKey("registry.Team", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="proposals")
    rule = models.CharField(_("规则"), max_length=40)
    clause = models.CharField(_("条款"), max_length=20)
    matter = models.CharField(_("事项"), max_length=100)
    amount = models.DecimalField(_("核定金额/上限"), max_digits=DIGITS, decimal_places=PLACES)
    ceiling = models.BooleanField(_("金额为上限"), default=False)
    explanation = models.TextField(_("核定说明"), blank=True)
    events = models.JSONField(_("所依据事实"), default=list)
    decision = models.JSONField(_("引擎决定快照"), default=dict)
    run = models.CharField(_("筛查批次"), max_length=40)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices,
                              default=Status.OPEN)
    application = models.OneToOneField(Application, on_delete=models.PROTECT, null=True,
                                       blank=True, related_name="proposal")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("免申即享建议")
        verbose_name_plural = _("免申即享建议")
        # Screening re-runs are idempotent: one proposal per applicant, rule and matter.
        constraints = (
            models.UniqueConstraint(fields=["organisation", "rule", "matter"],
                                    name="unique_proposal"),
            models.UniqueConstraint(fields=["person", "rule", "matter"],
                                    name="unique_person_proposal"),
            models.UniqueConstraint(fields=["team", "rule", "matter"],
                                    name="unique_team_proposal"),
            exactly_one_applicant("proposal_has_exactly_one_applicant"),
        )

    def __str__(self) -> str:
        return f"{self.applicant_name} {self.clause} {self.matter} {self.amount}"
