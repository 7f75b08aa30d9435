"""DOMAIN.md's figures, read back from the database as the default policy set loaded them."""

from datetime import time
from decimal import Decimal

import pytest

from apps.policy.models import (
    AlternativeRoute,
    ComplaintType,
    EvidenceFormat,
    EvidenceTier,
    LetterPhrase,
    Platform,
    PolicySettings,
    SpecialCase,
    Stage,
)

pytestmark = pytest.mark.django_db


def test_four_platforms_with_entry_point_identity_check_and_longest_handling_time():
    rows = {
        p.code: (p.name, p.entry_point, p.identity_methods, p.longest_handling_hours)
        for p in Platform.objects.all()
    }
    assert rows == {
        "wechat": ("微信", "客服工单系统", ["face_recognition", "sms_code"], 72),
        "alipay": ("支付宝", "投诉详情页", ["payment_password"], 24),
        "douyin": ("抖音", "创作中心-争议管理", ["real_name"], 48),
        "taobao": ("淘宝", "消费者权益保护", ["digital_certificate"], 120),
    }


def test_each_platform_example_number_matches_its_own_format_only():
    import re

    platforms = list(Platform.objects.all())
    for platform in platforms:
        for other in platforms:
            matches = re.fullmatch(other.complaint_number_pattern, platform.complaint_number_example)
            assert bool(matches) is (other == platform), (platform.code, other.code)


def test_four_complaint_types_with_withdrawability_handling_days_and_documents():
    rows = {
        t.code: (
            t.withdrawability,
            t.handling_days_min,
            t.handling_days_max,
            t.frozen_at_once,
            sorted(t.required_documents.values_list("code", flat=True)),
        )
        for t in ComplaintType.objects.prefetch_related("required_documents")
    }
    assert rows == {
        "infringement": ("very_unlikely", 3, 7, False, ["legal_documents", "withdrawal_proof"]),
        "fraud": ("never", 0, 0, True, []),
        "account_violation": ("conditional", 1, 3, False, ["respondent_consent"]),
        "content_infringement": ("restricted", 2, 5, False, []),
    }
    assert "公安立案" in ComplaintType.objects.get(code="fraud").key_condition


def test_four_stages_with_window_entry_rate_and_decay():
    rows = [
        (s.code, s.starts_at_hour, s.ends_at_hour, s.entry_success_rate, s.decay_rate,
         s.decay_period_hours, s.irreversible)
        for s in Stage.objects.order_by("starts_at_hour")
    ]
    assert rows == [
        ("preliminary_review", 0, 6, Decimal("0.92"), Decimal("0.08"), 1, False),
        ("evidence_check", 6, 24, Decimal("0.65"), Decimal("0.15"), 6, False),
        ("final_review", 24, 72, Decimal("0.33"), Decimal("0.20"), 12, False),
        ("handled", 72, None, Decimal("0.05"), Decimal("0"), None, True),
    ]
    assert "4小时" in Stage.objects.get(code="preliminary_review").deadline_inside


def test_four_special_cases_each_with_exactly_its_documents():
    rows = {
        c.code: sorted(c.documents.values_list("code", flat=True))
        for c in SpecialCase.objects.prefetch_related("documents")
    }
    assert rows == {
        "minor": ["birth_certificate", "guardian_identity"],
        "enterprise_account": ["authorisation_letter", "business_licence"],
        "cross_border": ["consular_authentication"],
        "system_triggered": ["technical_log_extract"],
    }
    minor = SpecialCase.objects.get(code="minor")
    assert set(minor.documents.values_list("formality", flat=True)) == {"需公证处盖章"}


def test_four_alternative_routes_with_time_cost_and_success_rate():
    rows = {
        r.code: (r.days_min, r.days_max, r.day_kind, r.cost_from_yuan, r.success_rate)
        for r in AlternativeRoute.objects.all()
    }
    assert rows == {
        "official_customer_service": (1, 5, "working", None, Decimal("0.37")),
        "courts": (15, 30, "calendar", 2000, Decimal("0.68")),
        "mediation_committee": (3, 7, "calendar", None, Decimal("0.54")),
        "arbitration": (7, 14, "calendar", 800, Decimal("0.79")),
    }


def test_service_hours_limits_and_the_articles_baseline():
    policy = PolicySettings.objects.get()
    assert (policy.service_opens_at, policy.service_closes_at) == (time(9, 0), time(21, 0))
    assert policy.time_zone == "Asia/Shanghai"
    assert policy.first_contact_hours == 4
    assert policy.max_evidence_bytes == 20 * 1024 * 1024
    assert policy.complete_chain_odds_multiplier == Decimal("4.70")
    assert policy.cooling_off_minutes == 5
    assert policy.face_rejection_rate == Decimal("0.18")
    assert policy.peak_assignment_wait_hours == 72
    assert (policy.annual_complaints, policy.baseline_withdrawal_success_rate) == (2_300_000, Decimal("0.17"))
    assert policy.misoperation_dispute_rate == Decimal("0.32")


def test_evidence_is_pdf_or_docx_in_three_tiers():
    assert dict(EvidenceFormat.objects.values_list("mime_type", "carries_images")) == {
        "application/pdf": False,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document": True,
    }
    assert list(EvidenceTier.objects.values_list("code", flat=True)) == ["base", "core", "supplementary"]
    assert "IMEI" in EvidenceTier.objects.get(code="base").description


def test_letter_coach_phrases_include_the_articles_blame_phrases_and_precise_terms():
    blame = set(LetterPhrase.objects.filter(kind="blame_shifting").values_list("phrase", flat=True))
    terms = set(LetterPhrase.objects.filter(kind="precise_term").values_list("phrase", flat=True))
    assert {"误操作", "不小心"} <= blame
    assert terms == {"工单编号", "举证责任", "复议程序"}


def test_policy_rows_are_named_in_the_viewers_language():
    from django.utils import translation

    wechat = Platform.objects.get(code="wechat")
    with translation.override("zh-hans"):
        assert str(wechat) == "微信"
    with translation.override("en"):
        assert str(wechat) == "WeChat"
