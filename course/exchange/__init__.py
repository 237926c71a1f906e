"""nbgrader's exchange both ways: release and feedback out to learners, submissions back in.

`publish` releases levels and feedback, `collect` brings exchange submissions and LMS downloads
into submitted/ through the checks of `course submit`, and `plugins` holds the nbgrader exchange
classes that nbgrader_config.py names (learners' servers import them, so they stay light).
"""
