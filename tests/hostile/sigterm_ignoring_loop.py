"""module: ch03/softmax.py
zero: softmax
status: timeout
expect: longer than
timeout: 2
charged_at_once: yes
unconfined: yes
"""
def softmax(a):
    import signal
    for number in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGALRM):
        signal.signal(number, signal.SIG_IGN)
    while True:
        pass
