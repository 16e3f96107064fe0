#!/usr/bin/env python3
"""klynge process plugin `trend`: a trend test over periods, per unit (standard library only).

Reads klynge's typed CSV on stdin (the input columns, then @value = X, @per = N, @period = P,
@by = U), writes one typed-CSV row per unit on stdout. Errors go to stderr with exit status 1.

Poisson (default): log E[X_t] = log N_t + a + b·t, fitted by Newton-Raphson; `trend` is the rate
ratio exp(b) per period step with Wald limits exp(b ± 1.96·se) and a two-sided Wald p-value.
`linear`: least-squares slope of the rate M·X_t/N_t on t, limits and p from Student's t with
k − 2 degrees of freedom. Periods with a missing count or denominator are left out; a unit with
fewer than 2 (Poisson) or 3 (linear) usable periods gets missing statistics and says why.
"""

import csv
import json
import math
import os
import sys
from statistics import NormalDist


def fail(message):
    sys.stderr.write(message + "\n")
    sys.exit(1)


def read_table(stream):
    reader = csv.reader(stream)
    header = next(reader, None)
    if header is None:
        fail("trend: no input")
    names = [h.rsplit(":", 1)[0] for h in header]
    types = [h.rsplit(":", 1)[1] for h in header]
    rows = [dict(zip(names, row)) for row in reader]
    return names, dict(zip(names, types)), rows


def number(text):
    return None if text == "" else float(text)


def poisson(ts, xs, ns):
    """Newton-Raphson for log mu = log n + a + b t; returns (b, se)."""
    t0 = sum(ts) / len(ts)
    ts = [t - t0 for t in ts]       # centred: a and b are then nearly uncorrelated
    total = sum(xs)
    if total == 0:
        return None, None
    a, b = math.log(total / sum(ns)), 0.0
    for _ in range(100):
        mus = [n * math.exp(a + b * t) for t, n in zip(ts, ns)]
        ga = sum(x - m for x, m in zip(xs, mus))
        gb = sum((x - m) * t for x, m, t in zip(xs, mus, ts))
        haa = sum(mus)
        hab = sum(m * t for m, t in zip(mus, ts))
        hbb = sum(m * t * t for m, t in zip(mus, ts))
        det = haa * hbb - hab * hab
        if det <= 0:
            return None, None
        da = (hbb * ga - hab * gb) / det
        db = (haa * gb - hab * ga) / det
        a, b = a + da, b + db
        if abs(da) < 1e-12 and abs(db) < 1e-12:
            break
    mus = [n * math.exp(a + b * t) for t, n in zip(ts, ns)]
    haa, hab, hbb = sum(mus), sum(m * t for m, t in zip(mus, ts)), sum(m * t * t for m, t in zip(mus, ts))
    det = haa * hbb - hab * hab
    return b, math.sqrt(haa / det)


def betainc(a, b, x):
    """Regularized incomplete beta I_x(a, b) by Lentz's continued fraction (Numerical Recipes 6.4)."""
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    if x > (a + 1) / (a + b + 2):
        return 1.0 - betainc(b, a, 1 - x)
    front = math.exp(math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log(1 - x)) / a
    c, d, f = 1.0, 1.0 - (a + b) * x / (a + 1), 0.0
    d = 1 / d if abs(d) > 1e-300 else 1e300
    f = d
    for m in range(1, 300):
        for k in (0, 1):
            if k == 0:
                num = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
            else:
                num = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
            d = 1 + num * d
            d = 1 / d if abs(d) > 1e-300 else 1e300
            c = 1 + num / c if abs(c) > 1e-300 else 1e300
            f *= d * c
        if abs(d * c - 1) < 1e-15:
            break
    return front * f


def t_two_sided(t, df):
    return betainc(df / 2, 0.5, df / (df + t * t))


def t_quantile(p, df):
    lo, hi = 0.0, 1e3
    for _ in range(200):
        mid = (lo + hi) / 2
        if 1 - t_two_sided(mid, df) / 2 < p:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def linear(ts, rates):
    k = len(ts)
    tm, rm = sum(ts) / k, sum(rates) / k
    sxx = sum((t - tm) ** 2 for t in ts)
    if sxx == 0:
        return None, None, None
    slope = sum((t - tm) * (r - rm) for t, r in zip(ts, rates)) / sxx
    resid = sum((r - rm - slope * (t - tm)) ** 2 for t, r in zip(ts, rates))
    se = math.sqrt(resid / (k - 2) / sxx)
    return slope, se, k - 2


def main():
    names, types, rows = read_table(sys.stdin)
    args = json.loads(os.environ.get("KLYNGE_ARGUMENTS", "{}"))
    per = float(os.environ.get("KLYNGE_NUMBER_PER", "1"))
    is_linear = "linear" in args.get("flags", [])
    unit_type = types["@by"]
    units = {}
    for row in rows:
        units.setdefault(row["@by"], []).append(row)

    out = csv.writer(sys.stdout, lineterminator="\n")
    label = args.get("labels", {}).get("by", "unit")
    out.writerow([f"{label}:{unit_type}", "periods:integer", "events:decimal", "first_rate:decimal", "last_rate:decimal",
                  "trend:decimal", "lower95:decimal", "upper95:decimal", "p_value:decimal", "direction:text", "method:text"])
    z = NormalDist().inv_cdf(0.975)
    for unit in sorted(units, key=lambda u: (u == "", float(u) if unit_type in ("integer", "decimal") and u != "" else u)):
        points = []
        for row in units[unit]:
            t, x, n = number(row["@period"]), number(row["@value"]), number(row["@per"])
            if t is None or x is None or n is None:
                continue
            if x < 0:
                fail(f"trend: unit {unit}: a count of {x:g} is negative")
            if n <= 0:
                fail(f"trend: unit {unit}: a denominator of {n:g} is not positive")
            points.append((t, x, n))
        points.sort()
        ts, xs, ns = [p[0] for p in points], [p[1] for p in points], [p[2] for p in points]
        rates = [per * x / n for x, n in zip(xs, ns)]
        cells = [unit, len(points), f"{sum(xs):.17g}",
                 f"{rates[0]:.17g}" if rates else "", f"{rates[-1]:.17g}" if rates else ""]
        estimate = lower = upper = p = ""
        direction = ""
        if is_linear:
            method = "least-squares slope of the rate per period (t test)"
            if len(points) >= 3:
                slope, se, df = linear(ts, rates)
                if slope is not None and se is not None and se > 0:
                    q = t_quantile(0.975, df)
                    estimate, lower, upper = slope, slope - q * se, slope + q * se
                    p = t_two_sided(slope / se, df)
            else:
                direction = "fewer than 3 periods"
        else:
            method = "Poisson regression, rate ratio per period (Wald)"
            if len(points) >= 2:
                b, se = poisson(ts, xs, ns)
                if b is not None:
                    estimate, lower, upper = math.exp(b), math.exp(b - z * se), math.exp(b + z * se)
                    p = 2 * (1 - NormalDist().cdf(abs(b / se)))
                else:
                    direction = "no events"
            else:
                direction = "fewer than 2 periods"
        if p != "":
            null = 0 if is_linear else 1
            direction = "rising" if p < 0.05 and estimate > null else "falling" if p < 0.05 and estimate < null else "no clear trend"
        cells += [("" if v == "" else f"{v:.17g}") for v in (estimate, lower, upper, p)] + [direction, method]
        out.writerow(cells)


if __name__ == "__main__":
    main()
