#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks a file in the OpenMetrics text format strictly, and prints its
samples one a line, "name{label="value",...} value" with the labels sorted,
for a test to grep. Exits 1 with the line and the reason on the first
violation.

  openmetrics_check.py FILE             the checks below
  openmetrics_check.py --client FILE    also prometheus_client's parser

What it checks, after the OpenMetrics specification: the text is UTF-8 and
ends with "# EOF" and a newline, with nothing after it and no blank line;
every metric family has one TYPE (a known type), at most one HELP and
UNIT, all before its samples, and its samples are together; a family
with a UNIT ends in _UNIT; a counter family's name does not end in
_total and its samples are NAME_total (or NAME_created); a gauge's are
NAME; a histogram's are NAME_bucket with an le label, NAME_count and
NAME_sum; label names are valid and not repeated, values are quoted with
only the escapes \\\\, \\" and \\n; no sample appears twice; counters,
buckets and counts are not negative; in every histogram the buckets come
in increasing le, their counts never decrease, the last is le="+Inf",
and it equals _count.
"""
import math
import re
import sys

NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
LABEL_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
TYPES = {"counter", "gauge", "histogram", "gaugehistogram", "summary", "info", "stateset",
         "unknown"}
SUFFIXES = {
    "counter": ("_total", "_created"),
    "gauge": ("",),
    "histogram": ("_bucket", "_count", "_sum", "_created"),
}


class Invalid(Exception):
    pass


def parse_labels(text, pos, where):
    """Labels from text[pos] == '{'; returns (dict, position after '}')."""
    labels = {}
    pos += 1
    if text[pos:pos + 1] == "}":
        return labels, pos + 1
    while True:
        m = LABEL_NAME.match(text, pos)
        if not m:
            raise Invalid("%s: a label name expected at column %d" % (where, pos + 1))
        name = m.group(0)
        pos = m.end()
        if text[pos:pos + 2] != '="':
            raise Invalid('%s: =" expected after label %s' % (where, name))
        pos += 2
        value = []
        while True:
            if pos >= len(text):
                raise Invalid("%s: label %s's value is not closed" % (where, name))
            c = text[pos]
            if c == '"':
                pos += 1
                break
            if c == "\\":
                esc = text[pos + 1:pos + 2]
                if esc not in ("\\", '"', "n"):
                    raise Invalid("%s: label %s: bad escape \\%s" % (where, name, esc))
                value.append("\n" if esc == "n" else esc)
                pos += 2
                continue
            if c == "\n":
                raise Invalid("%s: a raw newline in label %s" % (where, name))
            value.append(c)
            pos += 1
        if name in labels:
            raise Invalid("%s: label %s twice" % (where, name))
        labels[name] = "".join(value)
        if text[pos:pos + 1] == ",":
            pos += 1
            continue
        if text[pos:pos + 1] == "}":
            return labels, pos + 1
        raise Invalid("%s: , or } expected at column %d" % (where, pos + 1))


def parse_value(text, where):
    if text in ("+Inf", "-Inf", "NaN"):
        return float(text.replace("Inf", "inf").replace("NaN", "nan"))
    if not re.fullmatch(r"[+-]?[0-9]+(\.[0-9]*)?([eE][+-]?[0-9]+)?", text):
        raise Invalid("%s: %r is not a number" % (where, text))
    return float(text)


def check(text):
    """The samples of text as (name, labels, value), in order."""
    if not text.endswith("# EOF\n") and text != "# EOF":
        raise Invalid('the last line is not "# EOF"')
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    families = {}  # name -> {"type", "help", "unit", "samples_seen"}
    current = None  # the family whose samples may follow
    closed = set()  # families whose samples are over
    seen = set()
    samples = []
    for number, line in enumerate(lines, 1):
        where = "line %d" % number
        if number == len(lines):
            if line != "# EOF":
                raise Invalid('%s: "# EOF" expected last' % where)
            break
        if line == "# EOF":
            raise Invalid("%s: # EOF before the end" % where)
        if line == "":
            raise Invalid("%s: a blank line" % where)
        if line.startswith("#"):
            m = re.fullmatch(r"# (TYPE|HELP|UNIT) (\S+) ?(.*)", line)
            if not m:
                raise Invalid("%s: not a TYPE, HELP or UNIT line: %r" % (where, line))
            kind, name, rest = m.groups()
            if not NAME.fullmatch(name):
                raise Invalid("%s: bad family name %r" % (where, name))
            if name in closed or (name in families and families[name]["samples"]):
                raise Invalid("%s: %s for %s after its samples" % (where, kind, name))
            if current and current != name:
                closed.add(current)
            current = name
            fam = families.setdefault(name, {"type": None, "help": None, "unit": None,
                                             "samples": 0})
            key = kind.lower()
            if fam[key] is not None:
                raise Invalid("%s: a second %s for %s" % (where, kind, name))
            if kind == "TYPE":
                if rest not in TYPES:
                    raise Invalid("%s: unknown type %r" % (where, rest))
                if rest == "counter" and name.endswith("_total"):
                    raise Invalid("%s: counter family %s ends in _total" % (where, name))
            if kind == "HELP" and re.search(r"\\[^\\n\"]", rest.replace("\\\\", "")):
                raise Invalid("%s: bad escape in HELP" % where)
            if kind == "UNIT" and not name.endswith("_" + rest):
                raise Invalid("%s: %s does not end in its unit %s" % (where, name, rest))
            fam[key] = rest
            continue
        m = NAME.match(line)
        if not m:
            raise Invalid("%s: not a sample: %r" % (where, line))
        name = m.group(0)
        pos = m.end()
        labels = {}
        if line[pos:pos + 1] == "{":
            labels, pos = parse_labels(line, pos, where)
        if line[pos:pos + 1] != " ":
            raise Invalid("%s: a space expected before the value" % where)
        parts = line[pos + 1:].split(" ")
        if len(parts) > 2 or parts[0] == "":
            raise Invalid("%s: bad value or timestamp" % where)
        value = parse_value(parts[0], where)
        if current is None or families[current]["type"] is None:
            raise Invalid("%s: sample %s has no TYPE'd family before it" % (where, name))
        fam = families[current]
        typ = fam["type"]
        suffix = name[len(current):] if name.startswith(current) else None
        if suffix is None or suffix not in SUFFIXES.get(typ, ("",)):
            raise Invalid("%s: sample %s does not belong to %s family %s" %
                          (where, name, typ, current))
        if typ == "histogram" and suffix == "_bucket" and "le" not in labels:
            raise Invalid("%s: a bucket without le" % where)
        if typ in ("counter", "histogram") and (value < 0 or math.isnan(value)):
            raise Invalid("%s: %s is negative or NaN" % (where, name))
        key = (name, tuple(sorted(labels.items())))
        if key in seen:
            raise Invalid("%s: sample %s%s twice" % (where, name, labels))
        seen.add(key)
        fam["samples"] += 1
        samples.append((current, typ, name, labels, value, where))
    check_histograms(samples)
    return [(name, labels, value) for _, _, name, labels, value, _ in samples]


def check_histograms(samples):
    groups = {}
    for family, typ, name, labels, value, where in samples:
        if typ != "histogram":
            continue
        rest = tuple(sorted((k, v) for k, v in labels.items() if k != "le"))
        g = groups.setdefault((family, rest), {"buckets": [], "count": None, "sum": None})
        if name == family + "_bucket":
            g["buckets"].append((parse_value(labels["le"], where), value, where))
        elif name == family + "_count":
            g["count"] = value
        elif name == family + "_sum":
            g["sum"] = value
    for (family, rest), g in groups.items():
        b = g["buckets"]
        if not b or b[-1][0] != math.inf:
            raise Invalid('%s%s: no le="+Inf" bucket last' % (family, dict(rest)))
        for (le0, n0, _), (le1, n1, where) in zip(b, b[1:]):
            if le1 <= le0:
                raise Invalid("%s: le %s after %s" % (where, le1, le0))
            if n1 < n0:
                raise Invalid("%s: bucket count %s below the one before, %s" % (where, n1, n0))
        if g["count"] is None or g["sum"] is None:
            raise Invalid("%s%s: no _count or _sum" % (family, dict(rest)))
        if g["count"] != b[-1][1]:
            raise Invalid("%s%s: _count %s is not the +Inf bucket's %s" %
                          (family, dict(rest), g["count"], b[-1][1]))


def show(value):
    return str(int(value)) if value.is_integer() else repr(value)


def main():
    args = sys.argv[1:]
    client = args[:1] == ["--client"]
    if client:
        args = args[1:]
    if len(args) != 1:
        sys.exit("usage: openmetrics_check.py [--client] FILE")
    with open(args[0], "rb") as f:
        data = f.read()
    try:
        text = data.decode("utf-8")
        samples = check(text)
    except (Invalid, UnicodeDecodeError) as e:
        sys.exit("%s: %s" % (args[0], e))
    if client:
        from prometheus_client.openmetrics.parser import text_string_to_metric_families
        try:
            list(text_string_to_metric_families(text))
        except ValueError as e:
            sys.exit("%s: prometheus_client: %s" % (args[0], e))
    for name, labels, value in samples:
        inner = ",".join('%s="%s"' % (k, v.replace("\\", "\\\\").replace('"', '\\"')
                                      .replace("\n", "\\n"))
                         for k, v in sorted(labels.items()))
        print("%s%s %s" % (name, "{" + inner + "}" if inner else "", show(value)))


if __name__ == "__main__":
    main()
