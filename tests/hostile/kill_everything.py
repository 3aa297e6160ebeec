"""module: ch03/softmax.py
zero: softmax
status: error
expect: died
confined: yes
"""
def softmax(a):
    # SIGKILL every process it can see (the worker's zygote, the sandbox's init...), itself
    # last, hoping to take the grader down with it. Only as the sandbox's unprivileged user.
    import os, signal
    if os.getuid() != 65534:
        raise RuntimeError("not confined: refusing to run this attack")
    me = os.getpid()
    for name in os.listdir("/proc"):
        if name.isdigit() and int(name) != me:
            try:
                os.kill(int(name), signal.SIGKILL)
            except OSError:
                pass
    os.kill(me, signal.SIGKILL)
