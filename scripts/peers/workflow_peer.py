"""SpiffWorkflow driving cases through a BPMN process: 行政复议 (scripts/peers/reconsideration.bpmn)
or 行政处罚 (scripts/peers/enforcement.bpmn).

    workflow_peer.py BPMN CASES DB WITHDRAW_EVERY [PROCESS]

Each case is a workflow instance; each of its user tasks is completed with the step's data
(the day, who, the conclusion) and the workflow's state is then saved to SQLite (WAL) in its own
transaction — what an application built on SpiffWorkflow does so that a step survives a restart,
as fazhi commits each step. Every WITHDRAW_EVERY-th case takes the other branch: 撤回 instead of
决定 (行政复议), 不予行政处罚 instead of a fine paid (行政处罚: no payment step).
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

# Per process: the user tasks of each branch with their day, the case data, the branch's value.
PROCESSES = {
    "reconsideration": {
        "main": [("register", 0), ("accept", 2), ("copy_sent", 4), ("reply", 12), ("conclude", 40)],
        "other": [("register", 0), ("accept", 2), ("copy_sent", 4), ("reply", 12), ("conclude", 40)],
        "number": "驱复〔2021〕{}号",
        "decide_at": "conclude",
        "main_data": {"method": "决定", "decision_type": "维持"},
        "other_data": {"method": "撤回", "withdrawal_reason": "调解和解后撤回"},
    },
    "enforcement": {
        "main": [("open", 0), ("investigate", 1), ("notify", 3), ("decide", 10), ("serve", 11),
                 ("pay", 13), ("close", 14)],
        "other": [("open", 0), ("investigate", 1), ("notify", 3), ("decide", 10), ("serve", 11),
                  ("close_unpaid", 14)],
        "number": "驱罚〔2021〕{}号",
        "decide_at": "decide",
        "main_data": {"decision": "给予行政处罚", "penalties": "罚款", "amount": "1000.00"},
        "other_data": {"decision": "不予行政处罚"},
    },
}

bpmn, cases, path, withdraw_every = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
process = sys.argv[5] if len(sys.argv) > 5 else "reconsideration"
config = PROCESSES[process]
parser = BpmnParser()
parser.add_bpmn_file(bpmn)
spec = parser.get_spec(process)
serializer = BpmnWorkflowSerializer()
base = datetime.date(2021, 3, 1)


def drive(i, save):
    """One case from intake to its end event; `save(i, workflow)` after each step."""
    received = base + datetime.timedelta(days=i % 200)
    workflow = BpmnWorkflow(spec)
    workflow.do_engine_steps()
    other = withdraw_every and i % withdraw_every == withdraw_every - 1
    for name, days in config["other" if other else "main"]:
        ready = workflow.get_tasks(state=TaskState.READY, manual=True)
        if len(ready) != 1 or ready[0].task_spec.name != name:
            raise SystemExit(f"case {i}: expected {name}, found {[t.task_spec.name for t in ready]}")
        task = ready[0]
        task.data.update({
            "number": config["number"].format(i + 1),
            "on": (received + datetime.timedelta(days=days)).isoformat(),
            "by": "fuyi",
        })
        if name == config["decide_at"]:
            task.data.update(config["other_data" if other else "main_data"])
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
