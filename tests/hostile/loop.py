"""module: ch03/softmax.py
zero: softmax
status: timeout
expect: longer than
grade: sigmoid
"""
def softmax(a):
    while True:
        pass
