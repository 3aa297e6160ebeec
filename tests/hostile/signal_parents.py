"""module: ch03/softmax.py
zero: softmax
status: error
expect: softmax
confined: yes
"""
def softmax(a):
    # SIGINT then SIGKILL to every ancestor it can name (its zygote, the judge, grade and what
    # started grade), hoping to stop the grading or make it a kit error; then it hangs on.
    # Confined, only processes of the worker's own uid can be reached: its zygote, which costs
    # this check alone (the next check gets a fresh worker).
    import os, signal, time
    ancestors, pid = [], os.getppid()
    while pid > 1:
        ancestors.append(pid)
        try:
            with open(f"/proc/{pid}/stat") as stat:
                pid = int(stat.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError):
            break
    for number in (signal.SIGINT, signal.SIGKILL):
        for target in ancestors:
            try:
                os.kill(target, number)
            except OSError:
                pass
        try:  # and everything else it may signal (under Landlock /proc cannot be read)
            os.kill(-1, number)
        except OSError:
            pass
    time.sleep(2)
    raise RuntimeError(f"signalled {ancestors}: still running")
