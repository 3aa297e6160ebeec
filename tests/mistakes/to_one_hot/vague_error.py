"""module: ch04/losses.py
expect: the message should name the bad label
"""
def to_one_hot(labels, num_classes=10):
    labels = np.asarray(labels)
    if np.any((labels < 0) | (labels >= num_classes)):
        raise ValueError("bad label")
    one_hot = np.zeros((labels.size, num_classes))
    one_hot[np.arange(labels.size), labels] = 1.0
    return one_hot
