"""Chapter 7's figure functions draw what they are given (a smoke test that can fail)."""


import numpy as np
import pytest

from lassolib import make_sparse_regression
from lassolib.figures.geometry import (
    budget_grid,
    budget_label,
    budget_sweep,
    contour_levels,
    plot_constraint_geometry,
    plot_zero_frequency,
)
from lassolib.geometry import (
    exact_zero_frequency,
    l1_constrained_least_squares,
    least_squares,
    rss_grid,
)



@pytest.fixture
def data():
    H, y, _ = make_sparse_regression(50, 2, 2, correlation=0.7, seed=6)
    return H, y


@pytest.mark.parametrize("kind", ["l1", "l2"])
def test_plot_constraint_geometry(data, kind):
    H, y = data
    W1, W2, R = rss_grid(H, y, (-4, 4), (-4, 4), 41)
    w_ls = least_squares(H, y)
    w_hat = np.array([1.5, 0.0])
    ax = plot_constraint_geometry(W1, W2, R, 1.5, w_hat, w_ls, kind=kind, rss_at_w_hat=10.0)
    assert ax.get_xlabel() == "$w_1$" and ax.get_ylabel() == "$w_2$"
    assert ax.get_xlim() == (-4.0, 4.0)
    texts = " ".join(t.get_text() for t in ax.texts)
    assert "exact zero" in texts and "$w_2 = 0$" in texts
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[0] == (r"$\|w\|_1 \leq t$" if kind == "l1" else r"$\|w\|_2 \leq t$")
    # The region's outline passes through (t, 0).
    outline = ax.get_lines()[0].get_xydata()
    assert np.isclose(np.abs(outline[:, 0]).max(), 1.5)


def test_plot_constraint_geometry_rejects_bad_kind(data):
    H, y = data
    W1, W2, R = rss_grid(H, y, (-1, 1), (-1, 1), 5)
    with pytest.raises(ValueError, match="kind must be"):
        plot_constraint_geometry(W1, W2, R, 1.0, [0, 0], [1, 1], kind="l3")


def test_contour_levels_increase_from_the_minimum():
    R = np.arange(100.0).reshape(10, 10)
    levels = contour_levels(R, 5)
    assert levels.shape == (5,) and np.all(np.diff(levels) > 0) and levels[0] > 0


def test_budget_grid_and_labels():
    grid = budget_grid(4.0, 15)
    assert grid[0] == 0.0 and grid[-1] == pytest.approx(5.0) and 4.0 in grid and len(grid) == 15
    assert budget_label(0.0, 4.0) == "t = 0 — all zero"
    assert budget_label(2.0, 4.0) == "t = 2 (0.5 ‖ŵ_LS‖₁) — lasso"
    assert budget_label(4.0, 4.0) == "t = 4 (1 ‖ŵ_LS‖₁) — unconstrained = linear regression"
    assert budget_label(1234.5, 4000.0) == "t = 1,234 (0.309 ‖ŵ_LS‖₁) — lasso"
    with pytest.raises(ValueError, match="ls_l1_norm"):
        budget_grid(0.0)


def test_budget_sweep(data):
    H, y = data
    sweep = budget_sweep(H, y, n_frames=4, n_grid=31)
    assert len(sweep) == 4
    assert sweep.labels[0].endswith("all zero")
    assert sweep.labels[-1].endswith("unconstrained = linear regression")
    assert all(panel[:8] == b"\x89PNG\r\n\x1a\n" for frame in sweep.frames for panel in frame)
    w = l1_constrained_least_squares(H, y, sweep.values[1])
    assert f"({w[0]:.2f}" in sweep.alt[1] or "(0," in sweep.alt[1]


def test_plot_zero_frequency():
    results = [exact_zero_frequency([0.2, 0.8], n_problems=10, n_features=D) for D in (2, 3)]
    ax = plot_zero_frequency(results)
    assert len(ax.get_lines()) == 4
    np.testing.assert_array_equal(ax.get_lines()[0].get_ydata(), results[0].l1)
    np.testing.assert_array_equal(ax.get_lines()[3].get_ydata(), results[1].l2)


# --- Item 8E(b, c): the penalized view beside the constrained one, and t(λ) = ‖ŵ_λ‖₁.

def test_penalized_view_objective_and_minimizer(data):
    import lassolib
    from lassolib.figures.geometry import penalized_view

    H, y = data
    lam = 0.5 * lassolib.lambda_max(H, y)
    view = penalized_view(H, y, lam, limits=(-1.0, 3.0), n=21)
    # The objective at a grid point, written out independently.
    i, j = 7, 13
    w = np.array([view.W1[i, j], view.W2[i, j]])
    expected = np.sum((y - H @ w) ** 2) + lam * np.sum(np.abs(w))
    assert view.objective[i, j] == pytest.approx(expected, rel=1e-12)
    # The minimizer satisfies the lasso's KKT conditions, and solves the constrained problem
    # at its own budget (another solver, chapter 7's).
    assert lassolib.kkt_violation(H, y, view.w_hat, lam).max() < 1e-6
    assert view.budget == pytest.approx(np.sum(np.abs(view.w_hat)))
    np.testing.assert_allclose(l1_constrained_least_squares(H, y, view.budget), view.w_hat,
                               atol=1e-7)
    # No grid point is lower than the minimizer.
    assert view.objective.min() >= lassolib.lasso_objective(H, y, view.w_hat, lam) - 1e-9
    with pytest.raises(ValueError, match="2 columns"):
        penalized_view(np.column_stack([H, H[:, 0]]), y, lam)
    with pytest.raises(ValueError, match="l1_penalty"):
        penalized_view(H, y, -1.0)


def test_plot_penalized_geometry(data):
    from lassolib.figures import MIN_FONT_PT, use_book_style
    from lassolib.figures.geometry import penalized_view, plot_penalized_geometry

    use_book_style()
    H, y = data
    view = penalized_view(H, y, 60.0, n=41)
    w_ls = least_squares(H, y)
    ax = plot_penalized_geometry(view, w_ls)
    (dot,) = [line for line in ax.get_lines() if line.get_label().startswith(r"$\hat w_\lambda$")]
    np.testing.assert_allclose([dot.get_xdata()[0], dot.get_ydata()[0]], view.w_hat)
    assert ax.collections, "the contours are drawn"
    import matplotlib.text

    ax.figure.canvas.draw()
    sizes = [t.get_fontsize() for t in ax.figure.findobj(matplotlib.text.Text)
             if t.get_visible() and t.get_text().strip()]
    assert min(sizes) >= MIN_FONT_PT
    with pytest.raises(ValueError, match="PenalizedView"):
        plot_penalized_geometry((1, 2), w_ls)


def _orthonormal_problem(seed=0, n=30, d=4):
    """Unit-norm columns orthogonal to each other and to the constant column (column 0)."""
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(np.column_stack([np.ones(n), rng.normal(size=(n, d))]))
    H = Q * np.sign(Q[0, 0])  # column 0 = +1/√n
    y = H @ np.array([5.0, 3.0, -2.0, 0.7, 0.1]) + 0.01 * rng.normal(size=n)
    return H, y


def test_l1_norm_path_orthonormal_closed_form():
    import lassolib
    from lassolib.figures.geometry import l1_norm_path

    H, y = _orthonormal_problem()
    lam_max = lassolib.lambda_max(H, y, unpenalized=(0,))
    penalties = np.array([2.0, 0.0, 0.3, 1.0, 1.0 * lam_max, 4.0, 1.5 * lam_max])  # any order
    solved, t = l1_norm_path(H, y, penalties)
    assert np.all(np.diff(solved) > 0) and solved[0] == 0.0
    # For orthonormal columns ŵ_j = S(h_jᵀ r₀, λ): t(λ) = Σ max(|h_jᵀ r₀| − λ/2, 0).
    rho = H[:, 1:].T @ (y - y.mean())
    expected = np.array([np.sum(np.maximum(np.abs(rho) - lam / 2, 0.0)) for lam in solved])
    np.testing.assert_allclose(t, expected, rtol=1e-8, atol=1e-10)
    assert t[solved >= lam_max].max() == 0.0
    with pytest.raises(ValueError, match="l1_penalties"):
        l1_norm_path(H, y, [])


def test_plot_l1_norm_path():
    import lassolib
    from lassolib.figures.geometry import l1_norm_path, plot_l1_norm_path

    H, y = _orthonormal_problem()
    lam_max = lassolib.lambda_max(H, y, unpenalized=(0,))
    penalties, t = l1_norm_path(H, y, np.concatenate([[0.0], lam_max * np.geomspace(1e-3, 2, 30)]))
    ax = plot_l1_norm_path(penalties, t, lambda_max=lam_max, current=0.5 * lam_max)
    (curve,) = [line for line in ax.get_lines() if line.get_label().startswith("$t(")]
    np.testing.assert_allclose(curve.get_ydata(), t[1:])  # λ = 0 is the dotted line, not on the log axis
    np.testing.assert_allclose(curve.get_xdata(), penalties[1:] / lam_max)
    (ls_line,) = [line for line in ax.get_lines() if "LS" in line.get_label()]
    assert ls_line.get_ydata()[0] == pytest.approx(t[0])
    assert ax.get_xscale() == "log"
