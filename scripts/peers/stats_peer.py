"""DuckDB's count of a year's figures from the same records fazhi counts: the tables are copied
out of fazhi's SQLite database (not timed) into DuckDB, then each module's figures are computed
in SQL (timed, median of the rounds). Prints one JSON object: the version, the figures by module
(maps keyed by the stored codes), and the seconds per module.

The figures follow the definitions fazhi shows beside them (report's 统计口径); a rate is
part ÷ whole × 100 rounded half-up to two decimals, as kernel::figures::percent computes it.
"""
import csv
import json
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from importlib.metadata import version

import duckdb

path, year, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 5
start, end = f"{year:04d}-01-01", f"{year:04d}-12-31"
TABLES = {
    "power_items": "id, code",
    "power_item_versions": "item_id, valid_from, valid_to, active, item_type, org_id",
    "power_adjustments": "kind, effective_on, org_id, state",
    "power_delegations": "id, item_id, category",
    "power_delegation_states": "delegation_id, state, state_on",
    "reconsideration_cases": "received_on, acceptance, concluded_on, method, withdrawal_reason, decision_type, opinion_letter",
    "mediation_organizations": "id, kind, standardized, founded_on",
    "mediators": "organization_id, employment, published_on, notified_on",
    "mediation_disputes": "received_on, dispute_type, source, outcome, concluded_on, agreement, judicial_confirmation",
}

con = duckdb.connect()
source = sqlite3.connect(path)
with tempfile.TemporaryDirectory() as tmp:
    for table, columns in TABLES.items():
        file = os.path.join(tmp, table + ".csv")
        with open(file, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow([c.strip() for c in columns.split(",")])
            w.writerows(source.execute(f"SELECT {columns} FROM {table}"))
        con.execute(f"CREATE TABLE {table} AS SELECT * FROM read_csv('{file}', header = true, all_varchar = true)")


def percent(part, whole):
    return 0.0 if whole == 0 else ((part * 20000 + whole) // (2 * whole)) / 100


def one(sql):
    return con.execute(sql).fetchone()[0] or 0


def grouped(sql):
    return {k: v for k, v in con.execute(sql).fetchall() if k}


def power():
    at_end = f"v.valid_from <= '{end}' AND (v.valid_to IS NULL OR v.valid_to = '' OR v.valid_to > '{end}') AND v.active = '1'"
    adjusted = f"state = 'approved' AND effective_on >= '{start}' AND effective_on <= '{end}'"
    return {
        "total_items": one(f"SELECT COUNT(*) FROM power_item_versions v WHERE {at_end}"),
        "by_type": grouped(f"SELECT item_type, COUNT(*) FROM power_item_versions v WHERE {at_end} GROUP BY 1"),
        "adjustments": one(f"SELECT COUNT(*) FROM power_adjustments WHERE {adjusted}"),
        "adjusted_departments": one(f"SELECT COUNT(DISTINCT org_id) FROM power_adjustments WHERE {adjusted}"),
        "adjustments_by_type": grouped(f"SELECT kind, COUNT(*) FROM power_adjustments WHERE {adjusted} GROUP BY 1"),
        "delegated_items": one(
            "SELECT COUNT(DISTINCT d.item_id) FROM power_delegation_states s JOIN power_delegations d ON d.id = s.delegation_id "
            f"WHERE s.state IN ('approved', 'delegated') AND s.state_on >= '{start}' AND s.state_on <= '{end}'"),
    }


def reconsideration():
    received = f"received_on >= '{start}' AND received_on <= '{end}'"
    concluded = f"acceptance = 'accepted' AND concluded_on >= '{start}' AND concluded_on <= '{end}'"
    direct = "decision_type IN ('set_aside', 'partly_set_aside', 'vary', 'unlawful', 'perform', 'void')"
    after = "method = 'withdrawal' AND withdrawal_reason IN ('after_mediation', 'after_correction')"
    f = {
        "received": one(f"SELECT COUNT(*) FROM reconsideration_cases WHERE {received}"),
        "accepted": one(f"SELECT COUNT(*) FROM reconsideration_cases WHERE {received} AND acceptance = 'accepted'"),
        "not_accepted": one(f"SELECT COUNT(*) FROM reconsideration_cases WHERE {received} AND acceptance = 'not_accepted'"),
        "concluded": one(f"SELECT COUNT(*) FROM reconsideration_cases WHERE {concluded}"),
        "direct_corrections": one(f"SELECT COUNT(*) FROM reconsideration_cases WHERE {concluded} AND {direct}"),
        "opinion_letters": one(f"SELECT COUNT(*) FROM reconsideration_cases WHERE {concluded} AND opinion_letter = '1'"),
        "withdrawn": one(f"SELECT COUNT(*) FROM reconsideration_cases WHERE {concluded} AND method = 'withdrawal'"),
        "withdrawn_after_mediation": one(f"SELECT COUNT(*) FROM reconsideration_cases WHERE {concluded} AND {after}"),
        "comprehensive_corrections": one(
            f"SELECT COUNT(*) FROM reconsideration_cases WHERE {concluded} AND ({direct} OR method = 'mediation' OR {after})"),
        "by_decision_type": grouped(f"SELECT decision_type, COUNT(*) FROM reconsideration_cases WHERE {concluded} GROUP BY 1"),
    }
    f["direct_correction_rate"] = percent(f["direct_corrections"], f["concluded"])
    f["comprehensive_correction_rate"] = percent(f["comprehensive_corrections"], f["concluded"])
    return f


def mediation():
    received = f"received_on >= '{start}' AND received_on <= '{end}'"
    concluded = f"outcome <> 'ongoing' AND concluded_on >= '{start}' AND concluded_on <= '{end}'"
    founded = f"founded_on <= '{end}'"
    f = {
        "disputes": one(f"SELECT COUNT(*) FROM mediation_disputes WHERE {received}"),
        "by_type": grouped(f"SELECT dispute_type, COUNT(*) FROM mediation_disputes WHERE {received} GROUP BY 1"),
        "by_source": grouped(f"SELECT source, COUNT(*) FROM mediation_disputes WHERE {received} GROUP BY 1"),
        "concluded": one(f"SELECT COUNT(*) FROM mediation_disputes WHERE {concluded}"),
        "successful": one(f"SELECT COUNT(*) FROM mediation_disputes WHERE {concluded} AND outcome = 'success'"),
        "written_agreements": one(f"SELECT COUNT(*) FROM mediation_disputes WHERE {concluded} AND agreement = 'written'"),
        "oral_agreements": one(f"SELECT COUNT(*) FROM mediation_disputes WHERE {concluded} AND agreement = 'oral'"),
        "judicial_confirmations": one(f"SELECT COUNT(*) FROM mediation_disputes WHERE {concluded} AND judicial_confirmation = '1'"),
        "organizations_by_type": grouped(f"SELECT kind, COUNT(*) FROM mediation_organizations WHERE {founded} GROUP BY 1"),
        "standardized_by_type": grouped(
            f"SELECT kind, COUNT(*) FROM mediation_organizations WHERE {founded} AND standardized = '1' GROUP BY 1"),
        "mediators": one("SELECT COUNT(*) FROM mediators"),
        "mediators_full_time": one("SELECT COUNT(*) FROM mediators WHERE employment = 'full_time'"),
        "mediators_published": one(f"SELECT COUNT(*) FROM mediators WHERE published_on <= '{end}' AND published_on <> ''"),
        "mediators_notified_to_court": one(f"SELECT COUNT(*) FROM mediators WHERE notified_on <= '{end}' AND notified_on <> ''"),
    }
    f["success_rate"] = percent(f["successful"], f["concluded"])
    return f


figures, seconds = {}, {}
for name, count in (("power", power), ("reconsideration", reconsideration), ("mediation", mediation)):
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        figures[name] = count()
        times.append(time.perf_counter() - t)
    seconds[name] = statistics.median(times)
print(json.dumps({"version": version("duckdb"), "figures": figures, "seconds": seconds}, ensure_ascii=False))
