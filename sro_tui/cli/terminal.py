"""Keys typed while the app starts: not echoed, and ctrl+q kept for the app.

Between `sro-tui` starting and Textual taking the terminal (the imports, about a second at
50,000 students without bytecode) the terminal is still in its ordinary mode: every key typed
(an F-key, a name) is echoed as raw text onto the screen, and ctrl+q is taken by the terminal's
own flow control, so it never reaches the app. The keys themselves are kept by the terminal and
the app applies them in order once it starts (ui/opening.py). `quiet_terminal()` turns echo and
flow control off at once, for the app's start, and puts the terminal back as it found it after.
No effect where there is no terminal (tests, a pipe) or no termios (Windows).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def quiet_terminal(fd: int | None = None) -> Iterator[None]:
    """While the app runs: input not echoed, ctrl+q and ctrl+s handed to the program; keys
    typed are kept (no flush) and ctrl+c still interrupts. Restored on the way out."""
    try:
        import termios
    except ImportError:  # Windows: its console does neither
        yield
        return
    if fd is None:
        try:
            fd = sys.stdin.fileno()
        except (AttributeError, OSError, ValueError):
            fd = -1
    try:
        before = termios.tcgetattr(fd) if fd >= 0 and os.isatty(fd) else None
    except termios.error:
        before = None
    if before is None:
        yield
        return
    quiet = termios.tcgetattr(fd)
    quiet[0] &= ~termios.IXON  # input flags: no flow control on ctrl+s / ctrl+q
    quiet[3] &= ~(termios.ECHO | termios.ICANON)  # local flags: no echo, keys as typed
    termios.tcsetattr(fd, termios.TCSANOW, quiet)  # TCSANOW: what was typed is kept
    try:
        yield
    finally:
        try:
            termios.tcsetattr(fd, termios.TCSANOW, before)
        except termios.error:
            pass
