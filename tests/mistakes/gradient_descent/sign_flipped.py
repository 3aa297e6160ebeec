"""module: ch04/gradient.py
expect: the steps go uphill
"""
def gradient_descent(f, init_x, lr=0.01, step_num=100):
    x = np.array(init_x, dtype=float)
    for _ in range(step_num):
        x += lr * numerical_gradient(f, x)
    return x
