"""module: ch03/three_layer_net.py
expect: one row per input of its layer
"""
_book_init_network = init_network


def init_network():
    network = _book_init_network()
    network['W1'] = network['W1'].T
    return network
