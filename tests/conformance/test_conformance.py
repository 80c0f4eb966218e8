"""One test per datalog-conformance case (the package ships cases and fixtures, no tests)."""

import pytest


def test_case(yaml_test_case, runner):
    _path, case = yaml_test_case
    if case.skip:
        pytest.skip(case.skip)
    runner.run_test_case(case)
