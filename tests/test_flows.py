"""The registry of flows: one flow per name, under that name, and an engine that names none."""

from __future__ import annotations

import ast
from pathlib import Path

from bot.app import every_flow
from conversations import flows
from conversations.flow_names import FlowName, flow_named

ROOT = Path(__file__).resolve().parents[1]


def test_the_registry_holds_exactly_one_flow_per_name() -> None:
    registry = flows.every_flow()
    assert sorted(registry) == sorted(FlowName)
    for name, flow in registry.items():
        assert flow.name is name, f"{type(flow).__name__} is registered as {name}"
    assert len({type(flow) for flow in registry.values()}) == len(FlowName)


def test_the_running_chat_registers_every_flow() -> None:
    assert sorted(every_flow()) == sorted(FlowName)


def test_the_menu_offers_every_flow_registered() -> None:
    menu = flows.every_flow()[FlowName.MENU]
    assert menu.available == frozenset(FlowName) - {FlowName.MENU}  # type: ignore[attr-defined]


def test_a_stored_name_no_flow_has_any_more_is_none() -> None:
    assert flow_named("organizing") is FlowName.ORGANIZING
    assert flow_named("gone") is None
    assert flow_named(None) is None
    assert flow_named("") is None


def imported(path: Path) -> set[str]:
    """Every module ``path`` imports, ``from conversations import menu`` read as
    ``conversations.menu``."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def test_the_engine_imports_no_flow() -> None:
    flow_modules = {type(flow).__module__ for flow in flows.every_flow().values()}
    assert "conversations.onboarding" in flow_modules
    named = imported(ROOT / "conversations" / "engine.py") & (flow_modules | {flows.__name__})
    assert not named, f"conversations/engine.py imports {sorted(named)}"
