"""python-stdnum's answer for each identifier in a file of `kind<TAB>value` lines, kind being
uscc (统一社会信用代码, stdnum.cn.uscc) or id (居民身份证号码, stdnum.cn.ric).

Prints one JSON object: the version, one letter per line — V valid, or why not: L length,
F format, C check digit, P a part (birth date or place) — and the seconds its loop took
(reading and printing excluded).
"""
import json
import sys
import time
from importlib.metadata import version

from stdnum.cn import ric, uscc
from stdnum.exceptions import (InvalidChecksum, InvalidComponent, InvalidFormat,
                               InvalidLength)

rows = [line.rstrip("\n").split("\t", 1) for line in open(sys.argv[1], encoding="utf-8") if line.strip()]
check = {"uscc": uscc.validate, "id": ric.validate}
REASONS = ((InvalidLength, "L"), (InvalidFormat, "F"), (InvalidChecksum, "C"), (InvalidComponent, "P"))


def answer(kind, value):
    try:
        check[kind](value)
        return "V"
    except Exception as e:  # the reason, as one letter
        return next((letter for cls, letter in REASONS if isinstance(e, cls)), "?")


start = time.perf_counter()
answers = "".join(answer(kind, value) for kind, value in rows)
seconds = time.perf_counter() - start
print(json.dumps({"version": version("python-stdnum"), "answers": answers, "seconds": seconds}))
