"""Attendance (出欠): members present or absent, late arrivals and early leaves, staff per item, observers.

``AttendanceScreen(meeting)`` works on a copy (:class:`minutes.committee.Attendance`)
and dismisses with it (its ``people``, ``observers`` and ``item_staff``), or
``None`` when closed without keeping. The caller applies it with
``result.apply_to(meeting)`` and saves people and header.

Keys, in the lists of people: Enter present/absent, F3 arrived now (遅参),
F4 left now (退席), F5 edit the times; in the list of staff for an item:
Enter attended or not. Tab moves between the lists and the observers field.
ctrl+s keeps, Escape closes (asks when something changed).
"""

from __future__ import annotations

import copy

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Input, Label, OptionList, SelectionList, Static
from textual.widgets.option_list import Option

from minutes.committee import (
    Attendance,
    meeting_quorum,
    normalize_time,
    parse_count,
    staff_of_departments,
    votes_cast,
)
from minutes.model import GROUP_MEMBER, GROUP_SECRETARIAT, Meeting, Person
from minutes.render import circled, composed_title, item_heading
from minutes.safe_text import visible
from screens.confirm import close_asking_if_changed
from screens.row_form import FormField, RowForm
from tui.clock import app_now
from tui.widgets.key_bar import KeyBar


class PeopleTable(DataTable):
    """A list of people: Enter toggles present/absent; F3 arrived now, F4 left now, F5 edit times."""

    BINDINGS = [
        Binding("enter", "toggle", "出欠"),
        Binding("f3", "arrived", "遅参(今の時刻)"),
        Binding("f4", "left", "退席(今の時刻)"),
        Binding("f5", "times", "時刻を編集"),
        Binding("f6", "online", "オンライン"),
        Binding("f7", "title", "肩書き・役割"),
        Binding("home", "scroll_top", "先頭", show=False),
        Binding("end", "scroll_bottom", "末尾", show=False),
    ]

    def __init__(self, people: list[Person], *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.people = people

    @property
    def current(self) -> Person | None:
        if not self.people:
            return None
        return self.people[min(self.cursor_row, len(self.people) - 1)]

    def action_toggle(self) -> None:
        self.screen.toggle_present(self.current)

    def action_arrived(self) -> None:
        self.screen.mark_time(self.current, "arrived")

    def action_left(self) -> None:
        self.screen.mark_time(self.current, "left")

    def action_times(self) -> None:
        self.screen.edit_times(self.current)

    def action_online(self) -> None:
        self.screen.toggle_online(self.current)

    def action_title(self) -> None:
        self.screen.edit_title(self.current)


class AttendanceScreen(Screen[Attendance | None]):
    """Take the attendance of a meeting."""

    BINDINGS = [
        Binding("ctrl+s", "save", "決定", priority=True),
        Binding("escape", "close", "閉じる"),
    ]

    DEFAULT_CSS = """
    AttendanceScreen #attendance-title {
        height: 1;
        background: $panel;
        padding: 0 1;
    }
    AttendanceScreen .row {
        height: 1fr;
    }
    AttendanceScreen .box {
        border: round $panel-lighten-2;
        border-title-color: $text;
        border-title-style: bold;
        height: 1fr;
        width: 1fr;
    }
    AttendanceScreen #members-box, AttendanceScreen #items-box {
        width: 2fr;
    }
    AttendanceScreen #staff-box, AttendanceScreen #item-staff-box {
        width: 3fr;
    }
    AttendanceScreen .box:focus-within {
        border: round $accent;
    }
    AttendanceScreen DataTable, AttendanceScreen OptionList, AttendanceScreen SelectionList,
    AttendanceScreen OptionList:focus, AttendanceScreen SelectionList:focus {
        height: 1fr;
        border: none;
        padding: 0;
    }
    AttendanceScreen #observers-row {
        height: 3;
        padding: 0 1;
    }
    AttendanceScreen #observers-row Label {
        padding-top: 1;
        width: auto;
    }
    AttendanceScreen #observers {
        width: 12;
    }
    AttendanceScreen #quorum {
        padding: 1 2;
        width: 1fr;
    }
    AttendanceScreen #attendance-hint {
        height: auto;
        color: $text-muted;
        padding: 0 1;
    }
    """

    def __init__(self, meeting: Meeting) -> None:
        super().__init__()
        self.meeting = meeting
        self.attendance = Attendance.of(meeting)
        self.original = self._snapshot()
        self.members = [p for p in self.attendance.people if p.group == GROUP_MEMBER]
        self.staff = [p for p in self.attendance.people if p.group != GROUP_MEMBER]

    def _snapshot(self) -> tuple:
        a = self.attendance
        return (
            [(p.id, p.present, p.arrived, p.left, p.online, p.title, p.role) for p in a.people],
            a.observers,
            {k: list(v) for k, v in a.item_staff.items()},
        )

    # -- layout ----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static(Content.styled(visible(f"出欠 ─ {composed_title(self.meeting)}"), "bold"), id="attendance-title")
        with Horizontal(classes="row"):
            with Vertical(classes="box", id="members-box") as box:
                box.border_title = "委員"
                yield PeopleTable(self.members, id="members")
            with Vertical(classes="box", id="staff-box") as box:
                box.border_title = "事務局・関係課"
                yield PeopleTable(self.staff, id="staff")
        with Horizontal(classes="row"):
            with Vertical(classes="box", id="items-box") as box:
                box.border_title = "議事"
                yield OptionList(id="items")
            with Vertical(classes="box", id="item-staff-box") as box:
                box.border_title = "この議事に出席した関係課の職員"
                yield SelectionList(id="item-staff")
        with Horizontal(id="observers-row"):
            yield Label("傍聴者 ")
            yield Input(str(self.attendance.observers), id="observers")
            yield Label(" 名")
            yield Static("", id="quorum")
        yield Static(
            "Enter 出席/欠席 ・ F3 遅参 ・ F4 退席(今の時刻) ・ F5 時刻 ・ F6 オンライン ・ F7 肩書き・役割 ・ Tab 次の欄 ・ ctrl+s 決定 ・ Esc 閉じる",
            id="attendance-hint",
        )
        yield KeyBar()

    def on_mount(self) -> None:
        for table_id in ("members", "staff"):
            table = self.query_one(f"#{table_id}", PeopleTable)
            table.add_columns("出欠", "肩書き" if table_id == "members" else "所属", "氏名", "遅参", "退席")
        self._show_people()
        items = self.query_one("#items", OptionList)
        for n, item in enumerate(self.meeting.agenda):
            number = circled(self.meeting.agenda_number(item))
            departments = f"({'、'.join(item.departments)})" if item.departments else ""
            items.add_option(Option(Content(visible(f"{number}{item_heading(item)}{departments}")), id=item.id))
        if self.meeting.agenda:
            first = next((n for n, item in enumerate(self.meeting.agenda) if item.departments), 0)
            items.highlighted = first
        self._show_item_staff()
        self.query_one("#members", PeopleTable).focus()

    # -- display ---------------------------------------------------------------------------
    @staticmethod
    def _cells(person: Person) -> tuple:
        status = ("オンライン" if person.online else "出席") if person.present else "欠席"
        if person.is_member:
            role = person.title + ("(主宰)" if person.is_chair and person.role else "")
            name = person.name
        else:
            role = person.department or person.group
            if person.group == GROUP_SECRETARIAT:
                role = GROUP_SECRETARIAT
            name = f"{person.name}{person.title}"
        return (status, role, name, person.arrived or "", person.left or "")

    def _show_people(self) -> None:
        for table_id in ("members", "staff"):
            table = self.query_one(f"#{table_id}", PeopleTable)
            row = table.cursor_row
            table.clear()
            for person in table.people:
                cells = self._cells(person)
                style = "" if person.present else "dim"
                table.add_row(*[Text(visible(str(c)), style=style, no_wrap=True) for c in cells])
            if table.people:
                table.move_cursor(row=max(0, min(row, len(table.people) - 1)))
        self._show_quorum()

    def _show_quorum(self) -> None:
        present = self.attendance.members_present()
        required = meeting_quorum(self.meeting)
        stands = "成立" if present >= required else "不成立"
        text = f"出席委員 {present}/{len(self.members)}名 ・ 定足数 {required}名 ・ {stands}"
        self.query_one("#quorum", Static).update(Content.styled(text, "bold" if stands == "成立" else "bold red"))

    @property
    def current_item(self):
        index = self.query_one("#items", OptionList).highlighted
        if index is None or not self.meeting.agenda:
            return None
        return self.meeting.agenda[index]

    def _show_item_staff(self) -> None:
        selection = self.query_one("#item-staff", SelectionList)
        selection.clear_options()
        item = self.current_item
        box = self.query_one("#item-staff-box")
        if item is None or not item.departments:
            box.border_title = "この議事に出席した関係課の職員(担当課なし)"
            return
        box.border_title = f"この議事に出席した関係課の職員({'、'.join(item.departments)})"
        chosen = set(self.attendance.item_staff.get(item.id, []))
        staff_ids = {p.id for p in self.staff}
        for person in staff_of_departments(self.meeting, item.departments):
            if person.id not in staff_ids:
                continue
            current = self.attendance.person(person.id)
            label = f"{current.name}{current.title}({current.department})"
            selection.add_option((Content(visible(label)), person.id, person.id in chosen))
        if selection.option_count:
            selection.highlighted = 0

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_list.id == "items":
            self._show_item_staff()

    def on_selection_list_selection_toggled(self, event: SelectionList.SelectionToggled) -> None:
        item = self.current_item
        if item is None:
            return
        person_id = event.selection.value
        attended = person_id in event.selection_list.selected
        self.attendance.set_item_staff(item.id, person_id, attended)
        self._show_people()

    # -- PeopleTable callbacks ------------------------------------------------------------------
    def toggle_present(self, person: Person | None) -> None:
        """Enter: present ↔ absent."""
        if person is None:
            return
        if person.present:
            cast = votes_cast(self.meeting, person.id)
            if cast:
                self.notify(
                    f"{person.name}さんは記録した採決{cast}件に投票しています。欠席にはできません。"
                    "途中で帰ったときは F4 で退席の時刻を付けてください(欠席にするなら、先にその採決を直してください)。",
                    severity="warning",
                    timeout=12,
                )
                return
        self.attendance.set_present(person.id, not person.present)
        self._show_people()
        self._show_item_staff()

    def toggle_online(self, person: Person | None) -> None:
        """F6: attended online ↔ in the room (attending online marks them present)."""
        if person is None:
            return
        person.online = not person.online
        if person.online:
            person.present = True
        self.notify(f"{person.name}: {'オンライン出席' if person.online else '会場で出席'}")
        self._show_people()

    def edit_title(self, person: Person | None) -> None:
        """F7: a member's title (any) and role; a staff member's post (may be empty)."""
        if person is None:
            return
        from minutes.committee import MEMBER_TITLES, ROLE_CHOICES
        from screens.row_form import FormField, RowForm

        if person.is_member:
            fields = [
                FormField("title", "肩書き(どの肩書きでも)", suggestions=MEMBER_TITLES, required=True),
                FormField("role", "役割", "choice", ROLE_CHOICES),
            ]
            values = {"title": person.title, "role": person.role or ""}
        else:
            fields = [FormField("title", "職(なければ空)", suggestions=("課長", "課長補佐", "係長", "主任", "主事"))]
            values = {"title": person.title}

        def check(given: dict) -> str | None:
            if not person.is_member:
                return None
            if not given["title"].strip():
                return "肩書きを入れてください(委員長、会長、委員 など)。"
            probe = Person(person.id, person.name, person.group, given["title"].strip(), role=given["role"] or None)
            others = [p for p in self.attendance.people if p.is_chair and p.id != person.id]
            if probe.is_chair and others:
                return f"議事を主宰する委員はもういます({others[0].title} {others[0].name})。その人の肩書きか役割を先に変えてください。"
            return None

        def done(given: dict | None) -> None:
            if given is None:
                return
            person.title = given["title"].strip()
            if person.is_member:
                person.role = given["role"] or None
            self._show_people()

        self.app.push_screen(RowForm(f"{person.name}の肩書き", fields, values, check), done)

    def mark_time(self, person: Person | None, field: str) -> None:
        """F3 / F4: the person arrived late / left early, now."""
        if person is None:
            return
        now = app_now(self.app).strftime("%H:%M")
        problem = self._check_times(person, **{field: now})
        if problem:
            self.notify(problem, severity="warning", timeout=10)
            return
        person.present = True
        setattr(person, field, now)
        what = "遅参" if field == "arrived" else "退席"
        self.notify(f"{person.name}: {what} {now}")
        self._show_people()

    def _check_times(self, person: Person, arrived: str | None = ..., left: str | None = ...) -> str | None:
        arrived = person.arrived if arrived is ... else arrived
        left = person.left if left is ... else left
        if arrived and left and left < arrived:
            return f"{person.name}: 退席({left})が出席({arrived})より前になります。時刻を確かめてください。"
        start = self.meeting.start
        if left and start and left < start:
            return f"{person.name}: 退席({left})が開会({start})より前です。欠席なら Enter で欠席にしてください。"
        return None

    def edit_times(self, person: Person | None) -> None:
        """F5: type the arrival and leaving times (empty clears one)."""
        if person is None:
            return

        def check(values: dict) -> str | None:
            times = {}
            for key, label in (("arrived", "出席時刻"), ("left", "退席時刻")):
                if values[key]:
                    try:
                        times[key] = normalize_time(values[key])
                    except ValueError as error:
                        return f"{label}: {error}"
                else:
                    times[key] = None
            return self._check_times(person, **times)

        def done(values: dict | None) -> None:
            if values is None:
                return
            person.arrived = normalize_time(values["arrived"]) if values["arrived"] else None
            person.left = normalize_time(values["left"]) if values["left"] else None
            if person.arrived or person.left:
                person.present = True
            self._show_people()

        fields = [
            FormField("arrived", "出席時刻(遅れて来たとき。空なら初めから)", placeholder="例 18:10"),
            FormField("left", "退席時刻(途中で帰ったとき。空なら最後まで)", placeholder="例 18:45"),
        ]
        self.app.push_screen(
            RowForm(f"{person.name}の出席・退席時刻", fields, {"arrived": person.arrived or "", "left": person.left or ""}, check),
            done,
        )

    # -- observers ----------------------------------------------------------------------------
    def _read_observers(self) -> int | None:
        text = self.query_one("#observers", Input).value
        if not text.strip():
            return 0
        try:
            return parse_count(text, "傍聴者の人数")
        except ValueError as error:
            self.notify(str(error), severity="warning", timeout=10)
            return None

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "observers":
            text = event.value.strip()
            try:
                self.attendance.observers = parse_count(text, "傍聴者の人数") if text else 0
            except ValueError:
                pass

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self._read_observers() is not None:
            self.focus_next()

    # -- keep / close ---------------------------------------------------------------------------
    @property
    def changed(self) -> bool:
        return self._snapshot() != self.original

    def action_save(self) -> None:
        """Keep the attendance."""
        observers = self._read_observers()
        if observers is None:
            self.query_one("#observers", Input).focus()
            return
        self.attendance.observers = observers
        self.dismiss(copy.deepcopy(self.attendance))

    def action_close(self) -> None:
        """Close without keeping; ask first when something changed."""
        close_asking_if_changed(self, self.changed, "出欠の変更を捨てて閉じますか?残すには Esc で戻って ctrl+s を押してください。", "捨てて閉じる")
