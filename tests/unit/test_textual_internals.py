"""The Textual this app is pinned to still has every private part the app uses, in the shape used.

The app replaces or calls a few private methods of Textual (they are not part of
its API and may change in any release): the compositor's line pieces
(``tui/overlay_text.py``), the command palette's "no matches" countdown
(``tui/commands.py``), a screen's result callback (``tui/app.py``), the entry
bar's key and size hooks (``tui/widgets/entry_bar.py``), the log's own
scrollbar (``tui/widgets/speaker_log.py``), the styling of a widget's lines
(``tui/widgets/styled_lines.py``), a node's bindings before the
keymap (``tui/widgets/key_bar.py``), the way a key travels from the app to
the widgets and back (``tui/key_order.py``) and the TextArea's line breaking
(``tui/kinsoku_wrap.py``). ``pyproject.toml`` pins Textual to
the release these were written against; when the pin moves, this test names
each part that moved.
"""

from __future__ import annotations

import inspect
import re
import tokenize
import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest
from textual._compositor import ChopsUpdate, Compositor
from textual._styles_cache import StylesCache
from textual.app import App
from textual.command import CommandPalette
from textual.dom import DOMNode
from textual.message import Message
from textual.message_pump import MessagePump
from textual.screen import Screen
from textual.scroll_view import ScrollView
from textual.widget import Widget
from textual.widgets import TextArea

REPO = Path(__file__).resolve().parents[2]

#: (class, name, the parameters the app calls or replaces it with). ``None``: a plain attribute.
METHODS = [
    (Compositor, "_render_chops", ["self", "crop", "is_rendered_line"]),
    (Compositor, "render_partial_update", ["self"]),
    (Compositor, "_get_renders", ["self", "crop"]),
    (Compositor, "_regions_to_spans", ["regions"]),
    (Compositor, "cuts", ["self"]),
    (ChopsUpdate, "__init__", ["self", "chops", "spans", "chop_ends"]),
    (CommandPalette, "_start_no_matches_countdown", ["self", "search_value"]),
    (CommandPalette, "_stop_no_matches_countdown", ["self"]),
    (CommandPalette, "_NO_MATCHES", None),
    (CommandPalette, "_NO_MATCHES_COUNTDOWN", None),
    (Screen, "_push_result_callback", ["self", "requester", "callback", "future"]),
    (TextArea, "_on_key", ["self", "event"]),
    (TextArea, "_refresh_size", ["self"]),
    (TextArea, "render_lines", ["self", "crop"]),
    (Widget, "_pseudo_classes_cache_key", ["self"]),
    (Widget, "_refresh_scrollbars", ["self"]),
    (Widget, "vertical_scrollbar", ["self"]),
    (ScrollView, "_scroll_update", ["self", "virtual_size"]),
    (App, "_start_widget", ["self", "parent", "widget"]),
    (Widget, "_get_title_style_information", ["self", "background"]),
    (Widget, "_get_subtitle_style_information", ["self", "background"]),
    (
        StylesCache,
        "render_line",
        [
            "self", "styles", "y", "size", "content_size", "padding", "base_background", "background",
            "render_content_line", "border_title", "border_subtitle", "opacity", "ansi_theme", "native_ansi",
        ],
    ),
]

#: Attributes Textual sets on its objects that the app reads or sets: (class, attribute).
INSTANCE_ATTRIBUTES = [
    (Compositor, "_dirty_regions"),
    (CommandPalette, "_list_visible"),
    (CommandPalette, "_no_matches_timer"),
    (Widget, "_vertical_scrollbar"),
    (DOMNode, "_bindings"),
    (DOMNode, "_component_styles"),
    (TextArea, "_theme"),
    (Widget, "_styles_cache"),
    (Widget, "_border_title"),
    (Widget, "_border_subtitle"),
    (StylesCache, "_simple_strip"),
    (Message, "_stop_propagation"),
]


def _parameters(cls, name: str) -> list[str]:
    member = inspect.getattr_static(cls, name)
    if isinstance(member, property):
        member = member.fget
    elif isinstance(member, classmethod):
        member = getattr(cls, name)  # bound: without ``cls``
    return list(inspect.signature(member).parameters)


@pytest.mark.parametrize(("cls", "name", "parameters"), METHODS, ids=[f"{c.__name__}.{n}" for c, n, _ in METHODS])
def test_a_private_method_the_app_uses_has_the_shape_it_was_written_for(cls, name, parameters):
    assert hasattr(cls, name), f"Textual's {cls.__name__} has no {name} any more"
    if parameters is not None:
        assert _parameters(cls, name) == parameters, f"Textual's {cls.__name__}.{name} changed its parameters"


@pytest.mark.parametrize(("cls", "name"), INSTANCE_ATTRIBUTES, ids=[f"{c.__name__}.{n}" for c, n in INSTANCE_ATTRIBUTES])
def test_a_private_attribute_the_app_uses_is_still_set_by_textual(cls, name):
    source = "".join(inspect.getsource(klass) for klass in cls.__mro__ if klass.__module__.startswith("textual"))
    assert re.search(rf"self\.{name}\b\s*(:[^=]*)?=", source), f"Textual's {cls.__name__} no longer sets {name}"


def test_the_installed_textual_is_the_pinned_one():
    dependencies = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    (pin,) = [line for line in dependencies if re.match(r"textual\b", line)]
    assert pin == f"textual=={version('textual')}", (
        f"pyproject says {pin!r}, the environment has textual {version('textual')}: the private parts above "
        "were checked against the pinned release"
    )


def test_textarea_render_lines_is_still_the_theme_then_the_lines():
    # EntryText.render_lines does what TextArea's does (the theme's styles, then the lines
    # of ScrollView) but re-reads the styles only when they can have changed: it must not
    # skip anything else TextArea does there.
    body = inspect.getsource(TextArea.render_lines).split("\n", 1)[1]  # after the def line
    statements = [line.strip() for line in body.splitlines() if line.strip() and not line.strip().startswith("#")]
    assert statements == [
        "theme = self._theme",
        "if theme:",
        "theme.apply_css(self)",
        "return super().render_lines(crop)",
    ], "TextArea.render_lines changed: see EntryText.render_lines"


def test_styles_cache_render_is_still_each_line_then_the_filters_then_the_crop():
    # StyledLines.render does what StylesCache.render does for each line (render_line, then
    # the widget's line filters, then the crop at the sides); the rows it keeps by row are
    # the only other thing there, and StyledLines keeps lines by their content instead.
    source = inspect.getsource(StylesCache.render)
    calls = re.findall(r"\b(render_line|apply_filter|strip\.crop)\(", source)
    assert calls == ["render_line", "apply_filter", "strip.crop"], "StylesCache.render changed: see StyledLines.render"
    widget_source = inspect.getsource(StylesCache.render_widget)
    assert "widget.get_line_filters()" in widget_source and "style_links" in widget_source


def test_a_key_still_goes_to_the_focused_widget_and_bubbles_back_to_the_app_for_its_bindings():
    # tui/key_order.py follows a key on its way: the app hands it to the focused widget (or
    # the screen) unless a priority binding takes it; each widget handles it, then posts it
    # to its parent unless it was stopped; the app runs the other bindings when it arrives.
    # If Textual stops handing keys so, the keys typed behind one would wait OVERDUE each.
    on_event = inspect.getsource(App.on_event)
    assert "self._check_bindings(event.key, priority=True)" in on_event
    assert "forward_target = self.focused or self.screen" in on_event
    assert "forward_target._forward_event(event)" in on_event
    assert "self.focused._forward_event(event)" in on_event  # a paste
    assert "await self._check_bindings(event.key)" in inspect.getsource(App._on_key)
    on_message = inspect.getsource(MessagePump._on_message)
    assert on_message.index("await invoke(method, message)") < on_message.index("message._bubble_to(self._parent)")
    assert "not message._stop_propagation" in on_message
    assert "widget.post_message(self)" in inspect.getsource(Message._bubble_to)


def test_the_text_area_still_breaks_its_lines_with_compute_wrap_offsets_from_its_module():
    # tui/kinsoku_wrap.py replaces the name in the wrapped document's module: Textual must
    # still look it up there, with the parameters the replacement takes.
    from textual import _wrap
    from textual.document import _wrapped_document

    from tui import kinsoku_wrap

    assert list(inspect.signature(_wrap.compute_wrap_offsets).parameters) == [
        "text", "width", "tab_size", "fold", "precomputed_tab_sections",
    ]
    assert list(inspect.signature(kinsoku_wrap.wrap_offsets).parameters) == list(
        inspect.signature(_wrap.compute_wrap_offsets).parameters
    )
    source = inspect.getsource(_wrapped_document.WrappedDocument)
    assert source.count("compute_wrap_offsets(") == 2  # wrap() and wrap_range()
    assert kinsoku_wrap.apply() and _wrapped_document.compute_wrap_offsets is kinsoku_wrap.wrap_offsets


def _attribute_names(path: Path) -> set[str]:
    """Private names read as attributes (``x._name``) in the code, not in strings or comments
    (a module path such as "textual.widgets._input" is not an attribute the app touches)."""
    with path.open(encoding="utf-8") as source:
        tokens = [t for t in tokenize.generate_tokens(source.readline) if t.type not in (tokenize.NL, tokenize.COMMENT)]
    return {
        token.string
        for before, token in zip(tokens, tokens[1:])
        if before.type == tokenize.OP and before.string == "." and token.type == tokenize.NAME
        and re.fullmatch(r"_[a-z][A-Za-z0-9_]*|_[A-Z][A-Z_]+", token.string)
    }


def test_every_private_textual_name_in_the_source_is_listed_here():
    # A private name of Textual's that the app starts to use must be added above, so that a
    # new Textual release is checked for it too.
    listed = {name for _, name, _ in METHODS} | {name for _, name in INSTANCE_ATTRIBUTES}
    textual_private = set()
    for folder in ("tui", "screens"):
        for path in (REPO / folder).rglob("*.py"):
            for name in _attribute_names(path):
                if any(hasattr(cls, name) for cls in (Compositor, CommandPalette, Screen, TextArea, Widget, App, ScrollView, DOMNode, Message)):
                    textual_private.add(name)
    assert textual_private <= listed, f"not checked here: {sorted(textual_private - listed)}"


def test_rich_still_breaks_text_where_textual_content_does():
    # The vote pane breaks its rows with rich's divide_line because Textual's Content does
    # (Content._wrap_and_format): if Textual stops using it, the pane's rows would break
    # elsewhere than Textual's text does.
    from rich._wrap import divide_line
    from textual import content

    assert list(inspect.signature(divide_line).parameters)[:3] == ["text", "width", "fold"]
    assert content.divide_line is divide_line
