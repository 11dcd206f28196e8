"""Test data: exercises, catalogues and golden cases. Their test files are the instructors', not ours."""

collect_ignore_glob = ["*"]
