"""The worker's side: the only code that runs in the same process as the student's.

It imports the submission, makes the calls the judge asks for, and answers with plain data
(wire.py). Nothing here holds an expected value, a hidden check or a score: a submission that
rewrites any of it can change only its own answers, which the judge checks as it checks any
answer. In a sandbox this folder is copied in as the package `dlfs_worker`, so it imports nothing
of the kit but itself.
"""
