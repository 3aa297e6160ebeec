"""module: ch04/simple_net.py
The book's simpleNet (4.4.2): its __init__ takes no W and draws its weights with np.random.randn(2, 3).
"""
class SimpleNet:
    def __init__(self):
        self.W = np.random.randn(2, 3)  # Gaussian initialisation

    def predict(self, x):
        return np.dot(x, self.W)

    def loss(self, x, t):
        z = self.predict(x)
        y = softmax(z)
        loss = cross_entropy_error(y, t)

        return loss
