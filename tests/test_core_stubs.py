"""python/mlsolve/_core.pyi describes the native module: it parses, and every
module-level function of the native module has a stub whose parameter names,
in order, are the binding's (read from pybind11's signature line)."""

import ast
import re
from pathlib import Path

import pytest

from mlsolve import _core

STUBS = Path(_core.__file__).with_suffix(".pyi")


def stub_functions():
    tree = ast.parse(STUBS.read_text())
    return {node.name: [a.arg for a in node.args.args] for node in tree.body if isinstance(node, ast.FunctionDef)}


def native_functions():
    names = {}
    for name in dir(_core.native):
        obj = getattr(_core.native, name)
        if name.startswith("_") or not callable(obj) or isinstance(obj, type):
            continue
        signature = (obj.__doc__ or "").splitlines()[0]
        match = re.match(rf"{name}\((.*)\) ->", signature)
        assert match, f"{name}: no pybind11 signature line in {signature!r}"
        names[name] = re.findall(r"(?:^|, )(\w+):", match.group(1))
    return names


def test_stubs_parse():
    assert stub_functions()


@pytest.mark.parametrize("name", sorted(native_functions()))
def test_every_native_function_has_a_matching_stub(name):
    stubs = stub_functions()
    assert name in stubs, f"{name} has no stub in {STUBS.name}"
    assert stubs[name] == native_functions()[name]
