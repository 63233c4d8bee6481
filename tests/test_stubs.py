"""The committed type stubs match the core registry (regenerate with `make stubs`)."""

import importlib.util
from pathlib import Path

from alpenglow import _core, cpp

ROOT = Path(__file__).resolve().parents[1]


def _generator():
    spec = importlib.util.spec_from_file_location("gen_stubs", ROOT / "tools" / "gen_stubs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cpp_stub_is_up_to_date():
    committed = (ROOT / "python" / "alpenglow" / "cpp.pyi").read_text()
    assert committed == _generator().render(_core.components()), "run `make stubs` and commit cpp.pyi"


def test_every_component_has_a_class_and_a_stub():
    stub = (ROOT / "python" / "alpenglow" / "cpp.pyi").read_text()
    for info in _core.components():
        if info["name"] == "RecommenderData":
            continue
        assert hasattr(cpp, info["name"])
        assert f"class {info['name']}(Component):" in stub


def test_core_stub_lists_every_function():
    stub = (ROOT / "python" / "alpenglow" / "_core.pyi").read_text()
    public = [n for n in dir(_core) if not n.startswith("_")]
    missing = [n for n in public if f"def {n}(" not in stub and f"class {n}" not in stub]
    assert missing == []
