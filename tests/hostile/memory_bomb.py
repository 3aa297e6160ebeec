"""module: ch03/softmax.py
zero: softmax
status: error
expect: memory limit
"""
def softmax(a):
    hoard = []
    while True:
        hoard.append(np.ones(10**8))
