#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the tapegrad developers
"""tapegrad's solvers side by side with SciPy on the Moré-Garbow-Hillstrom problems and
the NIST StRD nonlinear regression problems; prints the tables of docs/optim.md (Markdown).

    python3 compare_scipy.py --lib build/benchmarks/solvers/libtapegrad_solver_problems.so \
        --table build/benchmarks/solvers/solver_table --nist examples/data/nist_strd

SciPy evaluates the very same functions: the problems are compiled into --lib (with
their gradients and Jacobians from tapegrad), so both sides minimize identical f and get
exact derivatives. tapegrad's runs come from the --table program (its CSV). Without
SciPy (Debian: python3-scipy) the script says so and exits 0: nothing else needs it.

SciPy settings: minimize(method="L-BFGS-B") with its defaults (m = 10, ftol 2.2e-9,
gtol 1e-5) and least_squares(method="lm") with its defaults (ftol = xtol = gtol = 1e-8,
x_scale = 1) on MGH; on NIST, least_squares(method="lm") with ftol = xtol = gtol = 1e-15
(it refuses tolerances below machine epsilon). Every call of f, r and J is counted here,
in the wrapper; SciPy's own nfev/njev leave out the calls least_squares makes around
MINPACK (r and J at x0 to check shapes, J at the end).
"""
import argparse
import csv
import ctypes
import io
import math
import subprocess
import sys

try:
    import numpy as np
    import scipy
    import scipy.optimize as so
except ImportError:
    print("compare_scipy.py: SciPy not found (Debian: apt-get install python3-scipy); skipped")
    sys.exit(0)

SAME = 1e-8       # same minimum: |f_t - f_s| <= SAME * max(|f_s|, 1), SciPy's own ftol scale
SOLVED = 1e-5     # SciPy solves a problem if f_s - f* <= SOLVED * max(|f*|, 1)

P = ctypes.POINTER(ctypes.c_double)


def ptr(a):
    return a.ctypes.data_as(P)


class Counted:
    """f (or r and J) of one problem through the C interface, with call counts."""

    def __init__(self, fg=None, r=None, j=None, n=0, m=0):
        self._fg, self._r, self._j, self.n, self.m = fg, r, j, n, m
        self.f_calls = self.j_calls = 0

    def fg(self, x):
        self.f_calls += 1
        x = np.ascontiguousarray(x, dtype=float)
        g = np.zeros(self.n)
        f = self._fg(ptr(x), ptr(g))
        return f, g

    def r(self, x):
        self.f_calls += 1
        x = np.ascontiguousarray(x, dtype=float)
        out = np.zeros(self.m)
        self._r(ptr(x), ptr(out))
        return out

    def j(self, x):
        self.j_calls += 1
        x = np.ascontiguousarray(x, dtype=float)
        out = np.zeros((self.m, self.n))
        self._j(ptr(x), ptr(out))
        return out


def load(lib_path):
    lib = ctypes.CDLL(lib_path)
    lib.mgh_name.restype = ctypes.c_char_p
    for name in ("mgh_f_and_gradient", "mgh_f_star", "nist_certified_rss", "nist_digits"):
        getattr(lib, name).restype = ctypes.c_double
    lib.nist_load.argtypes = [ctypes.c_char_p]
    return lib


def tapegrad_rows(table):
    """The CSV of the solver_table program (run it, or read a saved CSV)."""
    if table.endswith(".csv"):
        text = open(table).read()
    else:
        text = subprocess.run([table] + ARGS_NIST, check=True, capture_output=True, text=True).stdout
    rows = {}
    for row in csv.DictReader(io.StringIO(text)):
        rows[(row["set"], row["problem"], row["method"], int(row["start"]))] = row
    return rows


def fmt(x, digits=6):
    return f"{x:.{digits}g}" if math.isfinite(x) else str(x)


def mgh_tables(lib, ours):
    lines_l, lines_m = [], []
    stats = {"lbfgs": [0, 0, 0, 0], "lm": [0, 0, 0, 0]}  # problems, scipy solves, same-or-better, evals <=
    reported = 0  # LM: evals <= SciPy's own nfev + njev
    for k in range(lib.mgh_count()):
        name = lib.mgh_name(k).decode()
        n, m, fstar = lib.mgh_n(k), lib.mgh_m(k), lib.mgh_f_star(k)
        x0 = np.zeros(n)
        lib.mgh_x0(k, ptr(x0))
        fg = lambda x_, g_, k=k: lib.mgh_f_and_gradient(k, x_, g_)
        rr = lambda x_, o_, k=k: lib.mgh_residuals(k, x_, o_)
        jj = lambda x_, o_, k=k: lib.mgh_jacobian(k, x_, o_)
        c = Counted(fg=fg, n=n)
        s = so.minimize(c.fg, x0, jac=True, method="L-BFGS-B")
        t = ours[("mgh", name, "lbfgs", 1)]
        lines_l.append(compare(stats["lbfgs"], name, fstar, float(t["f"]), float(t["gradient_inf"]),
                               int(t["function_evaluations"]), s.fun, np.abs(s.jac).max(), c.f_calls))
        c = Counted(r=rr, j=jj, n=n, m=m)
        q = so.least_squares(c.r, x0, jac=c.j, method="lm")
        t = ours[("mgh", name, "lm", 1)]
        reported += int(t["function_evaluations"]) + int(t["gradient_evaluations"]) <= q.nfev + q.njev
        f_s = 2 * q.cost
        g_s = np.abs(2 * q.jac.T @ q.fun).max()
        lines_m.append(compare(stats["lm"], name, fstar, float(t["f"]), float(t["gradient_inf"]),
                               int(t["function_evaluations"]) + int(t["gradient_evaluations"]), f_s, g_s,
                               c.f_calls + c.j_calls,
                               extra=f" {t['function_evaluations']}+{t['gradient_evaluations']} | "
                                     f"{c.f_calls}+{c.j_calls} ({q.nfev}+{q.njev})"))
    head = ("| problem | f* (MGH) | tapegrad f | max\\|g\\| | evals | SciPy f | max\\|g\\| | evals | |\n"
            "|---|---|---|---|---|---|---|---|---|")
    head_m = ("| problem | f* (MGH) | tapegrad f | max\\|g\\| | evals | SciPy f | max\\|g\\| | evals | | "
              "tapegrad r+J | SciPy r+J (nfev+njev) |\n|---|---|---|---|---|---|---|---|---|---|---|")
    out = ["### L-BFGS: tapegrad `lbfgs` vs SciPy `minimize(method=\"L-BFGS-B\")`", "", head] + lines_l
    out += ["", summary(stats["lbfgs"]), "",
            "### Levenberg-Marquardt: tapegrad `least_squares` vs SciPy `least_squares(method=\"lm\")`", "",
            head_m] + lines_m + ["", summary(stats["lm"]) +
                                 f" Against SciPy's own counts nfev + njev, which leave out the calls least_squares "
                                 f"makes around MINPACK: {reported} of {stats['lm'][0]}."]
    return "\n".join(out)


def compare(stat, name, fstar, f_t, g_t, e_t, f_s, g_s, e_s, extra=""):
    stat[0] += 1
    solves = f_s - fstar <= SOLVED * max(abs(fstar), 1.0)
    same = abs(f_t - f_s) <= SAME * max(abs(f_s), 1.0) or f_t < f_s
    fewer = e_t <= e_s
    stat[1] += solves
    stat[2] += solves and same
    stat[3] += fewer
    mark = ("" if not solves else ("same min" if abs(f_t - f_s) <= SAME * max(abs(f_s), 1.0) else "lower")
            if same else "**higher**")
    mark = (mark + ("; " if mark else "") + ("evals <=" if fewer else "**more evals**")).strip()
    if not solves:
        mark = "SciPy misses f*; " + mark
    return (f"| {name} | {fmt(fstar)} | {fmt(f_t, 10)} | {fmt(g_t, 2)} | {e_t} | {fmt(f_s, 10)} | "
            f"{fmt(g_s, 2)} | {e_s} | {mark} |" + extra)


def summary(s):
    return (f"{s[0]} problems. SciPy reaches the MGH minimum on {s[1]}; tapegrad reaches the same minimum "
            f"(or a lower f) on {s[2]} of those {s[1]}. tapegrad needs no more evaluations than SciPy on "
            f"{s[3]} of {s[0]} ({100.0 * s[3] / s[0]:.0f}%).")


def nist_table(lib, ours, nist_dir, names):
    lines = []
    worst = {"lm": 11.0, "scipy": 11.0, "lbfgs": 11.0, "lm_ld": 11.0}
    fewer = total = 0
    for name in names:
        h = lib.nist_load(f"{nist_dir}/{name}.dat".encode())
        n, m = lib.nist_n(h), lib.nist_m(h)
        for start in (1, 2):
            b0 = np.zeros(n)
            lib.nist_start(h, start, ptr(b0))
            rr = lambda x_, o_, h=h: lib.nist_residuals(h, x_, o_)
            jj = lambda x_, o_, h=h: lib.nist_jacobian(h, x_, o_)
            c = Counted(r=rr, j=jj, n=n, m=m)
            q = so.least_squares(c.r, b0, jac=c.j, method="lm", ftol=1e-15, xtol=1e-15, gtol=1e-15, max_nfev=10000)
            b = np.ascontiguousarray(q.x)
            rss = float(q.fun @ q.fun)
            d_s = lib.nist_digits(h, ptr(b), ctypes.c_double(rss))
            lm, ld, lb = (ours[("nist", name, k, start)] for k in ("lm", "lm_long_double", "lbfgs"))
            e_t = int(lm["function_evaluations"]) + int(lm["gradient_evaluations"])
            e_s = c.f_calls + c.j_calls
            total += 1
            fewer += e_t <= e_s
            worst["lm"] = min(worst["lm"], float(lm["digits"]))
            worst["lm_ld"] = min(worst["lm_ld"], float(ld["digits"]))
            worst["scipy"] = min(worst["scipy"], d_s)
            worst["lbfgs"] = min(worst["lbfgs"], float(lb["digits"]))
            lines.append(f"| {name} | {start} | {float(lm['digits']):.1f} ({float(lm['parameter_digits']):.1f} / "
                         f"{float(lm['rss_digits']):.1f}) | {e_t} | {float(ld['digits']):.1f} | {d_s:.1f} | {e_s} | "
                         f"{float(lb['digits']):.1f} | {lb['function_evaluations']} |")
    head = ("| problem | start | LM digits (parameters / RSS) | LM evals (r+J) | LM, long double | "
            "SciPy lm digits | SciPy evals (r+J) | L-BFGS digits | L-BFGS evals |\n"
            "|---|---|---|---|---|---|---|---|---|")
    return "\n".join(["### NIST StRD: digits of the certified values reproduced", "", head] + lines + [
        "", f"Smallest over all 38 runs: LM {worst['lm']:.1f} digits (long double {worst['lm_ld']:.1f}), "
            f"SciPy lm {worst['scipy']:.1f}, L-BFGS on the sum of squares {worst['lbfgs']:.1f}. "
            f"tapegrad's LM needs no more evaluations than SciPy's on {fewer} of {total} runs."])


NIST_NAMES = ["Misra1a", "Chwirut2", "Chwirut1", "Lanczos3", "Gauss1", "Gauss2", "DanWood", "Misra1b", "Kirby2",
              "Hahn1", "Nelson", "MGH17", "Lanczos1", "Lanczos2", "Gauss3", "Misra1c", "Misra1d", "Roszman1", "ENSO"]
ARGS_NIST = []


def main():
    global ARGS_NIST
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--lib", required=True, help="libtapegrad_solver_problems.so")
    ap.add_argument("--table", required=True, help="the solver_table program, or a CSV it wrote")
    ap.add_argument("--nist", required=True, help="the nist_strd directory")
    a = ap.parse_args()
    ARGS_NIST = [a.nist]
    lib = load(a.lib)
    ours = tapegrad_rows(a.table)
    print(f"SciPy {scipy.__version__}, NumPy {np.__version__}\n")
    print(mgh_tables(lib, ours))
    print()
    print(nist_table(lib, ours, a.nist, NIST_NAMES))


if __name__ == "__main__":
    main()
