"""Configs: from a YAML file, YAML text or a Python dict, all through the library's strict loader.

A dict is written out as YAML text (one key per line, so that an error's line and column point
into that text, shown in the message) and loaded exactly as a file is: unknown keys, wrong types
and out-of-range values raise ``ganglion.ConfigError``.
"""

import json
import math
import os

from . import _ganglion
from .errors import ConfigError

__all__ = ["load_config", "config_from_dict", "parse_config"]


def _overrides(overrides):
    if overrides is None:
        return []
    if isinstance(overrides, dict):
        return [f"{k}={_scalar(v)}" for k, v in overrides.items()]
    if isinstance(overrides, str):
        return [overrides]
    return [str(o) for o in overrides]


def _scalar(v):
    if v is None:
        return "~"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return ".nan"
        if math.isinf(v):
            return ".inf" if v > 0 else "-.inf"
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v)  # a double-quoted YAML string
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_scalar(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{_key(k)}: {_scalar(x)}" for k, x in v.items()) + "}"
    raise TypeError(f"config value {v!r} of type {type(v).__name__}: use str, int, float, bool, None, list or dict")


def _key(k):
    if not isinstance(k, str):
        raise TypeError(f"config key {k!r}: keys must be str")
    return json.dumps(k) if not k.replace("_", "").isalnum() else k


def _to_yaml(d, indent=0):
    lines = []
    for k, v in d.items():
        pad = " " * indent
        if isinstance(v, dict) and v:
            lines.append(f"{pad}{_key(k)}:")
            lines.extend(_to_yaml(v, indent + 2))
        else:
            lines.append(f"{pad}{_key(k)}: {_scalar(v)}")
    return lines


def parse_config(text, origin="<string>", overrides=None):
    """A config from YAML text; ``origin`` names the text in error messages."""
    return _ganglion._parse_config(text, origin, _overrides(overrides))


def config_from_dict(d, overrides=None, origin="<dict>"):
    """A config from a dict shaped like the YAML file, e.g.
    ``{"population_size": 150, "genome": {"num_inputs": 2}, "task": {"name": "xor"}}``.
    Keys may also be dotted paths at the top level (``{"run.generations": 50}``).
    """
    if not isinstance(d, dict):
        raise TypeError(f"config_from_dict: expected a dict, got {type(d).__name__}")
    nested, dotted = {}, []
    for k, v in d.items():
        if isinstance(k, str) and "." in k:
            dotted.append(f"{k}={_scalar(v)}")
        else:
            nested[k] = v
    text = "\n".join(_to_yaml(nested)) + "\n"
    return _ganglion._parse_config(text, origin, dotted + _overrides(overrides))


def load_config(path, overrides=None):
    """Loads and checks a YAML config file, then applies overrides (a list of ``"key.path=value"``
    or a dict ``{"key.path": value}``), each checked as if written in the file. A dict instead of a
    path is passed to config_from_dict. Raises ``ganglion.ConfigError`` with file, line and column.
    """
    if isinstance(path, dict):
        return config_from_dict(path, overrides)
    return _ganglion._load_config(os.fspath(path), _overrides(overrides))
