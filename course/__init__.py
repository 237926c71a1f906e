"""ML Engineer Skills, autograded: the course's Python package."""

__version__ = "0.1.0"
