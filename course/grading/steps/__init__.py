"""nbgrader's own preprocessors, as the course configures them, for preparing and recording."""
