"""The default policy as the pure clock sees it, built without the database for fast tests."""

from datetime import time
from zoneinfo import ZoneInfo

from apps.sla.aging import StageSpec
from apps.sla.calendar import china_calendar
from apps.sla.deadlines import ClockPolicy, TypeSpec
from apps.sla.hours import ServiceWindow

SHANGHAI = ZoneInfo("Asia/Shanghai")
WINDOW = ServiceWindow(opens=time(9, 0), closes=time(21, 0), tz=SHANGHAI)
CALENDAR = china_calendar(years=range(2024, 2029))
STAGES = (
    StageSpec("preliminary_review", 0, 6, 0.92, 0.08, 1),
    StageSpec("evidence_check", 6, 24, 0.65, 0.15, 6),
    StageSpec("final_review", 24, 72, 0.33, 0.20, 12),
    StageSpec("handled", 72, None, 0.05, 0.0, None),
)
POLICY = ClockPolicy(
    window=WINDOW,
    calendar=CALENDAR,
    stages=STAGES,
    first_contact_hours=4,
    complete_chain_multiplier=4.7,
    evidence_tiers=3,
    platform_hours={"wechat": 72, "alipay": 24, "douyin": 48, "taobao": 120},
    types={
        "infringement": TypeSpec("infringement", "very_unlikely", 7, False),
        "fraud": TypeSpec("fraud", "never", 0, True),
        "account_violation": TypeSpec("account_violation", "conditional", 3, False),
        "content_infringement": TypeSpec("content_infringement", "restricted", 5, False),
    },
)
