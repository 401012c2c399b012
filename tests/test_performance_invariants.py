"""The fast code paths give the answers of the plain cyclic loop, exactly where it matters.

No timings here (those are in ``benchmarks/run.py``): these tests check that the Gram (covariance)
form, the active-set path solver and the chunked histories compute what the readable
``coordinate_descent_sweeps`` computes, keep the exact zeros for λ ≥ λ_max, and never copy H per
sweep (peak memory bounded by a small multiple of H).
"""

import tracemalloc
import warnings

import numpy as np
import pytest

import lassolib
import lassolib.path
from lassolib.coordinate_descent import gram_coordinate_descent_sweeps


def problem(n, d, seed=0, n_nonzero=5, correlation=0.5):
    H, y, _ = lassolib.make_sparse_regression(
        n, d, min(n_nonzero, d), correlation=correlation, noise=0.5, seed=seed
    )
    H[:, 1] *= 7.0  # raw, unnormalized columns
    H[:, 2] *= 0.1
    return H, y


def plain_path(H, y, penalties, tolerance, unpenalized=()):
    """The reference: lasso_coordinate_descent (the readable loop over every column), warm-started."""
    weights, w = [], None
    for lam in penalties:
        w = lassolib.lasso_coordinate_descent(
            H, y, lam, tolerance=tolerance, w0=w, unpenalized=unpenalized, max_sweeps=100_000
        ).weights
        weights.append(w)
    return np.array(weights)


@pytest.mark.parametrize("unpenalized", [(), (0,)])
def test_gram_sweeps_follow_the_plain_loop(unpenalized):
    H, y = problem(60, 8, seed=1)
    H[:, 0] = 1.0
    H[:, 5] = 0.0  # a column of zeros keeps weight 0 in both forms
    H = np.asfortranarray(H)
    penalized = np.ones(8, dtype=bool)
    penalized[list(unpenalized)] = False
    lam = 0.1 * lassolib.lambda_max(H, y, unpenalized=unpenalized)
    n_max = 500

    w_plain, residual = np.zeros(8), y.copy()
    z = np.einsum("ij,ij->j", H, H)
    hist_plain, step_plain = np.empty(n_max + 1), np.empty(n_max)
    hist_plain[0] = y @ y
    n_plain, conv_plain = lassolib.coordinate_descent_sweeps(
        H, w_plain, residual, z, penalized, lam, 1e-12, n_max, hist_plain, step_plain
    )

    G = np.ascontiguousarray(H.T @ H)
    w_gram, Gw = np.zeros(8), np.zeros(8)
    hist_gram, step_gram = np.empty(n_max + 1), np.empty(n_max)
    n_gram, conv_gram = gram_coordinate_descent_sweeps(
        G, H.T @ y, float(y @ y), w_gram, Gw, penalized, lam, 1e-12, n_max, hist_gram, step_gram
    )

    assert conv_plain and conv_gram
    assert n_gram == n_plain
    np.testing.assert_allclose(w_gram, w_plain, rtol=0, atol=1e-10)
    np.testing.assert_allclose(Gw, G @ w_gram, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(hist_gram[1 : n_gram + 1], hist_plain[1 : n_plain + 1], rtol=1e-9)
    assert w_gram[5] == 0.0


@pytest.mark.parametrize(
    "shape, unpenalized",
    [((200, 15), ()), ((200, 15), (0,)), ((40, 120), ()), ((40, 120), (0,))],
    ids=["n>D", "n>D intercept", "n<D", "n<D intercept"],
)
def test_active_set_path_equals_the_plain_loop(shape, unpenalized):
    H, y = problem(*shape, seed=2, n_nonzero=8)
    if unpenalized:
        H[:, 0] = 1.0
    lam_max = lassolib.lambda_max(H, y, unpenalized=unpenalized)
    penalties = lassolib.penalty_grid(lam_max, n_penalties=25, min_ratio=1e-2)
    penalties = np.concatenate([[2 * lam_max], penalties])
    # A relative gap ε puts the fitted values within sqrt(ε·P) of the optimum (the weights within
    # that over the smallest singular value): comparing weights to 1e-8 asks for the rounding floor.
    got_penalties, weights = lassolib.lasso_path(
        H, y, penalties, tolerance=1e-16, max_sweeps=100_000, unpenalized=unpenalized
    )
    np.testing.assert_array_equal(got_penalties, np.sort(penalties)[::-1])
    expected = plain_path(H, y, got_penalties, 1e-16, unpenalized)
    scale = np.max(np.abs(expected))
    np.testing.assert_allclose(weights, expected, rtol=0, atol=1e-10 * scale)
    # Exact zeros, not small numbers, at and above λ_max.
    penalized = np.setdiff1d(np.arange(H.shape[1]), unpenalized)
    assert np.all(weights[:2][:, penalized] == 0.0)
    # Every row satisfies the KKT condition of its own λ.
    for lam, w in zip(got_penalties, weights):
        assert np.max(lassolib.kkt_violation(H, y, w, lam, unpenalized=unpenalized)) <= 1e-7 * lam_max


def test_path_agrees_with_scikit_learn():
    sklearn_linear_model = pytest.importorskip("sklearn.linear_model")
    H, y = problem(50, 200, seed=3, n_nonzero=10)
    H = H - H.mean(axis=0)
    y = y - y.mean()
    n = H.shape[0]
    # A relative gap ε puts the fitted values within sqrt(ε·P) of the optimum (the weights within
    # that over the smallest singular value): comparing weights to 1e-8 asks for the rounding floor.
    penalties, weights = lassolib.lasso_path(H, y, n_penalties=30, min_ratio=1e-2, tolerance=1e-16)
    _, coefs, _ = sklearn_linear_model.lasso_path(
        H, y, alphas=penalties / (2 * n), tol=1e-14, max_iter=100_000
    )
    np.testing.assert_allclose(weights, coefs.T, rtol=0, atol=1e-7 * np.max(np.abs(coefs)))


def test_path_results_are_consistent():
    H, y = problem(80, 30, seed=4)
    penalties, weights, results = lassolib.lasso_path(
        H, y, n_penalties=15, tolerance=1e-10, return_results=True
    )
    assert len(results) == 15
    assert results[0].n_iterations == 0 and np.all(results[0].weights == 0.0)
    for lam, w, result in zip(penalties, weights, results):
        assert result.converged
        np.testing.assert_array_equal(result.weights, w)
        assert result.objective_history.shape == (result.n_iterations + 1,)
        assert result.max_step_history.shape == (result.n_iterations,)
        assert np.isclose(result.objective, lassolib.lasso_objective(H, y, w, lam), rtol=1e-9)
        # the documented stopping rule: the relative duality gap, certified
        assert result.relative_gap <= 1e-10
        # the public certificate (its own dual points) certifies the answer too
        assert lassolib.duality_gap(H, y, w, lam) <= 1e-10 * result.objective


def test_path_warns_when_the_budget_runs_out():
    H, y = problem(80, 30, seed=5, correlation=0.95)
    with pytest.warns(lassolib.ConvergenceWarning, match="did not converge"):
        lassolib.lasso_path(H, y, n_penalties=10, tolerance=1e-14, max_sweeps=2)


def test_chunked_histories_follow_one_long_run():
    # Strongly correlated columns need many sweeps: more than the first chunk of 64. Between
    # chunks the solver recomputes the residual (for its certificate), so the iterates are those
    # of one long run of the readable loop up to rounding.
    H, y = problem(100, 12, seed=6, correlation=0.97)
    lam = 1e-3 * lassolib.lambda_max(H, y)
    result = lassolib.lasso_coordinate_descent(
        H, y, lam, tolerance=1e-12, max_sweeps=50_000, method="cyclic"
    )
    assert result.converged and result.n_iterations > 64

    H_f = np.asfortranarray(H)
    n = result.n_iterations
    w, residual = np.zeros(12), y.copy()
    hist, steps = np.empty(n + 1), np.empty(n)
    hist[0] = y @ y
    done, _ = lassolib.coordinate_descent_sweeps(
        H_f, w, residual, np.einsum("ij,ij->j", H_f, H_f), np.ones(12, dtype=bool), lam, 0.0,
        n, hist, steps,
    )
    assert done == n
    scale = np.abs(w).max()
    np.testing.assert_allclose(result.weights, w, rtol=0, atol=1e-9 * scale)
    np.testing.assert_allclose(result.objective_history, hist, rtol=1e-12)
    np.testing.assert_allclose(result.max_step_history[:-1], steps[:-1], rtol=1e-6, atol=1e-12)


def test_single_fit_budget_semantics_are_kept():
    H, y = problem(100, 12, seed=6, correlation=0.97)
    lam = 1e-3 * lassolib.lambda_max(H, y)
    with pytest.warns(lassolib.ConvergenceWarning):
        result = lassolib.lasso_coordinate_descent(H, y, lam, tolerance=1e-14, max_sweeps=100)
    assert not result.converged and result.n_iterations == 100
    assert result.objective_history.shape == (101,) and result.max_step_history.shape == (100,)


def peak_bytes(function):
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("shape", [(1500, 150), (150, 1500)], ids=["n>D", "n<D"])
def test_no_copy_of_H_per_sweep(shape):
    H, y = problem(*shape, seed=7, n_nonzero=15)
    H = np.asfortranarray(H)
    lam_max = lassolib.lambda_max(H, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", lassolib.ConvergenceWarning)
        path = lambda: lassolib.lasso_path(H, y, n_penalties=20, min_ratio=1e-2, tolerance=1e-6)  # noqa: E731
        single = lambda: lassolib.lasso_coordinate_descent(H, y, 0.05 * lam_max, tolerance=1e-6)  # noqa: E731
        path(), single()  # compile / load the numba cache outside the measurement
        # Budget: the validated copy of H, the Gram matrix (D×D ≤ H when n ≥ D, else only over the
        # features ever active), the output, and small change; a copy per sweep would blow it.
        assert peak_bytes(path) <= 3 * H.nbytes
        assert peak_bytes(single) <= 3 * H.nbytes


@pytest.mark.parametrize("fraction", [0.0, 0.2])
def test_path_memory_is_a_small_multiple_of_H_on_a_wide_cold_start(fraction):
    """Issue 9, item 6: a cold start at λ = 0 on 200×5000 needed 580 MiB for an 8 MiB H, because
    its first working set was every KKT violator. Working sets grow in bounded steps and use the
    residual form when a Gram block would not pay: peak ≤ 4× H (the validated copy of H is one).
    A 100×2500 stand-in keeps the test fast (the old first working set made 25× H here)."""
    H, y = problem(100, 2500, seed=8, n_nonzero=20)
    H = np.asfortranarray(H)
    lam = fraction * lassolib.lambda_max(H, y)
    # load the compiled loops (Gram and residual form) outside the measurement
    lassolib.lasso_path(H[:, :50], y, [lam])
    lassolib.lasso_path(H[:, :400], y, [lam])
    lassolib.lasso_coordinate_descent(H[:, :50], y, lam)
    peak = peak_bytes(lambda: lassolib.lasso_path(H, y, [lam]))
    assert peak <= 4 * H.nbytes, f"peak {peak / H.nbytes:.2f} × H"
    single = peak_bytes(lambda: lassolib.lasso_coordinate_descent(H, y, lam))
    assert single <= 4 * H.nbytes, f"peak {single / H.nbytes:.2f} × H"



def test_gram_block_of_a_tall_H_is_made_from_chunks_of_rows():
    """A working set's Gram block on a tall H is built from copies of its columns taken a chunk
    of rows at a time (at most ``lassolib.path._BLOCK_COPY`` floats, accumulated in place): the same
    block as H_Wᵀ H_W in one product, to rounding, in any order of the features and as the cache
    grows, without a copy of the working set's columns (n·|W| floats)."""
    from lassolib.path import _GramCache

    rng = np.random.default_rng(11)
    H = np.asfortranarray(rng.standard_normal((20000, 40)))
    cache = _GramCache(H, rng.standard_normal(H.shape[0]), full=False)
    for features in (np.arange(10), np.array([3, 12, 25, 39]), np.arange(0, 40, 3)):
        block = cache.block(features)
        reference = H[:, features].T @ H[:, features]
        np.testing.assert_allclose(block, reference, rtol=1e-12, atol=1e-10 * H.shape[0])
    assert cache.size == len(set(range(10)) | {12, 25, 39} | set(range(0, 40, 3)))
    fresh = _GramCache(H, np.zeros(H.shape[0]), full=False)
    peak = peak_bytes(lambda: fresh.block(np.arange(40)))
    # one chunk and the block (before: up to 4·|W|² + |W|·_BLOCK_COPY... 1.6 columns of n here)
    bound = 8 * (lassolib.path._BLOCK_COPY + 2 * 40 * 40) + 4096
    assert peak <= bound, f"peak {peak / (8 * H.shape[0]):.2f} columns"


def test_a_first_gram_block_is_the_cache_itself_and_its_copies_go_before_the_gather():
    """A cache's first block is stored as computed (no second array at capacity) and, when W is
    the cache in its order, returned without a gather: its peak is one chunk of rows of W's
    columns (``lassolib.path._BLOCK_COPY`` floats) plus one block. It was a copy of all of W's
    columns plus three blocks: on the correlated 500×1000 fit at λ_max/10, 2.1 MB, then 1.25 MB with the
    copy and one block, now 0.78 MB."""
    from lassolib.path import _GramCache

    rng = np.random.default_rng(14)
    H = np.asfortranarray(rng.standard_normal((300, 200)))
    features = np.arange(0, 200, 2)
    cache = _GramCache(H, rng.standard_normal(300), full=False)
    k = features.size
    peak = peak_bytes(lambda: cache.block(features))
    bound = 8 * (lassolib.path._BLOCK_COPY + 1.2 * k * k)
    assert peak <= bound, f"peak {peak / (8 * k * k):.2f} blocks"
    block = cache.block(features)
    assert block is cache.G
    np.testing.assert_allclose(block, H[:, features].T @ H[:, features], rtol=1e-12, atol=1e-11)
    # a working set in another order (or a subset) is a gathered copy, and the cache is intact
    subset = features[::3]
    np.testing.assert_array_equal(cache.block(subset), block[::3, ::3])
    assert cache.block(subset) is not cache.G


@pytest.mark.parametrize("shape", [(100, 4000)])
def test_a_wide_single_fit_holds_few_vectors_of_D(shape):
    """A wide single fit keeps few arrays of D floats alive at once: the weights, the squared
    norms and norms, Hᵀy, one check's correlations; a check's predecessor, W's rebuild and the
    screening test free theirs before the next are made. Before: 22.9 vectors of D on 100×4000
    at λ_max/10; 200×10000 (`make bench`'s wide problem) 18.8 → 9.8 (skglm: about 9.7)."""
    H, y = problem(*shape, seed=13, n_nonzero=10)
    H = np.asfortranarray(H)
    lam = lassolib.lambda_max(H, y) / 10
    lassolib.lasso_coordinate_descent(H, y, lam)  # the compiled loops, outside the measurement
    peak = peak_bytes(lambda: lassolib.lasso_coordinate_descent(H, y, lam))
    assert peak <= 14 * 8 * H.shape[1], f"peak {peak / (8 * H.shape[1]):.1f} vectors of D"


def test_a_tall_single_fit_holds_a_few_columns_of_H_not_a_copy_of_its_working_set():
    """On a tall H (25000×64, 8 true nonzeros) the single fit sweeps a small working set in Gram
    form; its block was made from a copy of the working set's columns (n·|W| floats: 12.1 columns
    of n at λ_max/100) and is now made in chunks of rows (7.3; skglm's single fits on 20000×200
    peak at about 9 columns of n in `make bench`)."""
    H, y = problem(25000, 64, seed=12, n_nonzero=8, correlation=0.0)
    H = np.asfortranarray(H)
    lam = lassolib.lambda_max(H, y) / 100
    lassolib.lasso_coordinate_descent(H, y, lam)  # the compiled loops, outside the measurement
    peak = peak_bytes(lambda: lassolib.lasso_coordinate_descent(H, y, lam))
    assert peak <= 9 * 8 * H.shape[0], f"peak {peak / (8 * H.shape[0]):.1f} columns of n"

def test_path_certificate_blocks_stay_small_on_small_problems():
    """The Gram mode certifies a path in blocks of residuals of at most _BLOCK_COLUMNS (8)
    columns of n, projected in place and, early on, made from chunks of the used columns. With
    a floor of 2 MB instead, the 2000×100 path peaked at 2.3× H and the diabetes path (H of 39
    KB) at 35× (`make bench`, 2026-11-27 16:51); with max(¼ of H, 16 columns), the 20000×200
    path peaked at 4.0 MB (skglm: 1.7 MB), now 0.85 MB. With 16 columns, the used columns
    copied whole and NumPy's R -= basis @ coef (3 blocks at once), the diabetes path peaked at
    6.6× H and the benchmark's 2000×100 path at 0.25× H; now 2.5× and 0.14×."""
    H, y = problem(2000, 100, seed=9, n_nonzero=10)
    H = np.asfortranarray(H)
    lassolib.lasso_path(H, y, n_penalties=100)  # the compiled loops, outside the measurement
    # (two of this path's fits continue in residual form: 0.24 × H)
    peak = peak_bytes(lambda: lassolib.lasso_path(H, y, n_penalties=100))
    assert peak <= 0.3 * H.nbytes, f"peak {peak / H.nbytes:.2f} × H"
    H, y, _ = lassolib.make_sparse_regression(2000, 100, 10, seed=0)  # the benchmark's
    H = np.asfortranarray(H)
    peak = peak_bytes(lambda: lassolib.lasso_path(H, y, n_penalties=100))
    assert peak <= 0.2 * H.nbytes, f"peak {peak / H.nbytes:.2f} × H"
    book = lassolib.diabetes_problem()
    H_book = np.asfortranarray(book.H)
    lassolib.lasso_path(H_book, book.y, n_penalties=10, unpenalized=(0,))  # (compiled first)
    peak = peak_bytes(lambda: lassolib.lasso_path(H_book, book.y, n_penalties=100,
                                                  unpenalized=(0,)))
    assert peak <= 4 * H_book.nbytes, f"peak {peak / H_book.nbytes:.2f} × H"
    H_tall, y_tall = problem(20000, 200, seed=9, n_nonzero=20)
    H_tall = np.asfortranarray(H_tall)
    lassolib.lasso_path(H_tall, y_tall, n_penalties=20)
    peak = peak_bytes(lambda: lassolib.lasso_path(H_tall, y_tall, n_penalties=100))
    # a block of 8 residuals and a few more vectors of n (before: 52 columns of n here)
    assert peak <= 20 * 8 * H_tall.shape[0], f"peak {peak / (8 * H_tall.shape[0]):.1f} columns of n"


@pytest.mark.parametrize("order", ["F", "C"])
def test_row_chunks_are_the_columns_rows_block_by_block(order):
    """_row_chunks gathers H[rows, C] into one reused Fortran buffer of at most
    max(_BLOCK_COPY, 8·|C|) floats, for either memory order of H and a short last chunk."""
    rng = np.random.default_rng(21)
    H = np.asarray(rng.standard_normal((1003, 70)), order=order)
    columns = np.array([69, 3, 3, 40, 0, 12])
    for size in (columns, np.arange(70)):
        seen = []
        for rows, chunk in lassolib.path._row_chunks(H, size):
            assert chunk.flags.f_contiguous
            assert chunk.size <= max(lassolib.path._BLOCK_COPY, 8 * size.size)
            np.testing.assert_array_equal(chunk, H[rows][:, size])
            seen.append((rows.start, chunk.shape[0]))
        assert seen[0][0] == 0 and sum(count for _, count in seen) == H.shape[0]
        # with a scale per column: H[rows, C] · scale, rounded once to single precision
        scale = rng.uniform(0.5, 2.0, size.size)
        for rows, chunk in lassolib.path._row_chunks(H, size, scale):
            assert chunk.flags.f_contiguous and chunk.dtype == np.float32
            assert chunk.size <= max(lassolib.path._BLOCK_COPY, 8 * size.size)
            np.testing.assert_array_equal(chunk, (H[rows][:, size] * scale).astype(np.float32))


def test_gram_of_columns_matches_the_products_and_is_exactly_symmetric():
    rng = np.random.default_rng(22)
    H = np.asfortranarray(rng.standard_normal((5000, 60)))
    y = rng.standard_normal(5000)
    columns = rng.permutation(60)[:45]
    cross, square, Hty = lassolib.path._gram_of_columns(H, columns, old=15, y=y)
    H_C = H[:, columns]
    np.testing.assert_allclose(cross, H_C[:, :15].T @ H_C[:, 15:], rtol=1e-12, atol=1e-10)
    np.testing.assert_allclose(square, H_C[:, 15:].T @ H_C[:, 15:], rtol=1e-12, atol=1e-10)
    np.testing.assert_array_equal(square, square.T)
    np.testing.assert_allclose(Hty, H_C[:, 15:].T @ y, rtol=1e-12, atol=1e-10)


def test_polish_holds_its_system_not_a_copy_of_the_supports_columns():
    """The support-and-sign solve accumulates H_Sᵀ H_S from chunks of rows, in single precision
    and packed storage, and refines its solution in double precision from H's columns: its peak
    is about |S|²/2 floats of 4 bytes plus one chunk. It copied H_S (n·|S| floats) and solved a
    copy of the system: on the 500×1000 fits at λ_max/1000 (`make bench`) the solver peaked at
    3.9 MB; with the system in double precision (|S|² floats of 8 bytes), 2.1 MB; then 0.70 MB
    (skglm: 0.30 MB), and 0.60 MB once the chunks' buffer (then 32 kB, now 16 kB) no longer
    lived through the corrections. Beyond the system, this peak was 9.6 vectors of n; now 5.1."""
    rng = np.random.default_rng(23)
    n, d, k = 900, 400, 300
    H = np.asfortranarray(rng.standard_normal((n, d)))
    y = rng.standard_normal(n)
    w = np.zeros(d)
    w[:k] = rng.uniform(0.5, 1.5, k) * np.where(np.arange(k) % 2, 1.0, -1.0)
    penalized = np.ones(d, dtype=bool)
    z = np.einsum("ij,ij->j", H, H)
    lam = 1.0
    polish = lassolib.path._polish
    # compiled first, for the same layouts (a Fortran-ordered H): compiling would be measured
    polish(np.asfortranarray(H[:50, :20]), y[:50], w[:20], lam, penalized[:20], z[:20], np.inf)
    result = {}
    peak = peak_bytes(lambda: result.setdefault("x", polish(H, y, w, lam, penalized, z, np.inf)))
    system = 4 * (k * (k + 1) // 2)
    # the system, one chunk, and a few vectors: the residual and e (n), the answer (D), v, the
    # signs, the norms, the scale, the residual and the step (|S|)
    bound = system + 4 * lassolib.path._BLOCK_COPY_SINGLE + 8 * (2 * n + d + 6 * k)
    assert peak <= bound, f"peak: the system and {(peak - system) / (8 * n):.2f} vectors of n"
    w_new, residual = result["x"]
    # a step down, with signs kept or weights set to exactly 0
    objective = lambda v: float((y - H @ v) @ (y - H @ v)) + lam * float(np.abs(v).sum())
    assert objective(w_new) < objective(w)
    assert np.all((np.sign(w_new) == np.sign(w)) | (w_new == 0.0))
    np.testing.assert_allclose(residual, y - H @ w_new, atol=1e-9)


def test_smallest_selects_what_argpartition_selects():
    """_smallest (one array of D, partitioned in place and filled again) picks the same features
    as an argpartition over an index array of D: the `count` smallest finite values, +inf
    marking the ineligible; all finite ones when there are no more than `count`."""
    from lassolib.path import _smallest

    rng = np.random.default_rng(30)
    for trial in range(40):
        size = int(rng.integers(1, 400))
        values = rng.standard_normal(size)
        values[rng.uniform(size=size) < 0.4] = np.inf
        if trial % 4 == 0:
            values[rng.uniform(size=size) < 0.3] = 0.25  # ties
        count = int(rng.integers(1, size + 1))
        got = _smallest(lambda out: out.__setitem__(slice(None), values), size, count)
        finite = np.flatnonzero(np.isfinite(values))
        if finite.size <= count:
            np.testing.assert_array_equal(got, finite)
            continue
        assert got.size == count and np.all(np.diff(got) > 0)
        kth = np.sort(values[finite])[count - 1]
        assert np.all(values[got] <= kth)  # the count smallest, ties at the k-th value included
        assert np.count_nonzero(values[finite] < kth) <= count


def test_rebuilt_working_set_matches_celers_rule_by_index_arrays():
    """The working set rebuilt from arrays of D floats (no index arrays of D) is the one that
    celer's rule gives with NumPy index arrays: the support, the strongest violators, then the
    features whose dual constraints are closest to binding."""
    from lassolib.coordinate_descent import _dual_gap
    from lassolib.path import _rebuilt_working_set

    rng = np.random.default_rng(31)
    n, d = 60, 3000
    H = np.asfortranarray(rng.standard_normal((n, d)))
    norms = np.linalg.norm(H, axis=0)
    y = rng.standard_normal(n)
    for lam_share, support_size, screened_share in ((0.5, 12, 0.0), (0.05, 30, 0.3), (0.9, 3, 0.1)):
        lam = lam_share * 2.0 * np.abs(H.T @ y).max()
        half = lam / 2.0
        w = np.zeros(d)
        w[rng.choice(d, support_size, replace=False)] = rng.standard_normal(support_size)
        penalized = np.ones(d, dtype=bool)
        screened = (rng.uniform(size=d) < screened_share) & (w == 0.0)
        residual = y - H @ w
        check = _dual_gap(H, y, w, lam, penalized, residual, norms, extra=0.5 * residual)
        correlation = check.correlation
        got = _rebuilt_working_set(w, penalized, screened, correlation, half, norms, check)
        # the reference, as the rule was written before (index arrays of D)
        keep = w != 0.0
        support = np.flatnonzero(keep)
        take = max(2 * support.size, 10) - support.size
        score = (np.abs(correlation) - half) / norms
        eligible = penalized & ~screened & ~keep
        violators = np.flatnonzero(eligible & (score > 0.0))
        if violators.size > take:
            violators = violators[np.argpartition(-score[violators], take - 1)[:take]]
        chosen = [support, violators]
        if violators.size < take:
            eligible[violators] = False
            others = np.flatnonzero(eligible)
            more = take - violators.size
            if others.size > more:
                closeness = -(np.abs(check.theta_correlation(others)) - half) / norms[others]
                others = others[np.argpartition(closeness, more - 1)[:more]]
            chosen.append(others)
        np.testing.assert_array_equal(got, np.unique(np.concatenate(chosen)))


def test_gram_cache_keeps_no_vector_of_D_for_hty():
    """A growing Gram cache holds (Hᵀy)_j only for its cached features, computed as they join;
    the whole Hᵀy is kept only by a full cache."""
    from lassolib.path import _GramCache

    rng = np.random.default_rng(32)
    H = np.asfortranarray(rng.standard_normal((300, 2000)))
    y = rng.standard_normal(300)
    cache = _GramCache(H, y, full=False, Hty=H.T @ y)
    assert cache.Hty is None
    for features in (np.array([5, 70, 1999]), np.array([0, 5, 6, 1500]), np.arange(0, 2000, 97)):
        cache.block(features)
        np.testing.assert_allclose(cache.hty(features), H[:, features].T @ y, rtol=1e-12,
                                   atol=1e-12 * np.abs(H.T @ y).max())
    assert cache._hty.size == cache.size
    full = _GramCache(H[:, :100], y, full=True)
    np.testing.assert_allclose(full.hty(np.array([3, 4])), H[:, [3, 4]].T @ y, rtol=1e-12)


@pytest.mark.parametrize("ratio", [10, 100])
def test_a_correlated_fit_peaks_below_a_twentieth_of_H(ratio):
    """On the benchmark's correlated 500×1000 problem (make_sparse_regression(500, 1000, 100,
    correlation=0.9, seed=0)), one BLAS thread (two give close figures: 246 and 184 kB below).

    At λ_max/10 the Gram cache held 208 features (346 kB) and a gathered block of the working
    set's 168 (226 kB): the fit peaked at 772 kB, skglm's at 152 (`make bench`, 2026-11-28
    16:19). The cache now holds at most 8·(n + D) floats (109 features), so this fit sweeps in
    residual form: 119 kB.

    At λ_max/100 the peak comes during a support-and-sign solve (|S| = 207: a packed system of
    86 kB). The working-set fit no longer keeps its Anderson iterates (20 kB), the checked
    features' indices (7.6 kB) and the check's second point through the solve, nor the solve its
    chunks' buffer through the corrections, and the chunks are 16 kB: the peak was 254 kB
    (skglm: 193); now 188."""
    H, y, _ = lassolib.make_sparse_regression(500, 1000, 100, correlation=0.9, seed=0)
    H = np.asfortranarray(H)
    lam = lassolib.lambda_max(H, y) / ratio
    lassolib.lasso_coordinate_descent(H, y, lam)  # the compiled loops, outside the measurement
    peak = peak_bytes(lambda: lassolib.lasso_coordinate_descent(H, y, lam))
    assert peak <= 0.05 * H.nbytes, f"peak {peak / 1e3:.0f} kB"


@pytest.mark.parametrize("ratio, floats_of_D", [(10, 9.0), (1000, 10.0)])
def test_a_wide_fit_keeps_few_vectors_of_D(ratio, floats_of_D):
    """On the benchmark's wide 200×10000 problem (make_sparse_regression(200, 10000, 20,
    seed=0)), a fit's peak is a few vectors of D floats: the answer, the squared norms and the
    norms, one gap check's correlations, and the temporaries of one step at a time. `make
    bench` (2026-11-28 14:26) measured 10.0 and 15.0 such vectors at λ_max/10 and /1000
    (skglm: 9.7 and 10.0); before the working-set rebuild, the screening test, the Gram
    cache's Hᵀy and the caller's start correlation were made without arrays of D, 10.0 and 11.6
    (commit 4c7099d); now 8.3 and 9.4."""
    H, y, _ = lassolib.make_sparse_regression(200, 10000, 20, seed=0)
    H = np.asfortranarray(H)
    lam = lassolib.lambda_max(H, y) / ratio
    lassolib.lasso_coordinate_descent(H, y, lam)  # the compiled loops, outside the measurement
    peak = peak_bytes(lambda: lassolib.lasso_coordinate_descent(H, y, lam))
    assert peak <= floats_of_D * 8 * H.shape[1], f"peak {peak / (8 * H.shape[1]):.2f} × D floats"
