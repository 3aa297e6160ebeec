"""module: ch04/gradient.py
The central difference written as two named evaluations divided by 2 and by h.
"""
def numerical_diff(f, x):
    h = 1e-4
    forward, backward = f(x + h), f(x - h)
    return (forward - backward) / 2 / h
