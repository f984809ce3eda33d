"""chinesecalendar's answer for each day in a file of ISO dates (one per line).

Prints one JSON object: the version, a string of 1 (workday), 0 (rest day) or ? (a day the
package does not know), and the seconds its loop took (reading and printing excluded).
"""
import datetime
import json
import sys
import time
from importlib.metadata import version

import chinese_calendar

days = [datetime.date.fromisoformat(line.strip()) for line in open(sys.argv[1]) if line.strip()]
rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 1
answers = []
start = time.perf_counter()
for _ in range(rounds):
    answers = []
    for d in days:
        try:
            answers.append("1" if chinese_calendar.is_workday(d) else "0")
        except NotImplementedError:
            answers.append("?")
seconds = time.perf_counter() - start
print(json.dumps({"version": version("chinesecalendar"), "answers": "".join(answers),
                  "seconds": seconds, "rounds": rounds}))
