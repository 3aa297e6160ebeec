"""module: ch04/gradient.py
A float64 copy from astype, updated in place by a while loop.
"""
def gradient_descent(f, init_x, lr=0.01, step_num=100):
    x = init_x.astype(np.float64)
    step = 0
    while step < step_num:
        x -= lr * numerical_gradient(f, x)
        step += 1
    return x
