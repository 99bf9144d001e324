"""The terminal while the app starts: keys not echoed, ctrl+q not taken by flow control, and the
terminal put back as it was."""

from __future__ import annotations

import os

import pytest

termios = pytest.importorskip("termios")

from sro_tui.cli.terminal import quiet_terminal  # noqa: E402


def test_echo_and_flow_control_are_off_while_the_app_runs_and_back_after():
    controller, terminal = os.openpty()
    try:
        before = termios.tcgetattr(terminal)
        assert before[3] & termios.ECHO  # a new terminal echoes
        os.write(controller, b"F8")  # typed before: kept for the app
        with quiet_terminal(terminal):
            during = termios.tcgetattr(terminal)
            assert not during[3] & termios.ECHO
            assert not during[3] & termios.ICANON
            assert not during[0] & termios.IXON  # ctrl+q reaches the program
            assert during[3] & termios.ISIG  # ctrl+c still interrupts
            assert os.read(terminal, 16) == b"F8"
        assert termios.tcgetattr(terminal) == before
    finally:
        os.close(controller)
        os.close(terminal)


def test_the_terminal_is_put_back_when_the_app_fails():
    controller, terminal = os.openpty()
    try:
        before = termios.tcgetattr(terminal)
        with pytest.raises(RuntimeError), quiet_terminal(terminal):
            raise RuntimeError("the app crashed")
        assert termios.tcgetattr(terminal) == before
    finally:
        os.close(controller)
        os.close(terminal)


def test_nothing_happens_without_a_terminal(tmp_path):
    with open(tmp_path / "not-a-terminal", "w") as f, quiet_terminal(f.fileno()):
        pass  # a file, a pipe, a test run: left alone, no error
