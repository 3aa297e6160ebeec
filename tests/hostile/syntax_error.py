"""module: ch03/three_layer_net.py
zero: three_layer_net
status: error
expect: SyntaxError
"""
def forward(network, x:
    return x
