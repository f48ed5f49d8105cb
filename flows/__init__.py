"""Conversation flows: definitions as data (YAML), their validation, and the pure engine.

Nothing in this package talks to Slack or a database, so it can be tested in microseconds.
"""

from flows.errors import FlowFileError, FlowProblem, UnknownFlow
from flows.loader import BUNDLED_DIR, FlowRegistry, check_files, load_flow, parse_flow
from flows.model import (
    ConclusionConsent,
    DotVote,
    Flow,
    Option,
    Preparation,
    Question,
    SharedPicture,
    Stage,
    Text,
)

__all__ = [
    "BUNDLED_DIR", "ConclusionConsent", "DotVote", "Flow", "FlowFileError", "FlowProblem", "FlowRegistry", "Option",
    "Preparation", "Question", "SharedPicture", "Stage", "Text", "UnknownFlow", "check_files", "load_flow",
    "parse_flow",
]
