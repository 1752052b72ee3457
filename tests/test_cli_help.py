"""Every option of every command says what it does, and ``--help`` shows its default."""

from __future__ import annotations

import argparse

import pytest

from backproplab.cli import build_parser


def _subparsers():
    parser = build_parser()
    (action,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return parser, action.choices


def test_every_option_of_every_command_has_help_text():
    parser, commands = _subparsers()
    missing = [
        f"{name} {a.option_strings or a.dest}"
        for name, sub in commands.items()
        for a in sub._actions
        if not (a.help and a.help.strip())
    ]
    assert missing == []
    assert {"demo", "train", "predict", "evaluate", "view", "sweep", "check"} <= set(commands)


def test_help_shows_every_default_worth_showing():
    _, commands = _subparsers()
    for name, sub in commands.items():
        text = " ".join(sub.format_help().split())  # the wrapped lines joined
        for a in sub._actions:
            if a.default is None or a.default is False or a.default in ([], argparse.SUPPRESS):
                continue
            shown = str(a.default)
            assert "default" in " ".join(a.help.split()) or f"(default: {shown})" in text, (
                name,
                a.dest,
            )


def test_demo_help_says_what_it_adds_over_train(capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["demo", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "The circles demo is `train` with the settings" in text
    assert "{circles,slowdown,vanishing}" in text
    assert "(default: 3.0)" in text and "(default: gaussian)" in text


def test_version():
    from backproplab import __version__

    with pytest.raises(SystemExit) as exit_info:
        build_parser().parse_args(["--version"])
    assert exit_info.value.code == 0 and __version__
