"""Demo data: the role users, agents in teams, and a few hundred realistic complaints and tickets.

Everything comes from one `random.Random` and one `now`, so a seed can be repeated; only the
passwords come from `secrets`. Times follow the policy tables (service hours, stages, each
platform's handling time) the way the services will, so the demo looks like production.
"""

import re
import secrets
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from pathlib import Path
from random import Random
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction

from apps.accounts.models import AgentProfile, Team, User
from apps.accounts.roles import AGENT, REQUESTER, SUPERVISOR, roles_sync
from apps.complaints.models import Complaint, ComplaintStatus
from apps.core.errors import ApplicationError
from apps.identity.models import IdentityVerificationAttempt
from apps.policy.models import (
    AlternativeRoute,
    ComplaintType,
    IdentityMethod,
    Platform,
    PolicySettings,
    SpecialCase,
    Stage,
    Withdrawability,
)
from apps.tickets.models import (
    REFERENCE_ALPHABET,
    EventKind,
    Letter,
    StageEntry,
    TicketEvent,
    TicketSource,
    TicketStatus,
    WithdrawalTicket,
)

SEED_LABEL = "seed"
DEMO_HORIZON_HOURS = 240  # complaints are filed over the last ten days
BULK_BATCH_SIZE = 500
CREDENTIALS_FILE_NAME = "demo-credentials.txt"

# ---------------------------------------------------------------------------- people
# username, role, display name, phone
ROLE_USERS = (
    ("requester", REQUESTER, "王小明", "13800138000"),
    ("agent", AGENT, "李静", None),
    ("supervisor", SUPERVISOR, "周敏", None),
)
TEAMS = ("华东一组", "华南二组", "专项组")
# username, display name, team index, platform codes, complaint type codes (empty: all), accepts work
AGENTS = (
    ("agent", "李静", 0, (), (), True),
    ("agent_wangfang", "王芳", 0, ("wechat", "alipay"), (), True),
    ("agent_zhaolei", "赵磊", 0, ("wechat",), ("account_violation", "content_infringement"), True),
    ("agent_chenxi", "陈曦", 1, ("douyin", "taobao"), (), True),
    ("agent_liuyang", "刘洋", 1, ("taobao",), ("infringement", "content_infringement"), False),
    ("agent_sunli", "孙丽", 2, (), ("infringement", "content_infringement"), True),
    ("agent_zhoujie", "周杰", 2, (), (), True),
)
DEMO_USERNAMES = tuple(dict.fromkeys([row[0] for row in ROLE_USERS] + [row[0] for row in AGENTS]))
DEMO_AGENT_WEIGHT = 4  # the `agent` demo user gets more of the queue, so the workspace is full

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴莫孔"
)
GIVEN_NAMES = (
    "伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛",
    "明", "超", "秀兰", "霞", "平", "刚", "桂英", "浩然", "子涵", "梓萱", "一诺", "欣怡", "宇轩", "思远",
    "雨桐", "俊杰", "佳怡", "晨阳", "诗涵", "博文", "嘉怡", "明轩", "雅琪", "梦瑶", "志强", "建华", "国庆",
    "晓东", "丹丹", "婷婷", "海燕", "春梅", "文博", "天宇", "子轩", "若曦", "振华", "立新", "慧敏", "凯",
)
BRANDS = (
    "星河", "云朵", "南山", "橙子", "悦己", "木木", "蓝鲸", "鹿角", "青柠", "拾光", "晨曦", "麦田", "海盐",
    "知音", "小满", "远山", "暖阳", "简素", "半糖", "北岸",
)
RESPONDENT_SHAPES = {
    "wechat": ("{brand}生活圈公众号", "{brand}严选小程序", "{brand}读书会公众号", "{brand}到家小程序",
               "{brand}微商城", "微信用户 {brand}{given}"),
    "alipay": ("{brand}便利店", "{brand}生鲜超市", "{brand}共享充电", "{brand}手机维修", "{brand}洗衣店",
               "{brand}花艺工作室"),
    "douyin": ("@{brand}美食日记", "@{surname}{given}说车", "@{brand}穿搭研究所", "@山野{brand}小厨",
               "@{brand}的日常vlog", "{brand}优选直播间"),
    "taobao": ("{brand}数码专营店", "{brand}家纺旗舰店", "{brand}美妆小铺", "{brand}母婴专营店",
               "{brand}家居官方店", "{brand}茶叶工作室", "{brand}户外用品店"),
}
RESPONDENT_FALLBACK = ("{brand}商贸有限公司", "{brand}官方账号")

# ---------------------------------------------------------------------------- what complaints say
SUMMARIES = {
    "infringement": (
        "未经授权使用本人原创摄影作品作为商品主图。",
        "直播及宣传海报中使用本人肖像,未取得本人同意。",
        "盗用本人设计的插画图案印制商品并公开销售。",
        "未经许可转载本人原创视频并二次剪辑后发布。",
    ),
    "fraud": (
        "以低价转让游戏账号为由收取定金后失联。",
        "冒充平台客服以退款为名诱导转账 3,200 元。",
        "虚构投资理财项目,承诺高额回报骗取资金。",
        "发布虚假二手手机交易信息,收款后拒不发货。",
    ),
    "account_violation": (
        "该账号频繁私信发送引流广告,严重骚扰。",
        "账号疑似批量注册,用于刷单和虚假好评。",
        "在评论区多次发布辱骂、人身攻击言论。",
        "冒用本人姓名和头像注册账号并发布内容。",
    ),
    "content_infringement": (
        "搬运本人公众号原创文章,未注明出处。",
        "盗用本人原创图片用于商品详情页。",
        "抄袭本人连载小说的多个章节内容。",
        "未经授权使用本人拍摄的短视频片段。",
    ),
}
SUMMARY_FALLBACK = ("对方发布的内容侵害了本人的合法权益。",)
COMPLAINT_TYPE_WEIGHTS = {
    "infringement": 22, "fraud": 12, "account_violation": 34, "content_infringement": 32,
}
PLATFORM_WEIGHTS = {"wechat": 34, "douyin": 26, "taobao": 22, "alipay": 18}

# ---------------------------------------------------------------------------- decisions
APPROVAL_REASONS = {
    "infringement": "撤诉书面证明及法律文书齐全,权利人已撤回主张,同意撤销。",
    "account_violation": "被投诉方已书面同意撤销,双方协商一致,同意撤销。",
    "content_infringement": "平台复核未发现侵权内容仍在传播,双方已和解,同意撤销。",
}
APPROVAL_FALLBACK = "材料齐全、证据链完整,同意撤销。"
REFUSAL_REASONS = {
    "infringement": ("未提供权利人出具的撤诉书面证明,不符合撤销条件。",
                     "所附法律文书未经权利人签章,无法核实撤诉意愿。"),
    "account_violation": ("被投诉方未同意撤销,双方未能协商一致。",
                          "未提供被投诉方同意书,无法确认双方已协商一致。"),
    "content_infringement": ("平台审核已认定内容侵权成立,依平台审核优先原则不予撤销。",
                             "侵权内容仍在传播,暂不支持撤销。"),
}
REFUSAL_FALLBACK = ("已进入终审阶段,未补充司法介入材料,不予撤销。",)
EXPIRY_REASON = "超过平台最长处理时限,工单已过期。"

# ---------------------------------------------------------------------------- letters
LETTER_FACTS = {
    "minor": "系本人孩子在为游戏充值时发起的举报,并非本人真实意愿",
    "enterprise_account": "系本公司公众号运营人员对广告内容判断有误所致",
    "cross_border": "双方因一笔海外代购订单产生纠纷,现已协商解决",
    "system_triggered": "该投诉由我方系统经 API 接口自动触发,技术日志显示属于误报",
    "infringement": "对方已取得作品授权,并与本人补签了授权协议",
    "account_violation": "对方已停止相关行为并向本人书面致歉",
    "content_infringement": "对方已删除相关内容并公开注明原作者",
}
LETTER_FACT_FALLBACK = "经核实,投诉所涉事实与实际情况不符"
LETTER_REASONS = {
    "minor": "未成年人误发起投诉", "enterprise_account": "企业账号误投诉", "cross_border": "跨境纠纷已和解",
    "system_triggered": "系统误触发", "infringement": "已取得授权", "account_violation": "双方已协商一致",
    "content_infringement": "对方已整改",
}
REMEDIES = (
    "本人将在{platform}发布澄清说明,并向对方补偿 {amount} 元,弥补投诉造成的流量损失",
    "本人将承担对方因本次投诉产生的申诉费用 {amount} 元",
    "本人将在三个工作日内向对方书面致歉,并补偿 {amount} 元",
)
BLAME_PHRASES = ("不小心点到了投诉按钮,属于误操作", "误操作,不小心选错了投诉类型", "手滑点错了,不是我的错")

# ---------------------------------------------------------------------------- identity checks
REJECTION_REASONS: dict[str, tuple[str, ...]] = {
    IdentityMethod.FACE_RECOGNITION: ("人脸比对相似度不足", "活体检测未通过:光线过暗", "检测到多张人脸"),
    IdentityMethod.SMS_CODE: ("短信验证码错误", "短信验证码已过期"),
    IdentityMethod.PAYMENT_PASSWORD: ("支付密码错误",),
    IdentityMethod.REAL_NAME: ("实名信息与账号不一致",),
    IdentityMethod.DIGITAL_CERTIFICATE: ("数字证书已过期", "证书签名校验失败"),
}
OTHER_METHOD_REJECTION_RATE = 0.06  # demo only: face recognition uses the policy's own figure
Outcome = IdentityVerificationAttempt.Outcome
DOCUMENTATION_NETWORKS = ("192.0.2", "198.51.100", "203.0.113")  # RFC 5737: nobody's real address

# ---------------------------------------------------------------------------- the mix
S = TicketStatus
PLAN_WEIGHTS = {
    S.DRAFT: 8, S.SUBMITTED: 4, S.RECEIVED: 12, S.ASSIGNED: 18, S.WAITING_ON_REQUESTER: 9,
    S.APPROVED: 14, S.REFUSED: 8, S.ROUTED: 8, S.EXPIRED: 9, S.CANCELLED: 6,
}
DECIDED = (S.APPROVED, S.REFUSED, S.ROUTED)
# Weight of each stage's age window when picking a filing time, in stage order.
AGE_WEIGHTS = {"open": (3, 3, 4, 3), "closed": (0.3, 1, 4, 6), "draft": (4, 3, 2, 1), "none": (1, 1, 2, 3)}


@dataclass(frozen=True)
class DemoCredential:
    role: str
    username: str
    password: str
    display_name: str


@dataclass(frozen=True)
class DemoResult:
    created: bool
    credentials: tuple[DemoCredential, ...] = ()
    complaints: int = 0
    tickets: int = 0
    events: int = 0
    tickets_by_status: dict[str, int] = field(default_factory=dict)


def demo_seed(*, now: datetime, complaints: int = 300, rng: Random) -> DemoResult:
    """Create the demo users, complaints and tickets once; do nothing if the demo users exist."""
    if now.tzinfo is None:
        raise ApplicationError("The demo needs an aware `now`.")
    if complaints < 1:
        raise ApplicationError("Ask for at least one complaint.")
    with transaction.atomic():
        roles_sync()
        if User.objects.filter(username__in=DEMO_USERNAMES).exists():
            return DemoResult(created=False)
        world = _World.load(now=now, rng=rng)
        credentials = _staff_create(world)
        cases = _cases_plan(world, count=complaints)
        stories = [_Simulator(world, case).run() for case in cases if case.plan is not None]
        _numbers_assign(world, cases)
        _references_assign(world, stories)
        event_count = _save(cases, stories)
    statuses = Counter(story.ticket.status for story in stories)
    return DemoResult(
        created=True,
        credentials=tuple(credentials),
        complaints=len(cases),
        tickets=len(stories),
        events=event_count,
        tickets_by_status={status: statuses[status] for status in TicketStatus.values if statuses[status]},
    )


def demo_credentials_write(*, credentials: tuple[DemoCredential, ...], directory: Path) -> Path:
    """Write the demo passwords where they can be looked up again (readable by the owner only)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / CREDENTIALS_FILE_NAME
    lines = ["# Chehui demo users (seed_demo). Demo only: delete this file when you no longer need it."]
    lines += [f"{c.role:<11} {c.username:<16} {c.password:<14} {c.display_name}" for c in credentials]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path.chmod(0o600)
    return path


# ---------------------------------------------------------------------------- the policy it reads
@dataclass(frozen=True)
class _ServiceHours:
    """The daily service window; a night submission is received at the next opening."""

    tz: ZoneInfo
    opens: time
    closes: time

    def is_open(self, at: datetime) -> bool:
        return self.opens <= at.astimezone(self.tz).time() < self.closes

    def receipt(self, at: datetime) -> datetime:
        if self.is_open(at):
            return at
        local = at.astimezone(self.tz)
        day = local.date() if local.time() < self.opens else local.date() + timedelta(days=1)
        return datetime.combine(day, self.opens, tzinfo=self.tz).astimezone(at.tzinfo)

    def opening_on(self, at: datetime) -> datetime:
        """The opening on the local day of `at`."""
        opening = datetime.combine(at.astimezone(self.tz).date(), self.opens, tzinfo=self.tz)
        return opening.astimezone(at.tzinfo)

    def last_closing(self, at: datetime) -> datetime:
        """The latest closing at or before `at` (only asked outside service hours)."""
        local = at.astimezone(self.tz)
        day = local.date() if local.time() >= self.closes else local.date() - timedelta(days=1)
        return datetime.combine(day, self.closes, tzinfo=self.tz).astimezone(at.tzinfo)


@dataclass
class _World:
    now: datetime
    rng: Random
    hours: _ServiceHours
    settings: PolicySettings
    platforms: list[Platform]
    types: list[ComplaintType]
    stages: list[Stage]
    special_cases: list[SpecialCase]
    routes: list[AlternativeRoute]
    groups: dict[str, Group]
    users: dict[str, User] = field(default_factory=dict)
    profiles: list[AgentProfile] = field(default_factory=list)
    coverage: dict[int, tuple[set[int], set[int]]] = field(default_factory=dict)  # platform, type pks
    requesters: list[User] = field(default_factory=list)

    @classmethod
    def load(cls, *, now: datetime, rng: Random) -> "_World":
        settings = PolicySettings.objects.get()
        hours = _ServiceHours(
            ZoneInfo(settings.time_zone), settings.service_opens_at, settings.service_closes_at
        )
        stages = list(Stage.objects.order_by("starts_at_hour"))
        platforms = list(Platform.objects.filter(is_active=True).order_by("order", "code"))
        if not stages or not platforms:
            raise ApplicationError("The policy has no stages or no active platform: run migrate first.")
        return cls(
            now=now, rng=rng, hours=hours, settings=settings, platforms=platforms,
            types=list(ComplaintType.objects.order_by("order", "code")),
            stages=stages,
            special_cases=list(SpecialCase.objects.prefetch_related("documents").order_by("order", "code")),
            routes=list(AlternativeRoute.objects.order_by("order", "code")),
            groups={g.name: g for g in Group.objects.filter(name__in=[REQUESTER, AGENT, SUPERVISOR])},
        )

    def stage_at(self, filed_at: datetime, at: datetime) -> Stage | None:
        """The stage whose [starts_at_hour, ends_at_hour) holds the complaint's age at `at`."""
        age_hours = (at - filed_at).total_seconds() / 3600
        for stage in self.stages:
            ends = stage.ends_at_hour
            if stage.starts_at_hour <= age_hours and (ends is None or age_hours < ends):
                return stage
        return None

    def name(self) -> str:
        return self.rng.choice(SURNAMES) + self.rng.choice(GIVEN_NAMES)


# ---------------------------------------------------------------------------- users and teams
def _staff_create(world: _World) -> list[DemoCredential]:
    """Create the role users and the agents, their teams and profiles; return who signs in how."""
    rng = world.rng
    rows = [(username, role, name, phone) for username, role, name, phone in ROLE_USERS]
    rows += [(username, AGENT, name, None) for username, name, *_ in AGENTS if username != "agent"]
    passwords = [secrets.token_urlsafe(9) for _ in rows]
    # PBKDF2 takes most of a second per password; hashlib releases the GIL, so hash side by side.
    with ThreadPoolExecutor(max_workers=4) as pool:
        hashes = list(pool.map(make_password, passwords))
    wanted_phones = [phone for _u, _r, _n, phone in rows if phone]
    phone_taken = set(User.objects.filter(phone__in=wanted_phones).values_list("phone", flat=True))
    users = [
        User(
            username=username, display_name=name, password=hashed, is_staff=role != REQUESTER,
            phone=phone if phone and phone not in phone_taken else None,
            first_name=name[1:], last_name=name[:1],
        )
        for (username, role, name, phone), hashed in zip(rows, hashes, strict=True)
    ]
    User.objects.bulk_create(users)
    users = list(User.objects.filter(username__in=[u.username for u in users]))
    world.users = {u.username: u for u in users}
    _groups_join(world, [(world.users[username], role) for username, role, _name, _phone in rows])

    supervisor = world.users["supervisor"]
    teams = [Team.objects.get_or_create(name=name, defaults={"supervisor": supervisor})[0] for name in TEAMS]
    platforms = {p.code: p for p in world.platforms}
    types = {t.code: t for t in world.types}
    for username, _name, team_index, platform_codes, type_codes, accepts in AGENTS:
        profile = AgentProfile.objects.create(
            user=world.users[username], team=teams[team_index], accepts_assignments=accepts,
            max_open_tickets=rng.choice((25, 30, 40)),
        )
        handled_platforms = [platforms[c] for c in platform_codes if c in platforms] or world.platforms
        handled_types = [types[c] for c in type_codes if c in types] or world.types
        profile.platforms.set(handled_platforms)
        profile.complaint_types.set(handled_types)
        world.profiles.append(profile)
        world.coverage[profile.pk] = ({p.pk for p in handled_platforms}, {t.pk for t in handled_types})
    return [
        DemoCredential(role=role, username=username, password=password, display_name=name)
        for (username, role, name, _phone), password in zip(rows, passwords, strict=True)
    ]


def _groups_join(world: _World, members: list[tuple[User, str]]) -> None:
    through = User.groups.through
    through.objects.bulk_create(
        [through(user_id=user.pk, group_id=world.groups[role].pk) for user, role in members],
        batch_size=BULK_BATCH_SIZE,
    )


def _requesters_create(world: _World, *, count: int) -> list[User]:
    """Create requester accounts (sign-in by mobile number, no password yet) for the complainants."""
    rng = world.rng
    phones: set[str] = set()
    while len(phones) < count:
        phones.add("1" + rng.choice("3456789") + "".join(rng.choices("0123456789", k=9)))
    taken = set(User.objects.filter(phone__in=phones).values_list("phone", flat=True))
    taken |= set(User.objects.filter(username__in=phones).values_list("username", flat=True))
    unusable = make_password(None)
    users = []
    for phone in sorted(phones - taken):
        name = world.name()
        users.append(
            User(username=phone, phone=phone, display_name=name, first_name=name[1:], last_name=name[:1],
                 password=unusable)
        )
    User.objects.bulk_create(users, batch_size=BULK_BATCH_SIZE)
    users = list(User.objects.filter(username__in=[u.username for u in users]).order_by("username"))
    _groups_join(world, [(user, REQUESTER) for user in users])
    return users


# ---------------------------------------------------------------------------- complaints
@dataclass
class _Case:
    """One complaint and the plan for its ticket (None: no ticket)."""

    complaint: Complaint
    platform: Platform
    complaint_type: ComplaintType
    plan: str | None
    source: str = TicketSource.PORTAL
    requester: User | None = None
    special_case: SpecialCase | None = None


def _weighted(rng: Random, items: list[Any], weights: dict[str, int], *, key: str = "code") -> Any:
    return rng.choices(items, weights=[weights.get(getattr(item, key), 10) for item in items])[0]


def _plans(rng: Random, count: int) -> list[str]:
    """`count` ticket plans in PLAN_WEIGHTS' proportions, each at least once when there is room."""
    statuses: list[str] = list(PLAN_WEIGHTS)
    extra = rng.choices(statuses, weights=list(PLAN_WEIGHTS.values()), k=max(0, count - len(statuses)))
    plans = statuses[:count] + extra
    rng.shuffle(plans)
    return plans


def _cases_plan(world: _World, *, count: int) -> list[_Case]:
    rng = world.rng
    world.requesters = _requesters_create(world, count=max(20, count // 2))
    cases: list[_Case] = []
    withdrawable: list[_Case] = []
    for _ in range(count):
        platform = _weighted(rng, world.platforms, PLATFORM_WEIGHTS)
        ctype = _weighted(rng, world.types, COMPLAINT_TYPE_WEIGHTS)
        complaint = Complaint(
            platform=platform, complaint_type=ctype, complainant_name=world.name(),
            respondent=_respondent(rng, platform.code),
            summary=rng.choice(SUMMARIES.get(ctype.code, SUMMARY_FALLBACK)),
            filed_at=world.now,
            status=ComplaintStatus.FROZEN if ctype.frozen_at_once else ComplaintStatus.OPEN,
        )
        never = ctype.withdrawability == Withdrawability.NEVER
        wants_ticket = rng.random() < (0.85 if never else 0.9)
        case = _Case(complaint, platform, ctype, plan=S.REFUSED if never and wants_ticket else None)
        cases.append(case)
        if wants_ticket and not never:
            withdrawable.append(case)
    for case, plan in zip(withdrawable, _plans(rng, len(withdrawable)), strict=True):
        case.plan = plan
    for case in cases:
        _case_people(world, case)
        if case.plan != S.SUBMITTED:  # a submitted ticket sets its complaint's filing time itself
            case.complaint.filed_at = world.now - timedelta(hours=_age_hours(world, case))
        if case.plan is None:
            _untouched_complaint_close(world, case)
    _demo_requester_cases(world, cases)
    return cases


def _respondent(rng: Random, platform_code: str) -> str:
    shape = rng.choice(RESPONDENT_SHAPES.get(platform_code, RESPONDENT_FALLBACK))
    return shape.format(brand=rng.choice(BRANDS), surname=rng.choice(SURNAMES), given=rng.choice(GIVEN_NAMES))


def _case_people(world: _World, case: _Case) -> None:
    rng = world.rng
    if case.plan is None:
        return
    case.source = TicketSource.API if rng.random() < 0.22 else TicketSource.PORTAL
    withdrawable = case.complaint_type.withdrawability != Withdrawability.NEVER
    if withdrawable and world.special_cases and rng.random() < 0.08:
        case.special_case = rng.choice(world.special_cases)
    if case.source == TicketSource.PORTAL:
        case.requester = rng.choice(world.requesters)
        case.complaint.complainant = case.requester
        case.complaint.complainant_name = case.requester.display_name
    if case.special_case is not None and case.special_case.code == "enterprise_account":
        case.complaint.complainant = None
        case.complaint.complainant_name = f"{rng.choice(BRANDS)}网络科技有限公司"


def _age_hours(world: _World, case: _Case) -> float:
    """How long ago the complaint was filed: spread over the stages' windows, most in the last 72 h."""
    rng = world.rng
    if case.plan == S.EXPIRED:
        low = case.platform.longest_handling_hours + 24
        return rng.uniform(low, max(low + 48, DEMO_HORIZON_HOURS))
    groups: dict[str | None, str] = {
        None: "none", S.DRAFT: "draft", S.RECEIVED: "open", S.ASSIGNED: "open",
        S.WAITING_ON_REQUESTER: "open",
    }
    group = groups.get(case.plan, "closed")
    weights = [AGE_WEIGHTS[group][i] if i < len(AGE_WEIGHTS[group]) else 1 for i in range(len(world.stages))]
    stage = rng.choices(world.stages, weights=weights)[0]
    end = stage.ends_at_hour
    if end is None:
        end = max(DEMO_HORIZON_HOURS, stage.starts_at_hour + 48)
    return rng.uniform(stage.starts_at_hour + 0.05, end)


def _untouched_complaint_close(world: _World, case: _Case) -> None:
    """Some complaints without a ticket were cancelled in the cooling-off period or closed since."""
    rng, complaint = world.rng, case.complaint
    if complaint.status != ComplaintStatus.OPEN:
        return
    if case.complaint_type.low_risk and rng.random() < 0.4:
        complaint.status = ComplaintStatus.CANCELLED
        minutes = rng.uniform(0.5, max(1, world.settings.cooling_off_minutes) - 0.1)
        complaint.cancelled_at = min(complaint.filed_at + timedelta(minutes=minutes), world.now)
    elif (
        world.stages[-1].irreversible
        and world.stage_at(complaint.filed_at, world.now) == world.stages[-1]
        and rng.random() < 0.5
    ):
        complaint.status = ComplaintStatus.CLOSED


def _demo_requester_cases(world: _World, cases: list[_Case]) -> None:
    """Give the `requester` demo user one portal ticket of each kind, so the portal has something to show."""
    demo = world.users["requester"]
    wanted = [S.DRAFT, S.RECEIVED, S.ASSIGNED, S.WAITING_ON_REQUESTER, S.APPROVED, S.REFUSED, S.ROUTED,
              S.CANCELLED]
    for plan in wanted:
        for case in cases:
            if (case.plan == plan and case.source == TicketSource.PORTAL and case.special_case is None
                    and case.requester is not demo):
                case.requester = demo
                case.complaint.complainant = demo
                case.complaint.complainant_name = demo.display_name
                break


def _numbers_assign(world: _World, cases: list[_Case]) -> None:
    """Give each complaint a number in its platform's format: prefix, filing minute, random digits."""
    for platform in world.platforms:
        mine = [case.complaint for case in cases if case.platform is platform]
        used: set[str] = set()
        for complaint in mine:
            complaint.number = _complaint_number(world, platform, complaint.filed_at, used)
        clashes = set(
            Complaint.objects.filter(platform=platform, number__in=used).values_list("number", flat=True)
        )
        for complaint in mine:
            if complaint.number in clashes:
                complaint.number = _complaint_number(world, platform, complaint.filed_at, used)


def _complaint_number(world: _World, platform: Platform, filed_at: datetime, used: set[str]) -> str:
    shape = re.fullmatch(r"([A-Za-z]*)(\d+)", platform.complaint_number_example)
    if shape is None:
        raise ApplicationError(
            f"Cannot make demo complaint numbers for {platform.code}: its example "
            f"{platform.complaint_number_example!r} is not letters followed by digits."
        )
    prefix, digits = shape.group(1), len(shape.group(2))
    stamp = filed_at.astimezone(world.hours.tz).strftime("%Y%m%d%H%M")[:digits]
    for _ in range(1000):
        number = prefix + stamp + "".join(world.rng.choices("0123456789", k=digits - len(stamp)))
        if number not in used:
            break
    if not re.fullmatch(platform.complaint_number_pattern, number):
        raise ApplicationError(
            f"Demo complaint number {number} does not match {platform.code}'s pattern "
            f"{platform.complaint_number_pattern}: update the platform's example to match it."
        )
    used.add(number)
    return number


def _references_assign(world: _World, stories: list["_Story"]) -> None:
    """Ticket numbers from the seeded generator (the model's default uses `secrets`)."""
    used: set[str] = set()
    for story in stories:
        story.ticket.reference = _reference(world.rng, used)
    clashes = set(WithdrawalTicket.objects.filter(reference__in=used).values_list("reference", flat=True))
    for story in stories:
        if story.ticket.reference in clashes:
            story.ticket.reference = _reference(world.rng, used)  # `used` holds the clashes too
    for story in stories:
        if story.letter is not None:
            story.letter.body = story.letter.body.replace(_REFERENCE_PLACEHOLDER, story.ticket.reference)


def _reference(rng: Random, used: set[str]) -> str:
    while True:
        chars = "".join(rng.choices(REFERENCE_ALPHABET, k=8))
        reference = f"CH-{chars[:4]}-{chars[4:]}"
        if reference not in used:
            used.add(reference)
            return reference


# ---------------------------------------------------------------------------- a ticket's life
_REFERENCE_PLACEHOLDER = "{reference}"


@dataclass
class _Event:
    kind: str
    at: datetime
    actor: User | None = None
    from_value: str = ""
    to_value: str = ""
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Story:
    ticket: WithdrawalTicket
    events: list[_Event] = field(default_factory=list)
    attempts: list[IdentityVerificationAttempt] = field(default_factory=list)
    letter: Letter | None = None
    stage_entries: list[StageEntry] = field(default_factory=list)


def _minutes(rng: Random, low: float, high: float) -> timedelta:
    return timedelta(seconds=round(rng.uniform(low, high) * 60))


class _Simulator:
    """Play one ticket forward from its complaint's filing along its plan, stopping at `now`."""

    def __init__(self, world: _World, case: _Case) -> None:
        self.world, self.case, self.rng, self.now = world, case, world.rng, world.now
        self.requester = case.requester
        self.ticket = WithdrawalTicket(
            source=case.source, requester=case.requester, platform=case.platform,
            special_case=case.special_case, status=S.DRAFT,
        )
        self.story = _Story(self.ticket)

    def run(self) -> _Story:
        rng, case, ticket = self.rng, self.case, self.ticket
        plan = case.plan
        identity = self._identity_plan()
        # step 2, each identity attempt, the letter, submission
        intake = [_minutes(rng, 1, 6), *[gap for _m, _o, gap in identity], _minutes(rng, 8, 45),
                  _minutes(rng, 1, 10)]
        delay = self._start_delay()
        if plan == S.SUBMITTED:
            submitted = self._recent_submission()
            start = submitted - sum(intake, timedelta())
            case.complaint.filed_at = start - delay
        else:
            filed_at = case.complaint.filed_at
            start = filed_at + min(delay, (self.now - filed_at) * rng.uniform(0.05, 0.5))
        # A draft stops after its last completed step. (It is never cancelled: the model requires
        # submitted_at on every ticket but a draft, cancelled ones included.)
        steps = rng.choice((1, 2, 3, 3, 4)) if plan == S.DRAFT else 5

        ticket.created_at = ticket.entry_completed_at = start
        self._event(EventKind.CREATED, start, self._intake_actor(), to_value=ticket.source)
        self._event(EventKind.INTAKE_STEP, start, self._intake_actor(), to_value="1",
                    data={"step": "entry", "platform": case.platform.code})
        t = self._intake(start, steps, intake, identity)
        if t is None or ticket.status != S.DRAFT or steps < 5:
            return self._finish()
        t = self._submit(t + intake[-1])
        if t is not None:
            self._after_receipt(t)
        return self._finish()

    # -- intake
    def _intake_actor(self) -> User | None:
        return self.requester if self.case.source == TicketSource.PORTAL else None

    def _start_delay(self) -> timedelta:
        draw = self.rng.random()
        if draw < 0.4:
            return _minutes(self.rng, 5, 60)
        if draw < 0.75:
            return _minutes(self.rng, 60, 12 * 60)
        return _minutes(self.rng, 12 * 60, 36 * 60)

    def _recent_submission(self) -> datetime:
        """A submission still waiting for service hours (or, in service hours, for the receipt job)."""
        hours, now = self.world.hours, self.now
        if hours.is_open(now):  # after today's opening, or it would have been received at it
            return max(now - _minutes(self.rng, 0.5, 3), hours.opening_on(now))
        since_closing = (now - hours.last_closing(now)).total_seconds() / 60
        return now - _minutes(self.rng, min(1, since_closing / 2), min(since_closing, 360))

    def _identity_plan(self) -> list[tuple[str, str, timedelta]]:
        """The attempts step 3 takes: each method of the platform, in order, some rejected first."""
        attempts: list[tuple[str, str, timedelta]] = []
        face_rate = float(self.world.settings.face_rejection_rate)
        for method in self.case.platform.identity_methods:
            rate = face_rate if method == IdentityMethod.FACE_RECOGNITION else OTHER_METHOD_REJECTION_RATE
            rejections = 0
            while rejections < 2 and self.rng.random() < rate:
                rejections += 1
            outcomes = [Outcome.REJECTED] * rejections + [Outcome.PASSED]
            attempts += [(method, outcome, _minutes(self.rng, 0.5, 4)) for outcome in outcomes]
        return attempts

    def _intake(
        self, start: datetime, steps: int, gaps: list[timedelta], identity: list[tuple[str, str, timedelta]]
    ) -> datetime | None:
        """Steps 2-4 as far as planned and as far as `now`; return when the last one was done."""
        ticket, case, actor = self.ticket, self.case, self._intake_actor()
        t = start
        if steps < 2:
            return t
        t += gaps[0]
        if t > self.now:
            return None
        ticket.complaint, ticket.complaint_type = case.complaint, case.complaint_type
        ticket.complaint_number_completed_at = t
        self._event(EventKind.INTAKE_STEP, t, actor, to_value="2",
                    data={"step": "complaint_number", "number_on_file": True})
        if case.complaint_type.withdrawability == Withdrawability.NEVER:
            self._refuse_at_intake(t)
            return t
        if steps < 3:
            if self.rng.random() < 0.5:  # stuck at step 3: the first check was rejected
                method = identity[0][0]
                self._attempt(method, IdentityVerificationAttempt.Outcome.REJECTED, t + identity[0][2])
            return t
        for method, outcome, gap in identity:
            t += gap
            if t > self.now:
                return None
            self._attempt(method, outcome, t)
        ticket.identity_verified_at = t
        self._event(EventKind.INTAKE_STEP, t, actor, to_value="3",
                    data={"step": "identity", "methods": list(case.platform.identity_methods)})
        done = t + gaps[-2]
        if steps < 4 or done > self.now:
            if self.rng.random() < 0.5:
                self.story.letter = self._letter(complete=False)
            return None if done > self.now else t
        t = done
        ticket.letter_completed_at = t
        self.story.letter = self._letter(complete=True)
        data: dict[str, Any] = {"step": "letter"}
        if ticket.special_case is not None:
            data["special_case"] = ticket.special_case.code
        self._event(EventKind.INTAKE_STEP, t, actor, to_value="4", data=data)
        return t

    def _attempt(self, method: str, outcome: str, at: datetime) -> None:
        if at > self.now:
            return
        rng = self.rng
        reason = ""
        if outcome == IdentityVerificationAttempt.Outcome.REJECTED:
            reason = rng.choice(REJECTION_REASONS.get(method, ("验证未通过",)))
        self.story.attempts.append(
            IdentityVerificationAttempt(
                ticket=self.ticket, user=self.requester, method=method, provider="dev",
                provider_reference=f"dev-{rng.getrandbits(48):012x}", outcome=outcome, reason=reason,
                ip_address=f"{rng.choice(DOCUMENTATION_NETWORKS)}.{rng.randint(1, 254)}", attempted_at=at,
            )
        )
        self._event(EventKind.IDENTITY_ATTEMPT, at, self._intake_actor(), to_value=outcome,
                    data={"method": method, "provider": "dev", "reason": reason})

    def _refuse_at_intake(self, at: datetime) -> None:
        """A never-withdrawable type (fraud) is refused as soon as its number is confirmed, and kept."""
        ticket = self.ticket
        ticket.submitted_at = ticket.decided_at = at
        self._status(EventKind.SUBMITTED, at, self._intake_actor(), S.SUBMITTED)
        ticket.decision_reason = self.case.complaint_type.refusal_reason
        self._status(EventKind.DECIDED, at, None, S.REFUSED, data={"reason": ticket.decision_reason})

    def _letter(self, *, complete: bool) -> Letter:
        rng, case, complaint = self.rng, self.case, self.case.complaint
        key = case.special_case.code if case.special_case is not None else case.complaint_type.code
        local = complaint.filed_at.astimezone(self.world.hours.tz)
        amount = rng.choice((200, 300, 500, 800, 1000))
        remedy = rng.choice(REMEDIES).format(platform=case.platform.name, amount=amount)
        fact = LETTER_FACTS.get(key, LETTER_FACT_FALLBACK)
        quality = rng.random()
        if quality < 0.5:
            body = (
                f"问题陈述:本人于{local:%Y年%m月%d日 %H:%M}在{case.platform.name}对「{complaint.respondent}」"
                f"提交了「{case.complaint_type.name}」类投诉(投诉编号 {_NUMBER_PLACEHOLDER}),"
                f"{fact}。\n"
                "撤销诉求:经与被投诉方沟通,双方已达成一致,"
                f"现申请撤销上述投诉(工单编号 {_REFERENCE_PLACEHOLDER})。"
                "相关证据已按举证责任一并提交。\n"
                f"补救措施:{remedy}。如平台需要进一步核实,本人愿意配合复议程序。"
            )
        elif quality < 0.8:
            body = (
                f"问题陈述:我在{local:%m月%d日}投诉了「{complaint.respondent}」,当时是{rng.choice(BLAME_PHRASES)}。\n"
                "撤销诉求:希望平台尽快帮我撤销这个投诉。\n"
                f"补救措施:{remedy}。"
            )
        else:
            body = (
                f"问题陈述:前几天对「{complaint.respondent}」的投诉有误。\n"
                "撤销诉求:申请撤销。\n"
                "补救措施:愿意和对方协商解决。"
            )
        if not complete:
            body = body.split("\n")[0]
        return Letter(
            ticket=self.ticket,
            complaint_time=complaint.filed_at.replace(second=0, microsecond=0),
            respondent=complaint.respondent,
            reason=LETTER_REASONS.get(key, "投诉有误") if complete else "",
            body=body,
        )

    # -- after intake
    def _submit(self, at: datetime) -> datetime | None:
        """Step 5, then receipt at the next service hour; return the receipt time if it has come."""
        ticket = self.ticket
        if at > self.now:
            return None
        ticket.submitted_at = at
        self._status(EventKind.SUBMITTED, at, self._intake_actor(), S.SUBMITTED)
        received = self.world.hours.receipt(at)
        if received > self.now or self.case.plan == S.SUBMITTED:
            return None
        ticket.received_at = received
        self._status(EventKind.RECEIVED, received, None, S.RECEIVED, data={"deferred": received != at})
        return received

    def _after_receipt(self, received: datetime) -> None:
        rng, plan, ticket, hours = self.rng, self.case.plan, self.ticket, self.world.hours
        expires = received + timedelta(hours=self.case.platform.longest_handling_hours)
        limit = min(self.now, expires) if plan == S.EXPIRED else self.now
        if plan == S.RECEIVED:
            return
        t = received
        if plan not in (S.EXPIRED, S.CANCELLED) or rng.random() < 0.6:
            assigned = hours.receipt(t + self._assignment_wait()) + _minutes(rng, 0, 45)
            if assigned <= limit:
                t = self._assign(assigned)
        if ticket.assignee is not None:
            if rng.random() < (0.85 if plan in DECIDED else 0.6):
                contact = self._work(t + _minutes(rng, 5, 180))
                if contact <= limit:
                    ticket.first_contact_at = t = contact
                    outcome = rng.choice(("已接通", "未接通,已发短信"))
                    self._event(EventKind.CONTACT_LOGGED, t, ticket.assignee, to_value="phone",
                                data={"channel": "phone", "outcome": outcome})
            wants_wait = plan == S.WAITING_ON_REQUESTER or (
                plan in (*DECIDED, S.EXPIRED) and (ticket.special_case is not None or rng.random() < 0.25)
            )
            if wants_wait:
                t = self._wait(t, limit)
        if plan in DECIDED and ticket.status == S.ASSIGNED:
            decided = self._work(t + _minutes(rng, 60, 30 * 60))
            if decided <= self.now:
                self._decide(decided)
        elif plan == S.EXPIRED and expires <= self.now:
            self._status(EventKind.STATUS_CHANGED, expires, None, S.EXPIRED, data={"reason": EXPIRY_REASON})
            ticket.waiting_since = None
            ticket.decision_reason = EXPIRY_REASON
        elif plan == S.CANCELLED:
            self._cancel(t + _minutes(rng, 30, 20 * 60))

    def _work(self, at: datetime) -> datetime:
        """Agents act in service hours: an action due at night happens soon after the next opening."""
        hours = self.world.hours
        return at if hours.is_open(at) else hours.receipt(at) + _minutes(self.rng, 3, 50)

    def _assignment_wait(self) -> timedelta:
        draw, peak = self.rng.random(), self.world.settings.peak_assignment_wait_hours
        if draw < 0.5:
            return _minutes(self.rng, 10, 240)
        if draw < 0.85:
            return _minutes(self.rng, 240, 24 * 60)
        return _minutes(self.rng, 24 * 60, (peak + 8) * 60)  # peak times: past the promised wait

    def _assign(self, at: datetime) -> datetime:
        rng, ticket = self.rng, self.ticket
        fits = self._eligible()
        profile = rng.choices(fits, weights=[_assignment_weight(p) for p in fits])[0]
        ticket.assignee, ticket.team, ticket.assigned_at = profile.user, profile.team, at
        by_supervisor = rng.random() < 0.5
        actor = self.world.users["supervisor"] if by_supervisor else profile.user
        self._event(EventKind.ASSIGNED, at, actor, "", profile.user.username,
                    data={"team": profile.team.name if profile.team else "", "claimed": not by_supervisor})
        ticket.status = S.ASSIGNED
        return at

    def _eligible(self) -> list[AgentProfile]:
        """The agents whose profile covers the ticket's platform and complaint type."""
        platform, ctype = self.case.platform, self.case.complaint_type
        covered = self.world.coverage
        return [
            p for p in self.world.profiles if platform.pk in covered[p.pk][0] and ctype.pk in covered[p.pk][1]
        ] or self.world.profiles

    def _wait(self, t: datetime, limit: datetime) -> datetime:
        rng, ticket = self.rng, self.ticket
        asked = self._work(t + _minutes(rng, 20, 600))
        if asked > limit:
            return t
        documents = (
            [d.code for d in ticket.special_case.documents.all()] if ticket.special_case is not None
            else ["supplementary_proof"]
        )
        self._event(EventKind.EVIDENCE_REQUESTED, asked, ticket.assignee, to_value=",".join(documents),
                    data={"documents": documents, "message": "请补充证明材料后重新提交。"})
        self._status(EventKind.STATUS_CHANGED, asked, ticket.assignee, S.WAITING_ON_REQUESTER)
        ticket.waiting_since = asked
        if self.case.plan == S.WAITING_ON_REQUESTER or (self.case.plan == S.EXPIRED and rng.random() < 0.3):
            return asked
        answered = asked + _minutes(rng, 120, 30 * 60)
        if answered > limit:
            return asked
        ticket.paused_seconds += int((answered - asked).total_seconds())
        ticket.waiting_since = None
        self._status(EventKind.STATUS_CHANGED, answered, self._intake_actor(), S.ASSIGNED,
                     data={"note": "申请人已补充材料"})
        return answered

    def _decide(self, at: datetime) -> None:
        rng, ticket, case = self.rng, self.ticket, self.case
        plan = case.plan
        ticket.decided_at = at
        ticket.decided_by = ticket.assignee if rng.random() < 0.85 else self.world.users["supervisor"]
        code = case.complaint_type.code
        data: dict[str, Any] = {}
        if plan == S.APPROVED:
            ticket.decision_reason = APPROVAL_REASONS.get(code, APPROVAL_FALLBACK)
            case.complaint.status = ComplaintStatus.WITHDRAWN
        elif plan == S.ROUTED and self.world.routes:
            route = ticket.route = rng.choice(self.world.routes)
            ticket.decision_reason = (
                f"当前阶段无法直接撤销,已引导至「{route.name}」(约 {route.days_min}–{route.days_max} 天,"
                f"费用:{route.cost},成功率约 {float(route.success_rate):.0%})。"
            )
            data["route"] = route.code
        else:
            plan = S.REFUSED
            ticket.decision_reason = rng.choice(REFUSAL_REASONS.get(code, REFUSAL_FALLBACK))
        data["reason"] = ticket.decision_reason
        self._status(EventKind.DECIDED, at, ticket.decided_by, plan, data=data)

    def _cancel(self, at: datetime) -> None:
        if at > self.now:
            return
        self._status(EventKind.STATUS_CHANGED, at, self._intake_actor(), S.CANCELLED,
                     data={"note": "申请人主动取消撤销申请"})
        self.ticket.waiting_since = None

    # -- the record
    def _event(
        self, kind: str, at: datetime, actor: User | None, from_value: str = "", to_value: str = "",
        data: dict[str, Any] | None = None,
    ) -> None:
        self.story.events.append(_Event(kind, at, actor, str(from_value), str(to_value), data or {}))

    def _status(
        self, kind: str, at: datetime, actor: User | None, new: str, data: dict[str, Any] | None = None
    ) -> None:
        self._event(kind, at, actor, self.ticket.status, new, data)
        self.ticket.status = new

    def _finish(self) -> _Story:
        """Set the stage the complaint had reached when the ticket stopped moving, with its history."""
        ticket, story, world = self.ticket, self.story, self.world
        filed_at = self.case.complaint.filed_at
        if ticket.submitted_at is not None and ticket.complaint is not None:
            ended = max(e.at for e in story.events) if not ticket.is_open else self.now
            ended = ticket.decided_at or ended
            stage = world.stage_at(filed_at, ended)
            previous = world.stage_at(filed_at, ticket.submitted_at)
            if previous is not None:
                self._event(EventKind.STAGE_CHANGED, ticket.submitted_at, None, "", previous.code)
            for candidate in world.stages:
                entered = filed_at + timedelta(hours=candidate.starts_at_hour)
                if entered > ended:
                    break
                story.stage_entries.append(StageEntry(ticket=ticket, stage=candidate, entered_at=entered))
                if ticket.submitted_at < entered and previous is not None and candidate != previous:
                    self._event(EventKind.STAGE_CHANGED, entered, None, previous.code, candidate.code)
                    previous = candidate
            ticket.stage = stage
            ticket.stage_entered_at = (
                filed_at + timedelta(hours=stage.starts_at_hour) if stage is not None else None
            )
        story.events.sort(key=lambda e: (e.at, _EVENT_RANK.get(e.kind, 3)))
        ticket.version = len(story.events)
        return story


def _assignment_weight(profile: AgentProfile) -> float:
    if profile.user.username == "agent":
        return DEMO_AGENT_WEIGHT
    return 1 if profile.accepts_assignments else 0.3  # on leave now: holds only older tickets


_NUMBER_PLACEHOLDER = "{number}"
# Events that share a moment are listed in the order they happen (intake, submission, stage, decision).
_EVENT_RANK: dict[str, int] = {
    EventKind.CREATED: 0, EventKind.INTAKE_STEP: 0, EventKind.IDENTITY_ATTEMPT: 0, EventKind.SUBMITTED: 1,
    EventKind.STAGE_CHANGED: 2, EventKind.DECIDED: 4,
}


# ---------------------------------------------------------------------------- writing it down
def _save(cases: list[_Case], stories: list[_Story]) -> int:
    """Write everything in a few bulk inserts; return how many events were written."""
    Complaint.objects.bulk_create([case.complaint for case in cases], batch_size=BULK_BATCH_SIZE)
    tickets = [story.ticket for story in stories]
    WithdrawalTicket.objects.bulk_create(tickets, batch_size=BULK_BATCH_SIZE)
    letters = []
    for story in stories:
        if story.letter is not None:
            complaint = story.ticket.complaint
            number = complaint.number if complaint is not None else ""
            story.letter.body = story.letter.body.replace(_NUMBER_PLACEHOLDER, number)
            letters.append(story.letter)
    Letter.objects.bulk_create(letters, batch_size=BULK_BATCH_SIZE)
    StageEntry.objects.bulk_create([e for s in stories for e in s.stage_entries], batch_size=BULK_BATCH_SIZE)
    IdentityVerificationAttempt.objects.bulk_create(
        [a for s in stories for a in s.attempts], batch_size=BULK_BATCH_SIZE
    )
    events = [
        TicketEvent(
            ticket=story.ticket, kind=e.kind, actor=e.actor, actor_label="" if e.actor else SEED_LABEL,
            occurred_at=e.at, from_value=e.from_value, to_value=e.to_value, data=e.data,
        )
        for story in stories
        for e in story.events
    ]
    TicketEvent.objects.bulk_create(events, batch_size=BULK_BATCH_SIZE)
    return len(events)
