"""module: ch04/gradient.py
expect: a tiny h such as 1e-50 is lost to rounding
"""
def numerical_diff(f, x):
    h = 1e-50
    return (f(x + h) - f(x - h)) / (2 * h)
