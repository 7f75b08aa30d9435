"""The admin in Simplified Chinese and in English, and a Chinese catalogue with nothing left out.

The admin tests need the compiled catalogue (django.mo): `make` compiles it before pytest; on
your own, run `python manage.py compilemessages --ignore=.venv` first.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise

from apps.policy.models import Platform
from apps.tickets.models import TicketStatus
from tests.factories import TicketFactory

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
COMPILED = CATALOGUE.with_suffix(".mo")
CHANGELIST = reverse("admin:tickets_withdrawalticket_changelist")

CHINESE_COLUMNS = [
    "工单编号", "投诉编号", "平台", "投诉类型", "状态", "处理阶段", "负责客服", "受理时间", "决定截止时间",
]
ENGLISH_COLUMNS = [
    "Ticket number", "Complaint number", "Platform", "Complaint type", "Status", "Stage",
    "Assigned agent", "Received at", "Decision due",
]


COLUMN_TITLE = re.compile(
    r'<th scope="col" class="[^"]*column-\w+[^"]*">.*?'
    r'<div class="text">(?:<a [^>]*>)?(.*?)(?:</a>)?</div>',
    flags=re.DOTALL,
)


def column_titles(page: str) -> list[str]:
    """The titles of a changelist's columns, as the reader sees them in the table header."""
    return COLUMN_TITLE.findall(page)


@pytest.mark.django_db
class TestTheTicketListSpeaksTheBrowsersLanguage:
    def test_in_chinese_our_labels_are_chinese(self, admin_client):
        TicketFactory(status=TicketStatus.RECEIVED)

        page = admin_client.get(CHANGELIST, HTTP_ACCEPT_LANGUAGE="zh-hans").text

        assert "<h1>选择 撤销投诉工单 来修改</h1>" in page
        assert column_titles(page) == CHINESE_COLUMNS
        assert "已受理，等待分配客服" in page
        assert "withdrawal ticket" not in page
        assert not [title for title in ENGLISH_COLUMNS if title in page]

    def test_in_english_our_labels_are_english(self, admin_client):
        TicketFactory(status=TicketStatus.RECEIVED)

        page = admin_client.get(CHANGELIST, HTTP_ACCEPT_LANGUAGE="en").text

        assert "<h1>Select withdrawal ticket to change</h1>" in page
        assert column_titles(page) == ENGLISH_COLUMNS
        assert "received, waiting for an agent" in page
        assert "撤销投诉工单" not in page

    def test_a_browser_asking_for_neither_gets_chinese(self, admin_client):
        page = admin_client.get(CHANGELIST, HTTP_ACCEPT_LANGUAGE="fr").text

        assert "<h1>选择 撤销投诉工单 来修改</h1>" in page

    def test_in_chinese_the_application_names_are_chinese(self, admin_client):
        page = admin_client.get(CHANGELIST, HTTP_ACCEPT_LANGUAGE="zh-hans").text

        assert "Withdrawal tickets" not in page


@pytest.mark.django_db
def test_in_english_the_platform_page_explains_identity_methods_in_english(admin_client):
    platform = Platform.objects.get(code="wechat")

    page = admin_client.get(
        reverse("admin:policy_platform_change", args=[platform.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).text

    assert "All of these must pass, in order" in page


@dataclass
class Entry:
    msgid: str
    msgstrs: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)


def unquote(line: str) -> str:
    body = line[line.index('"') + 1 : line.rindex('"')]
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m[1], m[1]), body)


def catalogue_entries(path: Path = CATALOGUE) -> list[Entry]:
    """Parse a .po file: every entry, the header (msgid "") first; obsolete entries left out."""
    entries: list[Entry] = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry, flags, part = None, set(), ""
        for line in block.splitlines():
            if line.startswith("#,"):
                flags |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("msgid "):
                entry, part = Entry(unquote(line), flags=flags), "msgid"
            elif line.startswith("msgid_plural "):
                part = "plural"
            elif line.startswith("msgstr") and entry is not None:
                entry.msgstrs.append(unquote(line))
                part = "msgstr"
            elif line.startswith('"') and entry is not None:
                if part == "msgid":
                    entry.msgid += unquote(line)
                elif part == "msgstr":
                    entry.msgstrs[-1] += unquote(line)
        if entry is not None:
            entries.append(entry)
    return entries


class TestTheChineseCatalogue:
    def test_it_has_a_header_and_entries(self):
        header, *entries = catalogue_entries()
        assert header.msgid == ""
        assert "Language: zh_Hans" in header.msgstrs[0]
        assert len(entries) > 100

    def test_chinese_sentences_use_chinese_punctuation(self):
        """No ASCII , : ; ! ? ( ) touching a Chinese character (times like 10:00 and %(name)s stay)."""
        _header, *entries = catalogue_entries()
        ascii_by_han = re.compile(r"[\u3400-\u9fff][,:;!?()]|[(,;:][\u3400-\u9fff]")
        found = [text for entry in entries for text in entry.msgstrs if ascii_by_han.search(text)]
        assert found == []

    def test_every_entry_is_translated(self):
        _header, *entries = catalogue_entries()
        assert [entry.msgid for entry in entries if not all(entry.msgstrs)] == []

    def test_no_entry_is_fuzzy(self):
        assert [entry.msgid for entry in catalogue_entries() if "fuzzy" in entry.flags] == []

    def test_translations_keep_their_placeholders(self):
        def placeholders(text: str) -> list[str]:
            return sorted(re.findall(r"%\(\w+\)s", text))

        changed = [
            entry.msgid
            for entry in catalogue_entries()
            if "python-format" in entry.flags
            and any(placeholders(entry.msgid) != placeholders(msgstr) for msgstr in entry.msgstrs)
        ]
        assert changed == []

    def test_the_compiled_catalogue_is_current(self):
        assert COMPILED.exists() and COMPILED.stat().st_mtime >= CATALOGUE.stat().st_mtime, (
            "compile it: python manage.py compilemessages --ignore=.venv"
        )

    def test_every_label_of_our_models_and_admin_is_in_it(self):
        """A label added without `make messages` and a translation would show in English."""
        in_catalogue = {entry.msgid for entry in catalogue_entries()[1:]}
        with translation.override("en"):
            english = {str(label): label for label in our_translatable_labels()}
        with translation.override("zh-hans"):
            # Django's own catalogue translates the labels our models inherit (the user's "email").
            missing = [text for text, label in english.items() if str(label) == text]
        assert sorted(text for text in missing if text not in in_catalogue) == []


def our_translatable_labels() -> list[Promise]:
    """The labels marked for translation on our models and their admin pages."""
    candidates: list[object] = []
    for model in apps.get_models():
        if not model.__module__.startswith("apps."):
            continue
        opts = model._meta
        candidates += [opts.verbose_name, opts.verbose_name_plural]
        for model_field in opts.get_fields():
            candidates.append(getattr(model_field, "verbose_name", None))
            candidates.append(getattr(model_field, "help_text", None))
            candidates += [label for _value, label in getattr(model_field, "flatchoices", None) or []]
    for model, model_admin in admin.site._registry.items():
        if not model.__module__.startswith("apps."):
            continue
        candidates.append(model_admin.search_help_text)
        candidates += [title for title, _options in model_admin.fieldsets or ()]
        for column in model_admin.list_display:
            candidates.append(getattr(getattr(model_admin, str(column), None), "short_description", None))
    return [candidate for candidate in candidates if isinstance(candidate, Promise)]
