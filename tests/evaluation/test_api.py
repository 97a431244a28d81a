import inspect
import subprocess
import sys

import tunesmith.evaluation as evaluation


def test_public_names_exist_and_are_documented():
    assert len(set(evaluation.__all__)) == len(evaluation.__all__)
    for name in evaluation.__all__:
        obj = getattr(evaluation, name)
        if inspect.isfunction(obj) or inspect.isclass(obj):
            assert obj.__doc__ and obj.__doc__.strip(), f"{name} has no docstring"


def test_importing_evaluation_loads_no_heavy_library():
    code = ("import sys, tunesmith.evaluation, tunesmith.cli.evaluate; "
            "print([m for m in ('matplotlib', 'torch', 'music21', 'scipy', 'sklearn') if m in sys.modules])")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "[]"
