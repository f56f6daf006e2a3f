"""Python tasks named by a config: ``task: {python: "package.module:factory", key: value, ...}``.

The factory is called with the task's other keys as keyword arguments and returns the task
object (num_inputs, num_outputs, evaluate(population)). The module is imported as usual; when it
is not found, the config file's folder is searched too, as plug-in paths are (docs/python.md).
"""

import importlib
import os
import sys

from .errors import ConfigError

__all__ = []


def _resolve(spec, source):
    module_name, sep, attr = spec.partition(":")
    if not sep or not module_name or not attr:
        raise ConfigError(f"{source}: task.python: '{spec}' is not 'module:factory' (e.g. 'mytasks.xor:make_task')")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as e:
        folder = os.path.dirname(os.path.abspath(source)) if os.path.isfile(source) else None
        if e.name != module_name.split(".")[0] or folder is None or folder in sys.path:
            raise
        sys.path.append(folder)
        module = importlib.import_module(module_name)
    obj = module
    for part in attr.split("."):
        if not hasattr(obj, part):
            raise ConfigError(f"{source}: task.python: module '{module_name}' has no '{attr}'")
        obj = getattr(obj, part)
    if not callable(obj):
        raise ConfigError(f"{source}: task.python: '{spec}' is not callable")
    return obj


def _make_python_task(spec, params, source):
    factory = _resolve(spec, source)
    try:
        return factory(**params)
    except TypeError as e:
        if params and "argument" in str(e):
            raise ConfigError(f"{source}: task: the factory '{spec}' does not take the task keys "
                              f"{', '.join(params)}: {e}") from e
        raise
