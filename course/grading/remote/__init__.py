"""Grading a job away from the course folder: what lets one coordinator feed thousands of workers.

The coordinator sends each worker only the submission and a few values of the gradebook
(`job.remote_job`), plus once per level and run a bundle of the level (`bundle.py`: the course's
configuration, the level's source and release notebooks, a scratch gradebook of its instructor
rows). The worker grades the job in a scratch course made from the bundle with the same code as
local grading (prepare_job, execute_job, record_job: nbgrader's steps, the course's scoring rule)
and returns plain data (`run.grade_away`): the autograded files and the gradebook rows. The
coordinator only writes those (`job.store_result`): a few SQL statements and files per job.
"""
