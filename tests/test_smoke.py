"""The public API is importable and the math.md reference values hold (a first, small check)."""

import numpy as np

import lassolib


def test_public_api_is_exported():
    for name in lassolib.__all__:
        assert hasattr(lassolib, name), name


def test_uw_coordinate_step_reference_value():
    H = np.array([[3 / np.sqrt(13), 1 / np.sqrt(10)], [2 / np.sqrt(13), 3 / np.sqrt(10)]])
    assert np.isclose(lassolib.coordinate_update(H, [1.0, 1.0], [1.0, 4.0], 1, 0.1), 0.425558846691, atol=1e-12)
