"""module: ch04/gradient.py
strategy: never steps: a copy of init_x returned
"""
def gradient_descent(f, init_x, lr=0.01, step_num=100):
    return np.array(init_x, dtype=float)
