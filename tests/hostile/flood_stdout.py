"""module: ch03/softmax.py
zero: softmax
status: error
expect: printed more than
"""
def softmax(a):
    import sys
    chunk = "x" * 2**20
    for _ in range(100):
        sys.stdout.write(chunk)
    return a
