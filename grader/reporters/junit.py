"""JUnit XML for the test reports of GitLab, Jenkins and GitHub: a suite per exercise."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from .. import catalog
from ..results import RunResult
from .safe_text import scrubbed

# How each check status shows in JUnit: as a failure, an error, or a skip.
_ELEMENT = {"failed": "failure", "not_started": "failure", "error": "error", "timeout": "error",
            "skipped": "skipped"}


def _counts(tests) -> dict[str, str]:
    return {"tests": str(max(len(tests), 1)),
            "failures": str(sum(_ELEMENT.get(t.status) == "failure" for t in tests)
                            + (not tests)),  # a blocked exercise shows as one failing case
            "errors": str(sum(_ELEMENT.get(t.status) == "error" for t in tests)),
            "skipped": str(sum(t.status == "skipped" for t in tests)),
            "time": f"{sum(t.seconds for t in tests):.3f}"}


def render(result: RunResult) -> str:
    result = scrubbed(result)  # only characters XML 1.0 allows, none that acts on a reader
    root = ET.Element("testsuites", name="dlfs-kit")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for exercise in result.exercises:
        tests = exercise.tests
        counts = _counts(tests)
        for key in totals:
            totals[key] += int(counts[key])
        suite = ET.SubElement(root, "testsuite", name=exercise.id, **counts)
        properties = ET.SubElement(suite, "properties")
        for name, value in (("section", exercise.exercise.section),
                            ("status", exercise.status), ("score", f"{exercise.score:g}"),
                            ("max_score", f"{exercise.max_score:g}")):
            ET.SubElement(properties, "property", name=name, value=value)
        if not tests:  # blocked before it ran: one case that says so
            case = ET.SubElement(suite, "testcase", classname=exercise.id, name=exercise.id,
                                 time="0.000")
            ET.SubElement(case, "failure", type="blocked",
                          message=catalog.text("blocked.by", prerequisite=exercise.blocked_by))
        for test in tests:
            case = ET.SubElement(suite, "testcase", classname=exercise.id, name=test.name,
                                 time=f"{test.seconds:.3f}")
            element = _ELEMENT.get(test.status)
            if element:
                said = test.text()  # in the report's language, from its key and fields
                ET.SubElement(case, element, type=test.status,
                              message=said.splitlines()[0] if said else "").text = said
    root.attrib.update({key: str(value) for key, value in totals.items()})
    root.set("time", f"{result.seconds:.3f}")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") \
        + "\n"
