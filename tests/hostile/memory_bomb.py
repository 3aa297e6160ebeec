"""module: ch03/softmax.py
zero: softmax
status: error
expect: memory limit
timeout: 30
"""
# A long time limit: filling 2 GiB can take longer than the default 5 s on a loaded machine,
# and the check must end on the memory limit, not the clock.
def softmax(a):
    hoard = []
    while True:
        hoard.append(np.ones(10**8))
