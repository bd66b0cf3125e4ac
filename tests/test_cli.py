"""Every command explains itself, and start-up stays cheap."""

import subprocess
import sys

import pytest

from relwatch.cli import app
from tests.conftest import run

COMMANDS = sorted(command.name or command.callback.__name__ for command in app.registered_commands)


def test_the_commands_a_user_expects_are_there():
    assert {"sync", "list", "show", "compare", "diff", "vendors", "sources", "reclassify"} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command, env):
    result = run([command, "--help"], env)
    assert result.returncode == 0, result.stderr
    assert "Example: relwatch " in result.stdout


def test_help_does_not_import_the_network_or_parsing_stack():
    code = (
        "import sys; from relwatch.cli import app\n"
        "try:\n    app(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = ('httpx', 'sqlite_utils', 'feedparser', 'bs4', 'tenacity', 'dateutil')\n"
        "heavy = [m for m in heavy if m in sys.modules]\n"
        "print('heavy:' + ','.join(heavy))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "heavy:\n" in result.stdout


def test_module_entry_point(env):
    result = subprocess.run([sys.executable, "-m", "relwatch", "--help"], capture_output=True, text=True, env=env)
    assert result.returncode == 0 and "compare" in result.stdout
