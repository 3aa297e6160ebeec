# The instructor's grading image: Python, numpy, the kit with its hidden checks (never the
# reference solutions), bubblewrap, and MNIST downloaded and verified while the image builds.
#   docker build -t dlfs-kit .
#   docker run --rm -v "$PWD/submissions:/submissions" dlfs-kit \
#       grade batch /submissions --csv /submissions/grades.csv --sandbox none
# docs/instructors.md, "Where classes are graded", says when bubblewrap works inside a container.
FROM python:3.11-slim-bookworm

# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends bubblewrap \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /kit
COPY pyproject.toml README.md ./
COPY data/ data/
COPY exercises/ exercises/
COPY grader/ grader/
RUN pip install --no-cache-dir -e .

# A course with its own MNIST mirror passes --build-arg DLFS_MNIST_MIRRORS=<its base URLs>.
ARG DLFS_MNIST_MIRRORS=""
ENV DLFS_CACHE_DIR=/kit/cache
RUN DLFS_MNIST_MIRRORS="$DLFS_MNIST_MIRRORS" python -c \
    "from data.mnist import load_mnist; load_mnist(normalize=False); print('MNIST ready')"

WORKDIR /submissions
CMD ["grade", "--help"]
