"""module: ch03/activations.py
zero: identity_function
status: timeout
expect: identity_function
grade: sigmoid
also: three_layer_net
hidden: yes
timeout: 3
charged_at_once: yes
unconfined: yes
"""
def identity_function(x):
    import signal
    for number in (signal.SIGTERM, signal.SIGINT, signal.SIGALRM):
        signal.signal(number, signal.SIG_IGN)
    while True:
        pass
