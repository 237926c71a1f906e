"""`python -m course` runs the `course` command."""

from .cli import main

main()
