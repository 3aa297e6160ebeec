"""module: ch03/three_layer_net.py
zero: three_layer_net
status: error
expect: sys.exit
"""
import sys
sys.exit(0)
