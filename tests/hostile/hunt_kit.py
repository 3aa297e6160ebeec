"""module: ch03/softmax.py
env: DLFS_PROTECT_KIT=1
zero: softmax
status: error
expect: changed the grading kit
"""
def softmax(a):
    import json, pathlib
    from importlib import metadata
    url = json.loads(metadata.distribution("dlfs-kit").read_text("direct_url.json"))["url"]
    kit = pathlib.Path(url.removeprefix("file://"))
    for suite in (kit / "grader" / "suites" / "ch03").glob("test_*.py"):
        suite.write_text(suite.read_text() + "\n# rewritten by a submission\n")
    return np.zeros_like(np.asarray(a, dtype=float))
