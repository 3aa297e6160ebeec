"""module: ch03/softmax.py
zero: softmax
status: error
expect: died
confined: yes
"""
def softmax(a):
    # SIGKILL every process it can see (the worker's zygote, the sandbox's init...), itself
    # last, hoping to take the grader down with it. Only as a confined worker's unprivileged
    # user: bubblewrap's nobody, or a uid of the worker's own (grader/judge/uids.py's range).
    import os, signal
    if os.getuid() != 65534 and os.getuid() < 2_000_000_000:
        raise RuntimeError("not confined: refusing to run this attack")
    me = os.getpid()
    try:
        names = os.listdir("/proc")
    except PermissionError:  # Landlock hides /proc: everything this uid may signal instead
        names = []
        os.kill(-1, signal.SIGKILL)
    for name in names:
        if name.isdigit() and int(name) != me:
            try:
                os.kill(int(name), signal.SIGKILL)
            except OSError:
                pass
    os.kill(me, signal.SIGKILL)
