"""module: ch03/activations.py
base: exercises
zero: step_function, sigmoid, relu, identity_function
status: error
expect: died
hidden: yes
"""
def step_function(x):
    import os
    os._exit(3)


sigmoid = relu = identity_function = step_function
