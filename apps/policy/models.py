"""Policy data: every figure and table of the domain, editable by administrators.

Nothing here is a constant in code: the defaults come from a data migration (0002) and the clock,
the portal and the workspace read them from these tables.
"""

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

RATE_VALIDATORS = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))]


def rate_field(verbose_name: "StrOrPromise", **kwargs: Any) -> models.DecimalField:
    """A probability or share stored as 0..1 with four decimals (0.9200 is 92 %)."""
    return models.DecimalField(
        verbose_name, max_digits=5, decimal_places=4, validators=RATE_VALIDATORS, **kwargs
    )


class Named(models.Model):
    """A policy row with a stable code for integrations and names in both languages."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        abstract = True
        ordering = ["order", "code"]

    def __str__(self) -> str:
        """The name in the viewer's language: English when it is active, Chinese otherwise."""
        return self.name_en if (get_language() or "").startswith("en") and self.name_en else self.name


class PolicySettings(models.Model):
    """The single row of global policy: service hours, time zone, limits and the article's figures."""

    SINGLETON_PK = 1

    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Shanghai")
    service_opens_at = models.TimeField(_("service opens at"))
    service_closes_at = models.TimeField(
        _("service closes at"), help_text=_("The closing minute itself is outside service hours.")
    )
    service_on_holidays = models.BooleanField(_("service open on holidays"), default=True)
    first_contact_hours = models.PositiveIntegerField(
        _("first contact within (hours)"),
        help_text=_("From the complaint's filing: contact customer service within this many hours."),
    )
    peak_assignment_wait_hours = models.PositiveIntegerField(
        _("assignment may take at peak (hours)"),
        help_text=_("Told to requesters at step 5: at peak times assignment can take longer than this."),
    )
    max_evidence_bytes = models.PositiveBigIntegerField(_("largest evidence file (bytes)"))
    # What checking one evidence file may cost: a PDF's structure, then the checking process's
    # time and memory (see apps.evidence.checks.bounded). 500 pages is far more than any agreement,
    # statement or bundle of screenshots handed in as evidence. 100,000 objects is 200 a page at 500
    # pages (a tagged PDF has one per paragraph); walking that many took 1.6 s and 250 MB here
    # (bench/README.md), 200,000 took 2.7 s and 460 MB: too near the time and memory limits.
    max_pdf_pages = models.PositiveIntegerField(
        _("largest PDF (pages)"), default=500, validators=[MinValueValidator(1)]
    )
    max_pdf_objects = models.PositiveIntegerField(
        _("largest PDF (objects)"), default=100_000, validators=[MinValueValidator(100)],
        help_text=_("A PDF's internal parts; a file with more is refused as too complex to check."),
    )
    evidence_check_seconds = models.PositiveSmallIntegerField(
        _("evidence check time limit (seconds)"), default=5,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text=_("The upload waits for the check: keep this to a few seconds."),
    )
    evidence_check_memory_mb = models.PositiveIntegerField(
        _("evidence check memory limit (MB)"), default=512,
        validators=[MinValueValidator(128), MaxValueValidator(4096)],
    )
    complete_chain_odds_multiplier = models.DecimalField(
        _("complete evidence chain: approval odds ×"), max_digits=5, decimal_places=2,
        validators=[MinValueValidator(Decimal("1"))],
        help_text=_("A request whose evidence covers every tier is approved this many times as often."),
    )
    cooling_off_minutes = models.PositiveIntegerField(
        _("cooling-off period (minutes)"),
        help_text=_("The complainant may cancel a low-risk complaint alone within this time of filing it."),
    )
    notice_sms_per_hour = models.PositiveSmallIntegerField(
        _("text messages to one requester per hour"), default=5,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("More within a rolling hour wait for the hour to allow them; none is dropped."),
    )
    notice_expiry_warning_hours = models.PositiveSmallIntegerField(
        _("warn the requester before expiry (hours)"), default=2,
        validators=[MinValueValidator(1), MaxValueValidator(72)],
        help_text=_("How long before a request can no longer succeed its requester is told."),
    )
    face_rejection_rate = rate_field(_("face recognition: share of attempts rejected"))
    annual_complaints = models.PositiveIntegerField(_("baseline: complaints a year"))
    baseline_withdrawal_success_rate = rate_field(_("baseline: withdrawal requests that succeed"))
    misoperation_dispute_rate = rate_field(_("baseline: users in a dispute through a mis-operation"))

    class Meta:
        verbose_name = _("policy settings")
        verbose_name_plural = _("policy settings")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="policysettings_singleton"),
            models.CheckConstraint(
                condition=Q(service_opens_at__lt=models.F("service_closes_at")),
                name="policysettings_service_window_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service_opens_at:%H:%M}-{self.service_closes_at:%H:%M} {self.time_zone}"


class IdentityMethod(models.TextChoices):
    FACE_RECOGNITION = "face_recognition", _("face recognition")
    SMS_CODE = "sms_code", _("SMS code")
    PAYMENT_PASSWORD = "payment_password", _("payment password")
    REAL_NAME = "real_name", _("real-name check")
    DIGITAL_CERTIFICATE = "digital_certificate", _("digital certificate")


class Platform(Named):
    """A platform complaints are filed on, with its withdrawal entry point and identity check."""

    entry_point = models.CharField(_("withdrawal entry point (Chinese)"), max_length=200)
    entry_point_en = models.CharField(_("withdrawal entry point (English)"), max_length=200)
    entry_path = models.CharField(
        _("path in the app (Chinese)"), max_length=200, blank=True,
        help_text=_("Shown at intake step 1, e.g. 我 › 设置 › 帮助与反馈 › 投诉相关问题."),
    )
    entry_path_en = models.CharField(_("path in the app (English)"), max_length=200, blank=True)
    identity_methods = models.JSONField(
        _("identity methods"), default=list,
        help_text=format_lazy(
            _("All of these must pass, in order; values: {values}."), values=", ".join(IdentityMethod.values)
        ),
    )
    longest_handling_hours = models.PositiveIntegerField(
        _("longest handling time (hours)"), validators=[MinValueValidator(1)]
    )
    complaint_number_pattern = models.CharField(
        _("complaint number format (regular expression)"), max_length=200
    )
    complaint_number_example = models.CharField(_("complaint number example"), max_length=64)
    complaint_number_hint = models.CharField(
        _("where to find the complaint number (Chinese)"), max_length=200, blank=True
    )
    complaint_number_hint_en = models.CharField(
        _("where to find the complaint number (English)"), max_length=200, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta(Named.Meta):
        verbose_name = _("platform")
        verbose_name_plural = _("platforms")


class ComplaintNumberLookalike(models.Model):
    """A number people mistake for a complaint number (an order or chat-record number)."""

    class Kind(models.TextChoices):
        ORDER = "order", _("order number")
        CHAT_RECORD = "chat_record", _("chat-record number")

    platform = models.ForeignKey(
        Platform, on_delete=models.CASCADE, related_name="number_lookalikes", null=True, blank=True,
        help_text=_("Empty: applies to every platform."),
    )
    kind = models.CharField(_("looks like"), max_length=20, choices=Kind.choices)
    pattern = models.CharField(_("pattern (regular expression)"), max_length=200)
    hint = models.CharField(_("message (Chinese)"), max_length=300)
    hint_en = models.CharField(_("message (English)"), max_length=300)

    class Meta:
        ordering = ["platform__order", "kind"]
        verbose_name = _("complaint number look-alike")
        verbose_name_plural = _("complaint number look-alikes")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pattern}"


class DocumentRequirement(Named):
    """A document a ticket may have to carry: written proof, consent, a licence, a log extract."""

    description = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    formality = models.CharField(
        _("formality (Chinese)"), max_length=100, blank=True,
        help_text=_("How it must be made out, e.g. notarised, signed by the legal representative."),
    )
    formality_en = models.CharField(_("formality (English)"), max_length=100, blank=True)

    class Meta(Named.Meta):
        verbose_name = _("document requirement")
        verbose_name_plural = _("document requirements")


class Withdrawability(models.TextChoices):
    NEVER = "never", _("never")
    VERY_UNLIKELY = "very_unlikely", _("very unlikely")
    CONDITIONAL = "conditional", _("conditionally")
    RESTRICTED = "restricted", _("restricted")


class ComplaintType(Named):
    """A kind of complaint, how withdrawable it is and how long the platform takes over it."""

    examples = models.CharField(_("examples (Chinese)"), max_length=200, blank=True)
    examples_en = models.CharField(_("examples (English)"), max_length=200, blank=True)
    withdrawability = models.CharField(
        _("withdrawable"), max_length=20, choices=Withdrawability.choices
    )
    handling_days_min = models.PositiveSmallIntegerField(_("handling time from (working days)"))
    handling_days_max = models.PositiveSmallIntegerField(_("handling time to (working days)"))
    frozen_at_once = models.BooleanField(
        _("frozen at once"), default=False,
        help_text=_("The complaint is frozen on filing (fraud): no handling time runs."),
    )
    key_condition = models.TextField(_("key condition (Chinese)"))
    key_condition_en = models.TextField(_("key condition (English)"))
    refusal_reason = models.TextField(
        _("reason given when refused at intake (Chinese)"), blank=True,
        help_text=_("Filled for types that are never withdrawable."),
    )
    refusal_reason_en = models.TextField(_("reason given when refused at intake (English)"), blank=True)
    low_risk = models.BooleanField(
        _("low risk: self-service cooling-off lane"), default=False,
        help_text=_("Its complainant may cancel it alone within the cooling-off period."),
    )
    required_documents = models.ManyToManyField(
        DocumentRequirement, related_name="complaint_types", blank=True,
        verbose_name=_("required documents"),
    )

    class Meta(Named.Meta):
        verbose_name = _("complaint type")
        verbose_name_plural = _("complaint types")
        constraints = [
            models.CheckConstraint(
                condition=Q(handling_days_min__lte=models.F("handling_days_max")),
                name="complainttype_handling_range_ordered",
            ),
        ]


class Stage(Named):
    """A stage of a complaint's life, by its age since filing, with the success curve inside it."""

    starts_at_hour = models.PositiveIntegerField(_("starts at (hours after filing)"))
    ends_at_hour = models.PositiveIntegerField(
        _("ends at (hours after filing)"), null=True, blank=True,
        help_text=_("Empty: the stage never ends."),
    )
    entry_success_rate = rate_field(_("success rate at entry"))
    decay_rate = rate_field(
        _("decay per period"), default=Decimal("0"),
        help_text=_("0.0800 means the estimate falls by 8 percent of itself each period."),
    )
    decay_period_hours = models.PositiveIntegerField(
        _("decay period (hours)"), null=True, blank=True, validators=[MinValueValidator(1)],
        help_text=_("Empty: the estimate stays at its entry rate."),
    )
    deadline_inside = models.CharField(_("deadline inside (Chinese)"), max_length=200, blank=True)
    deadline_inside_en = models.CharField(_("deadline inside (English)"), max_length=200, blank=True)
    needed_to_continue = models.CharField(_("needed to go on (Chinese)"), max_length=200, blank=True)
    needed_to_continue_en = models.CharField(_("needed to go on (English)"), max_length=200, blank=True)
    needed_documents = models.ManyToManyField(
        DocumentRequirement, related_name="stages", blank=True,
        verbose_name=_("documents needed to go on"),
    )
    irreversible = models.BooleanField(
        _("irreversible"), default=False,
        help_text=_("Only administrative reconsideration remains once a complaint is here."),
    )

    class Meta(Named.Meta):
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at_hour__isnull=True) | Q(ends_at_hour__gt=models.F("starts_at_hour")),
                name="stage_window_ordered",
            ),
            models.CheckConstraint(
                condition=Q(decay_rate=0) | Q(decay_period_hours__isnull=False),
                name="stage_decay_has_period",
            ),
        ]


class CalendarOverride(models.Model):
    """A day an administrator declares a holiday or a make-up working day, over the national calendar."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("holiday (no work)")
        WORKDAY = "workday", _("make-up working day")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    reason = models.CharField(_("reason"), max_length=200)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


class CalendarYear(models.Model):
    """A year whose holiday schedule an administrator has entered in full as calendar overrides.

    Until a year is known, from the holidays package or from a row here, deadlines reaching into
    it count weekends only and are shown as provisional.
    """

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    schedule_complete = models.BooleanField(
        _("holiday schedule entered in full"), default=False,
        help_text=_("Tick once every public holiday and make-up working day of the year is entered."),
    )
    note = models.CharField(_("source of the schedule"), max_length=200, blank=True)

    class Meta:
        ordering = ["year"]
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")

    def __str__(self) -> str:
        return str(self.year)


class SpecialCase(Named):
    """A complaint filed by mistake in special circumstances, and the documents it then needs."""

    policy = models.CharField(_("policy (Chinese)"), max_length=200)
    policy_en = models.CharField(_("policy (English)"), max_length=200)
    example = models.CharField(_("example (Chinese)"), max_length=200, blank=True)
    example_en = models.CharField(_("example (English)"), max_length=200, blank=True)
    documents = models.ManyToManyField(
        DocumentRequirement, related_name="special_cases", verbose_name=_("documents")
    )

    class Meta(Named.Meta):
        verbose_name = _("special case")
        verbose_name_plural = _("special cases")


class AlternativeRoute(Named):
    """Where a requester can go when withdrawal fails, with its time, cost and success rate."""

    class DayKind(models.TextChoices):
        WORKING = "working", _("working days")
        CALENDAR = "calendar", _("days")

    days_min = models.PositiveSmallIntegerField(_("takes from (days)"))
    days_max = models.PositiveSmallIntegerField(_("takes to (days)"))
    day_kind = models.CharField(_("counted in"), max_length=10, choices=DayKind.choices)
    cost = models.CharField(_("cost (Chinese)"), max_length=100)
    cost_en = models.CharField(_("cost (English)"), max_length=100)
    cost_from_yuan = models.PositiveIntegerField(
        _("cost from (yuan)"), null=True, blank=True, help_text=_("Empty: free or negotiated.")
    )
    success_rate = rate_field(_("success rate"))

    class Meta(Named.Meta):
        verbose_name = _("alternative route")
        verbose_name_plural = _("alternative routes")
        constraints = [
            models.CheckConstraint(
                condition=Q(days_min__lte=models.F("days_max")), name="route_days_ordered"
            ),
        ]


class EvidenceTier(Named):
    """A tier of the evidence chain: base, core, supplementary."""

    description = models.TextField(_("what belongs here (Chinese)"))
    description_en = models.TextField(_("what belongs here (English)"))

    class Meta(Named.Meta):
        verbose_name = _("evidence tier")
        verbose_name_plural = _("evidence tiers")


class EvidenceFormat(Named):
    """A file format evidence may come in, recognised by its content's MIME type."""

    mime_type = models.CharField(_("MIME type"), max_length=120, unique=True)
    extension = models.CharField(_("usual extension"), max_length=10)
    carries_images = models.BooleanField(
        _("images go in this format"), default=False,
        help_text=_("Bare images are refused; people are told to put them into this format."),
    )

    class Meta(Named.Meta):
        verbose_name = _("evidence format")
        verbose_name_plural = _("evidence formats")


class LetterPhrase(models.Model):
    """A phrase the letter coach looks for: blame-shifting ones to avoid, precise terms to use."""

    class Kind(models.TextChoices):
        BLAME_SHIFTING = "blame_shifting", _("blame-shifting: avoid")
        PRECISE_TERM = "precise_term", _("precise term: use")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    phrase = models.CharField(_("phrase"), max_length=60)
    meaning_en = models.CharField(_("meaning (English)"), max_length=100)
    advice = models.CharField(_("advice (Chinese)"), max_length=200, blank=True)
    advice_en = models.CharField(_("advice (English)"), max_length=200, blank=True)

    class Meta:
        ordering = ["kind", "phrase"]
        verbose_name = _("letter phrase")
        verbose_name_plural = _("letter phrases")
        constraints = [
            models.UniqueConstraint(fields=["kind", "phrase"], name="letterphrase_unique_per_kind"),
        ]

    def __str__(self) -> str:
        return self.phrase
