"""The Settings page of the documentation (docs/settings.md) says what grader/settings.py
declares: one row per setting, in the table's order, with its key, pytest option, command
option and commands, environment variable, default and whether it is in the regrade digest;
and its table of the other --grader- options lists exactly the plugin's."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from grader.plugin.options import add_options
from grader.settings import SETTINGS, Setting

PAGE = Path(__file__).resolve().parents[2] / "docs" / "settings.md"
NONE = "—"


def _tables(text: str) -> list[list[list[str]]]:
    """Every Markdown table of `text`: its rows (the header first), each a list of cells."""
    tables: list[list[list[str]]] = []
    rows: list[list[str]] = []
    for line in [*text.splitlines(), ""]:
        if re.fullmatch(r"\|[-:| ]+\|", line.strip()):  # the line under the header
            continue
        if line.startswith("|"):
            rows.append([cell.strip() for cell in line.strip().strip("|").split(" | ")])
        elif rows:
            tables.append(rows)
            rows = []
    return tables


def _table(header_start: str) -> list[dict[str, str]]:
    """The page's table whose first column is `header_start`, as one dict per row."""
    for header, *rows in _tables(PAGE.read_text(encoding="utf-8")):
        if header[0] == header_start:
            return [dict(zip(header, row, strict=True)) for row in rows]
    raise AssertionError(f"docs/settings.md has no table whose first column is {header_start!r}")


def _code(cell: str) -> str:
    """A cell's first `code` span, without its backticks ("—" when the cell says none)."""
    found = re.match(r"`([^`]*)`", cell)
    return found.group(1) if found else cell


def _default(setting: Setting) -> str:
    if setting.kind is bool:
        return "on" if setting.default else "off"
    if setting.kind is float:
        return f"{setting.default:g}"
    return str(setting.default)


def test_the_page_has_one_row_per_setting_in_the_tables_order() -> None:
    assert [_code(row["key"]) for row in _table("key")] == [s.key for s in SETTINGS]


@pytest.mark.parametrize("setting", SETTINGS, ids=[s.key for s in SETTINGS])
def test_each_settings_row_says_what_the_table_declares(setting: Setting) -> None:
    row = next((row for row in _table("key") if _code(row["key"]) == setting.key), None)
    assert row, f"docs/settings.md has no row for the setting {setting.key}"
    pytest_option = _code(row["pytest option"]).split(" ")[0]
    assert pytest_option == (setting.pytest_option if setting.pytest else NONE)
    option, _, commands = row["command option"].partition(":")
    assert _code(option) == (setting.command_option if setting.commands else NONE)
    assert re.findall(r"`grader ([a-z-]+)`", commands) == list(setting.commands)
    assert _code(row["environment variable"]) == (setting.env or NONE)
    assert _code(row["default"]) == _default(setting)
    assert row["in the digest"] == ("yes" if setting.digest else "no")


def test_the_other_options_of_a_pytest_run_are_exactly_the_plugins() -> None:
    class Group:
        def __init__(self) -> None:
            self.options: list[str] = []

        def addoption(self, name: str, **kwargs: object) -> None:
            self.options.append(name)

    class Parser:
        def __init__(self) -> None:
            self.group = Group()

        def getgroup(self, *args: object) -> Group:
            return self.group

    parser = Parser()
    add_options(parser)  # type: ignore[arg-type]
    settings = {s.pytest_option for s in SETTINGS if s.pytest}
    others = [option for option in parser.group.options if option not in settings]
    documented = [_code(row["option"]).split(" ")[0] for row in _table("option")]
    assert sorted(documented) == sorted(others)
