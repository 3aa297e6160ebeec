"""module: ch04/gradient.py
Copies with np.array(init_x, dtype=float), then rebinds x to a new array at every step.
"""
def gradient_descent(f, init_x, lr=0.01, step_num=100):
    x = np.array(init_x, dtype=float)
    for _ in range(step_num):
        grad = numerical_gradient(f, x)
        x = x - lr * grad
    return x
