"""Issue 9, item 4: no crash through a public name.

``coordinate_descent_sweeps`` and ``gram_coordinate_descent_sweeps`` are checked wrappers: a short
history buffer, a short ``z``, a wrong dtype or shape is a ValueError before compiled code runs.
The bad calls run in a child process, so that a missing check shows up as a failed test (a crash
or a wrong answer), not as a dead test run.
"""

import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import lassolib

CHILD = textwrap.dedent(
    r'''
    import json, numpy as np, lassolib
    n, D, S = 6, 4, 5
    rng = np.random.default_rng(0)
    H = np.asfortranarray(rng.standard_normal((n, D)))
    y = rng.standard_normal(n)
    G = H.T @ H

    def plain(**change):
        args = dict(H=H, w=np.zeros(D), residual=y.copy(), z=(H**2).sum(0),
                    penalized=np.ones(D, bool), l1_penalty=0.1, tolerance=1e-12, max_sweeps=S,
                    objective_history=np.empty(S + 1), max_step_history=np.empty(S))
        args.update(change)
        return lassolib.coordinate_descent_sweeps(**args)

    def gram(**change):
        args = dict(G=G, Hty=H.T @ y, yty=float(y @ y), w=np.zeros(D), Gw=np.zeros(D),
                    penalized=np.ones(D, bool), l1_penalty=0.1, tolerance=1e-12, max_sweeps=S,
                    objective_history=np.empty(S + 1), max_step_history=np.empty(S))
        args.update(change)
        return lassolib.gram_coordinate_descent_sweeps(**args)

    readonly = np.zeros(D); readonly.flags.writeable = False
    cases = {
        "plain: objective_history too short": (plain, dict(objective_history=np.empty(S))),
        "plain: max_step_history too short": (plain, dict(max_step_history=np.empty(1))),
        "plain: max_sweeps beyond the buffers": (plain, dict(max_sweeps=10**6)),
        "plain: short z": (plain, dict(z=np.ones(D - 1))),
        "plain: short w": (plain, dict(w=np.zeros(D - 1))),
        "plain: short residual": (plain, dict(residual=np.zeros(n - 1))),
        "plain: short penalized": (plain, dict(penalized=np.ones(D - 1, bool))),
        "plain: int penalized": (plain, dict(penalized=np.ones(D, int))),
        "plain: float32 w": (plain, dict(w=np.zeros(D, np.float32))),
        "plain: list w": (plain, dict(w=[0.0] * D)),
        "plain: read-only w": (plain, dict(w=readonly)),
        "plain: 1-D H": (plain, dict(H=y)),
        "plain: int H": (plain, dict(H=np.ones((n, D), int))),
        "plain: NaN in H": (plain, dict(H=np.full((n, D), np.nan))),
        "plain: negative z": (plain, dict(z=-np.ones(D))),
        "plain: negative penalty": (plain, dict(l1_penalty=-1.0)),
        "plain: NaN tolerance": (plain, dict(tolerance=float("nan"))),
        "plain: zero sweeps": (plain, dict(max_sweeps=0)),
        "plain: float sweeps": (plain, dict(max_sweeps=2.5)),
        "plain: 2-D history": (plain, dict(objective_history=np.empty((S + 1, 1)))),
        "gram: objective_history too short": (gram, dict(objective_history=np.empty(2))),
        "gram: max_step_history too short": (gram, dict(max_step_history=np.empty(0))),
        "gram: non-square G": (gram, dict(G=np.ones((D, D + 1)))),
        "gram: short Hty": (gram, dict(Hty=np.ones(D - 1))),
        "gram: short Gw": (gram, dict(Gw=np.zeros(D - 1))),
        "gram: short w": (gram, dict(w=np.zeros(2))),
        "gram: NaN yty": (gram, dict(yty=float("nan"))),
        "gram: short penalized": (gram, dict(penalized=np.ones(1, bool))),
    }
    out = {}
    for name, (function, change) in cases.items():
        try:
            function(**change)
            out[name] = "no error"
        except ValueError as error:
            out[name] = "ValueError: " + str(error)
        except Exception as error:  # noqa: BLE001
            out[name] = type(error).__name__ + ": " + str(error)
    print(json.dumps(out))
    '''
)


@pytest.fixture(scope="module")
def outcomes():
    completed = subprocess.run(
        [sys.executable, "-c", CHILD], capture_output=True, text=True, timeout=600
    )
    assert completed.returncode == 0, f"the child crashed: {completed.returncode}\n{completed.stderr}"
    return json.loads(completed.stdout.strip().splitlines()[-1])


def test_every_bad_buffer_is_a_value_error(outcomes):
    assert len(outcomes) == 28
    wrong = {name: result for name, result in outcomes.items() if not result.startswith("ValueError")}
    assert not wrong, wrong


@pytest.mark.parametrize("name, word", [
    ("plain: objective_history too short", "objective_history"),
    ("plain: max_step_history too short", "max_step_history"),
    ("plain: short z", "z has length"),
    ("gram: short Hty", "Hty"),
    ("plain: read-only w", "read-only"),
])
def test_messages_name_the_argument(outcomes, name, word):
    assert word in outcomes[name]


def test_wrappers_run_the_compiled_loops():
    rng = np.random.default_rng(1)
    H = np.asfortranarray(rng.standard_normal((20, 5)))
    y = rng.standard_normal(20)
    w, residual = np.zeros(5), y.copy()
    objective, steps = np.empty(201), np.empty(200)
    objective[0] = y @ y
    done, met = lassolib.coordinate_descent_sweeps(
        H, w, residual, (H**2).sum(0), np.ones(5, bool), 1.0, 1e-13, 200, objective, steps
    )
    assert met and 1 < done < 200 and isinstance(done, int)
    np.testing.assert_allclose(residual, y - H @ w, atol=1e-12)
    G, w_g, Gw = H.T @ H, np.zeros(5), np.zeros(5)
    done_g, met_g = lassolib.gram_coordinate_descent_sweeps(
        G, H.T @ y, float(y @ y), w_g, Gw, np.ones(5, bool), 1.0, 1e-13, 200, objective, steps
    )
    assert met_g and done_g == done
    np.testing.assert_allclose(w_g, w, atol=1e-12)


def test_the_book_shows_the_compiled_loop():
    """Chapter 4 prints the readable loop: the compiled kernel's own source."""
    from lassolib.coordinate_descent import _coordinate_descent_sweeps

    text = lassolib.show_source(_coordinate_descent_sweeps).text
    assert "for sweep in range(max_sweeps):" in text and "rho_j = np.dot(h_j, residual)" in text
