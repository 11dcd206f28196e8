"""`python -m cli`: the `grader` command, for processes started without the installed script."""

from cli import main

main()
