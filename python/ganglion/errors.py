"""Ganglion's exceptions. The library's errors arrive as these classes.

Every message names the place (file:line:column, key path, genome id) and what would be valid.
"""

import re

__all__ = ["Error", "ConfigError", "GenomeError", "CheckpointError"]


class Error(Exception):
    """Any error Ganglion reports about its input (configs, genomes, checkpoints, run folders)."""


_PLACE = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<column>\d+): (?P<message>.*)$", re.S)


class ConfigError(Error, ValueError):
    """A config (file, dict or override) that does not match the schema.

    Attributes: ``file`` (the config file, or the origin of a dict or text; None for an override
    such as ``--set``), ``line`` and ``column`` (1-based, None when the error has no position),
    and ``message`` (the text after the place).
    """

    def __init__(self, text, file=None, line=None, column=None):
        super().__init__(text)
        self.file, self.line, self.column, self.message = file, line, column, text
        m = _PLACE.match(text)
        if m and file is None:
            self.file = m.group("file")
            self.line = int(m.group("line"))
            self.column = int(m.group("column"))
            self.message = m.group("message")
        elif file is None and ": " in text:
            head, rest = text.split(": ", 1)
            if head.endswith((".yaml", ".yml", ">", ")")):
                self.file, self.message = head, rest


class GenomeError(Error, ValueError):
    """A genome that cannot be loaded or compiled (names the genome and the gene)."""


class CheckpointError(Error):
    """A checkpoint or run folder that cannot be read."""
