"""module: ch03/softmax.py
zero: softmax
status: error
expect: byte limit
"""
def softmax(a):
    return np.zeros(40_000_000)  # 320 MB: more than the judge reads of one answer
