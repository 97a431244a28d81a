import inspect

import tunesmith.theory as theory


def test_public_names_exist_and_are_documented():
    assert len(set(theory.__all__)) == len(theory.__all__)
    for name in theory.__all__:
        obj = getattr(theory, name)
        if inspect.isfunction(obj):
            assert obj.__doc__ and obj.__doc__.strip(), f"{name} has no docstring"
