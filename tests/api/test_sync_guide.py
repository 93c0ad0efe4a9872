"""The sync guide names a test for each promise it makes; each named test exists."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "sync-guide.md"


def _test_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    return {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}


def test_every_test_the_sync_guide_names_exists():
    table = GUIDE.read_text().split("## 8. Each promise and its test", 1)[1]
    named = re.findall(r"`([\w/]+\.py)::(\w+)`|`::(\w+)`", table)
    assert len(named) >= 12
    current = None
    for file, name, same_file_name in named:
        if file:
            current = ROOT / "tests" / file
        assert current is not None and current.exists(), file
        assert (name or same_file_name) in _test_names(current), (current, name or same_file_name)
