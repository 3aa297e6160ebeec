"""module: ch03/three_layer_net.py
zero: three_layer_net
status: error
expect: the test process died
"""
import os
os._exit(0)
