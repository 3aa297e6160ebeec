"""module: ch03/softmax.py
zero: softmax
status: error
expect: sys.exit
"""
def softmax(a):
    import sys
    sys.exit(0)
