"""Every row of the book's conventions table (intro, README), checked numerically.

Each row says: the book's lasso RSS(w) + λ‖w‖₁ on given columns has the same minimizer as another
text's or library's objective on the *same* columns, at a converted parameter. The other
objectives are written out here and minimized independently of lassolib (scikit-learn for
scikit-learn; for the others a bound-constrained quasi-Newton method, scipy's L-BFGS-B, on the
split w = u − v with u, v ≥ 0, which makes the L1 term linear and the objective smooth), and
compared with lassolib's coordinate-descent answer at the book's λ.
"""

import numpy as np
import pytest
from scipy.optimize import minimize
from sklearn.linear_model import Lasso

import lassolib

N_SAMPLES, N_FEATURES = 40, 5


def _data(seed=0):
    rng = np.random.default_rng(seed)
    # raw, uncentered columns on different scales, as in the diabetes data
    X = rng.normal(loc=[3.0, -1.0, 10.0, 0.5, 50.0], scale=[1.0, 2.0, 5.0, 0.3, 20.0],
                   size=(N_SAMPLES, N_FEATURES))
    w_true = np.array([2.0, 0.0, -0.5, 4.0, 0.0])
    y = 7.0 + X @ w_true + rng.normal(scale=1.0, size=N_SAMPLES)
    return X, y


def _minimize_smooth_plus_l1(smooth, smooth_grad, n_free, n_penalized, l1_weight):
    """Minimize smooth(b, w) + l1_weight·‖w‖₁ over free b (length n_free) and w, with scipy.

    Independent of lassolib: w = u − v with u, v ≥ 0 and ‖w‖₁ = Σ(u + v) at the optimum.
    """

    def unpack(z):
        b = z[:n_free]
        u = z[n_free:n_free + n_penalized]
        v = z[n_free + n_penalized:]
        return b, u - v, u, v

    def fun(z):
        b, w, u, v = unpack(z)
        value = smooth(b, w) + l1_weight * np.sum(u + v)
        gb, gw = smooth_grad(b, w)
        return value, np.concatenate([gb, gw + l1_weight, -gw + l1_weight])

    z0 = np.zeros(n_free + 2 * n_penalized)
    bounds = [(None, None)] * n_free + [(0.0, None)] * (2 * n_penalized)
    result = minimize(fun, z0, jac=True, method="L-BFGS-B", bounds=bounds,
                      options={"ftol": 1e-15, "gtol": 1e-11, "maxiter": 50_000, "maxfun": 100_000})
    b, w, _, _ = unpack(result.x)
    return b, w


def _rss_parts(X, y):
    """RSS(b, w) = ‖y − b·1 − Xw‖² and its gradient, with an intercept b."""

    def rss(b, w):
        r = y - b[0] - X @ w
        return r @ r

    def grad(b, w):
        r = y - b[0] - X @ w
        return np.array([-2.0 * r.sum()]), -2.0 * (X.T @ r)

    return rss, grad


def _book_solution(X, y, l1_penalty):
    """lassolib's lasso with an unpenalized constant column: (intercept, weights on X).

    The tests compare weights to 1e-7 and fitted values to 1e-9: a relative duality gap ε puts
    the fitted values within sqrt(ε·P) of the optimum, so these fits ask for the rounding
    floor (tolerance=1e-16) rather than the default 1e-12."""
    H = np.column_stack([np.ones(X.shape[0]), X])
    result = lassolib.lasso_coordinate_descent(
        H, y, l1_penalty, tolerance=1e-16, max_sweeps=1_000_000, unpenalized=(0,)
    )
    return result.weights[0], result.weights[1:]


def _penalty_for_some_zeros(X, y):
    """A λ (book scale) at which the answer has zeros and nonzeros: 0.2 λ_max."""
    H = np.column_stack([np.ones(X.shape[0]), X])
    return 0.2 * lassolib.lambda_max(H, y, unpenalized=(0,))


def _assert_some_zero_some_not(w):
    assert np.any(np.abs(w) < 1e-9) and np.any(np.abs(w) > 1e-3), w


# ---- scikit-learn: (1/2n)‖y − Xw‖² + α‖w‖₁, λ = 2nα --------------------------------------------

@pytest.mark.parametrize("alpha", [0.05, 0.3, 1.0])
def test_scikit_learn_row_lambda_is_2n_alpha(alpha):
    X, y = _data()
    n = X.shape[0]
    model = Lasso(alpha=alpha, fit_intercept=True, tol=1e-14, max_iter=1_000_000).fit(X, y)
    intercept, w = _book_solution(X, y, 2 * n * alpha)
    np.testing.assert_allclose(w, model.coef_, atol=1e-7 * np.max(np.abs(model.coef_)))
    np.testing.assert_allclose(intercept, model.intercept_, rtol=1e-8)


def test_scikit_learn_row_fails_with_the_wrong_conversion():
    """λ = nα (a forgotten factor 2) gives a different answer: the test above can fail."""
    X, y = _data()
    n = X.shape[0]
    model = Lasso(alpha=0.3, fit_intercept=True, tol=1e-14, max_iter=1_000_000).fit(X, y)
    _, w = _book_solution(X, y, n * 0.3)
    assert np.max(np.abs(w - model.coef_)) > 1e-3


# ---- ESL: ½RSS + λ′‖w‖₁, λ = 2λ′ ; HTW: (1/2N)RSS + λ_HTW‖w‖₁, λ = 2Nλ_HTW ---------------------

@pytest.mark.parametrize(
    "name, scale, book_lambda_from",
    [
        ("ESL", lambda n: 0.5, lambda lam, n: 2 * lam),              # ½ RSS + λ′‖w‖₁
        ("HTW", lambda n: 0.5 / n, lambda lam, n: 2 * n * lam),      # (1/2N) RSS + λ_HTW‖w‖₁
        ("glmnet, standardize=FALSE", lambda n: 0.5 / n, lambda lam, n: 2 * n * lam),
    ],
)
def test_scaled_rss_rows(name, scale, book_lambda_from):
    X, y = _data(1)
    n = X.shape[0]
    rss, grad = _rss_parts(X, y)
    c = scale(n)
    book_lambda = _penalty_for_some_zeros(X, y)
    their_lambda = book_lambda / book_lambda_from(1.0, n)  # the row's conversion is linear
    assert np.isclose(book_lambda_from(their_lambda, n), book_lambda)

    def smooth(b, w):
        return c * rss(b, w)

    def smooth_grad(b, w):
        gb, gw = grad(b, w)
        return c * gb, c * gw

    b_other, w_other = _minimize_smooth_plus_l1(smooth, smooth_grad, 1, X.shape[1], their_lambda)
    intercept, w_book = _book_solution(X, y, book_lambda)
    _assert_some_zero_some_not(w_book)
    scale_w = np.max(np.abs(w_book))
    np.testing.assert_allclose(w_other, w_book, atol=1e-5 * scale_w, err_msg=name)
    np.testing.assert_allclose(b_other[0], intercept, rtol=1e-5, err_msg=name)


# ---- glmnet, standardize = TRUE: centered columns scaled to unit variance (norm √n) ------------

def _glmnet_standardize(X):
    """glmnet's standardize = TRUE: center, divide by the standard deviation with 1/n."""
    means = X.mean(axis=0)
    sd = np.sqrt(np.mean((X - means) ** 2, axis=0))
    return (X - means) / sd


def test_glmnet_standardize_true_row_lambda_is_2_sqrt_n_lambda_glmnet():
    X, y = _data(2)
    n = X.shape[0]
    X_std = _glmnet_standardize(X)
    rss, grad = _rss_parts(X_std, y)
    lambda_glmnet = 0.3

    def smooth(b, w):
        return rss(b, w) / (2 * n)

    def smooth_grad(b, w):
        gb, gw = grad(b, w)
        return gb / (2 * n), gw / (2 * n)

    b_glmnet, beta_glmnet = _minimize_smooth_plus_l1(smooth, smooth_grad, 1, X.shape[1], lambda_glmnet)

    # the book's problem on the same data: centered columns of unit norm, constant column 1/√n
    centered = X - X.mean(axis=0)
    H_book = np.column_stack([np.ones(n), centered])
    H_book, _ = lassolib.normalize_features(H_book)
    # each standardized column is √n times the book's unit-norm column
    np.testing.assert_allclose(X_std, np.sqrt(n) * H_book[:, 1:], rtol=1e-12)
    book = lassolib.lasso_coordinate_descent(
        H_book, y, 2 * np.sqrt(n) * lambda_glmnet, tolerance=1e-16, max_sweeps=1_000_000,
        unpenalized=(0,),
    )
    v = book.weights[1:]
    _assert_some_zero_some_not(v)
    # same fit: v_j (weight on the unit-norm column) = √n β_j (weight on the standardized one)
    np.testing.assert_allclose(v, np.sqrt(n) * beta_glmnet, atol=1e-5 * np.max(np.abs(v)))
    np.testing.assert_allclose(H_book @ book.weights, b_glmnet[0] + X_std @ beta_glmnet, rtol=1e-6)

    # and it is *not* 2n·λ_glmnet (the standardize = FALSE row) on these columns
    wrong = lassolib.lasso_coordinate_descent(
        H_book, y, 2 * n * lambda_glmnet, tolerance=1e-16, max_sweeps=1_000_000, unpenalized=(0,)
    )
    assert np.max(np.abs(wrong.weights[1:] - v)) > 1e-2


# ---- the soft threshold: ESL and HTW threshold at λ, the book at λ/2 -----------------------------

def test_book_soft_threshold_at_2_lambda_prime_is_esl_soft_threshold_at_lambda_prime():
    rho = np.linspace(-3.0, 3.0, 121)
    lambda_prime = 0.7
    esl = np.sign(rho) * np.maximum(np.abs(rho) - lambda_prime, 0.0)  # ESL's S_λ′
    np.testing.assert_allclose(lassolib.soft_threshold(rho, 2 * lambda_prime), esl, atol=1e-15)
    # the same number as the book's λ thresholds at half of it
    assert np.max(np.abs(lassolib.soft_threshold(rho, lambda_prime) - esl)) > 0.3


def test_esl_table_3_4_orthonormal_design():
    """ESL Table 3.4: with orthonormal columns the lasso of ½RSS + λ′‖w‖₁ is S_λ′(least squares)."""
    rng = np.random.default_rng(3)
    Q, _ = np.linalg.qr(rng.normal(size=(30, 4)))
    y = rng.normal(size=30) * 3.0
    w_ls = Q.T @ y
    lambda_prime = 0.8 * np.sort(np.abs(w_ls))[1]  # some zeros, some not
    expected = np.sign(w_ls) * np.maximum(np.abs(w_ls) - lambda_prime, 0.0)
    book = lassolib.lasso_coordinate_descent(Q, y, 2 * lambda_prime, tolerance=1e-13)
    _assert_some_zero_some_not(expected)
    np.testing.assert_allclose(book.weights, expected, atol=1e-10)


def test_fit_intercept_is_an_unpenalized_constant_column():
    """scikit-learn's fit_intercept=True (centering) is the book's unpenalized constant column."""
    X, y = _data(4)
    n = X.shape[0]
    alpha = 0.2
    model = Lasso(alpha=alpha, fit_intercept=True, tol=1e-14, max_iter=1_000_000).fit(X, y)
    H = np.column_stack([np.ones(n), X])
    book = lassolib.lasso_coordinate_descent(
        H, y, 2 * n * alpha, tolerance=1e-16, max_sweeps=1_000_000, unpenalized=(0,)
    )
    np.testing.assert_allclose(H @ book.weights, model.predict(X), rtol=1e-9)
