"""module: ch03/activations.py
Keeps float32 input in float32 (others in float64) and fills the two halves x >= 0 and x < 0 by masks.
"""
def sigmoid(x):
    x = np.asarray(x)
    x = x.astype(np.result_type(x.dtype, np.float32))
    out = np.empty_like(x)
    positive = x >= 0
    out[positive] = 1 / (1 + np.exp(-x[positive]))
    e = np.exp(x[~positive])
    out[~positive] = e / (1 + e)
    return out
