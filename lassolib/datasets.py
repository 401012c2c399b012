"""Data for the book: the diabetes data (shipped), and a synthetic problem with a known sparse truth.

The diabetes data are the 442 patients × 10 baseline variables of Efron, Hastie, Johnstone and
Tibshirani (2004), "Least angle regression", Annals of Statistics 32(2), the data set that
introduced LARS and the lasso path figure. The raw (unscaled) values are shipped in
``lassolib/data/diabetes.csv``; they were written from scikit-learn's
``load_diabetes(scaled=False)`` (scikit-learn 1.9.1), which distributes the authors' original
table, and a test checks the file against it when scikit-learn is installed.
"""

from dataclasses import dataclass
from importlib import resources

import numpy as np

from ._validation import _check_real, check_flag, check_positive_int, check_seed

__all__ = ["Dataset", "Problem", "diabetes_problem", "load_diabetes", "make_sparse_regression"]


@dataclass(frozen=True)
class Dataset:
    """A regression data set: features ``H`` (n_samples, n_features), targets ``y`` (n_samples,)."""

    H: np.ndarray
    y: np.ndarray
    feature_names: tuple
    description: str


DIABETES_FEATURES = (
    ("age", "age in years"),
    ("sex", "sex (coded 1 or 2)"),
    ("bmi", "body mass index"),
    ("bp", "average blood pressure"),
    ("s1", "tc, total serum cholesterol"),
    ("s2", "ldl, low-density lipoproteins"),
    ("s3", "hdl, high-density lipoproteins"),
    ("s4", "tch, total cholesterol / HDL"),
    ("s5", "ltg, log of serum triglycerides"),
    ("s6", "glu, blood sugar level"),
)


def load_diabetes():
    """The diabetes data of Efron et al. (2004), raw values.

    Returns
    -------
    Dataset
        ``H`` of shape (442, 10) with the columns age, sex, bmi, bp, s1, …, s6 in their original
        units; ``y`` of shape (442,), a measure of disease progression one year after baseline.
        Add a constant column yourself when you want an intercept.
    """
    with resources.files("lassolib").joinpath("data/diabetes.csv").open("r") as f:
        header = f.readline().strip().split(",")
        table = np.loadtxt(f, delimiter=",")
    names = tuple(header[:-1])
    description = "Diabetes data (Efron et al. 2004): " + "; ".join(
        f"{name}: {meaning}" for name, meaning in DIABETES_FEATURES
    )
    return Dataset(H=table[:, :-1], y=table[:, -1], feature_names=names, description=description)


@dataclass(frozen=True)
class Problem:
    """A lasso problem ready to solve: ``H`` with the intercept in column 0, ``y``, and how H was made.

    Attributes
    ----------
    H : ndarray of shape (n_samples, 1 + n_features)
        Column 0 is the constant feature h_0(x) = 1 (normalized like the others); every column
        has unit norm. Solve with ``unpenalized=(0,)``.
    y : ndarray of shape (n_samples,)
    names : tuple of str
        ``("intercept", *feature_names)``, one per column of H.
    means : ndarray of shape (n_features,)
        What was subtracted from each raw feature before scaling (zeros when not centered).
    norms : ndarray of shape (1 + n_features,)
        Z_j of each column after centering: raw feature j is ``(H_raw[:, j] - means[j]) / norms[j + 1]``.
    centered : bool
    """

    H: np.ndarray
    y: np.ndarray
    names: tuple
    means: np.ndarray
    norms: np.ndarray
    centered: bool


def diabetes_problem(*, centered=True):
    r"""The book's lasso problem on the diabetes data: an intercept and ten unit-norm features.

    The book's convention (``centered=True``, every chapter unless it says otherwise): each raw
    feature is centered on its mean, then every column, the constant one included, is scaled to
    unit norm (chapter 2). Centering makes every feature orthogonal to the constant column, so
    the unpenalized intercept fits the mean of y and the lasso acts on the features alone; this
    is the problem scikit-learn solves with ``fit_intercept=True`` on the scaled columns.

    ``centered=False`` is the post's (and the UW course's) normalization: the raw columns scaled
    to unit norm without centering. It is a different problem (a weighted lasso of the centered
    one; its columns are all nearly parallel to the constant column), shown in chapter 2.

    Returns
    -------
    Problem
    """
    centered = check_flag(centered, "centered")
    from .normalization import normalize_features

    data = load_diabetes()
    means = data.H.mean(axis=0) if centered else np.zeros(data.H.shape[1])
    raw = np.column_stack([np.ones(data.H.shape[0]), data.H - means])
    H, norms = normalize_features(raw)
    return Problem(
        H=H,
        y=data.y.copy(),
        names=("intercept", *data.feature_names),
        means=means,
        norms=norms,
        centered=centered,
    )


def make_sparse_regression(
    n_samples=100, n_features=20, n_nonzero=5, *, noise=1.0, correlation=0.0, seed=0
):
    r"""A synthetic regression problem with a known sparse truth.

    Rows of H are drawn from a Gaussian with unit variances and correlation
    :math:`\mathrm{corr}(h_j, h_k) = c^{|j-k|}` (``correlation`` = c); the true weights have
    ``n_nonzero`` entries of random sign and magnitude in [1, 3] at random positions;
    :math:`y = H w_{\mathrm{true}} + \varepsilon` with Gaussian noise of standard deviation ``noise``.

    Returns
    -------
    H : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
    w_true : ndarray of shape (n_features,)
    """
    n_samples = check_positive_int(n_samples, "n_samples")
    n_features = check_positive_int(n_features, "n_features")
    if isinstance(n_nonzero, bool) or not isinstance(n_nonzero, (int, np.integer)) or not (
        0 <= n_nonzero <= n_features
    ):
        raise ValueError(f"n_nonzero must be an integer in 0 .. n_features = {n_features}, got {n_nonzero!r}")
    noise = _check_real(noise, "noise")
    if noise < 0:
        raise ValueError(f"noise must be >= 0 (the standard deviation of the noise), got {noise}")
    correlation = _check_real(correlation, "correlation")
    if not -1 < correlation < 1:
        raise ValueError(f"correlation must be in (-1, 1), got {correlation}")
    rng = np.random.default_rng(check_seed(seed))
    # An AR(1) recursion gives corr(h_j, h_k) = c^|j-k| without forming a D×D covariance.
    H = np.empty((n_samples, n_features))
    H[:, 0] = rng.standard_normal(n_samples)
    scale = np.sqrt(1.0 - correlation**2)
    for j in range(1, n_features):
        H[:, j] = correlation * H[:, j - 1] + scale * rng.standard_normal(n_samples)
    w_true = np.zeros(n_features)
    support = rng.choice(n_features, size=n_nonzero, replace=False)
    w_true[support] = rng.choice([-1.0, 1.0], size=n_nonzero) * rng.uniform(1.0, 3.0, n_nonzero)
    y = H @ w_true + noise * rng.standard_normal(n_samples)
    return H, y, w_true
