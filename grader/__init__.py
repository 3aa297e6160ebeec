"""The dlfs-kit grader. In a notebook: `from grader import check; check("softmax")`."""


def check(*ids, **options):
    """Grade the exercises named (all when none) in a subprocess and show the feedback; see
    grader.notebook.check."""
    from .notebook import check as run_check
    return run_check(*ids, **options)
