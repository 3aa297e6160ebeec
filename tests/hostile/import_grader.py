"""module: ch03/softmax.py
zero: softmax
status: error
expect: imports grader
expect_uid: Permission denied
confined: yes
"""
def softmax(a):
    from grader import suite
    suite.fail = lambda *args, **kwargs: None
    return a
