"""module: ch03/softmax.py
zero: softmax
status: error
expect: SIGRTMIN+
unconfined: yes
split: yes
"""
# A real-time signal to itself: its number (40) is not one of signal.Signals, which the judge
# used to look its name up in while reporting the crash.
import os as _os


def softmax(a):
    _os.kill(_os.getpid(), 40)
