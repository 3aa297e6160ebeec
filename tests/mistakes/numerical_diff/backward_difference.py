"""module: ch04/gradient.py
expect: that is the backward difference (f(x) - f(x - h)) / h,
"""
def numerical_diff(f, x):
    h = 1e-4
    return (f(x) - f(x - h)) / h
