"""Coefficients of the 2^f polynomial in entropy-rows.wat (run by hand: python3 scripts/wasm/fit-exp2.py).

Fits 2^f ~ 1 + f*(c1 + c2 f + ... + cD f^(D-1)) on [-0.5, 0.5], minimising the maximum relative error
(Lawson's iteratively reweighted least squares on Chebyshev nodes), then reports the approximation error in
float64 and the error of the float32 Horner evaluation (as the kernel does it) in float32 ulps.
"""
import numpy as np


def fit(degree, iterations=60):
    x = np.cos(np.linspace(0, np.pi, 4000)) * 0.5
    weights = np.ones_like(x)
    for _ in range(iterations):
        basis = np.stack([x ** (k + 1) / 2**x for k in range(degree)], 1)
        target = 1 - 1 / 2**x
        root = np.sqrt(weights)
        coefficients, *_ = np.linalg.lstsq(basis * root[:, None], target * root, rcond=None)
        error = np.abs(basis @ coefficients - target)
        weights = weights * error
        weights /= weights.sum()
    return coefficients


for degree in (5, 6):
    coefficients = fit(degree)
    xs = np.linspace(-0.5, 0.5, 200001)
    exact = 2.0**xs
    p = np.zeros_like(xs)
    for k in reversed(range(degree)):
        p = p * xs + coefficients[k]
    p = 1 + p * xs
    print(f"degree {degree}: approximation max relative error {np.max(np.abs(p / exact - 1)):.3e}")
    c32 = coefficients.astype(np.float32)
    x32 = xs.astype(np.float32)
    q = np.full_like(x32, c32[degree - 1])
    for k in reversed(range(degree - 1)):
        q = (q * x32 + c32[k]).astype(np.float32)
    q = (q * x32 + np.float32(1)).astype(np.float32)
    exact32 = 2.0 ** x32.astype(np.float64)
    ulp = np.spacing(exact32.astype(np.float32)).astype(np.float64)
    print(f"  float32 Horner: max {np.max(np.abs(q - exact32) / ulp):.2f} ulp")
    print("  c1..cD =", " ".join(repr(float(v)) for v in coefficients))
