"""module: ch04/losses.py
expect: without an error
"""
def to_one_hot(labels, num_classes=10):
    return np.eye(num_classes)[labels]
