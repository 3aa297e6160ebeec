"""module: ch04/gradient.py
expect: default arguments
hidden: yes
"""
# Right, but the signature's default learning rate is not the book's 0.01: code calling
# gradient_descent(f, x) without lr (the book's own examples) moves ten times as far.
def gradient_descent(f, init_x, lr=0.1, step_num=100):
    x = np.array(init_x, dtype=float)
    for _ in range(step_num):
        x -= lr * numerical_gradient(f, x)
    return x
