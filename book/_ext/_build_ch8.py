"""Temporary builder of book/08_l1_in_training.ipynb (deleted before the final commit)."""
import nbformat

cells = []


def md(text):
    cells.append(nbformat.v4.new_markdown_cell(text.strip("\n")))


def code(text, caption=None, name=None, alt=None):
    cell = nbformat.v4.new_code_cell(text.strip("\n"))
    if caption:
        cell.metadata["mystnb"] = {"figure": {"caption": caption, "name": name}, "image": {"alt": alt}}
    cells.append(cell)


md(r"""
# The L1 gradient in a training loop

The post opens with a practical question: *when you train a model with SGD and add
$\lambda\lVert w\rVert_1$ to the loss, how is the gradient of the L1 term actually taken?*
Chapters 3 and 4 answered it for one coordinate at a time. This chapter answers it for the training
loop of a deep-learning framework: what automatic differentiation returns at $w = 0$, what minibatch
SGD then does, and what to use instead when the zeros matter — the proximal step, and two sparse
variants of SGD. It ends with the L2 penalty in frameworks: `weight_decay`, and why Adam with an L2
term is not AdamW.

```{admonition} Learning goals
:class: tip
After this chapter you can

- say what PyTorch, TensorFlow and JAX return for $\mathrm{d}|w|/\mathrm{d}w$ at $w = 0$, and why
  each value is a valid subgradient;
- explain why SGD on $\mathrm{RSS} + \lambda\lVert w\rVert_1$ leaves weights near 0 but not at 0;
- write one proximal-gradient (ISTA) step in the book's scale, and certify its answer with the
  duality gap;
- use the truncated gradient or the cumulative L1 penalty to get exact zeros from SGD;
- convert a framework's `weight_decay` to the book's λ, and tell L2-in-Adam from AdamW.
```

We use the book's problem throughout: the diabetes data {cite}`efron2004`, every column centered
and scaled to unit norm, the constant column 0 as the unpenalized intercept
(`lassolib.diabetes_problem()`).
""")

code(r"""
import matplotlib.pyplot as plt
import numpy as np

import lassolib
from lassolib.figures.training import (
    plot_epoch_traces,
    plot_suboptimality,
    plot_weight_magnitudes,
    training_sweep,
)
from lassolib.widgets import sweep_grid

%config InlineBackend.figure_formats = ['png']
plt.rcParams["figure.dpi"] = 80

problem = lassolib.diabetes_problem()
H, y = problem.H, problem.y
names = list(problem.names[1:])          # the 10 penalized features
n = H.shape[0]
lam_max = lassolib.lambda_max(H, y, unpenalized=(0,))
print(f"n = {n}, {len(names)} penalized features, lambda_max = {lam_max:.2f}")
""")

md(r"""
## What automatic differentiation returns at $w = 0$

A framework differentiates `lam * w.abs().sum()` by the chain rule, with one hand-written rule per
primitive. For the absolute value, each framework's source states its rule:

| framework | rule for $\partial\lvert x\rvert$ in its source | value at $x = 0$ |
|---|---|---|
| PyTorch | `abs: grad * self.sgn()` {cite}`pytorch_derivatives` | $\operatorname{sgn}(0) = 0$ |
| TensorFlow | `_AbsGrad: grad * math_ops.sign(x)` {cite}`tensorflow_math_grad` | $\operatorname{sign}(0) = 0$ |
| JAX | `_abs_jvp_rule: select(ge(x, 0), g, neg(g))` {cite}`jax_lax` | $+1$ |

PyTorch's rule is in `tools/autograd/derivatives.yaml`, and its `torch.sgn` is documented as 0
where $|x| = 0$; TensorFlow's is in `tensorflow/python/ops/math_grad.py`, with `tf.math.sign(0) = 0`;
JAX's is in `jax/_src/lax/lax.py` (for real $x$: `ge` is $\ge$, so the tangent $g$ passes unchanged
at $x = 0$). So PyTorch and TensorFlow return 0 at $w = 0$, and `jax.grad(jnp.abs)(0.0)` returns 1.
None of these is "the derivative": $|w|$ has none at 0. Each is a *subgradient*.

```{prf:proposition} Every value in [−1, 1] is a subgradient of |w| at 0
:label: prop-ch8-any-subgradient

For every $g \in [-1, 1]$ and every $v$, $\;|v| \ge |0| + g\,(v - 0)$, because $g v \le |g|\,|v|
\le |v|$. So $g$ satisfies the definition of a subgradient at 0 ({doc}`03_subgradients`), and
$\partial|w|$ at 0 is the whole interval $[-1, 1]$.
```

The frameworks' choices, transcribed to NumPy (no framework is imported here), and checked against
the definition on a grid of $v$:
""")

code(r"""
rules = {
    "PyTorch    grad * sgn(x)": lambda x: np.sign(x),
    "TensorFlow grad * sign(x)": lambda x: np.sign(x),
    "JAX        x >= 0 ? g : -g": lambda x: np.where(x >= 0, 1.0, -1.0),
}
v = np.linspace(-2, 2, 401)
for name, rule in rules.items():
    g = float(rule(0.0))
    holds = bool(np.all(np.abs(v) >= g * v))
    print(f"{name:27s} d|w|/dw at 0 = {g:g}   subgradient at 0: {holds}")
""")

md(r"""
The gradient a training loop applies to the L1 term is therefore $\lambda\,\mathrm{sign}(w)$, with
sign(0) = 0 in PyTorch and TensorFlow: chapter 3's subgradient method, on minibatches.

## SGD with that subgradient

Minibatch SGD on the book's objective $P(w) = \mathrm{RSS}(w) + \lambda\sum_{j\ge1}|w_j|$ draws a
batch $B$ of rows and estimates the RSS gradient by

$$
g_B = -2\,\frac{n}{|B|}\, H_B^\top\bigl(y_B - H_B w\bigr),
$$ (eq-ch8-minibatch)

which is unbiased: averaged over the batches of an epoch it is $\nabla\mathrm{RSS}(w) =
-2H^\top(y - Hw)$. The step adds the L1 term's subgradient,

$$
w \leftarrow w - \eta_e\bigl(g_B + \lambda\,\mathrm{sign}(w)\bigr),
$$ (eq-ch8-sgd)

on the penalized coordinates, with the step $\eta_e = \eta/(1 + e)$ shrinking with the epoch $e$.
`lassolib.lasso_sgd` implements it and three alternatives that we meet below; here is its loop:
""")

code(r"""
lassolib.show_source(lassolib.lasso_sgd)
""")

md(r"""
We run it at $\lambda = 0.1\,\lambda_{\max}$ (a lasso: some weights are 0 at the optimum) with
$\eta = 0.03$, batches of 10 rows and 50 epochs, and compare with the coordinate-descent solution
({doc}`04_soft_thresholding`):
""")

code(r"""
lam = 0.1 * lam_max
sgd_options = dict(step_size=0.03, n_epochs=50, batch_size=10, seed=0, unpenalized=(0,))
cd = lassolib.lasso_coordinate_descent(H, y, lam, unpenalized=(0,), tolerance=1e-12)
sgd = lassolib.lasso_sgd(H, y, lam, method="subgradient", record_iterates=True, **sgd_options)
zero_at_optimum = cd.weights[1:] == 0
print(f"lambda = {lam:.2f}")
print(f"exactly 0: coordinate descent {np.sum(cd.weights[1:] == 0)}, subgradient SGD "
      f"{np.sum(sgd.weights[1:] == 0)} (of {len(names)})")
print("SGD's weights where the lasso's are 0:")
for name, w in zip(np.array(names)[zero_at_optimum], sgd.weights[1:][zero_at_optimum]):
    print(f"  {name:>4}: {w:+.3f}")
""")

code(r"""
ax = plot_epoch_traces(sgd.iterates[:, 1:][:, zero_at_optimum], list(np.array(names)[zero_at_optimum]))
ax.set_ylim(-25, 25)
plt.show()
""",
     caption=r"Subgradient SGD ({eq}`eq-ch8-sgd`) at $\lambda = 0.1\,\lambda_{\max}$: the weights "
             r"of the five features that the lasso sets exactly to 0, after each epoch. They move "
             r"toward 0 and then hover around it, by less as the step shrinks, without landing on it.",
     name="fig-ch8-traces",
     alt="Five weight curves against the epoch (0 to 50), zoomed to plus or minus 25: after the first "
         "epochs they stay within a few units of zero, crossing it back and forth, and none is zero "
         "at the end.")

md(r"""
Each step moves a weight near 0 by about $\eta_e$ times the minibatch gradient's noise plus
$\pm\eta_e\lambda$; landing *exactly* on 0 would need that sum to cancel to the last bit. So SGD's
answer has no exact zeros, however long it runs; its small weights are not a selection of features.

## The proximal step: gradient on the RSS, then the soft threshold

Split the objective into its smooth part $\mathrm{RSS}(w)$ and its non-smooth part
$\lambda\lVert w\rVert_1$. Take the gradient step on the smooth part only,

$$
u = w - \eta\,\nabla\mathrm{RSS}(w) = w + 2\eta\, H^\top(y - Hw),
$$ (eq-ch8-gradient-step)

and then, instead of a subgradient step on the L1 term, solve the L1 part *exactly* near $u$:

$$
w^{+} = \operatorname*{arg\,min}_v\; \frac{1}{2\eta}\lVert v - u\rVert^2
+ \lambda \sum_{j \ge 1} |v_j| .
$$ (eq-ch8-prox)

This problem is separable: one coordinate at a time, it is $\frac{1}{2\eta}(v_j - u_j)^2 +
\lambda|v_j|$, and setting 0 in its subdifferential case by case, as in chapter 4, gives

$$
w^{+}_j = \mathrm{sign}(u_j)\,\max\bigl(|u_j| - \eta\lambda,\; 0\bigr)
\quad (j \ge 1), \qquad w^{+}_0 = u_0 .
$$ (eq-ch8-soft-threshold)

In the book's notation this is $S(u_j, 2\eta\lambda)$: the book's $S(\rho, \lambda)$ thresholds at
$\lambda/2$ ({doc}`04_soft_thresholding`), so the threshold $\eta\lambda$ is its second argument
$2\eta\lambda$ halved. Where $|u_j| \le \eta\lambda$ the answer is exactly 0.

```{prf:algorithm} ISTA and FISTA for the lasso
:label: alg-ch8-ista

**Inputs** $H$ (column 0 the unpenalized constant), $y$, $\lambda$, a step
$\eta \le 1/L$, a tolerance $\varepsilon$

**Output** weights $w$ with relative duality gap $\le \varepsilon$

1. $w \leftarrow 0$, $v \leftarrow w$, $t \leftarrow 1$
2. Repeat:
   1. $u \leftarrow v + 2\eta H^\top(y - Hv)$ {eq}`eq-ch8-gradient-step`
   2. $w^{+} \leftarrow$ the soft threshold of $u$ at $\eta\lambda$ {eq}`eq-ch8-soft-threshold`
   3. ISTA: $v \leftarrow w^{+}$. FISTA: $t^{+} \leftarrow \bigl(1 + \sqrt{1 + 4t^2}\bigr)/2$,
      $v \leftarrow w^{+} + \frac{t - 1}{t^{+}}(w^{+} - w)$, $t \leftarrow t^{+}$
   4. $w \leftarrow w^{+}$; every 10 iterations stop if the relative duality gap
      ({doc}`04_soft_thresholding`) is at most $\varepsilon$
```

The RSS gradient is Lipschitz with constant

$$
L = 2\,\sigma_{\max}\bigl(H^\top H\bigr),
$$ (eq-ch8-lipschitz)

the largest eigenvalue of the RSS's Hessian $2H^\top H$; with $\eta \le 1/L$ ISTA's objective never
increases and both methods converge to the lasso solution, FISTA (Beck and Teboulle's accelerated
version {cite}`beck2009`) with its error falling like $1/k^2$ instead of $1/k$. The stopping rule is
a certificate, not a guess: the relative duality gap bounds $(P(w) - P(\hat w))/P(w)$ from above
(`lassolib.certificate`). The code:
""")

code(r"""
lassolib.show_source(lassolib.proximal_gradient)
""")

code(r"""
L = lassolib.lipschitz_constant(H)
print(f"L = 2 sigma_max(H^T H) = {L:.4f},  step 1/L = {1 / L:.4f}")
cd_best = lassolib.lasso_coordinate_descent(H, y, lam, unpenalized=(0,), tolerance=1e-13)
solvers = {
    "ISTA": lassolib.ista(H, y, lam, unpenalized=(0,), tolerance=1e-12),
    "FISTA": lassolib.fista(H, y, lam, unpenalized=(0,), tolerance=1e-12),
}
for label, result in solvers.items():
    gap = lassolib.certificate(H, y, result.weights, lam, unpenalized=(0,)).relative_gap
    distance = np.max(np.abs(result.weights - cd_best.weights))
    same_zeros = np.array_equal(result.weights == 0, cd_best.weights == 0)
    print(f"{label:5s}: {result.n_iterations:4d} iterations, converged {result.converged}, "
          f"relative gap {gap:.1e}, {np.sum(result.weights[1:] == 0)} exact zeros "
          f"(same as coordinate descent: {same_zeros}), max |w - w_cd| = {distance:.1e}")
""")

code(r"""
optimum = cd_best.objective
ax = plot_suboptimality(
    {label: result.objective_history for label, result in solvers.items()}, optimum
)
plt.show()
""",
     caption=r"How far ISTA and FISTA are from the lasso optimum at each iteration "
             r"($\lambda = 0.1\,\lambda_{\max}$, $\eta = 1/L$): the objective minus the optimum "
             r"found by coordinate descent, on a log axis. Both stop when the relative duality gap "
             r"is below $10^{-12}$. The curves flatten at about $10^{-10}$: that is rounding, "
             r"$10^{-16}$ of the objective.",
     name="fig-ch8-ista",
     alt="Two curves of objective minus optimum on a log axis against the iteration: both fall by "
         "more than ten orders of magnitude; FISTA's curve is wavy and ISTA's is straight.")

md(r"""
Both reach the coordinate-descent solution, with the same exact zeros. On this small problem
FISTA is not faster — it stops later than ISTA (printed above), and its objective oscillates:
its guarantee is a better *worst case*, and here ISTA already converges linearly (the objective is
strongly convex on the features that are not 0). Each iteration costs two products with $H$, about
as much as a sweep of coordinate descent.

```{exercise}
:label: ex-ch8-ista-step

Write `ista_step(H, y, w, lam, eta)` in NumPy: one gradient step on the RSS
{eq}`eq-ch8-gradient-step`, then the soft threshold at $\eta\lambda$
{eq}`eq-ch8-soft-threshold` on every column except column 0. From $w = 0$ with $\eta = 1/L$ and
$\lambda = 0.1\,\lambda_{\max}$, your step must give the weights printed by the next cell (which
runs one iteration of `lassolib.ista`). Which weights are exactly 0 after this first step, and why
is the intercept not among them?
```

```{solution} ex-ch8-ista-step
:class: dropdown

~~~python
def ista_step(H, y, w, lam, eta):
    u = w + 2 * eta * H.T @ (y - H @ w)            # gradient step on the RSS
    w_new = np.sign(u) * np.maximum(np.abs(u) - eta * lam, 0.0)
    w_new[0] = u[0]                                 # the intercept is not penalized
    return w_new
~~~

From $w = 0$, $u = 2\eta H^\top y$, so feature $j$ stays exactly 0 when
$2\eta|h_j^\top y| \le \eta\lambda$, i.e. $|h_j^\top y| \le \lambda/2$: the features whose inner
product with $y$ is small. (The centered columns are orthogonal to the constant, so $h_j^\top y =
h_j^\top r_0$, the quantity of $\lambda_{\max}$.) The intercept is never thresholded: it gets the
plain gradient step.
```
""")

code(r"""
import warnings

with warnings.catch_warnings():  # one step is not converged, by design: silence the warning
    warnings.simplefilter("ignore", lassolib.ConvergenceWarning)
    first = lassolib.ista(H, y, lam, unpenalized=(0,), max_iterations=1)
print("after one ISTA step from 0:", np.round(first.weights, 3))
""")

md(r"""
## SGD that keeps its zeros

The proximal step works on minibatches too: replace the RSS gradient in
{eq}`eq-ch8-gradient-step` by the estimate {eq}`eq-ch8-minibatch` and threshold at $\eta_e\lambda$
after every step (`method="proximal"`). A weight is then 0 after a step exactly when the last
minibatch's gradient was small enough — and with batches of 10 rows the estimate is noisy, so
which weights are 0 at the end depends on the last few batches. Two methods designed for
sparse online learning smooth this out.

**Truncated gradient** {cite}`langford2009` takes plain steps on the loss and, every $K$ steps,
applies the soft threshold with the penalty those $K$ steps accumulated (with their parameter
$\theta = \infty$; `method="truncated"`, $K = 10$):

$$
w_j \leftarrow \mathrm{sign}(w_j)\max\Bigl(|w_j| - \lambda\!\!\sum_{\text{last } K}\!\!\eta_t,\; 0\Bigr).
$$ (eq-ch8-truncated)

**The cumulative L1 penalty** {cite}`tsuruoka2009` keeps two running totals: $u = \lambda\sum_t
\eta_t$, the penalty every weight could have received so far, and $q_j$, the penalty weight $j$
actually received. After each plain step on the loss (`method="cumulative"`),

$$
w_j \leftarrow
\begin{cases}
\max\bigl(0,\, w_j - (u + q_j)\bigr) & w_j > 0,\\
\min\bigl(0,\, w_j + (u - q_j)\bigr) & w_j < 0,
\end{cases}
$$ (eq-ch8-cumulative)

and $q_j$ grows by the change just made. A weight that the noisy gradient pushed away from 0 is
pulled back by the whole penalty it escaped, so it returns to exactly 0 unless the loss keeps it
away consistently.

We run all four on the same problem, with the same seed and steps, and judge every answer — with
coordinate descent, ISTA and FISTA — by its certificates: the relative duality gap (how far the
objective can be from the optimum, as a fraction) and the largest KKT violation (how far 0 is
from the subdifferential of some coordinate, {doc}`03_subgradients`):
""")

code(r"""
answers = {"coordinate descent": cd_best.weights}
answers.update({label: result.weights for label, result in solvers.items()})
for method in ("subgradient", "proximal", "truncated", "cumulative"):
    answers[f"SGD, {method}"] = lassolib.lasso_sgd(H, y, lam, method=method, **sgd_options).weights

print(f"{'method':20s} {'exact 0':>8s} {'zeros as CD':>12s} {'relative gap':>13s} {'max KKT viol.':>14s}")
for label, w in answers.items():
    c = lassolib.certificate(H, y, w, lam, unpenalized=(0,))
    same = np.array_equal(w[1:] == 0, zero_at_optimum)
    print(f"{label:20s} {np.sum(w[1:] == 0):8d} {str(same):>12s} {c.relative_gap:13.1e} "
          f"{c.max_kkt_violation:14.3g}")
""")

code(r"""
shown = ("coordinate descent", "SGD, subgradient", "SGD, proximal", "SGD, cumulative")
ax = plot_weight_magnitudes(names, {label: answers[label][1:] for label in shown})
plt.show()
""",
     caption=r"The magnitudes $|w_j|$ found by coordinate descent and three SGD variants at "
             r"$\lambda = 0.1\,\lambda_{\max}$, on a log axis. Weights that are exactly 0 are drawn "
             r"hollow on the line \"exactly 0\"; the legend counts them.",
     name="fig-ch8-magnitudes",
     alt="For each of the 10 features, four markers. bmi, bp, s3 and s5 are large for every method. "
         "For age, s1, s2, s4 and s6 coordinate descent and the cumulative penalty sit on the "
         "exactly-zero line, while subgradient SGD has small nonzero values between about 0.08 and 4; "
         "proximal SGD is exactly zero only for age.")

md(r"""
Read the table by columns. Subgradient SGD has no exact zero. The proximal and truncated variants
have some, not all; the cumulative penalty finds exactly the lasso's zeros. Coordinate descent,
ISTA and FISTA certify relative gaps below $10^{-12}$ and KKT violations near zero;
every SGD answer has a relative gap of about $4\cdot10^{-3}$ after 50 epochs, and its KKT violation
is large — the certificate says what the zeros alone do not: these are approximate solutions.

The step size matters as much as the method. The same four variants at other initial steps $\eta$
(still 50 epochs, batches of 10):
""")

code(r"""
print(f"{'eta':>6s} " + " ".join(f"{m:>12s}" for m in ("subgradient", "proximal", "truncated", "cumulative"))
      + "   (exact zeros of 10; coordinate descent: "
      + f"{np.sum(zero_at_optimum)})")
for eta in (0.003, 0.01, 0.03, 0.06):
    counts = []
    for method in ("subgradient", "proximal", "truncated", "cumulative"):
        w = lassolib.lasso_sgd(H, y, lam, method=method, **{**sgd_options, "step_size": eta}).weights
        counts.append(np.sum(w[1:] == 0))
    print(f"{eta:6.3f} " + " ".join(f"{c:12d}" for c in counts))
""")

md(r"""
A larger step makes each thresholding step bigger ($\eta_e\lambda$) but also each gradient step
noisier; a small step leaves the weights far from the optimum after 50 epochs. Subgradient SGD has
no zero at any step size; the cumulative penalty comes closest to the lasso's zeros at every step
size, and finds all of them from $\eta = 0.03$ on.

## L2 in frameworks: `weight_decay`, Adam and AdamW

For the L2 penalty there is no kink, and frameworks offer it as an optimizer option. PyTorch's
`SGD(weight_decay=wd)` adds $\mathrm{wd}\cdot w$ to the gradient of whatever loss you minimize.
Chapter 1's ridge gradient is $\nabla\mathrm{RSS}(w) + 2\lambda w$ ({doc}`01_l2_gradient`), so:

$$
\text{loss} = \mathrm{RSS}: \quad \mathrm{wd} = 2\lambda ;
$$ (eq-ch8-wd-rss)

and if the loss is the mean squared error $\frac1n\mathrm{RSS}$ (PyTorch's `MSELoss()` default),
its gradient plus $\mathrm{wd}\, w$ is $\frac1n\bigl(\nabla\mathrm{RSS}(w) + n\,\mathrm{wd}\,w\bigr)$,
the gradient of $\frac1n\bigl(\mathrm{RSS} + \lambda\lVert w\rVert_2^2\bigr)$ with

$$
\lambda = \frac{n\,\mathrm{wd}}{2} .
$$ (eq-ch8-wd-mse)

(Frameworks also decay the bias unless you exclude it; the book never penalizes the intercept.)
With plain SGD the decay step is chapter 1's $w \leftarrow (1 - 2\eta\lambda)w + \dots$; the two
views agree.
""")

code(r"""
for wd in (1e-4, 1e-2):
    print(f"MSELoss with weight_decay = {wd:g} on n = {n} rows  ->  book's lambda = n*wd/2 = {n * wd / 2:g}")
""")

md(r"""
Adam {cite}`kingma2015` rescales each coordinate's step by a running root mean square of its
gradients. Put the L2 term into the gradient (`Adam(weight_decay=wd)`) and it is rescaled too:
a coordinate with large gradients is barely regularized. AdamW {cite}`loshchilov2019` *decouples*
the decay: it shrinks $w \leftarrow (1 - \eta\,\mathrm{wd})\,w$ first, then takes the Adam step on
the loss alone. With $\mathrm{wd} = 2\lambda$ (loss = RSS), `lassolib.adam` implements both:
""")

code(r"""
lassolib.show_source(lassolib.adam)
""")

md(r"""
Two experiments show the difference. First, a weight with no data gradient at all (a zero column):
the only force is the penalty. AdamW decays it geometrically, $w_t = (1 - 2\eta\lambda)^t w_0$,
faster for larger λ; Adam with the L2 term moves it by about $\eta$ per step *whatever λ is*,
because $\hat m/\sqrt{\hat v}$ divides the size of the gradient away:
""")

code(r"""
H_zero, y_zero = np.zeros((5, 1)), np.ones(5)
for l2 in (0.01, 1.0):
    for decoupled in (False, True):
        w10 = lassolib.adam(H_zero, y_zero, l2, step_size=0.01, n_iterations=10, w0=[1.0],
                            decoupled=decoupled).weights[0]
        name = "AdamW      " if decoupled else "Adam + L2  "
        print(f"lambda = {l2:5.2f}  {name} w after 10 steps from 1: {w10:.4f}")
print(f"closed form (1 - 2*0.01*lambda)^10: {(1 - 0.02 * 0.01) ** 10:.4f} and {(1 - 0.02 * 1.0) ** 10:.4f}")
""")

md(r"""
Second, ridge regression on the diabetes data with $\lambda = 0.1$ and $\eta = 3$, 3000 steps.
Adam with the L2 term approaches the ridge solution (chapter 1's closed form; the distance and the
objectives are printed below). AdamW settles elsewhere: where
the RSS gradient is not 0, its Adam step has size about $\eta$ (the ratio $\hat m/\sqrt{\hat v}$
tends to $\pm1$), and the decay $2\eta\lambda|w_j|$ balances it only at $|w_j| = 1/(2\lambda)$.
""")

code(r"""
l2 = 0.1
ridge = lassolib.ridge_closed_form(H, y, l2, unpenalized=(0,))
adam_l2 = lassolib.adam(H, y, l2, step_size=3.0, n_iterations=3000, unpenalized=(0,))
adamw = lassolib.adam(H, y, l2, step_size=3.0, n_iterations=3000, unpenalized=(0,), decoupled=True)
print(f"1 / (2 lambda) = {1 / (2 * l2):g}")
print(f"{'feature':>8s} {'ridge':>9s} {'Adam + L2':>10s} {'AdamW':>8s}")
for name, a, b, c in zip(names, ridge[1:], adam_l2.weights[1:], adamw.weights[1:]):
    print(f"{name:>8s} {a:9.2f} {b:10.2f} {c:8.2f}")
for label, result in (("Adam + L2", adam_l2), ("AdamW", adamw)):
    print(f"{label:9s}: max |w - w_ridge| = {np.max(np.abs(result.weights - ridge)):.3g}, "
          f"ridge objective {result.objective:.0f}")
print(f"ridge solution: ridge objective {lassolib.ridge_objective(H, y, ridge, l2, unpenalized=(0,)):.0f}")
""")

md(r"""
Every AdamW weight sits at $\pm 1/(2\lambda)$, some with the opposite sign of the ridge weight.
Where does that point come from? If every penalized weight is held in the box
$|w_j| \le 1/(2\lambda)$ and AdamW stops where its decay balances its sign-like step, it should be
the least-squares fit restricted to that box. SciPy's bounded least squares computes that
independently:
""")

code(r"""
from scipy.optimize import lsq_linear

bound = np.r_[np.inf, np.full(len(names), 1 / (2 * l2))]
box = lsq_linear(H, y, bounds=(-bound, bound), tol=1e-12).x
print("box least squares:", np.round(box[1:], 2))
print(f"penalized weights: max |w_AdamW - w_box| = {np.max(np.abs(adamw.weights[1:] - box[1:])):.2g}")
print(f"intercept: |w_AdamW - w_box| = {abs(adamw.weights[0] - box[0]):.3g}, "
      f"|w_Adam+L2 - w_ridge| = {abs(adam_l2.weights[0] - ridge[0]):.3g}")
""")

md(r"""
The penalized weights agree with the box to the digits printed; the intercept, which no penalty
touches, is still converging in both Adam runs after 3000 steps (by the same amount). With the same
number in `weight_decay`, AdamW solves a different problem from ridge regression. That is by design — Loshchilov and Hutter argue
that decoupled decay regularizes better in deep networks — but it means AdamW's `weight_decay` is
not the λ of this book, and its size must be chosen relative to the learning rate and the scale of
the weights.

## Sweep: exact zeros over λ

How do the counts of exact zeros compare over the whole range of λ? For each λ of the slider we
run coordinate descent and three SGD variants (30 epochs, $\eta = 0.03$):
""")

code(r"""
penalties = sweep_grid(lam_max, n_frames=13, min_ratio=1e-2)
sweep_options = {**sgd_options, "n_epochs": 30}
methods = {"coordinate descent": None, "SGD, subgradient": "subgradient",
           "SGD, proximal": "proximal", "SGD, cumulative": "cumulative"}
sweep_answers = {label: [] for label in methods}
for l1 in penalties:
    for label, method in methods.items():
        if method is None:
            w = lassolib.lasso_coordinate_descent(H, y, l1, unpenalized=(0,), tolerance=1e-10).weights
        else:
            w = lassolib.lasso_sgd(H, y, l1, method=method, **sweep_options).weights
        sweep_answers[label].append(w)
print(f"{'lambda/lambda_max':>17s} " + " ".join(f"{label:>18s}" for label in methods))
for k, l1 in enumerate(penalties):
    counts = [int(np.sum(np.asarray(sweep_answers[label])[k, 1:] == 0)) for label in methods]
    print(f"{l1 / lam_max:17.3g} " + " ".join(f"{c:18d}" for c in counts))
""")

md(r"""
Move the slider along λ: on the left the weights of each method at that λ (exact zeros on the
floor line), on the right the count of exact zeros of each method over the whole range, with the
current λ marked. The regime — linear regression, lasso, all zero — is named above the left panel
and under the frame.
""")

code(r"""
penalized = np.arange(H.shape[1]) > 0
sweep = training_sweep(penalties, lam_max, sweep_answers, names, penalized=penalized, min_ratio=1e-2)
sweep
""")

md(r"""
At $\lambda = 0$ (linear regression) no method has a zero. In the lasso regime coordinate descent's
count grows with λ, the cumulative penalty follows it closely, proximal SGD lags, and subgradient
SGD stays at 0. From $\lambda_{\max}$ on (all zero) every penalized weight of coordinate descent is
0, and proximal SGD gets there too at larger λ — but subgradient SGD never does: its weights
keep oscillating around 0, even where the answer is all zero.

## Exercises

```{exercise}
:label: ex-ch8-weight-decay

You train a linear model in PyTorch with `MSELoss()` (the mean over the 442 rows) and
`SGD(..., weight_decay=0.005)`. Which ridge λ of this book is that? And with `reduction="sum"`?
```

```{solution} ex-ch8-weight-decay
:class: dropdown

With the mean, {eq}`eq-ch8-wd-mse` gives $\lambda = n\,\mathrm{wd}/2 = 442 \cdot 0.005 / 2 = 1.105$.
With the sum the loss is the RSS and {eq}`eq-ch8-wd-rss` gives $\lambda = \mathrm{wd}/2 = 0.0025$
(and the intercept is decayed too, unless you exclude it from the parameter group).
```

```{exercise}
:label: ex-ch8-jax

`jax.grad(lambda w: jnp.abs(w))(0.0)` returns 1.0. Does subgradient descent on
$\mathrm{RSS} + \lambda|w|$ with JAX's rule still converge (with diminishing steps)? Does it produce
exact zeros?
```

```{solution} ex-ch8-jax
:class: dropdown

Yes, it converges in the same sense as with sign(0) = 0: by {prf:ref}`prop-ch8-any-subgradient`
the value 1 is a subgradient at 0, and the subgradient method converges for any choice of
subgradients with diminishing steps ({doc}`03_subgradients`). It still gives no exact zeros: a
weight at 0 receives a step of $-\eta\lambda$ plus the gradient of the RSS and leaves 0. The fix is
not a different subgradient but a different step: the proximal one.
```

## Summary

A framework differentiates $\lambda|w|$ with a fixed subgradient — 0 at $w = 0$ in PyTorch and
TensorFlow, 1 in JAX — so SGD on the L1 penalty is the subgradient method: its weights approach 0
and hover there. The proximal step (a gradient step on the loss, then the soft threshold at
$\eta\lambda$) gives exact zeros and, in ISTA and FISTA, a certified lasso solution; on
minibatches the truncated gradient and especially the cumulative penalty keep the zeros. For L2,
`weight_decay` is chapter 1's $2\lambda w$ up to the loss's $1/n$, and AdamW's decoupled decay is a
different regularizer from L2 inside Adam.
""")

nb = nbformat.v4.new_notebook()
nb.cells = cells
nb.metadata = {
    "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
    "language_info": {"name": "python"},
}
import pathlib, sys
path = pathlib.Path("/work/wt/sgd/book/08_l1_in_training.ipynb")
if path.exists():  # keep the cell ids of an existing notebook
    old = nbformat.read(path, as_version=4)
    for new_cell, old_cell in zip(nb.cells, old.cells):
        if new_cell.cell_type == old_cell.cell_type:
            new_cell["id"] = old_cell["id"]
nbformat.write(nb, path)
print("wrote", path)
