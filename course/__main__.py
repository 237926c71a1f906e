"""`python -m course` runs the `course` command."""

from .cli import main

if __name__ == "__main__":  # not when a process pool's child imports it (multiprocessing spawn)
    main()
