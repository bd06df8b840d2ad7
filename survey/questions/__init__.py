"""The question types, one module each (contract section 1; docs/survey-file.md).

The registry holds every concrete ``QuestionType`` subclass with a ``name``
in the modules of this package, found when the package is imported: a new
type is one module here and its form partial (``templates/questions/``),
and nothing else names it. Types are listed by ``position``, then name.
How a type is built and how to add one: docs/question-types.md.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from survey.questions.base import QuestionType


def _discover() -> dict[str, QuestionType]:
    for module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
        importlib.import_module(f"{__name__}.{module}")
    found: list[type[QuestionType]] = []
    pending = list(QuestionType.__subclasses__())
    while pending:
        cls = pending.pop(0)
        pending.extend(cls.__subclasses__())
        if not inspect.isabstract(cls) and "name" in vars(cls):
            found.append(cls)
    return {cls.name: cls() for cls in sorted(found, key=lambda c: (c.position, c.name))}


REGISTRY: dict[str, QuestionType] = _discover()
"""Type name -> the type, in the order of ``position``."""


def get_type(name: str) -> QuestionType:
    return REGISTRY[name]


def register(qtype: QuestionType) -> None:
    """Add a type defined elsewhere (a test's throwaway type)."""
    REGISTRY[qtype.name] = qtype


def unregister(name: str) -> None:
    REGISTRY.pop(name, None)


__all__ = ["REGISTRY", "QuestionType", "get_type", "register", "unregister"]
