"""What the widgets' messages have in common: the widget they come from, as ``control``.

As in Textual's own widgets (``OptionList.OptionMessage``, ``DataTable.RowSelected``),
a screen can then handle a message of one widget only: ``@on(RowTable.AddRow, "#members")``.
"""

from __future__ import annotations

from textual.message import Message
from textual.widget import Widget


class WidgetMessage(Message):
    """A message a widget posts about itself; ``control`` is that widget."""

    def __init__(self, widget: Widget) -> None:
        self.widget = widget
        """The widget the message comes from."""
        super().__init__()

    @property
    def control(self) -> Widget:
        """The widget the message comes from (what ``@on(…, selector)`` matches)."""
        return self.widget
