"""module: ch03/softmax.py
zero: softmax
status: error
expect: the test process died
"""
def softmax(a):
    import os
    os._exit(0)
