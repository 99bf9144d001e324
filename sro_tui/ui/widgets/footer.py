"""The footer of a screen's own keys, drawn by one widget: Textual's compact `Footer`, same look.

Textual's footer is a container of one widget per key (7-10 on a screen here), each composed,
mounted, styled (itself and two component classes), laid out and drawn twice (its width, then
its picture): on the dashboard, the first screen, that was about a third of what the app's first
frame cost over a bare Textual app's. This one draws the same keys the same way as one line: the
screen's keys from the left, each its key (bold, in the footer's key colour) and its words, one
cell apart, and the command palette's key on the right after a thin rule; a disabled key dimmed.
Pointing at a key highlights it and shows its tooltip, clicking it presses it (a disabled one
rings the bell), and keys that do not fit move sideways with the mouse wheel, as Textual's do.
It is drawn again only when the keys shown (key, words, action, enabled) change.
`tests/ui/test_keys_footer.py` checks it cell by cell against Textual's footer (compact, the only
kind the screens use; binding groups, which no screen has, follow Textual's rules unchecked).

The colours are Textual's footer theme variables, combined as Textual combines a widget's styles
with its parents' (`DOMNode.rich_style`): the footer's, then a key's (`FooterKey`'s rules, copied
from `textual/widgets/_footer.py`, Textual pinned to 8.2), then the key's or the words' part.
"""

from __future__ import annotations

from itertools import groupby
from typing import TYPE_CHECKING, NamedTuple

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.color import Color
from textual.strip import Strip
from textual.widget import Widget

if TYPE_CHECKING:
    from textual.binding import Binding
    from textual.screen import Screen


class _Key(NamedTuple):
    """One key as drawn: where it starts (its own cells, margins not counted) and its parts."""

    key: str
    key_display: str
    description: str
    enabled: bool
    tooltip: str
    grouped: bool = False  # one of a binding group's keys (drawn without words, then the group's)
    label: bool = False  # a binding group's words (not a key: no highlight, no click)


class KeysFooter(Widget, can_focus=False):
    """The screen's keys and the command palette's, as Textual's `Footer` draws them."""

    ALLOW_SELECT = False
    DEFAULT_CSS = """
    KeysFooter {
        dock: bottom;
        width: 1fr;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
    }
    """

    def __init__(self, *, compact: bool = False) -> None:
        super().__init__()
        self.compact = compact
        self._shown: tuple | None = None  # the keys drawn, as `_shown_keys` gives them
        self._keys: list[_Key] = []
        self._palette: _Key | None = None
        self._spans: list[tuple[int, int, _Key]] = []  # (x, width, key) on screen, last drawn
        self._hover: _Key | None = None
        self._scroll = 0  # cells the keys are moved left by (the mouse wheel)
        self._overflow = 0  # cells of keys that do not fit (how far the wheel can move them)
        self._drawn: tuple[tuple, list[Segment]] | None = None

    # --- the keys ------------------------------------------------------------------------

    def _shown_keys(self) -> tuple:
        """What is drawn, as a value to compare: the shown keys and the palette's."""
        palette = self.app.COMMAND_PALETTE_BINDING
        return tuple(
            (key, b.key, b.description, b.action, b.group, b.tooltip, enabled, tooltip)
            for key, (_, b, enabled, tooltip) in self.screen.active_bindings.items()
            if b.show or key == palette
        )

    def _read_keys(self) -> None:
        """The keys to draw, in Textual's footer's order (its `compose`)."""
        self._shown = self._shown_keys()
        active = self.screen.active_bindings
        by_action: dict[str, list[tuple[Binding, bool, str]]] = {}
        for _, binding, enabled, tooltip in active.values():
            if binding.show:
                by_action.setdefault(binding.action, []).append((binding, enabled, tooltip))
        display = self.app.get_key_display
        keys: list[_Key] = []
        for group, actions in groupby(by_action.values(), lambda shown: shown[0][0].group):
            actions = list(actions)
            if group is not None and len(actions) > 1:
                for binding, enabled, tooltip in (shown[0] for shown in actions):
                    keys.append(
                        _Key(
                            binding.key,
                            display(binding),
                            "",
                            enabled,
                            tooltip or binding.description,
                            grouped=True,
                        )
                    )
                keys.append(_Key("", "", group.description, True, "", label=True))
            else:
                for binding, enabled, tooltip in (shown[0] for shown in actions):
                    keys.append(
                        _Key(binding.key, display(binding), binding.description, enabled, tooltip)
                    )
        self._keys = keys
        self._palette = None
        if self.app.ENABLE_COMMAND_PALETTE:
            found = active.get(self.app.COMMAND_PALETTE_BINDING)
            if found is not None:
                _, binding, enabled, _ = found
                self._palette = _Key(
                    binding.key,
                    display(binding),
                    binding.description,
                    enabled,
                    binding.tooltip or binding.description,
                )

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        # As Textual's footer: not while the app is not focused, only for its own screen.
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return
        if self._shown_keys() != self._shown:
            self._read_keys()
            self._drawn = None
            self._set_hover(None)
            self.refresh()

    # --- drawing ---------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        # Its one line, every cell styled here (Textual's line API): the gaps between keys keep
        # the footer's background alone, as the gaps of Textual's footer, its container, are.
        if self._shown is None:
            self._read_keys()
        width = self.size.width
        return Strip(self.line(width), width)

    def _colors(self) -> dict[str, Color]:
        variables = self.app.theme_variables
        names = (
            "footer-item-background",
            "footer-key-foreground",
            "footer-key-background",
            "footer-description-foreground",
            "footer-description-background",
            "block-hover-background",
            "foreground",
        )
        return {name: Color.parse(variables[name]) for name in names}

    def _base(self) -> tuple[Color, Color, Style, float]:
        """The footer's own background, colour, text style and opacity, as `DOMNode.rich_style`
        combines them from the app down."""
        background = Color(0, 0, 0, 0)
        color = Color(255, 255, 255, 0)
        style = Style()
        opacity = 1.0
        for node in reversed(self.ancestors_with_self):
            styles = node.styles
            opacity *= styles.opacity
            text_background = background
            if styles.has_rule("background"):
                tinted = styles.background.tint(styles.background_tint)
                text_background = background + tinted
                background += tinted.multiply_alpha(opacity)
            if styles.has_rule("color"):
                color = styles.color
            style += styles.text_style
            if styles.has_rule("auto_color") and styles.auto_color:
                color = text_background.get_contrast_text(color.a)
        return background, color, style, opacity

    @staticmethod
    def _layer(
        state: tuple[Color, Color, Style, float],
        background: Color | None = None,
        color: Color | None = None,
        text_style: Style | None = None,
    ) -> tuple[Color, Color, Style, float]:
        """`state` with one more node's background, colour and text style on top."""
        base_background, base_color, style, opacity = state
        if background is not None:
            base_background = base_background + background.multiply_alpha(opacity)
        if color is not None:
            base_color = color
        if text_style is not None:
            style = style + text_style
        return base_background, base_color, style, opacity

    @staticmethod
    def _rich(state: tuple[Color, Color, Style, float]) -> Style:
        background, color, style, _ = state
        return style + Style.from_color(
            (background + color).rich_color if (background.a or color.a) else None,
            background.rich_color if background.a else None,
        )

    def _key_styles(self, key: _Key, base: tuple, colors: dict[str, Color]) -> tuple[Style, ...]:
        """A key's styles: the whole key (its padding), its key, its words (FooterKey's rules)."""
        hover = key is self._hover and not key.label
        item = self._layer(
            base,
            colors["block-hover-background" if hover else "footer-item-background"],
            colors["footer-key-foreground"] if hover else None,
            Style(dim=True) if not key.enabled else None,
        )
        if key.label:  # a group's words: FooterLabel, a Label with the description colours
            words = self._layer(
                base,
                colors["footer-description-background"],
                colors["footer-description-foreground"],
            )
            return self._rich(words), self._rich(words), self._rich(words)
        return (
            self._rich(item),
            self._rich(
                self._layer(
                    item,
                    colors["footer-key-background"],
                    colors["footer-key-foreground"],
                    Style(bold=True),
                )
            ),
            self._rich(
                self._layer(
                    item,
                    colors["footer-description-background"],
                    colors["footer-description-foreground"],
                )
            ),
        )

    def _key_segments(self, key: _Key, styles: tuple[Style, ...]) -> list[Segment]:
        """A key as FooterKey renders it (compact: no padding around the key, one cell before
        the words; otherwise one cell each side of the key and after the words)."""
        _, key_style, words_style = styles
        if key.label:
            return [Segment(key.description, words_style)]
        if not key.description:
            return [Segment(key.key_display, key_style)]
        if self.compact:
            return [
                Segment(key.key_display, key_style),
                Segment(f" {key.description}", words_style),
            ]
        return [
            Segment(f" {key.key_display} ", key_style),
            Segment(f"{key.description} ", words_style),
        ]

    def _margins(self, index: int) -> tuple[int, int]:
        """Blank cells (the footer's background) before and after the key at `index`, as the
        footer's rules place them (binding groups: the keys, then the group's words)."""
        key = self._keys[index]
        if self.compact:
            if key.grouped:
                first = index == 0 or not self._keys[index - 1].grouped
                return (1 if first else 0), 0  # KeyGroup.-compact: padding-left 1
            if key.label:
                return 0, 0
            return 0, 1
        if key.grouped:
            return 1, 1
        if key.label:
            return 0, 1
        return 0, 0

    def line(self, width: int) -> list[Segment]:
        """The footer's line, `width` cells wide; the keys' places are kept for the mouse."""
        base = self._base()
        colors = self._colors()
        drawn_from = (width, self._shown, self._hover, self._scroll, base, tuple(colors.items()))
        if self._drawn is not None and self._drawn[0] == drawn_from:
            return self._drawn[1]
        # The cells between keys: the footer's background alone, as Textual draws a gap.
        blank = Style.from_color(None, base[0].rich_color if base[0].a else None)
        # The screen's keys from the left, moved by the wheel, cut at the footer's edge.
        spans: list[tuple[int, int, _Key]] = []
        keys: list[Segment] = []
        x = -self._scroll
        for index, key in enumerate(self._keys):
            before, after = self._margins(index)
            parts = self._key_segments(key, self._key_styles(key, base, colors))
            size = Segment.get_line_length(parts)
            keys.append(Segment(" " * before, blank))
            keys.extend(parts)
            keys.append(Segment(" " * after, blank))
            if not key.label and x + before < width:
                spans.append((x + before, size, key))
            x += before + size + after
        self._overflow = max(x + self._scroll - width, 0)
        keys.append(Segment(" " * max(width - x, 0), blank))
        keys = list(Segment.divide(keys, [self._scroll, self._scroll + width]))[1]
        # The palette's key, docked right over the keys, before the compact footer's margin (a
        # cell where a key that does not fit still shows, as in Textual's): a thin rule (the
        # footer's background under it), the key, and in a footer that is not compact a cell.
        line = keys
        if self._palette is not None:
            styles = self._key_styles(self._palette, base, colors)
            under = self._layer(
                base,
                colors[
                    "block-hover-background"
                    if self._palette is self._hover
                    else "footer-item-background"
                ],
            )
            rule_color = base[0] + colors["foreground"].multiply_alpha(0.2)
            rule = Style.from_color(rule_color.rich_color, under[0].rich_color)
            right = [Segment("\u258f", rule), *self._key_segments(self._palette, styles)]
            if not self.compact:
                right.append(Segment(" ", styles[0]))
            size = Segment.get_line_length(right)
            start = max(width - (1 if self.compact else 0) - size, 0)
            before, _, after = Segment.divide(keys, [start, start + size, width])
            line = [*before, *right, *after]
            line = list(Segment.divide(line, [width]))[0]
            spans.append((start, size, self._palette))
        # Neighbouring gaps as one segment, as Textual draws the space its footer's keys leave.
        line = list(Segment.simplify(segment for segment in line if segment.text))
        self._spans = spans
        self._drawn = (drawn_from, line)
        return line

    # --- the mouse -------------------------------------------------------------------------

    def _key_at(self, x: int) -> _Key | None:
        for start, size, key in reversed(self._spans):  # the palette's key is on top
            if start <= x < start + size:
                return key
        return None

    def _set_hover(self, key: _Key | None) -> None:
        if key is self._hover:
            return
        self._hover = key
        self.tooltip = key.tooltip if key is not None and key.tooltip else None
        self.styles.pointer = "pointer" if key is not None else "default"
        if self.is_attached:
            self.screen.update_pointer_shape()
        self.refresh()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        self._set_hover(self._key_at(event.x))

    def on_leave(self, event: events.Leave) -> None:
        self._set_hover(None)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        key = self._key_at(event.x)
        if key is None:
            return
        if not key.enabled:
            self.app.bell()
        else:
            self.app.simulate_key(key.key)

    def _scroll_by(self, cells: int) -> bool:
        scroll = min(max(self._scroll + cells, 0), self._overflow)
        if scroll == self._scroll:
            return False
        self._scroll = scroll
        self._set_hover(None)
        self.refresh()
        return True

    def _on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        if self._scroll_by(round(self.app.scroll_sensitivity_x)):
            event.stop()
            event.prevent_default()

    def _on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        if self._scroll_by(-round(self.app.scroll_sensitivity_x)):
            event.stop()
            event.prevent_default()
