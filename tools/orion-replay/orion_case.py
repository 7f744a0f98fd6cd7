"""Orion functional test cases: reading .test files and comparing output with REGEXPECT.

A .test file is split into sections the way Orion's testHarness.sh does it: a section starts at
the line containing --NAME--, --SHELL-INIT--, --SHELL--, --REGEXPECT-- or --TEARDOWN-- and runs to
the next line starting with "--" (lines starting with "--" are never content). REGEXPECT lines
starting with "##" are dropped.

Comparison follows Orion's testDiff.py (line by line, trailing whitespace ignored, a line holding
REGEX(...) is matched as a regex anchored at both ends) with the relaxations this project allows:
- within an HTTP header block (the lines after "HTTP/1.x NNN ..." up to the blank line, and in
  an accumulator dump the lines after "POST http://..." up to the blank line or the
  "=======" separator) order is ignored, names are compared case-insensitively, the values
  of Date and Content-Length (and in a dump of User-Agent) are not compared, and the
  hop-by-hop headers Connection and Keep-Alive are ignored;
- #SORT_START / #SORT_END blocks compare as unordered sets of lines (as blockSortDiff.sh does),
  Date, Content-Length and User-Agent header lines by name only;
- the output is compared step by step: it is cut at the "NN. title" lines that both sides share,
  so one wrong step does not hide the result of the following ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SECTION_NAMES = ("NAME", "SHELL-INIT", "SHELL", "REGEXPECT", "TEARDOWN")
_STEP_RE = re.compile(r"^\d+[a-z]?\. \S")
_STATUS_RE = re.compile(r"^HTTP/\d(\.\d)? \d{3}")
# The first line of a request in an accumulator dump ("POST http://localhost:9997/notify").
_REQUEST_RE = re.compile(r"^(GET|POST|PUT|PATCH|DELETE) https?://")
_DUMP_SEPARATOR = "======================================="
_IGNORED_VALUES = frozenset({"date", "content-length"})
# In a dump, User-Agent names the sender's product ("orion/4.1.0", "renkei/0.1.0").
_IGNORED_NOTIFICATION_VALUES = _IGNORED_VALUES | {"user-agent"}
_IGNORED_HEADERS = {"connection", "keep-alive"}


@dataclass
class TestCase:
    path: str
    name: str
    sections: dict[str, str]
    first_lines: dict[str, int]  # 1-based line in the file where each section's text starts


def parse_test_file(path: str, text: str) -> TestCase:
    sections: dict[str, list[str]] = {}
    first_lines: dict[str, int] = {}
    current = None
    for lineno, line in enumerate(text.split("\n"), start=1):
        header = None
        for name in SECTION_NAMES:
            if "--%s--" % name in line:
                header = name
                break
        if header is not None:
            current = header
            sections.setdefault(current, [])
            first_lines[current] = lineno + 1
            continue
        if line.startswith("--"):
            current = None
            continue
        if current is not None:
            sections[current].append(line)
    if "REGEXPECT" in sections:
        sections["REGEXPECT"] = [l for l in sections["REGEXPECT"] if not l.startswith("##")]
    joined = {k: "\n".join(v) + ("\n" if v else "") for k, v in sections.items()}
    name = joined.get("NAME", "").strip()
    return TestCase(path, name, joined, first_lines)


# -- comparison ----------------------------------------------------------------------------------

def _escape(s: str) -> str:
    # Same (partial) escaping as Orion's testDiff.py: only [ ] { } ? are escaped outside REGEX().
    return (s.replace("[", "\\[").replace("]", "\\]").replace("{", "\\{").replace("}", "\\}")
            .replace("?", "\\?"))


def line_matches(ref: str, out: str) -> bool:
    ref, out = ref.rstrip(), out.rstrip()
    m = re.match(r"(.*)REGEX\((.*)\)(.*)", ref)
    if m is None:
        return ref == out
    regex = _escape(m.group(1)) + m.group(2) + _escape(m.group(3)) + "$"
    try:
        return re.match(regex, out) is not None
    except re.error:
        return False


def _header_matches(ref: str, out: str, ignored_values: frozenset[str] = _IGNORED_VALUES) -> bool:
    rn, _, rv = ref.partition(":")
    on, _, ov = out.partition(":")
    if rn.strip().lower() != on.strip().lower():
        return False
    if rn.strip().lower() in ignored_values:
        return True
    return line_matches(rv.strip(), ov.strip())


def _notification_header_matches(ref: str, out: str) -> bool:
    return _header_matches(ref, out, _IGNORED_NOTIFICATION_VALUES)


_HEADER_LINE_RE = re.compile(r"^([A-Za-z][A-Za-z0-9-]*): ")


def _sorted_line_matches(ref: str, out: str) -> bool:
    """A line of a #SORT_START block; header lines whose value is not compared match by name
    (dumps of notifications that may arrive in any order are such blocks)."""
    rm, om = _HEADER_LINE_RE.match(ref), _HEADER_LINE_RE.match(out)
    if rm and om and rm.group(1).lower() in _IGNORED_NOTIFICATION_VALUES:
        return rm.group(1).lower() == om.group(1).lower()
    return line_matches(ref, out)


def _unordered(refs: list[str], outs: list[str], matcher) -> tuple[list[str], list[str]]:
    """Greedy bipartite match; returns (unmatched refs, unmatched outs)."""
    left = list(outs)
    missing = []
    for r in refs:
        for i, o in enumerate(left):
            if matcher(r, o):
                del left[i]
                break
        else:
            missing.append(r)
    return missing, left


@dataclass
class Diff:
    step: str          # the step title ("03. GET /v2/entities") or "(start)"
    ref_line: int      # 1-based line inside REGEXPECT
    expected: str
    actual: str


def _strip_tail(lines: list[str]) -> list[str]:
    lines = [l.rstrip() for l in lines]
    while lines and lines[-1] == "":
        lines.pop()
    return lines


def _split_steps(lines: list[str], titles: set[str]) -> list[tuple[str, int, list[str]]]:
    chunks: list[tuple[str, int, list[str]]] = [("(start)", 0, [])]
    for i, l in enumerate(lines):
        if l in titles:
            chunks.append((l, i, []))
        chunks[-1][2].append(l)
    return chunks


def _head_end(lines: list[str], i: int) -> int:
    """The end of a header block: a blank line, or a dump's separator (a request without body)."""
    while i < len(lines) and lines[i].strip() != "" and not lines[i].startswith(_DUMP_SEPARATOR):
        i += 1
    return i


def _status_matches(ref: str, out: str, ignore_reason: bool) -> bool:
    if ignore_reason:
        return ref.split()[:2] == out.split()[:2]
    return line_matches(ref, out)


def _compare_chunk(ref: list[str], out: list[str], ref_offset: int, step: str,
                   ignore_reason: bool) -> Diff | None:
    ri = oi = 0
    while ri < len(ref) or oi < len(out):
        if ri >= len(ref):
            return Diff(step, ref_offset + ri + 1, "(end of expected output)", out[oi])
        r = ref[ri]
        if r.startswith("#SORT_START"):
            end = ri + 1
            while end < len(ref) and not ref[end].startswith("#SORT_END"):
                end += 1
            block = ref[ri + 1:end]
            got = out[oi:oi + len(block)]
            if oi + len(got) == len(out):
                # Sorted as lines (blockSortDiff.sh), a block counts the blank lines of the
                # step's two closing `echo`s wherever they sort; at the end of the output
                # _strip_tail removed them, so they are given back (Orion case 2560).
                got += [""] * min(2, len(block) - len(got))
            missing, extra = _unordered(block, got, _sorted_line_matches)
            if missing or len(got) < len(block):
                return Diff(step, ref_offset + ri + 2, missing[0] if missing else block[-1],
                            extra[0] if extra else "(missing line)")
            ri, oi = end + 1, oi + len(block)
            continue
        if oi >= len(out):
            return Diff(step, ref_offset + ri + 1, r, "(end of actual output)")
        o = out[oi]
        response = _STATUS_RE.match(r) and _STATUS_RE.match(o)
        request = _REQUEST_RE.match(r) and _REQUEST_RE.match(o)
        if response or request:
            if response and not _status_matches(r, o, ignore_reason):
                return Diff(step, ref_offset + ri + 1, r, o)
            if request and not line_matches(r, o):
                return Diff(step, ref_offset + ri + 1, r, o)
            rend = _head_end(ref, ri + 1)
            oend = _head_end(out, oi + 1)
            rh = ref[ri + 1:rend]
            oh = [h for h in out[oi + 1:oend]
                  if h.partition(":")[0].strip().lower() not in _IGNORED_HEADERS]
            missing, extra = _unordered(
                rh, oh, _notification_header_matches if request else _header_matches)
            if missing or extra:
                if missing:
                    return Diff(step, ref_offset + ri + 2, missing[0],
                                extra[0] if extra else "(no such header)")
                return Diff(step, ref_offset + rend + 1, "(no further header)", extra[0])
            ri, oi = rend, oend
            continue
        if not line_matches(r, o):
            return Diff(step, ref_offset + ri + 1, r, o)
        ri += 1
        oi += 1
    return None


def compare_output(regexpect: str, output: str, ignore_reason: bool = False) -> list[Diff]:
    """Compares actual output with the REGEXPECT text; returns the first diff of each step.

    With ignore_reason, status lines compare by HTTP version and code only (Orion 4 prints the
    RFC 9110 reason phrases, e.g. "422 Unprocessable Content", "413 Content Too Large").
    """
    ref = _strip_tail(regexpect.split("\n"))
    out = _strip_tail(output.split("\n"))
    # A #SORT_START written just before a step title (Orion case 2560 ..._inside_multi) starts
    # after it: the title is compared in place, so cutting at titles keeps the block whole.
    for i in range(len(ref) - 1):
        if ref[i].startswith("#SORT_START") and _STEP_RE.match(ref[i + 1]):
            ref[i], ref[i + 1] = ref[i + 1], ref[i]
    titles = {l for l in ref if _STEP_RE.match(l) and "REGEX(" not in l} & set(out)
    # Use a title only when it appears once on each side, so cutting is unambiguous.
    titles = {t for t in titles if ref.count(t) == 1 and out.count(t) == 1}
    rchunks = _split_steps(ref, titles)
    ochunks = {c[0]: c for c in _split_steps(out, titles)}
    diffs = []
    for step, offset, lines in rchunks:
        if step not in ochunks:
            diffs.append(Diff(step, offset + 1, step, "(step missing from output)"))
            continue
        d = _compare_chunk(lines, ochunks[step][2], offset, step, ignore_reason)
        if d:
            diffs.append(d)
    return diffs


def count_steps(regexpect: str) -> int:
    return sum(1 for l in regexpect.split("\n") if _STEP_RE.match(l) and "REGEX(" not in l)
