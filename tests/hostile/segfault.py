"""module: ch03/softmax.py
zero: softmax
status: error
expect: SIGSEGV
"""
def softmax(a):
    import ctypes
    return ctypes.string_at(0)
