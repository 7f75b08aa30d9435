"""The letter coach, pure: structure, blame-shifting, precise terms, the minute, the remedy, the score."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from apps.tickets import letter_coach as coach
from apps.tickets.letter_coach import CoachReport, LetterDraft, Phrase, find_times, letter_coach

SHANGHAI = ZoneInfo("Asia/Shanghai")
# 2026-03-05 14:30 in Shanghai.
COMPLAINT_TIME = datetime(2026, 3, 5, 6, 30, tzinfo=UTC)
RESPONDENT = "星河数码专营店"

# The default policy's phrases (policy migration 0002), as the selector hands them over.
BLAME = (
    Phrase("误操作", "mis-operation", "说明发生了什么,而不是归因于误操作。",
           "Say what happened instead of calling it a mis-operation."),
    Phrase("不小心", "by accident", "用平和、具体的语气陈述事实。", "State the facts calmly and precisely."),
    Phrase("手滑", "slip of the finger", "说明具体的操作和时间。", "Say which action was taken, and when."),
    Phrase("点错了", "clicked by mistake", "说明具体的操作和时间。", "Say which action was taken, and when."),
    Phrase("不是我的错", "not my fault", "避免推责,聚焦于解决方案。",
           "Do not shift blame; focus on the remedy."),
)
TERMS = (
    Phrase("工单编号", "ticket number", "写明工单编号。", "Quote the ticket number."),
    Phrase("举证责任", "burden of proof", "说明举证责任由谁承担、已提交哪些证据。",
           "Say who bears the burden of proof and what evidence you give."),
    Phrase("复议程序", "review procedure", "如有需要,说明你了解复议程序。",
           "Where it applies, show you know the review procedure."),
)

MODEL_LETTER = (
    "问题陈述:本人于2026年3月5日 14:30在微信对「星河数码专营店」提交了侵权投诉"
    "(投诉编号 WX202603051430001234),对方已取得作品授权。\n"
    "撤销诉求:经与被投诉方沟通,现申请撤销上述投诉(工单编号 CH-7KQ2-MX9A)。相关证据已按举证责任一并提交。\n"
    "补救措施:本人将在三个工作日内向对方书面致歉,并补偿 500 元。如平台需要进一步核实,本人愿意配合复议程序。"
)
MODEL_LETTER_EN = (
    "Problem: on 5 March 2026 at 2:30 pm I filed a complaint against Xinghe Digital Store on WeChat. "
    "The store has since licensed the photo.\n"
    "Request: I request the withdrawal of the complaint (ticket number CH-7KQ2-MX9A). I accept the "
    "burden of proof and attach the evidence.\n"
    "Remedy: I will apologise in writing and pay the store 500 yuan within three working days. "
    "I understand the review procedure."
)


def check(
    body: str = MODEL_LETTER,
    *,
    complaint_time: datetime | None = COMPLAINT_TIME,
    respondent: str = RESPONDENT,
    reason: str = "对方已取得授权",
    blame: tuple[Phrase, ...] = BLAME,
    terms: tuple[Phrase, ...] = TERMS,
) -> CoachReport:
    return letter_coach(
        LetterDraft(
            complaint_time=complaint_time, respondent=respondent, reason=reason, body=body,
            blame_phrases=blame, precise_terms=terms, time_zone=SHANGHAI,
        )
    )


def codes(report: CoachReport) -> list[str]:
    return [finding.code for finding in report.findings]


def only(report: CoachReport, code: str) -> coach.Finding:
    found = [finding for finding in report.findings if finding.code == code]
    assert len(found) == 1, codes(report)
    return found[0]


# ------------------------------------------------------------------------------ the model letters
def test_the_model_chinese_letter_scores_100_with_nothing_to_say():
    report = check()

    assert report.findings == ()
    assert report.score == 100
    assert report.ready
    assert report.parts_present == {"problem": True, "request": True, "remedy": True}
    assert report.terms_used == ("工单编号", "举证责任", "复议程序")
    assert report.terms_missing == ()
    assert report.time_consistent is True
    assert report.remedy_specific is True


def test_the_model_english_letter_scores_100_too():
    report = check(MODEL_LETTER_EN, respondent="Xinghe Digital Store", reason="The store licensed the photo.")

    assert report.findings == ()
    assert report.score == 100
    assert report.terms_used == ("工单编号", "举证责任", "复议程序")


def test_an_empty_letter_says_what_is_required_and_scores_zero():
    report = check("", complaint_time=None, respondent="  ", reason="")

    assert codes(report) == ["complaint_time_missing", "respondent_missing", "reason_missing", "body_empty"]
    assert [finding.severity for finding in report.findings] == ["error", "error", "error", "advice"]
    assert [finding.field for finding in report.findings] == [
        "complaint_time", "respondent", "reason", "body",
    ]
    assert report.score == 0
    assert not report.ready


def test_required_fields_alone_are_the_only_errors_and_an_imperfect_letter_is_still_ready():
    report = check("请撤销投诉。")

    assert report.ready
    assert report.errors == ()
    assert {finding.severity for finding in report.findings} == {"advice"}
    assert report.score < 50


@pytest.mark.parametrize(
    ("missing", "code", "field"),
    [
        ({"complaint_time": None}, "complaint_time_missing", "complaint_time"),
        ({"respondent": ""}, "respondent_missing", "respondent"),
        ({"reason": " \n "}, "reason_missing", "reason"),
    ],
)
def test_each_missing_required_field_is_an_error_on_its_field(missing, code, field):
    report = check(**missing)

    finding = only(report, code)
    assert (finding.severity, finding.field) == ("error", field)
    assert not report.ready
    assert report.score == 100 - coach.POINTS_PER_REQUIRED_FIELD


# ------------------------------------------------------------------------------ the three parts
@pytest.mark.parametrize(
    ("body", "missing"),
    [
        ("撤销诉求:申请撤销投诉。补救措施:已退款 200 元。", "problem"),
        ("问题陈述:3月5日 14:30 我投诉了对方。补救措施:已退款 200 元。", "request"),
        ("问题陈述:3月5日 14:30 我投诉了对方。撤销诉求:申请撤回。", "remedy"),
        ("Request: please withdraw my complaint. Remedy: I refunded 200 yuan.", "problem"),
        ("Problem: I filed a complaint by mistake. Remedy: I refunded the order.", "request"),
        ("What happened: I complained about the shop. I request the withdrawal.", "remedy"),
    ],
)
def test_each_missing_part_is_named(body, missing):
    report = check(body)

    finding = only(report, "part_missing")
    assert finding.params == {"part": missing}
    assert report.parts_present[missing] is False
    assert sum(report.parts_present.values()) == 2


@pytest.mark.parametrize(
    "body",
    [
        "本人于3月5日投诉了对方,现恳请撤回,并已与对方协商一致。",
        "情况说明:对方已整改。请求撤销投诉。对方已获赔偿。",
        "Background: I lodged a complaint. I ask you to withdraw it. I have compensated the shop.",
        "The issue: my complaint was wrong. Please retract it; the respondent was refunded.",
    ],
)
def test_the_parts_are_found_by_cue_words_in_both_languages(body):
    assert check(body).parts_present == {"problem": True, "request": True, "remedy": True}


def test_an_amount_alone_counts_as_a_remedy():
    report = check("问题:投诉有误。申请撤销。另转给对方 ¥300。")

    assert report.parts_present["remedy"] is True
    assert report.remedy_specific is True


def test_parts_out_of_order_are_advised_once_and_cost_five_points():
    in_order = check("问题陈述:我投诉了对方。撤销诉求:申请撤销。补救措施:补偿 500 元。")
    reversed_ = check("补偿 500 元。申请撤销。")  # remedy and request, no problem: only the part is missing
    out_of_order = check("补救措施:补偿 500 元。撤销诉求:申请撤销。问题陈述:我投诉了对方。")

    assert "parts_out_of_order" not in codes(in_order)
    assert "parts_out_of_order" not in codes(reversed_)
    assert only(out_of_order, "parts_out_of_order").severity == "advice"
    assert in_order.score - out_of_order.score == coach.PARTS_OUT_OF_ORDER_PENALTY


def test_the_part_spans_point_at_the_first_cue():
    report = check()

    start, end = report.part_spans["request"]
    assert MODEL_LETTER[start:end] == "撤销诉求"


# ------------------------------------------------------------------------------ blame-shifting
def test_each_blame_shifting_phrase_is_found_with_its_span_and_advice():
    body = MODEL_LETTER.replace("对方已取得作品授权", "当时是手滑点错了,不是我的错")
    report = check(body)

    found = [finding for finding in report.findings if finding.code == "blame_shifting"]
    assert [finding.text for finding in found] == ["手滑", "点错了", "不是我的错"]
    for finding in found:
        start, end = finding.span
        assert body[start:end] == finding.text
        assert finding.severity == "advice"
    assert found[0].params == {
        "phrase": "手滑", "meaning_en": "slip of the finger", "advice": "说明具体的操作和时间。",
        "advice_en": "Say which action was taken, and when.",
    }
    assert report.blame_phrases_found == ("手滑", "点错了", "不是我的错")
    assert report.score == 100 - 3 * coach.BLAME_PHRASE_PENALTY


def test_every_occurrence_is_marked_but_a_phrase_costs_points_once():
    body = MODEL_LETTER + "误操作。又是误操作。"
    report = check(body)

    assert [finding.text for finding in report.findings] == ["误操作", "误操作"]
    assert report.score == 100 - coach.BLAME_PHRASE_PENALTY


def test_the_tone_points_never_go_below_zero():
    body = MODEL_LETTER + "误操作,不小心,手滑,点错了,不是我的错!!"
    report = check(body)

    assert report.score == 100 - coach.POINTS_CALM_TONE


def test_blame_shifting_in_english_is_found_by_the_phrase_meaning_any_case_and_hyphenation():
    body = MODEL_LETTER_EN + " It was a Mis-operation, a misoperation, a mis operation, By Accident."
    report = check(body, respondent="Xinghe Digital Store")

    texts = [finding.text for finding in report.findings if finding.code == "blame_shifting"]
    assert texts == ["Mis-operation", "misoperation", "mis operation", "By Accident"]


def test_english_phrases_match_whole_words_only():
    report = check(MODEL_LETTER_EN + " Notably, nobody was hurt.", respondent="Xinghe Digital Store",
                   blame=(Phrase("不是我的错", "not"),))

    assert "blame_shifting" not in codes(report)


def test_blame_shifting_in_the_reason_field_is_pointed_at_the_reason():
    report = check(reason="不小心投诉了")

    finding = only(report, "blame_shifting")
    assert (finding.field, finding.span, finding.text) == ("reason", (0, 3), "不小心")


def test_a_longer_phrase_wins_over_a_shorter_one_inside_it():
    blame = (Phrase("错"), Phrase("不是我的错"))
    report = check(MODEL_LETTER + "这不是我的错。", blame=blame)

    assert [finding.params["phrase"] for finding in report.findings] == ["不是我的错"]


def test_policy_decides_which_phrases_count():
    body = MODEL_LETTER + "属于误操作。"

    assert "blame_shifting" in codes(check(body))
    assert "blame_shifting" not in codes(check(body, blame=()))
    assert "blame_shifting" in codes(check(MODEL_LETTER, blame=(Phrase("授权"),)))


def test_shouting_is_advised():
    assert only(check(MODEL_LETTER + "请尽快处理!!"), "tone_shouting").text == "!!"
    assert only(check(MODEL_LETTER + "谢谢!请处理!拜托!"), "tone_shouting").span is None
    assert "tone_shouting" not in codes(check(MODEL_LETTER + "谢谢!"))


# ------------------------------------------------------------------------------ precise terms
def test_missing_precise_terms_are_each_advised_with_policy_advice():
    body = MODEL_LETTER.replace("(工单编号 CH-7KQ2-MX9A)", "")
    body = body.replace("如平台需要进一步核实,本人愿意配合复议程序。", "")
    report = check(body)

    found = [finding for finding in report.findings if finding.code == "precise_term_missing"]
    assert [finding.params["phrase"] for finding in found] == ["工单编号", "复议程序"]
    assert found[0].params["advice_en"] == "Quote the ticket number."
    assert report.terms_used == ("举证责任",)
    assert report.terms_missing == ("工单编号", "复议程序")
    assert report.score == 100 - 10


def test_terms_count_in_english_and_in_the_reason():
    report = check("Problem: I complained. I request withdrawal. I refunded 20 yuan.",
                   reason="I accept the burden of proof; the ticket number is CH-1; review procedure known")

    assert report.terms_missing == ()


def test_no_precise_terms_in_policy_means_nothing_to_miss():
    report = check(MODEL_LETTER.replace("工单编号", "编号"), terms=())

    assert report.score == 100
    assert report.terms_missing == ()


# ------------------------------------------------------------------------------ the minute
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026年3月5日 14:30", (2026, 3, 5, 14, 30)),
        ("2026年03月05日14:30", (2026, 3, 5, 14, 30)),
        ("2026-03-05 14:30", (2026, 3, 5, 14, 30)),
        ("2026/3/5 14：30", (2026, 3, 5, 14, 30)),
        ("2026-03-05T14:30:00", (2026, 3, 5, 14, 30)),
        ("14点30分", (None, None, None, 14, 30)),
        ("14时30分", (None, None, None, 14, 30)),
        ("3月5日下午2点30分", (None, 3, 5, 14, 30)),
        ("3月5号 下午两点半", (None, 3, 5, 14, 30)),
        ("晚上九点零五分", (None, None, None, 21, 5)),
        ("凌晨12:10", (None, None, None, 0, 10)),
        ("中午12点15分", (None, None, None, 12, 15)),
        ("5 March 2026 at 2:30 pm", (2026, 3, 5, 14, 30)),
        ("March 5, 2026, 2:30 p.m.", (2026, 3, 5, 14, 30)),
        ("14:30 on 5th of March", (None, 3, 5, 14, 30)),
        ("12:05 am", (None, None, None, 0, 5)),
        ("１４：３０", (None, None, None, 14, 30)),
    ],
)
def test_times_to_the_minute_are_read_in_many_ways(text, expected):
    mentions = find_times(f"本人于{text}投诉")

    assert len(mentions) == 1
    mention = mentions[0]
    assert (mention.year, mention.month, mention.day, mention.hour, mention.minute) == expected
    assert mention.text == text


@pytest.mark.parametrize(
    "text", ["快一点处理", "一时疏忽", "72小时内", "投诉编号 WX202603051430001234", "¥2,000"]
)
def test_words_that_only_look_like_times_are_not_times(text):
    assert find_times(text) == []


@pytest.mark.parametrize(
    ("text", "hour", "minute"),
    [("3月5日", None, None), ("下午3点", 15, None), ("3 pm", 15, None), ("14点", 14, None)],
)
def test_a_date_or_an_hour_alone_is_read_but_is_not_to_the_minute(text, hour, minute):
    (mention,) = find_times(text)

    assert (mention.hour, mention.minute, mention.to_the_minute) == (hour, minute, False)


def test_no_time_at_all_is_advised():
    report = check(MODEL_LETTER.replace("2026年3月5日 14:30", "前几天"))

    assert only(report, "time_missing").span is None
    assert report.time_consistent is None
    assert report.score == 100 - coach.POINTS_TIME


def test_a_date_without_the_minute_is_advised_with_its_span():
    body = MODEL_LETTER.replace("2026年3月5日 14:30", "3月5日")
    report = check(body)

    finding = only(report, "time_not_to_minute")
    assert finding.text == "3月5日"
    assert body[finding.span[0]:finding.span[1]] == "3月5日"
    assert report.score == 100 - coach.POINTS_TIME + coach.POINTS_TIME_WEAK


def test_a_date_a_few_words_before_the_minute_counts():
    report = check(MODEL_LETTER.replace("2026年3月5日 14:30", "2026年3月5日下午,大约14:30"))

    assert report.findings == ()


def test_a_minute_without_a_date_is_advised():
    report = check(MODEL_LETTER.replace("2026年3月5日 14:30", "当天14:30"))

    assert only(report, "time_without_date").text == "14:30"
    assert report.time_consistent is True
    assert report.score == 100 - coach.POINTS_TIME + coach.POINTS_TIME_WITHOUT_DATE


@pytest.mark.parametrize("written", ["2026年3月5日 14:31", "2026年3月6日 14:30", "2025年3月5日 14:30"])
def test_a_time_that_contradicts_the_complaint_time_is_advised_with_both(written):
    report = check(MODEL_LETTER.replace("2026年3月5日 14:30", written))

    finding = only(report, "time_mismatch")
    assert finding.params == {"found": written, "expected": "2026-03-05 14:30"}
    assert finding.text == written
    assert report.time_consistent is False
    assert report.score == 100 - coach.POINTS_TIME + coach.POINTS_TIME_WEAK


def test_the_complaint_time_is_compared_in_the_policy_time_zone_not_utc():
    utc_written = check(MODEL_LETTER.replace("14:30", "06:30"))

    assert utc_written.time_consistent is False


def test_one_matching_time_among_several_is_enough():
    report = check(MODEL_LETTER + "对方已于2026年3月6日 10:00确认收到补偿。")

    assert report.time_consistent is True
    assert "time_mismatch" not in codes(report)


def test_a_twelve_hour_time_without_pm_may_mean_the_afternoon():
    report = check(MODEL_LETTER.replace("2026年3月5日 14:30", "2026年3月5日 2点30分"))

    assert report.time_consistent is True


def test_without_a_complaint_time_the_body_time_is_not_compared():
    report = check(complaint_time=None)

    assert report.time_consistent is None
    assert codes(report) == ["complaint_time_missing"]


def test_a_naive_complaint_time_is_read_as_local():
    report = check(complaint_time=datetime(2026, 3, 5, 14, 30))  # noqa: DTZ001

    assert report.time_consistent is True


# ------------------------------------------------------------------------------ the remedy
@pytest.mark.parametrize(
    "remedy",
    ["愿意和对方协商解决。", "会想办法补救。", "I will try to settle this somehow.",
     "We can negotiate a remedy."],
)
def test_a_remedy_that_offers_nothing_specific_is_advised(remedy):
    body = MODEL_LETTER[: MODEL_LETTER.index("补救措施")] + remedy
    report = check(body)

    assert only(report, "remedy_vague").severity == "advice"
    assert report.parts_present["remedy"] is True
    assert report.remedy_specific is False


@pytest.mark.parametrize(
    "remedy",
    ["补救措施:已退款。", "双方已协商一致。", "已签订和解协议。", "向对方道歉。", "赔偿对方损失。",
     "I refunded the order.", "I will compensate the shop.", "I paid them back.", "We signed a settlement "
     "agreement.", "I will transfer RMB 300.", "300 yuan"],
)
def test_a_specific_remedy_is_recognised(remedy):
    body = MODEL_LETTER[: MODEL_LETTER.index("补救措施")] + remedy
    report = check(body)

    assert report.remedy_specific is True
    assert "remedy_vague" not in codes(report)


def test_neither_alipay_nor_the_burden_of_proof_passes_for_a_remedy():
    report = check("问题:我在支付宝投诉了对方。申请撤销。本人承担举证责任。")

    assert report.parts_present["remedy"] is False
    assert report.remedy_specific is False


# ------------------------------------------------------------------------------ respondent, score
def test_a_respondent_the_letter_never_names_is_advised():
    report = check(respondent="云朵便利店")

    assert only(report, "respondent_not_named").params == {"respondent": "云朵便利店"}
    assert report.score == 100 - coach.POINTS_PER_REQUIRED_FIELD + coach.POINTS_RESPONDENT_FIELD_ONLY


def test_the_respondent_is_matched_without_regard_to_case():
    report = check(MODEL_LETTER_EN, respondent="XINGHE digital store")

    assert "respondent_not_named" not in codes(report)


def test_the_score_always_stays_between_0_and_100_and_each_lost_point_has_a_finding():
    letters = [MODEL_LETTER, MODEL_LETTER_EN, "", "!!!", "误操作" * 50, "申请", "补偿"]
    for body in letters:
        for complaint_time in (COMPLAINT_TIME, None):
            report = check(body, complaint_time=complaint_time)
            assert 0 <= report.score <= 100
            assert (report.score == 100) == (report.findings == ())


def test_the_weights_add_up_to_100():
    total = (
        3 * coach.POINTS_PER_REQUIRED_FIELD + 3 * coach.POINTS_PER_PART + coach.POINTS_TIME
        + coach.POINTS_REMEDY_SPECIFIC + coach.POINTS_PRECISE_TERMS + coach.POINTS_CALM_TONE
    )
    assert total == 100


def test_findings_serialise_to_plain_json():
    report = check(MODEL_LETTER + "误操作")

    assert report.findings_as_dicts() == [
        {
            "code": "blame_shifting", "severity": "advice", "field": "body",
            "params": {"phrase": "误操作", "meaning_en": "mis-operation",
                       "advice": "说明发生了什么,而不是归因于误操作。",
                       "advice_en": "Say what happened instead of calling it a mis-operation."},
            "span": [len(MODEL_LETTER), len(MODEL_LETTER) + 3], "text": "误操作",
        }
    ]


@pytest.mark.parametrize(
    ("body", "score"),
    [
        # The demo's three letter qualities: careful, careless, bare.
        (MODEL_LETTER, 100),
        ("问题陈述:我在03月05日投诉了「星河数码专营店」,当时是手滑点错了,不是我的错。\n"
         "撤销诉求:希望平台尽快帮我撤销这个投诉。\n"
         "补救措施:本人将承担对方因本次投诉产生的申诉费用 300 元。", 60),
        ("问题陈述:前几天对「星河数码专营店」的投诉有误。\n撤销诉求:申请撤销。\n"
         "补救措施:愿意和对方协商解决。", 60),
    ],
)
def test_scores_rank_the_letters_as_a_reader_would(body, score):
    assert check(body).score == score
