"""module: ch04/two_layer_net.py
expect: the gradients are computed numerically
"""
# gradient made to compute numerically: it agrees with backpropagation and is fast enough on the
# small nets of the other checks, but needs about 80,000 losses per MNIST iteration.
TwoLayerNet.gradient = TwoLayerNet.numerical_gradient
