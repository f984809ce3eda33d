"""DuckDB's count of a year's figures from the same records fazhi counts: the tables are copied
out of fazhi's SQLite database (not timed) into DuckDB, then each module's figures are computed
in SQL (timed, median of the rounds). Prints one JSON object: the version, the figures by module
(maps keyed by the stored codes), and the seconds per module.

The figures follow the definitions fazhi shows beside them (report's 统计口径); a rate is
part ÷ whole × 100 rounded half-up to two decimals, as kernel::figures::percent computes it.
"""
import csv
import datetime
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
    "enforcement_bodies": "effective_on, ended_on",
    "enforcement_officers": "state, issued_on, valid_until, legal_reviewer",
    "enforcement_cases": "id, body_id, opened_on, decided_on, closed_on, published_on, regime, procedure, decision, hearing, collective, legal_review, amount_fen",
    "enforcement_case_penalties": "case_id, penalty_type",
    "enforcement_body_review_types": "body_id, penalty_type",
    "enforcement_inspections": "inspected_on, method, result",
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


# 国办发〔2018〕118号 (六): the 7th working day after each decision day, by chinesecalendar (the
# package a user would pick), loaded as a table before the timing like the records.
import chinese_calendar  # noqa: E402


def seventh_workday(d):
    n = 0
    while n < 7:
        d += datetime.timedelta(days=1)
        if chinese_calendar.is_workday(d):
            n += 1
    return d


decision_days = [r[0] for r in source.execute(
    "SELECT DISTINCT decided_on FROM enforcement_cases WHERE decided_on IS NOT NULL")]
con.execute("CREATE TABLE publication_due (decided_on VARCHAR, due VARCHAR)")
con.executemany("INSERT INTO publication_due VALUES (?, ?)", [
    (d, seventh_workday(datetime.date.fromisoformat(d)).isoformat()) for d in decision_days])
REVIEW_TYPES = "('downgrade', 'revoke_licence', 'restrict_business', 'suspension', 'closure', 'restrict_practice')"


def enforcement():
    decided = f"c.decided_on >= '{start}' AND c.decided_on <= '{end}'"
    ordinary_penalty = "c.decision = 'penalty' AND c.procedure = 'ordinary'"
    required = (f"{decided} AND c.regime = '2021' AND c.procedure = 'ordinary' AND (c.hearing = '1' OR c.collective = '1' "
                f"OR EXISTS (SELECT 1 FROM enforcement_case_penalties p WHERE p.case_id = c.id AND p.penalty_type IN {REVIEW_TYPES}) "
                "OR EXISTS (SELECT 1 FROM enforcement_case_penalties p JOIN enforcement_body_review_types b "
                "ON b.penalty_type = p.penalty_type WHERE p.case_id = c.id AND b.body_id = c.body_id))")
    officers = f"state = 'valid' AND issued_on <= '{end}' AND valid_until >= '{end}'"
    f = {
        "bodies": one(f"SELECT COUNT(*) FROM enforcement_bodies WHERE effective_on <= '{end}' AND (ended_on IS NULL OR ended_on = '' OR ended_on > '{end}')"),
        "officers": one(f"SELECT COUNT(*) FROM enforcement_officers WHERE {officers}"),
        "legal_reviewers": one(f"SELECT COUNT(*) FROM enforcement_officers WHERE {officers} AND legal_reviewer = '1'"),
        "cases_opened": one(f"SELECT COUNT(*) FROM enforcement_cases c WHERE c.opened_on >= '{start}' AND c.opened_on <= '{end}'"),
        "cases_decided": one(f"SELECT COUNT(*) FROM enforcement_cases c WHERE {decided}"),
        "cases_closed": one(f"SELECT COUNT(*) FROM enforcement_cases c WHERE c.closed_on >= '{start}' AND c.closed_on <= '{end}'"),
        "by_procedure": grouped(f"SELECT c.procedure, COUNT(*) FROM enforcement_cases c WHERE {decided} GROUP BY 1"),
        "by_decision": grouped(f"SELECT c.decision, COUNT(*) FROM enforcement_cases c WHERE {decided} GROUP BY 1"),
        "by_penalty_type": grouped(
            f"SELECT p.penalty_type, COUNT(*) FROM enforcement_case_penalties p JOIN enforcement_cases c ON c.id = p.case_id WHERE {decided} GROUP BY 1"),
        "fines_total_yuan": one(f"SELECT COALESCE(SUM(CAST(c.amount_fen AS BIGINT)), 0) FROM enforcement_cases c WHERE {decided}") / 100,
        "hearings": one(f"SELECT COUNT(*) FROM enforcement_cases c WHERE {decided} AND c.hearing = '1'"),
        "collective_discussions": one(f"SELECT COUNT(*) FROM enforcement_cases c WHERE {decided} AND c.collective = '1'"),
        "legal_reviews": one(f"SELECT COUNT(*) FROM enforcement_cases c WHERE {decided} AND c.legal_review = '1'"),
        "legal_review_required": one(f"SELECT COUNT(*) FROM enforcement_cases c WHERE {required}"),
        "published": one(f"SELECT COUNT(*) FROM enforcement_cases c WHERE {decided} AND {ordinary_penalty} AND c.published_on IS NOT NULL AND c.published_on <> ''"),
        "published_on_time": one(
            f"SELECT COUNT(*) FROM enforcement_cases c JOIN publication_due d ON d.decided_on = c.decided_on "
            f"WHERE {decided} AND {ordinary_penalty} AND c.published_on IS NOT NULL AND c.published_on <> '' AND c.published_on <= d.due"),
        "overdue_decisions": one(
            f"SELECT COUNT(*) FROM enforcement_cases c WHERE {decided} AND c.regime = '2021' AND c.procedure = 'ordinary' "
            "AND CAST(c.decided_on AS DATE) - CAST(c.opened_on AS DATE) > 90"),
        "inspections": one(f"SELECT COUNT(*) FROM enforcement_inspections WHERE inspected_on >= '{start}' AND inspected_on <= '{end}'"),
        "inspections_by_method": grouped(
            f"SELECT method, COUNT(*) FROM enforcement_inspections WHERE inspected_on >= '{start}' AND inspected_on <= '{end}' GROUP BY 1"),
        "inspections_with_findings": one(
            f"SELECT COUNT(*) FROM enforcement_inspections WHERE inspected_on >= '{start}' AND inspected_on <= '{end}' AND result IN ('rectify', 'case_opened')"),
    }
    reviewed = one(f"SELECT COUNT(*) FROM enforcement_cases c WHERE {required} AND c.legal_review = '1'")
    to_publish = one(f"SELECT COUNT(*) FROM enforcement_cases c WHERE {decided} AND {ordinary_penalty}")
    f["legal_reviewer_ratio"] = percent(f["legal_reviewers"], f["officers"])
    f["legal_review_coverage"] = percent(reviewed, f["legal_review_required"])
    f["publication_on_time_rate"] = percent(f["published_on_time"], to_publish)
    return f


figures, seconds = {}, {}
for name, count in (("power", power), ("reconsideration", reconsideration), ("mediation", mediation),
                    ("enforcement", enforcement)):
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        figures[name] = count()
        times.append(time.perf_counter() - t)
    seconds[name] = statistics.median(times)
print(json.dumps({"version": version("duckdb"), "figures": figures, "seconds": seconds}, ensure_ascii=False))
