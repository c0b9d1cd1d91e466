#!/usr/bin/env python3
"""The full indicator dashboard as a DuckDB expert would compute it: on DuckDB's own persisted
database file, in one prepared statement whose indicators come out of one GROUPING SETS pass
per kind of fact, with time to cash (Kaplan-Meier) from per-day histograms. Timed warm and first, and checked against
ansinh's own answers exactly as bench/duckdb_dashboard.py checks them.

    python3 bench/duckdb_expert.py --build DB.duckdb --csv DIR
    python3 bench/duckdb_expert.py --db DB.duckdb --as-of YYYY-MM-DD --ours OURS.json
                                   [--repeat N] [--threads T] [--today YYYY-MM-DD] [--dump FILE]

--build loads the CSV exports (the files `ansinh export KIND --out DIR/KIND.csv` writes, as for
duckdb_dashboard.py) into a new DuckDB database file, typed (dates, UUIDs, integers), and prints
{"build_seconds", "db_bytes"}. Nothing derived from the data is stored: every figure is computed
from the loaded tables at the reporting day.

Without --build it prints one JSON object:
  first_seconds   a fresh process opens DB (read-only) and computes the whole dashboard once
                  (median of --repeat such processes; Python's start and `import duckdb` are
                  not timed, the connection and everything after it are);
  first_runs      each of those;
  query_seconds   the whole dashboard on an already open connection that has computed it once
                  (one per repetition); median_seconds their median;
  threads, duckdb_version, db_bytes, agree, compared, mismatch_count, mismatches (the first 20).
Exit status 0 whether or not the answers agree (the caller reads `agree`); 2 on usage or file
errors. bench/README.md explains each choice of the SQL.
"""

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import time

import duckdb

# The definitions, the result's shape and the comparison are the reference script's.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import duckdb_dashboard as base  # noqa: E402

# Segment dimensions of the GROUPING SETS passes (SETS below says which segmentation each gives).
# Needs are multi-valued, so each need is a boolean dimension of its own (a grouping set per
# need, its `true` group is the segment): no row is duplicated for the other segmentations.
NEEDS = ["lives_alone", "limited_mobility", "vision_hearing", "no_smartphone", "bedridden", "no_need"]
DIMS = ["ward", "band", "grp", "disability", "channel", "assisted_key", "period", "programme"] + NEEDS

# The whole dashboard as one statement. Every fact is a row with its segment attributes and a
# column per indicator (NULL: not in that indicator's denominator), as in duckdb_dashboard.py,
# in one relation per kind: `pay` (payments), `visit` (withdrawal visits), `other_seg`
# (accounts, grievances, verification visits). One GROUP BY GROUPING SETS per kind computes
# every indicator of every segment, the per-day histogram of time to cash and the failure
# reasons included; the Kaplan-Meier curves are then a window over the (few) histogram days.
SQL = """
WITH RECURSIVE
cyc AS (  -- cycles and the day each one ends: the next cycle's scheduled credit day
    SELECT period, scheduled_on, lead(scheduled_on) OVER (ORDER BY period) AS cycle_end,
           CAST(left(closed_at, 10) AS DATE) AS closed_on
    FROM cycles
),
person AS (
    SELECT b.beneficiary_id AS person, b.ward_code AS ward, b.group_code AS grp, b.disability,
           b.birth_date, b.birth_year,
           -- assisted: an authorised person is registered, or an account was opened with help
           CASE WHEN b.authorised OR h.beneficiary_id IS NOT NULL THEN 'assisted' ELSE 'unassisted' END
               AS assisted_key,
           coalesce(b.lives_alone, false) AS lives_alone,
           coalesce(b.limited_mobility, false) AS limited_mobility,
           coalesce(b.vision_hearing, false) AS vision_hearing,
           coalesce(b.no_smartphone, false) AS no_smartphone,
           coalesce(b.bedridden, false) AS bedridden,
           NOT coalesce(b.lives_alone OR b.limited_mobility OR b.vision_hearing OR b.no_smartphone
                        OR b.bedridden, false) AS no_need
    FROM beneficiaries b
    LEFT JOIN (SELECT DISTINCT beneficiary_id FROM accounts WHERE assisted) h USING (beneficiary_id)
),
-- the programme a group's people are paid under in each cycle, and today for facts with no
-- cycle (period ''): the walk of duckdb_dashboard.py over at most 8 successor groups
day AS (
    SELECT period, CAST(period || '-01' AS DATE) AS d FROM cyc
    UNION ALL SELECT '', {today}
),
walk AS (
    SELECT g.grp, day.period, day.d, g.grp AS at, 0 AS steps
    FROM (SELECT DISTINCT group_code AS grp FROM beneficiaries) g CROSS JOIN day
    UNION ALL
    SELECT w.grp, w.period, w.d, g.successor_code, w.steps + 1
    FROM walk w JOIN groups g ON g.group_code = w.at
    WHERE g.valid_to < w.d AND g.successor_code IS NOT NULL AND w.steps < 7
),
programme AS (
    SELECT w.grp, w.period,
           coalesce(max(g.scheme) FILTER (WHERE coalesce(g.valid_from <= w.d, true) AND coalesce(w.d <= g.valid_to, true)),
                    any_value(own.scheme), 'social_assistance') AS programme
    FROM walk w LEFT JOIN groups g ON g.group_code = w.at LEFT JOIN groups own ON own.group_code = w.grp
    GROUP BY w.grp, w.period
),
-- withdrawals per payment in one hash aggregation (no sort): first ever, first and total by
-- as_of, and the amount taken on the first day (summed per day first)
wd AS (
    SELECT payment_id, min(withdrawn_on) AS first_ever,
           min(withdrawn_on) FILTER (WHERE withdrawn_on <= {as_of}) AS first_on,
           sum(vnd) FILTER (WHERE withdrawn_on <= {as_of}) AS delivered,
           arg_min(vnd, withdrawn_on) AS first_day_vnd
    FROM (SELECT payment_id, withdrawn_on, sum(amount_vnd) AS vnd FROM withdrawals GROUP BY ALL)
    GROUP BY payment_id
),
-- the latest day by as_of a payment's status was known without a withdrawal: its own checks
-- (contacts, verification visits that found nothing), then below the payer's reports (a few
-- rows per cycle: looked up by exact ward and channel, or '*' for every one) and the cycle's
-- closing
chk AS (
    SELECT payment_id, max(d) AS d FROM (
        SELECT payment_id, contacted_on AS d FROM contacts
        WHERE payment_id IS NOT NULL AND outcome IN ('will_withdraw', 'home_delivery_arranged', 'refused_other')
          AND contacted_on <= {as_of}
        UNION ALL
        SELECT payment_id, verified_on FROM verifications WHERE result = 'nothing' AND verified_on <= {as_of}
    ) GROUP BY payment_id
),
rep AS (
    SELECT period, coalesce(ward_code, '*') AS ward, coalesce(channel, '*') AS channel, max(complete_to) AS d
    FROM payout_reports WHERE complete_to <= {as_of} GROUP BY ALL
),
p AS (  -- the payment as loaded (facts.rs), with its person's attributes
    SELECT p.payment_id, pe.*, p.period, p.channel, p.amount_vnd,
           coalesce(p.scheduled_on, c.scheduled_on) AS scheduled_on,
           CASE WHEN p.status = 'credited' THEN p.credited_on END AS credited_on,
           p.status IN ('failed', 'reversed') AND coalesce(coalesce(p.scheduled_on, c.scheduled_on) <= {as_of}, true)
               AS failed,
           p.failure_reason, c.cycle_end,
           greatest(k.d, r1.d, r2.d, r3.d, r4.d, CASE WHEN c.closed_on <= {as_of} THEN c.closed_on END) AS checked_on,
           w.first_ever, w.first_on, coalesce(w.delivered, 0) AS delivered,
           CASE WHEN w.first_on IS NOT NULL THEN w.first_day_vnd END AS first_day_vnd
    FROM payments p
    JOIN cyc c USING (period)
    JOIN person pe ON pe.person = p.beneficiary_id
    LEFT JOIN wd w USING (payment_id)
    LEFT JOIN chk k USING (payment_id)
    LEFT JOIN rep r1 ON r1.period = p.period AND r1.ward = pe.ward AND r1.channel = p.channel
    LEFT JOIN rep r2 ON r2.period = p.period AND r2.ward = pe.ward AND r2.channel = '*'
    LEFT JOIN rep r3 ON r3.period = p.period AND r3.ward = '*' AND r3.channel = p.channel
    LEFT JOIN rep r4 ON r4.period = p.period AND r4.ward = '*' AND r4.channel = '*'
),
obs AS (
    SELECT *, coalesce(credited_on <= {as_of}, false) AS counted,
           CASE WHEN first_on IS NOT NULL THEN first_on
                WHEN first_ever IS NOT NULL THEN {as_of}
                ELSE greatest(credited_on, coalesce(checked_on, credited_on)) END AS known_on
    FROM p
),
pay AS MATERIALIZED (  -- per payment, what the engine sees on as_of (measures.rs Acc::add_payment)
    SELECT o.payment_id, o.counted, {dims_o},
           CASE WHEN counted OR failed THEN true END AS issued,
           CASE WHEN counted OR failed THEN failed END AS failed,
           CASE WHEN failed AND failure_reason <> '' THEN failure_reason END AS reason,
           CASE WHEN counted THEN greatest(0, date_diff('day', credited_on, known_on)) END AS ttc_day,
           CASE WHEN counted THEN first_on IS NOT NULL END AS ttc_event,
           CASE WHEN counted AND (first_on IS NOT NULL OR credited_on + {coverage_days} <= {as_of})
                THEN first_on IS NOT NULL OR known_on >= credited_on + {coverage_days} END AS covered,
           CASE WHEN counted AND first_on IS NOT NULL THEN first_day_vnd >= amount_vnd END AS full_first,
           CASE WHEN counted AND cycle_end <= {as_of} THEN first_on IS NULL OR first_on >= cycle_end END
               AS untouched_at_cycle_end,
           CASE WHEN counted AND scheduled_on IS NOT NULL THEN credited_on <= scheduled_on END AS on_time,
           CASE WHEN counted THEN delivered > 0 AND delivered < amount_vnd END AS partial,
           CASE WHEN counted THEN amount_vnd END AS credited_vnd,
           CASE WHEN counted THEN delivered END AS withdrawn_vnd
    FROM (SELECT *, -- the age band on the credit day, else the scheduled day (segments.rs)
                 age_band(age_on(birth_date, birth_year, coalesce(credited_on, scheduled_on, {as_of}))) AS band
          FROM obs) o
    LEFT JOIN programme pg ON pg.grp = o.grp AND pg.period = o.period
),
visit AS (  -- withdrawal visits seen by as_of of a payment credited by then, in its segments
    SELECT {dims_f}, w.travel_minutes, w.travel_cost_vnd, w.waiting_minutes,
           w.assisted OR w.place IN ('proxy', 'home_delivery') AS visit_assisted
    FROM withdrawals w JOIN pay f ON f.payment_id = w.payment_id AND f.counted
    WHERE w.withdrawn_on <= {as_of}
),
paid AS (  -- per account: its first credit and the first withdrawal of a payment credited to it
    SELECT p.account_id, min(p.credited_on) AS first_credit, min(w.first_ever) AS first_withdrawal
    FROM payments p LEFT JOIN wd w USING (payment_id)
    WHERE p.status = 'credited' AND p.credited_on IS NOT NULL AND p.account_id IS NOT NULL
    GROUP BY p.account_id
),
other AS (  -- the few other facts: accounts, grievances, verification visits
    SELECT pe.*, a.channel, c.period, a.opened_on AS age_day,  -- opened accounts (Acc::add_account)
           CASE WHEN a.opened_on <= {as_of} THEN true END AS opened,
           CASE WHEN a.opened_on <= {as_of} AND pd.first_credit <= {as_of}
                THEN greatest(0, date_diff('day', a.opened_on, pd.first_credit)) END AS lead_days,
           CASE WHEN a.opened_on <= {as_of} THEN NOT coalesce(pd.first_credit <= {as_of}, false) END AS never_received,
           CASE WHEN a.opened_on <= {as_of}
                THEN coalesce(pd.first_credit <= {as_of}, false) AND coalesce(pd.first_withdrawal > {as_of}, true) END
               AS never_paid_out
    FROM accounts a
    JOIN person pe ON pe.person = a.beneficiary_id
    LEFT JOIN paid pd USING (account_id)
    LEFT JOIN cyc c ON c.period = strftime(a.opened_on, '%Y-%m')
    WHERE a.opened_on IS NOT NULL AND a.status IN ('opened', 'closed')
    UNION ALL BY NAME  -- grievances (Acc::add_grievance): no channel
    SELECT pe.*, c.period, g.opened_on AS age_day,
           CASE WHEN g.opened_on <= {as_of} THEN true END AS grievance,
           CASE WHEN g.opened_on <= {as_of} THEN date_diff('day', g.opened_on, g.closed) END AS resolution_days,
           CASE WHEN g.opened_on <= {as_of} AND g.closed IS NOT NULL THEN g.closed <= g.deadline_on END AS in_time
    FROM (SELECT *, CASE WHEN status IN ('resolved', 'rejected') AND closed_on <= {as_of} THEN closed_on END AS closed
          FROM grievances) g
    JOIN person pe ON pe.person = g.beneficiary_id
    LEFT JOIN cyc c ON c.period = strftime(g.opened_on, '%Y-%m')
    UNION ALL BY NAME  -- verification visits with a result by as_of, segmented by the payment
    SELECT pe.*, p.channel, p.period, v.verified_on AS age_day, v.result = 'full' AS full_receipt
    FROM verifications v JOIN payments p USING (payment_id) JOIN cyc USING (period)
    JOIN person pe ON pe.person = p.beneficiary_id
    WHERE v.result IS NOT NULL AND v.verified_on <= {as_of}
),
other_seg AS (  -- the age band on the fact's own day; the programme of its group in its cycle
    SELECT o.*, pg.programme
    FROM (SELECT *, age_band(age_on(birth_date, birth_year, age_day)) AS band FROM other) o
    LEFT JOIN programme pg ON pg.grp = o.grp AND pg.period = coalesce(o.period, '')
),
-- One GROUPING SETS pass per kind of fact, each with its own indicators only (a row of a union
-- of all kinds would pay for every kind's aggregates): payments, withdrawal visits, the rest.
pay_agg AS ({pay_agg}),
visit_agg AS ({visit_agg}),
other_agg AS ({other_agg}),
seg AS MATERIALIZED (
    SELECT seg, key,
           coalesce(p.payments, 0) AS payments,
           coalesce(p.credited_vnd, 0) AS credited_vnd, coalesce(p.withdrawn_vnd, 0) AS withdrawn_vnd,
           coalesce(p.full_first_visit, {empty_share}) AS full_first_visit,
           coalesce(p.unwithdrawn_at_cycle_end, {empty_share}) AS unwithdrawn_at_cycle_end,
           coalesce(p.on_time_credit, {empty_share}) AS on_time_credit,
           coalesce(p.failed, {empty_share}) AS failed,
           coalesce(p.partial_delivery, {empty_share}) AS partial_delivery,
           coalesce(p.coverage_of, 0) AS coverage_of, coalesce(p.coverage_known, 0) AS coverage_known,
           p.reason_hist, p.ttc_hist,
           v.travel_minutes, v.travel_cost_vnd, v.waiting_minutes, v.assisted_withdrawals,
           coalesce(o.lead, {empty_stat}) AS lead,
           coalesce(o.never_received, 0) AS never_received, coalesce(o.never_paid_out, 0) AS never_paid_out,
           coalesce(o.opened, 0) AS opened, coalesce(o.grievances, 0) AS grievances,
           coalesce(o.resolution_days, {empty_stat}) AS resolution_days,
           coalesce(o.within_deadline, {empty_share}) AS within_deadline,
           coalesce(o.verified_receipt, {empty_share}) AS verified_receipt
    FROM pay_agg p FULL JOIN other_agg o USING (seg, key) LEFT JOIN visit_agg v USING (seg, key)
),
days AS (  -- the histograms back to (segment, day): events and censorings
    SELECT seg, key, e.key // 2 AS day,
           coalesce(sum(e.value) FILTER (WHERE e.key % 2 = 0), 0) AS events,
           coalesce(sum(e.value) FILTER (WHERE e.key % 2 = 1), 0) AS censored
    FROM (SELECT seg, key, unnest(map_entries(ttc_hist)) AS e FROM seg)
    GROUP BY ALL
),
km AS MATERIALIZED (  -- Kaplan-Meier over the days (km.rs): at risk = observed at least that long
    SELECT seg, key, day, events, censored,
           product(1 - events::DOUBLE / at_risk::DOUBLE) OVER (PARTITION BY seg, key ORDER BY day) AS s
    FROM (SELECT *, sum(events + censored) OVER (PARTITION BY seg, key ORDER BY day DESC) AS at_risk FROM days)
),
km_summary AS (
    SELECT seg, key,
           sum(events + censored) AS credited, sum(events) AS withdrawn,
           max(day) AS max_day, arg_max(s, day) AS s_last,
           min(day) FILTER (WHERE events > 0 AND 1 - s >= 0.5::DOUBLE - {eps}) AS median,
           min(day) FILTER (WHERE events > 0 AND 1 - s >= 0.75::DOUBLE - {eps}) AS p75,
           min(day) FILTER (WHERE events > 0 AND 1 - s >= 0.9::DOUBLE - {eps}) AS p90
    FROM km GROUP BY seg, key
),
curve AS (  -- share withdrawn by days 0 to 30: 1 − S at the last day ≤ d, up to the longest follow-up
    SELECT seg, key,
           list({'day': day, 'withdrawn': withdrawn} ORDER BY day) AS curve,
           {'1': any_value(withdrawn) FILTER (WHERE day = 1), '3': any_value(withdrawn) FILTER (WHERE day = 3),
            '7': any_value(withdrawn) FILTER (WHERE day = 7), '30': any_value(withdrawn) FILTER (WHERE day = 30)}
               AS withdrawn_by_day
    FROM (
        SELECT g.seg, g.key, g.day, 1 - coalesce(k.s, 1) AS withdrawn
        FROM (SELECT seg, key, max_day, s_last, unnest(range(0, 31)) AS day FROM km_summary) g
        ASOF LEFT JOIN km k ON k.seg = g.seg AND k.key = g.key AND g.day >= k.day
        WHERE g.day <= g.max_day OR g.s_last = 0
    )
    GROUP BY seg, key
)
SELECT a.seg, a.key, a.payments AS size,
       coalesce(k.credited, 0) AS credited, coalesce(k.withdrawn, 0) AS withdrawn,
       coalesce(k.credited - k.withdrawn, 0) AS unwithdrawn,
       a.coverage_of > 0 AND a.coverage_known * 100 >= a.coverage_of * {min_coverage} AS enough_followup,
       {'of': a.coverage_of, 'known': a.coverage_known,
        'share': a.coverage_known / NULLIF(a.coverage_of, 0)} AS coverage,
       CASE WHEN enough_followup THEN {'median': k.median, 'p75': k.p75, 'p90': k.p90}
            ELSE {'median': NULL, 'p75': NULL, 'p90': NULL} END AS time_to_cash_days,
       CASE WHEN enough_followup THEN c.withdrawn_by_day END AS withdrawn_by_day,
       CASE WHEN enough_followup THEN coalesce(c.curve, []) ELSE [] END AS curve,
       a.payments, a.credited_vnd, a.withdrawn_vnd,
       a.full_first_visit, a.unwithdrawn_at_cycle_end, a.on_time_credit,
       {'n': a.failed.n, 'count': a.failed.count, 'share': a.failed.share,
        -- most frequent first, then by name (measures.rs)
        'reasons': coalesce(list_transform(
            list_sort(list_transform(map_entries(a.reason_hist), lambda e: {'c': -(e.value::BIGINT), 'r': e.key})),
            lambda x: {'reason': x.r, 'count': -x.c}), [])} AS failed_transfers,
       a.partial_delivery,
       a.travel_minutes, a.travel_cost_vnd, a.waiting_minutes, a.assisted_withdrawals,
       {'n': a.lead.n, 'mean': a.lead.mean, 'median': a.lead.median, 'without_payment': a.never_received}
           AS account_to_first_payment_days,
       {'opened': a.opened, 'dormant': a.never_received + a.never_paid_out,
        'never_received': a.never_received, 'never_paid_out': a.never_paid_out,
        'share': (a.never_received + a.never_paid_out) / NULLIF(a.opened, 0)} AS dormant_accounts,
       {'count': a.grievances, 'per_1000_payments': a.grievances::DOUBLE * 1000 / NULLIF(a.payments, 0),
        'resolution_days': a.resolution_days, 'within_deadline': a.within_deadline} AS grievances,
       a.verified_receipt
FROM seg a
LEFT JOIN km_summary k USING (seg, key)
LEFT JOIN curve c USING (seg, key)
"""

# Segmentation name → the dimensions of its grouping set.
SETS = [
    ("overall", []),
    ("ward", ["ward"]),
    ("age", ["band"]),
    ("group", ["grp"]),
    ("disability", ["disability"]),
    ("channel", ["channel"]),
    ("assisted", ["assisted_key"]),
    ("cycle", ["period"]),
    ("programme", ["programme"]),
    ("age,channel", ["band", "channel"]),
] + [("need", [n]) for n in NEEDS]

# Temporary macros, made on each connection: the database file holds the data only.
MACROS = """
CREATE OR REPLACE TEMP MACRO share_of(x) AS
    {'n': count(x), 'count': coalesce(count_if(x), 0), 'share': count_if(x) / NULLIF(count(x), 0)};
CREATE OR REPLACE TEMP MACRO stat_of(x) AS
    {'n': count(x), 'mean': avg(x), 'median': quantile_cont(x, 0.5)};
CREATE OR REPLACE TEMP MACRO age_on(birth_date, birth_year, d) AS
    CASE WHEN birth_date IS NULL THEN year(d) - birth_year
         ELSE year(d) - year(birth_date)
              - CASE WHEN month(d) * 100 + day(d) >= month(birth_date) * 100 + day(birth_date) THEN 0 ELSE 1 END
    END;
CREATE OR REPLACE TEMP MACRO age_band(age) AS
    CASE WHEN age < 16 THEN 'under_16' WHEN age < 60 THEN '16_59' WHEN age < 75 THEN '60_74'
         WHEN age < 80 THEN '75_79' ELSE '80_plus' END;
"""


def fail(message):
    print(f"duckdb_expert: {message}", file=sys.stderr)
    sys.exit(2)


PAY_AGGREGATES = """
    coalesce(count_if(issued), 0) AS payments,
    coalesce(sum(credited_vnd), 0)::BIGINT AS credited_vnd,
    coalesce(sum(withdrawn_vnd), 0)::BIGINT AS withdrawn_vnd,
    share_of(full_first) AS full_first_visit,
    share_of(untouched_at_cycle_end) AS unwithdrawn_at_cycle_end,
    share_of(on_time) AS on_time_credit,
    share_of(failed) AS failed,
    share_of(partial) AS partial_delivery,
    count(covered) AS coverage_of, coalesce(count_if(covered), 0) AS coverage_known,
    histogram(reason) AS reason_hist,
    -- time to cash per day: 2 × day for a withdrawal (event), 2 × day + 1 for a censoring
    histogram(2 * ttc_day + CASE WHEN ttc_event THEN 0 ELSE 1 END) AS ttc_hist
"""

VISIT_AGGREGATES = """
    stat_of(travel_minutes) AS travel_minutes,
    stat_of(travel_cost_vnd) AS travel_cost_vnd,
    stat_of(waiting_minutes) AS waiting_minutes,
    share_of(visit_assisted) AS assisted_withdrawals
"""

OTHER_AGGREGATES = """
    stat_of(lead_days) AS lead,
    coalesce(count_if(never_received), 0) AS never_received,
    coalesce(count_if(never_paid_out), 0) AS never_paid_out,
    count(opened) AS opened,
    count(grievance) AS grievances,
    stat_of(resolution_days) AS resolution_days,
    share_of(in_time) AS within_deadline,
    share_of(full_receipt) AS verified_receipt
"""


def grouped(source, aggregates):
    """One GROUPING SETS pass over `source`: every segment of every segmentation as (seg, key)
    with the aggregates. A fact without a channel or a cycle is in no such segment; a need's
    segment is the `true` group of its flag. grouping_id(DIMS) tells the sets apart: a bit per
    dimension, the first one highest, set when the dimension is not in the set."""
    sets = ", ".join("(" + ", ".join(dims) + ")" for _, dims in SETS)

    def gid(dims):
        return sum(1 << (len(DIMS) - 1 - i) for i, d in enumerate(DIMS) if d not in dims)

    seg = " ".join(f"WHEN {gid(dims)} THEN '{name}'" for name, dims in SETS)
    need_key = " ".join(f"WHEN {gid([n])} THEN '{'none' if n == 'no_need' else n}'" for n in NEEDS)
    need_true = " ".join(f"WHEN {gid([n])} THEN {n}" for n in NEEDS)
    key = (
        f"CASE seg WHEN 'need' THEN CASE gid {need_key} END WHEN 'age,channel' THEN band || '/' || channel "
        "WHEN 'overall' THEN '' WHEN 'ward' THEN ward WHEN 'age' THEN band WHEN 'group' THEN grp "
        "WHEN 'disability' THEN disability WHEN 'channel' THEN channel WHEN 'assisted' THEN assisted_key "
        "WHEN 'cycle' THEN period WHEN 'programme' THEN programme END"
    )
    keep = (
        "CASE seg WHEN 'channel' THEN channel IS NOT NULL WHEN 'age,channel' THEN channel IS NOT NULL "
        f"WHEN 'cycle' THEN period IS NOT NULL WHEN 'need' THEN CASE gid {need_true} END ELSE true END"
    )
    dims = ", ".join(DIMS)
    return f"""
    SELECT seg, {key} AS key, * EXCLUDE (seg, gid, {dims})
    FROM (SELECT CASE gid {seg} END AS seg, *
          FROM (SELECT grouping_id({dims}) AS gid, {dims}, {aggregates}
                FROM {source} GROUP BY GROUPING SETS ({sets})))
    WHERE {keep}
"""


def statement():
    """The dashboard statement; its parameters are the reporting day ($1) and today ($2)."""
    def dims(prefix):
        return ", ".join(("pg." if d == "programme" else prefix) + d for d in DIMS)

    sql = (
        SQL.replace("{pay_agg}", grouped("pay", PAY_AGGREGATES))
        .replace("{visit_agg}", grouped("visit", VISIT_AGGREGATES))
        .replace("{other_agg}", grouped("other_seg", OTHER_AGGREGATES))
        .replace("{dims_o}", dims("o."))
        .replace("{dims_f}", ", ".join("f." + d for d in DIMS))
        .replace("{empty_share}", "{'n': 0::BIGINT, 'count': 0::BIGINT, 'share': NULL::DOUBLE}")
        .replace("{empty_stat}", "{'n': 0::BIGINT, 'mean': NULL::DOUBLE, 'median': NULL::DOUBLE}")
        .replace("{stat_lead}", "stat_of(lead_days)")
        .replace("{stat_resolution}", "stat_of(resolution_days)")
        .replace("{stat_travel}", "stat_of(travel_minutes)")
        .replace("{stat_cost}", "stat_of(travel_cost_vnd)")
        .replace("{stat_waiting}", "stat_of(waiting_minutes)")
    )
    return base.fill(sql.replace("{as_of}", "CAST($1 AS DATE)").replace("{today}", "CAST($2 AS DATE)"), None, None)


def prepare(con):
    """Plans the dashboard once per connection (DuckDB keeps the plan of a prepared statement)."""
    con.execute("PREPARE dashboard AS " + statement())


def compute(con, as_of, today):
    """The dashboard in OURS.json's shape, from the prepared statement."""
    rows = base.rows_by_segment(con.execute(f"EXECUTE dashboard(DATE '{as_of}', DATE '{today}')"))
    for by_key in rows.values():
        for r in by_key.values():
            for k in [k for k in r if k.endswith("_hist")]:
                del r[k]
    return base.dashboard(rows)


def column_type(con, table, column, declared):
    """UUID for an id column whose every value is one (16 bytes, faster joins), else declared."""
    if not column.endswith("_id") or declared != "VARCHAR":
        return declared
    bad = con.execute(
        f"SELECT count(*) FROM {table}_csv WHERE NULLIF({column}, '') IS NOT NULL AND TRY_CAST({column} AS UUID) IS NULL"
    ).fetchone()[0]
    return "UUID" if bad == 0 else declared


def build(db, csv_dir):
    for path in (db, db + ".wal"):
        if os.path.exists(path):
            os.remove(path)
    start = time.perf_counter()
    con = duckdb.connect(db)
    for table, columns in base.TABLES.items():
        path = os.path.join(csv_dir, f"{table}.csv")
        if not os.path.isfile(path):
            fail(f"{path}: missing (write it with `ansinh export {table} --out {path}`)")
        con.execute(f"CREATE TEMP TABLE {table}_csv AS SELECT * FROM read_csv(?, header = true, all_varchar = true)", [path])
        cols = ", ".join(
            f"CAST(NULLIF({c}, '') AS {column_type(con, table, c, t)}) AS {c}" for c, t in columns.items()
        )
        con.execute(f"CREATE TABLE {table} AS SELECT {cols} FROM {table}_csv")
        con.execute(f"DROP TABLE {table}_csv")
    con.execute("CHECKPOINT")
    con.close()
    return {"build_seconds": round(time.perf_counter() - start, 6), "db_bytes": os.path.getsize(db)}


def connect(db, threads):
    config = {"threads": int(threads)} if threads else {}
    con = duckdb.connect(db, read_only=True, config=config)
    con.execute(MACROS)
    return con


def first_run(args, as_of, today):
    """In a fresh process: open the file and compute the dashboard once (the child's part)."""
    start = time.perf_counter()
    con = connect(args.db, args.threads)
    prepare(con)
    compute(con, as_of, today)
    seconds = time.perf_counter() - start
    con.close()
    print(json.dumps({"seconds": seconds}))


def first_in_fresh_process(args):
    cmd = [sys.executable, os.path.abspath(__file__), "--first-run", "--db", args.db, "--as-of", args.as_of]
    if args.threads:
        cmd += ["--threads", str(args.threads)]
    if args.today:
        cmd += ["--today", args.today]
    run = subprocess.run(cmd, capture_output=True, text=True)
    if run.returncode != 0:
        fail(f"the fresh process failed:\n{run.stderr}")
    return json.loads(run.stdout)["seconds"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", metavar="DB", help="write a new DuckDB database from --csv and stop")
    ap.add_argument("--csv", help="folder of the exported CSV files (with --build)")
    ap.add_argument("--db", help="the DuckDB database --build wrote")
    ap.add_argument("--as-of", help="reporting day, YYYY-MM-DD")
    ap.add_argument("--ours", help="ansinh's answers (bench/ours_from_cli.py)")
    ap.add_argument("--repeat", type=int, default=3, help="timed runs, warm and first (default 3)")
    ap.add_argument("--threads", type=int, help="DuckDB threads (default: all cores)")
    ap.add_argument("--dump", help="also write DuckDB's dashboard as JSON here (to inspect by hand)")
    ap.add_argument("--today", help="the day ansinh ran, YYYY-MM-DD (default: today)")
    ap.add_argument("--first-run", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.build:
        if not args.csv:
            ap.error("--build needs --csv")
        try:
            print(json.dumps(build(args.build, args.csv)))
        except duckdb.Error as e:
            fail(f"building {args.build} from {args.csv}: {e}")
        return

    if not (args.db and args.as_of and (args.ours or args.first_run)):
        ap.error("give --build DB --csv DIR, or --db DB --as-of D --ours OURS.json")
    if not os.path.isfile(args.db):
        fail(f"{args.db}: no such database (write it with --build)")
    try:
        as_of = datetime.date.fromisoformat(args.as_of)
    except ValueError:
        ap.error(f"--as-of: not a YYYY-MM-DD date: {args.as_of!r}")
    try:
        today = datetime.date.fromisoformat(args.today) if args.today else datetime.date.today()
    except ValueError:
        ap.error(f"--today: not a YYYY-MM-DD date: {args.today!r}")
    if args.repeat < 1:
        ap.error("--repeat must be at least 1")
    if args.first_run:
        first_run(args, as_of, today)
        return
    try:
        with open(args.ours, encoding="utf-8") as f:
            ours = json.load(f)
    except (OSError, ValueError) as e:
        fail(f"{args.ours}: {e}")
    if ours.get("as_of", args.as_of) != args.as_of:
        fail(f"{args.ours} is as of {ours.get('as_of')}, not {args.as_of}")

    firsts = [first_in_fresh_process(args) for _ in range(args.repeat)]

    con = connect(args.db, args.threads)
    threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    prepare(con)
    result = compute(con, as_of, today)  # warms the connection (not timed)
    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        result = compute(con, as_of, today)
        times.append(time.perf_counter() - start)
    con.close()

    if args.dump:
        with open(args.dump, "w", encoding="utf-8") as f:
            json.dump({"as_of": args.as_of, **result}, f, ensure_ascii=False, indent=1)

    c = base.compare(ours, result)
    print(
        json.dumps(
            {
                "first_seconds": round(statistics.median(firsts), 6),
                "first_runs": [round(t, 6) for t in firsts],
                "query_seconds": [round(t, 6) for t in times],
                "median_seconds": round(statistics.median(times), 6),
                "threads": int(threads),
                "duckdb_version": duckdb.__version__,
                "db_bytes": os.path.getsize(args.db),
                "agree": c.mismatch_count == 0 and c.compared > 0,
                "compared": c.compared,
                "mismatch_count": c.mismatch_count,
                "mismatches": c.mismatches,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
