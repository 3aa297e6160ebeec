"""module: ch03/softmax.py
exp(a - logsumexp(a)), with the log-sum-exp taken stably from the row maximum.
"""
def softmax(a):
    a = np.asarray(a, dtype=float)
    m = a.max(axis=-1, keepdims=True)
    log_sum = m + np.log(np.sum(np.exp(a - m), axis=-1, keepdims=True))
    return np.exp(a - log_sum)
