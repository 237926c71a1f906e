"""nbgrader preprocessors of the course, one transform per module, registered in nbgrader_config.py."""

from .hidden_tests import ClearHiddenTestSource, RemoveHiddenTestEchoes
from .learner_html import SanitizeLearnerHtml
from .mark_scheme import ClearMarkSchemeUnlessAllowed
from .test_outputs import SanitizeTestOutputs

__all__ = [
    "ClearHiddenTestSource",
    "ClearMarkSchemeUnlessAllowed",
    "RemoveHiddenTestEchoes",
    "SanitizeLearnerHtml",
    "SanitizeTestOutputs",
]
