"""SpiffWorkflow driving reconsideration cases through scripts/peers/reconsideration.bpmn.

    workflow_peer.py BPMN CASES DB WITHDRAW_EVERY

Each case is a workflow instance; each of its five user tasks is completed with the step's data
(the day, who, the conclusion) and the workflow's state is then saved to SQLite (WAL) in its own
transaction — what an application built on SpiffWorkflow does so that a step survives a restart,
as fazhi commits each step. Every WITHDRAW_EVERY-th case is concluded 撤回, the others 决定.
A second, shorter run keeps the workflows in memory only (the engine alone).

Prints one JSON object: the version, the cases, the seconds of the persisted run, the end events
reached (decided, withdrawn), the mean saved state in bytes, and the in-memory run's cases and
seconds. Parsing the BPMN and reading back the saved states are not timed.
"""
import datetime
import json
import sqlite3
import sys
import time
from importlib.metadata import version

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.parser import BpmnParser
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.util.task import TaskState

STEPS = [("register", 0), ("accept", 2), ("copy_sent", 4), ("reply", 12), ("conclude", 40)]

bpmn, cases, path, withdraw_every = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
parser = BpmnParser()
parser.add_bpmn_file(bpmn)
spec = parser.get_spec("reconsideration")
serializer = BpmnWorkflowSerializer()
base = datetime.date(2021, 3, 1)


def drive(i, save):
    """One case from intake to its end event; `save(i, workflow)` after each step."""
    received = base + datetime.timedelta(days=i % 200)
    workflow = BpmnWorkflow(spec)
    workflow.do_engine_steps()
    method = "撤回" if withdraw_every and i % withdraw_every == withdraw_every - 1 else "决定"
    for name, days in STEPS:
        ready = workflow.get_tasks(state=TaskState.READY, manual=True)
        if len(ready) != 1 or ready[0].task_spec.name != name:
            raise SystemExit(f"case {i}: expected {name}, found {[t.task_spec.name for t in ready]}")
        task = ready[0]
        task.data.update({
            "number": f"驱复〔2021〕{i + 1}号",
            "on": (received + datetime.timedelta(days=days)).isoformat(),
            "by": "fuyi",
        })
        if name == "conclude":
            task.data["method"] = method
            if method == "决定":
                task.data["decision_type"] = "维持"
            else:
                task.data["withdrawal_reason"] = "调解和解后撤回"
        task.run()
        workflow.do_engine_steps()
        save(i, workflow)
    if not workflow.completed:
        raise SystemExit(f"case {i}: not completed")
    ends = [t.task_spec.name for t in workflow.get_tasks(state=TaskState.COMPLETED)
            if t.task_spec.name in ("decided", "withdrawn")]
    return ends[0]


db = sqlite3.connect(path)
db.execute("PRAGMA journal_mode=WAL")
db.execute("PRAGMA synchronous=NORMAL")
db.execute("CREATE TABLE IF NOT EXISTS workflows (id INTEGER PRIMARY KEY, state TEXT NOT NULL)")
sizes = []


def persist(i, workflow):
    state = serializer.serialize_json(workflow)
    sizes.append(len(state))
    with db:
        db.execute("INSERT OR REPLACE INTO workflows (id, state) VALUES (?, ?)", (i, state))


ends = {"decided": 0, "withdrawn": 0}
started = time.perf_counter()
for i in range(cases):
    ends[drive(i, persist)] += 1
seconds = time.perf_counter() - started

# Untimed: the saved states read back as finished workflows (a sample across the run).
for (state,) in db.execute("SELECT state FROM workflows WHERE id % ? = 0", (max(cases // 100, 1),)):
    if not serializer.deserialize_json(state).completed:
        raise SystemExit("a saved workflow is not finished")

memory_cases = max(min(cases, cases // 10), min(cases, 1000))
started = time.perf_counter()
for i in range(memory_cases):
    drive(i, lambda i, w: None)
memory_seconds = time.perf_counter() - started

print(json.dumps({
    "version": version("SpiffWorkflow"),
    "cases": cases,
    "seconds": seconds,
    "decided": ends["decided"],
    "withdrawn": ends["withdrawn"],
    "state_bytes": sum(sizes) / max(len(sizes), 1),
    "memory_cases": memory_cases,
    "memory_seconds": memory_seconds,
}))
