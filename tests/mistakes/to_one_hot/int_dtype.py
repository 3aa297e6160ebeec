"""module: ch04/losses.py
expect: expected floats
"""
def to_one_hot(labels, num_classes=10):
    labels = np.asarray(labels)
    bad = labels[(labels < 0) | (labels >= num_classes)]
    if bad.size:
        raise ValueError(f"label {bad[0]} is outside 0..{num_classes - 1}")
    one_hot = np.zeros((labels.size, num_classes), dtype=int)
    one_hot[np.arange(labels.size), labels] = 1
    return one_hot
