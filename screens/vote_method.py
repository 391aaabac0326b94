"""A vote taken other than by roll call: show of hands, standing, secret ballot, no objection, consensus.

Keyboard only and IME-safe: ←→ (or the first letter shown) choose among the
choices of a row, ↑↓/Tab move between rows, the counts and the result words
are typed (full-width digits too), Enter records, Esc cancels. The result is a
:class:`VoteInput` for the meeting screen to record; the vote rules check the
counts against the result (:func:`minutes.votes.decide`), and a tie in the
counts asks the chair's decision there, as a roll call does.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from minutes.committee import parse_count
from minutes.model import (
    ABSTAIN,
    APPROVE,
    DISAPPROVE,
    METHOD_BALLOT,
    METHOD_CONSENSUS,
    METHOD_HANDS,
    METHOD_NAMES,
    METHOD_NO_OBJECTION,
    METHOD_STANDING,
    RESULT_VALUES,
    TALLIES,
)

#: The methods this dialog takes (a roll call is the vote pane, F12).
METHODS = (METHOD_HANDS, METHOD_STANDING, METHOD_BALLOT, METHOD_NO_OBJECTION, METHOD_CONSENSUS)
#: How the numbers were taken: a tally the chair saw, counts, or nothing.
SHAPE_TALLY, SHAPE_COUNTS, SHAPE_NONE = "tally", "counts", "none"
SHAPE_NAMES = {SHAPE_TALLY: "見た目(全員・多数・少数)", SHAPE_COUNTS: "人数", SHAPE_NONE: "数えない"}


@dataclass
class VoteInput:
    """What the clerk entered: the method, a tally or counts, the result and its words."""

    method: str
    result: str
    tally: str | None = None
    counts: dict[str, int] | None = None
    result_text: str | None = None


def shapes_for(method: str) -> tuple[str, ...]:
    if method in (METHOD_HANDS, METHOD_STANDING):
        return (SHAPE_TALLY, SHAPE_COUNTS, SHAPE_NONE)
    if method == METHOD_BALLOT:
        return (SHAPE_COUNTS, SHAPE_NONE)
    return (SHAPE_NONE,)


class VoteMethodDialog(ModalScreen[VoteInput | None]):
    """Record a vote by show of hands, standing, secret ballot, no objection or consensus."""

    #: Focus follows the row (``_update``): no automatic focus of the first input, which
    #: came after the clerk's first keys and sent them to the wrong row ("" turns it off;
    #: None would mean the app's "*").
    AUTO_FOCUS = ""

    BINDINGS = [
        Binding("escape", "cancel", "取消"),
        Binding("enter", "record", "記録", priority=True),
        Binding("left", "cycle(-1)", "前の選択肢", show=False),
        Binding("right", "cycle(1)", "次の選択肢", show=False),
        Binding("up", "row(-1)", "前の行", show=False),
        Binding("down", "row(1)", "次の行", show=False),
    ]

    DEFAULT_CSS = """
    VoteMethodDialog {
        align: center middle;
    }
    VoteMethodDialog > Vertical {
        width: 72;
        height: auto;
        border: round $accent;
        background: $surface;
        padding: 0 1;
    }
    VoteMethodDialog .row {
        height: 1;
    }
    VoteMethodDialog .row.-current {
        background: $accent 30%;
    }
    VoteMethodDialog Input {
        height: 3;
    }
    VoteMethodDialog .hint {
        color: $text-muted;
    }
    """

    def __init__(self, method: str = METHOD_HANDS, voters: int | None = None, initial: VoteInput | None = None) -> None:
        super().__init__()
        if initial is not None:
            method = initial.method
        self.method = method if method in METHODS else METHOD_HANDS
        self.shape = shapes_for(self.method)[0]
        self.tally = TALLIES[0]
        self.result = APPROVE
        self.voters = voters
        self._result_text = ""
        self._counts: dict[str, int] = {}
        if initial is not None:
            self.result = initial.result
            self._result_text = initial.result_text or ""
            if initial.tally is not None:
                self.shape, self.tally = SHAPE_TALLY, initial.tally
            elif initial.counts is not None:
                self.shape, self._counts = SHAPE_COUNTS, dict(initial.counts)
            elif SHAPE_NONE in shapes_for(self.method):
                self.shape = SHAPE_NONE
        self.row = 0

    # -- layout ----------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "採決(挙手・起立・投票・異議なし・全会一致)"
            yield Static(id="row-method", classes="row")
            yield Static(id="row-shape", classes="row")
            yield Static(id="row-tally", classes="row")
            for key, value, name in (
                ("count-approve", APPROVE, "賛成"), ("count-disapprove", DISAPPROVE, "反対"), ("count-abstain", ABSTAIN, "保留(棄権)")
            ):
                number = self._counts.get(value)
                yield Input(
                    "" if number is None else str(number), placeholder=f"{name}の人数", id=key, restrict=r"[0-9０-９]*"
                )
            yield Static(id="row-result", classes="row")
            yield Input(self._result_text, placeholder="宣告の言葉(例: 原案のとおり可決、採択)。空なら 承認/不承認", id="result-text")
            yield Static("↑↓ 行 ・ ←→ 選ぶ ・ 数と言葉は入力 ・ Enter 記録 ・ Esc 取消", classes="hint")

    def on_mount(self) -> None:
        self._update()

    # -- rows ------------------------------------------------------------------
    def _rows(self) -> list[str]:
        rows = ["method"]
        if len(shapes_for(self.method)) > 1:
            rows.append("shape")
        if self.shape == SHAPE_TALLY:
            rows.append("tally")
        if self.shape == SHAPE_COUNTS:
            rows += ["count-approve", "count-disapprove", "count-abstain"]
        rows += ["result", "result-text"]
        return rows

    @staticmethod
    def _choices(label: str, values: tuple[str, ...], current: str, names: dict[str, str] | None = None) -> Content:
        parts = [f"{label}: "]
        for value in values:
            name = (names or {}).get(value, value)
            parts.append(f"[{name}]" if value == current else f" {name} ")
        return Content(" ".join(parts))

    def _update(self) -> None:
        rows = self._rows()
        self.row = max(0, min(self.row, len(rows) - 1))
        current = rows[self.row]
        self.query_one("#row-method", Static).update(self._choices("方法", METHODS, self.method, METHOD_NAMES))
        shape = self.query_one("#row-shape", Static)
        shape.display = "shape" in rows
        shape.update(self._choices("数え方", shapes_for(self.method), self.shape, SHAPE_NAMES))
        tally = self.query_one("#row-tally", Static)
        tally.display = "tally" in rows
        tally.update(self._choices("見た目", TALLIES, self.tally))
        for key in ("count-approve", "count-disapprove", "count-abstain"):
            self.query_one(f"#{key}", Input).display = key in rows
        self.query_one("#row-result", Static).update(self._choices("結果", RESULT_VALUES, self.result))
        for name in ("method", "shape", "tally", "result"):
            self.query_one(f"#row-{name}", Static).set_class(current == name, "-current")
        if current in ("count-approve", "count-disapprove", "count-abstain", "result-text"):
            self.query_one(f"#{current}", Input).focus()
        else:
            self.set_focus(None)

    def action_row(self, delta: int) -> None:
        self.row += delta
        self._update()

    def on_key(self, event) -> None:
        # Tab moves between rows like ↓ (the inputs would otherwise take it).
        if event.key in ("tab", "shift+tab"):
            event.stop()
            event.prevent_default()
            self.action_row(1 if event.key == "tab" else -1)

    def action_cycle(self, delta: int) -> None:
        current = self._rows()[self.row]
        if current == "method":
            self.method = METHODS[(METHODS.index(self.method) + delta) % len(METHODS)]
            if self.shape not in shapes_for(self.method):
                self.shape = shapes_for(self.method)[0]
        elif current == "shape":
            shapes = shapes_for(self.method)
            self.shape = shapes[(shapes.index(self.shape) + delta) % len(shapes)]
        elif current == "tally":
            self.tally = TALLIES[(TALLIES.index(self.tally) + delta) % len(TALLIES)]
            # 少数 means the question failed; 全員・多数 that it passed (the clerk may still change it).
            self.result = DISAPPROVE if self.tally == "少数" else APPROVE
        elif current == "result":
            self.result = RESULT_VALUES[(RESULT_VALUES.index(self.result) + delta) % len(RESULT_VALUES)]
        else:
            return  # ←→ move the cursor inside an input
        self._update()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cycle":
            return self._rows()[self.row] in ("method", "shape", "tally", "result")
        return True

    # -- result ----------------------------------------------------------------
    def action_record(self) -> None:
        counts = None
        if self.shape == SHAPE_COUNTS:
            counts = {}
            for key, value in (("count-approve", APPROVE), ("count-disapprove", DISAPPROVE), ("count-abstain", ABSTAIN)):
                text = self.query_one(f"#{key}", Input).value
                try:
                    counts[value] = parse_count(text or "0", f"{value}の人数")
                except ValueError as error:
                    self.notify(str(error), severity="warning")
                    return
            if self.voters is not None and sum(counts.values()) > self.voters:
                self.notify(
                    f"人数の合計({sum(counts.values())})が、出席して投票権のある委員の数({self.voters})より多くなっています。",
                    severity="warning",
                )
                return
        words = self.query_one("#result-text", Input).value.strip()
        self.dismiss(
            VoteInput(
                method=self.method,
                result=self.result,
                tally=self.tally if self.shape == SHAPE_TALLY else None,
                counts=counts,
                result_text=words or None,
            )
        )

    def action_cancel(self) -> None:
        self.dismiss(None)
