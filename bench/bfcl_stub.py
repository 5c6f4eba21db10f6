"""Lets `bfcl_eval`'s AST checker import without its model SDKs.

`bfcl_eval.constants.model_config` imports every model handler, and they import the SDKs of
every provider (anthropic, openai, torch through sentence-transformers, ...). The checker uses
none of them, so the bench installs `bfcl-eval` with `--no-deps` and this finder answers any
missing third-party import with an empty stand-in module. `bfcl_eval`'s own modules are never
stubbed: a missing one is a real error.
"""

import importlib.abc
import importlib.machinery
import sys
import types


class _Anything(types.ModuleType):
    """A module (and class, and callable) whose every attribute is another stand-in."""

    __path__ = []  # a package, so `import a.b.c` works

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return _Anything(f"{self.__name__}.{name}")

    def __call__(self, *a, **k):
        return _Anything(self.__name__ + "()")

    def __mro_entries__(self, bases):
        return (object,)

    def __iter__(self):
        return iter(())

    def __or__(self, other):
        return self

    __ror__ = __and__ = __rand__ = __add__ = __radd__ = __or__


class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] == "bfcl_eval":
            return None
        for finder in sys.meta_path:
            if finder is self:
                continue
            try:
                spec = finder.find_spec(name, path, target)
            except Exception:
                spec = None
            if spec is not None:
                return None  # installed: import it for real
        return importlib.machinery.ModuleSpec(name, self, is_package=True)

    def create_module(self, spec):
        return _Anything(spec.name)

    def exec_module(self, module):
        pass


def install():
    sys.meta_path.append(_Finder())
