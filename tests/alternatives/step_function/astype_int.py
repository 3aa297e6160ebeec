"""module: ch03/activations.py
The book's form, the mask x > 0 cast with astype(int), after np.asarray so scalars work too.
"""
def step_function(x):
    y = np.asarray(x) > 0
    return y.astype(int)
