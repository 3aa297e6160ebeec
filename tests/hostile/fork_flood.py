"""module: ch03/softmax.py
zero: softmax
status: error
expect: BlockingIOError
confined: yes
"""
def softmax(a):
    # 2,000 sleeping processes from one check, none of them waited for: unconfined, every PID
    # of the machine could go this way. Confined, RLIMIT_NPROC under the worker's own uid stops
    # the flood at the fork that goes past it, and the error is this check's.
    import os, time
    for _ in range(2000):
        if os.fork() == 0:
            time.sleep(120)
            os._exit(0)
    return np.zeros_like(np.asarray(a, dtype=float))
