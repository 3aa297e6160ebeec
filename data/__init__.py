"""The MNIST data layer, like the book's `dataset/mnist.py`: `from data.mnist import load_mnist`.

Provided code, not an exercise: chapter 3.6 and the capstone need MNIST, and a loader that checks
every byte it hands out lets students trust the data and debug their own code instead.

Modules, each with one job:
    mnist     load_mnist() and where the four files come from
    idx       what the four IDX files must contain, and a reader that checks them as it streams
    cache     the .npy arrays kept between runs, each with a stamp that vouches for it
    download  fetching a file from a list of mirrors, atomically
    errors    MnistError, the one exception a user sees
"""
