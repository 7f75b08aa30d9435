"""The demo's staff (role users, agents, teams, agent profiles) and the complainants' accounts."""

import secrets
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission

from apps.accounts.models import AgentProfile, Team, User
from apps.accounts.roles import AGENT, REQUESTER, SUPERVISOR
from apps.core.crypto.hashing import keyed_hash
from apps.core.demo.world import BULK_BATCH_SIZE, World

# username, role, display name, phone
ROLE_USERS = (
    ("requester", REQUESTER, "王小明", "13800138000"),
    ("agent", AGENT, "李静", None),
    ("supervisor", SUPERVISOR, "周敏", None),
)
# The administrator of integrations: a supervisor (who alone may use the admin) who also manages
# integrations, their API keys and webhooks. Signs in on the staff login like the other staff.
ADMIN = "admin"
ADMIN_USER = ("admin", ADMIN, "吴刚", None)
ADMIN_APPS = ("integrations",)
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
DEMO_USERNAMES = tuple(
    dict.fromkeys([row[0] for row in ROLE_USERS] + [ADMIN_USER[0]] + [row[0] for row in AGENTS])
)
DEMO_AGENT_WEIGHT = 4  # the `agent` demo user gets more of the queue, so the workspace is full


@dataclass(frozen=True)
class DemoCredential:
    role: str
    username: str
    password: str
    display_name: str


def staff_create(world: World) -> list[DemoCredential]:
    """Create the role users and the agents, their teams and profiles; return who signs in how."""
    rng = world.rng
    rows = [(username, role, name, phone) for username, role, name, phone in ROLE_USERS]
    rows.append(ADMIN_USER)
    rows += [(username, AGENT, name, None) for username, name, *_ in AGENTS if username != "agent"]
    passwords = [secrets.token_urlsafe(9) for _ in rows]
    # PBKDF2 takes most of a second per password; hashlib releases the GIL, so hash side by side.
    with ThreadPoolExecutor(max_workers=4) as pool:
        hashes = list(pool.map(make_password, passwords))
    wanted_phones = [phone for _u, _r, _n, phone in rows if phone]
    phone_taken = _phones_taken(wanted_phones)
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
    group_of = {ADMIN: SUPERVISOR}
    _groups_join(world, [(world.users[row[0]], group_of.get(row[1], row[1])) for row in rows])
    world.users[ADMIN_USER[0]].user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=ADMIN_APPS)
    )

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


def _phones_taken(phones: Iterable[str]) -> set[str]:
    """The numbers among `phones` some user already has (found by hash: numbers are encrypted)."""
    hashes = [keyed_hash("phone", phone) for phone in phones]
    found = User.objects.filter(phone_hash__in=hashes).values_list("phone", flat=True)
    return {phone for phone in found if phone}


def _groups_join(world: World, members: list[tuple[User, str]]) -> None:
    through = User.groups.through
    through.objects.bulk_create(
        [through(user_id=user.pk, group_id=world.groups[role].pk) for user, role in members],
        batch_size=BULK_BATCH_SIZE,
    )


def requesters_create(world: World, *, count: int) -> list[User]:
    """Create requester accounts (sign-in by mobile number, no password yet) for the complainants."""
    rng = world.rng
    phones: set[str] = set()
    while len(phones) < count:
        phones.add("1" + rng.choice("3456789") + "".join(rng.choices("0123456789", k=9)))
    taken = _phones_taken(phones)
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


def assignment_weight(profile: AgentProfile) -> float:
    if profile.user.username == "agent":
        return DEMO_AGENT_WEIGHT
    return 1 if profile.accepts_assignments else 0.3  # on leave now: holds only older tickets
