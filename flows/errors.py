"""Problems found in flow files: one class per kind of problem, each with file, location, reason.

Why one class per problem: `flows check` prints them for a coordinator who edits YAML by
hand, and tests assert on the kind of problem, not on the wording.
"""

from __future__ import annotations


class FlowProblem(Exception):
    """A problem in a flow file. `location` is a dotted path such as `stages[2].questions[0].label`."""

    def __init__(self, file: str, location: str, reason: str) -> None:
        super().__init__(f"{file}: {location or '(file)'}: {reason}")
        self.file = file
        self.location = location
        self.reason = reason


class YamlSyntaxError(FlowProblem):
    """The file is not valid YAML."""


class MissingField(FlowProblem):
    """A required field is absent."""


class UnknownField(FlowProblem):
    """A field the format does not know (usually a typo)."""


class WrongType(FlowProblem):
    """A field has the wrong type (e.g. a list where a text belongs)."""


class InvalidValue(FlowProblem):
    """A field has a value outside what is allowed (unknown role, bad id, out of range)."""


class TextTooLong(FlowProblem):
    """A text is longer than Slack can show in that place."""


class MissingTranslation(FlowProblem):
    """A text lacks its Dutch or English version."""


class DuplicateId(FlowProblem):
    """Two stages, questions or options share an id; ids must be unique to be stable."""


class UnknownReference(FlowProblem):
    """A name that should point to something else in the flow, or to another flow, points nowhere
    (a dot vote's `ideas_from` question, an option's `suggests_flow`)."""


class OptionNotAllowed(FlowProblem):
    """An option that does not fit where it stands (a vote on an info stage, a coordinator-only
    conclusion, a shared picture and conclusion consent on one stage)."""


class DuplicateFlow(FlowProblem):
    """Two files define the same flow id and version."""


class FlowFileError(Exception):
    """Raised when a file has problems; carries all of them, not only the first."""

    def __init__(self, problems: list[FlowProblem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


class UnknownFlow(KeyError):
    """No flow with this id (and version) is loaded."""
