"""The demo sits above every app and nothing imports it (issue 18, "Layout"): `web/` is the
page furniture the domain apps use, so an import from web/ to the demo would make the arrows
run both ways again. Read from the source with `ast`, so lazy imports inside functions count.
"""

from __future__ import annotations

import ast
from pathlib import Path

import policyhub

PACKAGE = Path(policyhub.__file__).parent


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    return imports_of(path.read_text(encoding="utf-8"), module_name(path),
                      package=path.name == "__init__.py")


def imports_of(source: str, name: str, *, package: bool = False) -> set[str]:
    """Every module `source` (module `name`) imports, relative imports resolved, and for
    `from x import y` both x and x.y (y may be a module)."""
    parts = name.split(".") if package else name.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = parts[: len(parts) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def is_demo(module: str) -> bool:
    return module == "policyhub.demo" or module.startswith("policyhub.demo.") or any(
        part in {"demo", "demo_monitor"} for part in module.split(".")[1:])


def modules_under(folder: str) -> list[Path]:
    return sorted((PACKAGE / folder).rglob("*.py"))


def test_no_module_of_web_imports_the_demo() -> None:
    offenders = {module_name(p): sorted(filter(is_demo, imports(p)))
                 for p in modules_under("web")}
    assert {m: found for m, found in offenders.items() if found} == {}


def test_nothing_outside_the_demo_app_imports_it() -> None:
    outside = [p for p in PACKAGE.rglob("*.py") if PACKAGE / "demo" not in p.parents]
    offenders = {module_name(p): sorted(i for i in imports(p) if i.startswith("policyhub.demo"))
                 for p in outside}
    assert {m: found for m, found in offenders.items() if found} == {}


def test_the_web_furniture_holds_no_demo_module() -> None:
    assert [p.name for p in modules_under("web") if "demo" in p.stem] == []


def test_the_checker_sees_imports_of_every_form() -> None:
    source = ("from ..demo import loader\nimport policyhub.demo.registry\n"
              "def lazy() -> None:\n    from . import display\n"
              "    from policyhub.registry import demo\n")
    found = imports_of(source, "policyhub.web.views.page")
    assert {"policyhub.web.demo.loader", "policyhub.demo.registry", "policyhub.web.views.display",
            "policyhub.registry.demo"} <= found
    assert sorted(filter(is_demo, found)) == ["policyhub.demo.registry", "policyhub.registry.demo",
                                              "policyhub.web.demo", "policyhub.web.demo.loader"]
    assert not is_demo("policyhub.web.display") and not is_demo("policyhub.demographics")
