"""A new meeting from its committee (or as the next meeting after an existing one).

``NewMeetingScreen()`` first asks for the committee; ``NewMeetingScreen(committee_id=…)``
starts with that one; ``NewMeetingScreen(previous_meeting_id=…)`` duplicates that
meeting as the next one (its body's committee, its people and agenda, every log
empty).

The screen shows what follows from the committee and its previous meeting, all
editable: the fiscal year, 第N回 and 通算第N回 (:func:`minutes.committee.next_numbers`;
they follow the date while the clerk has not changed them), the date (today),
the opening time and the place. F3 edits the agenda (:class:`~screens.agenda_editor.AgendaEditor`),
ctrl+s creates the meeting (``app.datadir.add_meeting``) and opens it
(``app.open_meeting``).

Keys: F2 choose the committee, F3 agenda, ctrl+s create and open, Escape back.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Input, Label, Static

from minutes.committee import (
    Committee,
    CommitteeError,
    committee_for_meeting,
    meeting_from_committee,
    next_meeting_from,
    next_numbers,
    normalize_time,
    parse_count,
    parse_date_text,
)
from minutes.era import fiscal_year_label
from minutes.interchange import FormatError, meeting_from_dict, meeting_to_dict
from minutes.model import GROUP_DEPARTMENT, GROUP_MEMBER, GROUP_SECRETARIAT, Item, Meeting
from minutes.render import agenda_outline, circled, composed_title
from minutes.safe_text import visible
from screens.agenda_editor import AgendaEditor
from screens.confirm import Confirm
from screens.filter_picker import FilterPicker
from storage.errors import StorageError
from tui.clock import app_now
from tui.read_only import refuse_if_read_only
from tui.widgets.key_bar import KeyBar


class CommitteePicker(FilterPicker[str]):
    """Choose a committee (returns its id)."""

    title_text = "会議体を選ぶ"


NUMBER_FIELDS = ("fiscal-year", "session", "serial")


class NewMeetingScreen(Screen):
    """Make a new meeting and open it."""

    BINDINGS = [
        Binding("ctrl+s", "create", "作成して開く", priority=True),
        Binding("f2", "choose_committee", "会議体を選ぶ"),
        Binding("f3", "edit_agenda", "会次第"),
        Binding("escape", "back", "戻る"),
    ]

    DEFAULT_CSS = """
    NewMeetingScreen #new-title {
        height: 1;
        background: $panel;
        padding: 0 1;
    }
    NewMeetingScreen VerticalScroll {
        padding: 0 1;
    }
    NewMeetingScreen .form-label {
        margin-top: 1;
        color: $text-muted;
    }
    NewMeetingScreen .form-row {
        height: auto;
    }
    NewMeetingScreen .form-row > Vertical {
        width: 1fr;
        height: auto;
        padding-right: 1;
    }
    NewMeetingScreen #committee-name {
        text-style: bold;
    }
    NewMeetingScreen #numbers-note, NewMeetingScreen #people-summary {
        color: $text-muted;
    }
    NewMeetingScreen #agenda-summary {
        height: auto;
        border: round $panel-lighten-2;
        padding: 0 1;
    }
    NewMeetingScreen #new-hint {
        height: auto;
        color: $text-muted;
        padding: 0 1;
    }
    """

    def __init__(self, previous_meeting_id: str | None = None, *, committee_id: str | None = None) -> None:
        super().__init__()
        self.previous_meeting_id = previous_meeting_id
        self.committee_id = committee_id
        self.committee: Committee | None = None
        self.previous: Meeting | None = None
        """The meeting the numbers follow (the newest of the body)."""
        self.base: Meeting | None = None
        """The meeting as made from the committee, before the clerk's changes."""
        self.agenda: list[Item] = []
        self._computed: tuple[str, str, str] | None = None

    # -- layout ----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        title = "次の会議を作る(前回の会議から)" if self.previous_meeting_id else "新しい会議"
        yield Static(Content.styled(title, "bold"), id="new-title")
        with VerticalScroll():
            yield Label("会議体", classes="form-label")
            yield Static("(F2 で選んでください)", id="committee-name")
            with Horizontal(classes="form-row"):
                with Vertical():
                    # Short: at 80 columns a third of the form holds it with 「 = 令和4年度」 after it.
                    yield Label("年度(西暦)", id="fiscal-year-label", classes="form-label")
                    yield Input(placeholder="4月始まり 例 2022", id="fiscal-year")
                with Vertical():
                    yield Label("第N回(年度の中で)", classes="form-label")
                    yield Input(id="session")
                with Vertical():
                    yield Label("通算第N回", classes="form-label")
                    yield Input(id="serial")
            yield Static("", id="numbers-note")
            with Horizontal(classes="form-row"):
                with Vertical():
                    yield Label("開催日", classes="form-label")
                    yield Input(placeholder="例 2022-04-20", id="date")
                with Vertical():
                    yield Label("開会の時刻", classes="form-label")
                    yield Input(placeholder="例 17:30", id="start")
            yield Label("開催場所", classes="form-label")
            yield Input(placeholder="例 市役所3階 庁議室", id="place")
            yield Label("出席者(会議を開いてから出欠を付けます)", classes="form-label")
            yield Static("", id="people-summary")
            yield Label("会次第(F3 で編集)", classes="form-label")
            yield Static("", id="agenda-summary")
        yield Static("F2 会議体を選ぶ ・ F3 会次第を編集 ・ Tab 次の欄 ・ ctrl+s 作成して開く ・ Esc 戻る", id="new-hint")
        yield KeyBar()

    def on_mount(self) -> None:
        refuse_if_read_only(self, "新しい会議は作れません", timeout=10)
        if self.previous_meeting_id is not None:
            self._start_from_meeting(self.previous_meeting_id)
        elif self.committee_id is not None:
            committee = next((c for c in self._committees() if c.id == self.committee_id), None)
            if committee is None:
                self.notify("会議体が見つかりません。選び直してください。", severity="warning")
                self.call_after_refresh(self.action_choose_committee)
            else:
                self.use_committee(committee)
        else:
            self.call_after_refresh(self.action_choose_committee)
        self._show_agenda()

    # -- data ------------------------------------------------------------------------------
    @property
    def datadir(self):
        return self.app.datadir

    def _committees(self) -> list[Committee]:
        try:
            return self.datadir.committees()
        except StorageError as error:
            self.notify(error.message, title="会議体を読めません", severity="error", timeout=15)
            return []

    def _previous_of(self, body: str, fallback: Meeting | None = None) -> Meeting | None:
        try:
            previous = self.datadir.previous_meeting(body)
        except StorageError as error:
            self.notify(
                f"{error.message}\n前回の会議が読めないため、回数は前回から数えられません。確かめて直してください。",
                severity="warning",
                timeout=15,
            )
            return fallback
        return previous or fallback

    def _start_from_meeting(self, meeting_id: str) -> None:
        try:
            source = self.datadir.load_meeting(meeting_id)
        except StorageError as error:
            self.notify(error.message, title="会議を開けません", severity="error", timeout=15)
            return
        committee = committee_for_meeting(self._committees(), source)
        self.committee = committee
        previous = self._previous_of(source.body, source)
        if previous is not None and previous.date < source.date:
            previous = source
        self.previous = previous
        today = app_now(self.app)
        self.base = next_meeting_from(source, today, committee)
        numbers = next_numbers(previous, today.date())
        self.base.fiscal_year, self.base.session, self.base.serial = numbers
        self.agenda = list(self.base.agenda)
        self._fill()

    def use_committee(self, committee: Committee) -> None:
        """Fill the form from a committee and its previous meeting."""
        self.committee = committee
        self.previous = self._previous_of(committee.name)
        self.base = meeting_from_committee(committee, app_now(self.app), self.previous)
        self._fill()

    def _fill(self) -> None:
        base = self.base
        if base is None:
            return
        name = base.body + ("" if self.committee else "(会議体の登録なし。前回の会議から作ります)")
        self.query_one("#committee-name", Static).update(Content(visible(name)))
        self._set("date", base.date)
        self._set("start", base.start)
        self._set("place", base.place)
        self._set_numbers(base.fiscal_year, base.session, base.serial)
        self._show_people()
        self._show_agenda()
        self.query_one("#date", Input).focus()

    def _set(self, wid: str, value: object) -> None:
        self.query_one(f"#{wid}", Input).value = "" if value is None else str(value)

    def _set_numbers(self, fiscal_year, session, serial) -> None:
        values = tuple("" if v is None else str(v) for v in (fiscal_year, session, serial))
        for wid, value in zip(NUMBER_FIELDS, values):
            self._set(wid, value)
        self._computed = values
        self._show_numbers_note()

    def _show_numbers_note(self) -> None:
        previous = self.previous
        if previous is None:
            note = "前回の会議がないので第1回・通算第1回にしています。違うときは直してください。"
        else:
            note = f"前回: {composed_title(previous)}"
            if previous.serial:
                note += f"(通算第{previous.serial}回)"
            note += f" {previous.date}"
        label = ""
        text = self.query_one("#fiscal-year", Input).value.strip()
        try:
            label = fiscal_year_label(parse_count(text, "年度", minimum=1868)) if text else ""
        except ValueError:
            label = ""
        self.query_one("#fiscal-year-label", Label).update(f"年度(西暦){' = ' + label if label else ''}")
        self.query_one("#numbers-note", Static).update(Content(visible(note)))

    def _show_people(self) -> None:
        base = self.base
        if base is None:
            return
        counts = []
        for group in (GROUP_MEMBER, GROUP_SECRETARIAT, GROUP_DEPARTMENT):
            n = sum(1 for p in base.people if p.group == group)
            counts.append(f"{group}{n}名")
        self.query_one("#people-summary", Static).update(Content("、".join(counts)))

    def _show_agenda(self) -> None:
        if not self.agenda:
            text = "(議事がまだありません。F3 で加えてください)"
        else:
            probe = Meeting(body="", date="", start="", place="", agenda=self.agenda)
            lines = []
            for section, headings in agenda_outline(probe):
                lines.append(visible(section))
                lines.extend(f"  {circled(n)} {visible(heading)}" for n, heading in enumerate(headings, start=1))
            text = "\n".join(lines)
        self.query_one("#agenda-summary", Static).update(Content(text))

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "date" and self.base is not None:
            try:
                day = parse_date_text(event.value)
            except ValueError:
                return
            current = tuple(self.query_one(f"#{wid}", Input).value for wid in NUMBER_FIELDS)
            if self._computed is None or current == self._computed:
                self._set_numbers(*next_numbers(self.previous, day))
        elif event.input.id == "fiscal-year":
            self._show_numbers_note()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    # -- actions ---------------------------------------------------------------------------
    def action_choose_committee(self) -> None:
        """Choose the committee of the meeting."""
        committees = self._committees()
        if not committees:
            self.notify(
                "会議体がありません。先に一覧の F8(会議体)で会議体を作ってください"
                "(そこで F2 で新規に、または F3 で会議の名簿から)。",
                severity="warning",
                timeout=12,
            )
            if self.base is None:
                self.dismiss(None)
            return
        choices = [(c.name, f"{c.name} {c.place}", c.id) for c in committees]

        def chosen(committee_id: str | None) -> None:
            if committee_id is None:
                if self.base is None:
                    self.dismiss(None)
                return
            committee = next((c for c in committees if c.id == committee_id), None)
            if committee is not None:
                self.use_committee(committee)

        self.app.push_screen(CommitteePicker(choices), chosen)

    def _departments(self) -> list[str]:
        names: list[str] = []
        if self.committee is not None:
            names.extend(self.committee.departments)
        if self.base is not None:
            names.extend(p.department for p in self.base.people if p.group == GROUP_DEPARTMENT and p.department)
        return list(dict.fromkeys(names))

    def action_edit_agenda(self) -> None:
        """Edit the agenda of the new meeting."""
        if self.base is None:
            self.notify("先に F2 で会議体を選んでください。", severity="warning")
            return

        def done(agenda: list[Item] | None) -> None:
            if agenda is not None:
                self.agenda = agenda
                self._show_agenda()

        self.app.push_screen(AgendaEditor(self.agenda, self._departments(), title="新しい会議の会次第"), done)

    def build(self) -> Meeting:
        """The meeting as the form says; :class:`ValueError` (Japanese) if a field is wrong."""
        if self.base is None:
            raise ValueError("先に F2 で会議体を選んでください。")
        value = lambda wid: self.query_one(f"#{wid}", Input).value.strip()  # noqa: E731
        day = parse_date_text(value("date"))
        start = normalize_time(value("start"))
        place = value("place")
        if not place:
            raise ValueError("開催場所を入れてください。")
        fiscal_year = parse_count(value("fiscal-year"), "年度", minimum=1868) if value("fiscal-year") else None
        session = parse_count(value("session"), "第N回", minimum=1) if value("session") else None
        serial = parse_count(value("serial"), "通算第N回", minimum=1) if value("serial") else None
        base = self.base
        meeting = Meeting(
            body=base.body,
            date=day.isoformat(),
            start=start,
            place=place,
            people=base.people,
            agenda=list(self.agenda),
            fiscal_year=fiscal_year,
            session=session,
            serial=serial,
            record_style=base.record_style,
            extra=base.extra,
        )
        try:
            return meeting_from_dict(meeting_to_dict(meeting), "新しい会議")
        except FormatError as error:
            raise ValueError(error.message) from None

    def action_create(self) -> None:
        """Create the meeting and open it."""
        if refuse_if_read_only(self, "新しい会議は作れません", timeout=10):
            return
        try:
            meeting = self.build()
        except (ValueError, CommitteeError) as error:
            self.notify(str(error), title="作れません", severity="error", timeout=12)
            return
        if not meeting.agenda:

            def answered(yes: bool | None) -> None:
                if yes:
                    self._create(meeting)

            self.app.push_screen(
                Confirm("会次第に議事がありません。このまま作りますか?(議事は会議を開いてからも加えられます)", yes="作る"),
                answered,
            )
            return
        self._create(meeting)

    def _create(self, meeting: Meeting) -> None:
        try:
            meeting_id = self.datadir.add_meeting(meeting)
        except StorageError as error:
            self.notify(error.message, title="作れませんでした", severity="error", timeout=15)
            return
        self.created_id = meeting_id
        self.notify(f"会議を作りました: {composed_title(meeting)}")
        self.dismiss(meeting_id)
        self.app.open_meeting(meeting_id)

    def action_back(self) -> None:
        """Back without making a meeting."""
        self.dismiss(None)
