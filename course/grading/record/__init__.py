"""Stage 3, on the coordinator: scores to the gradebook, graded notebooks and grading.json to autograded/."""
