#!/usr/bin/env python3
"""The full indicator dashboard recomputed by DuckDB from ansinh's CSV exports, timed, and
checked against ansinh's own answers.

    python3 bench/duckdb_dashboard.py --csv DIR --as-of YYYY-MM-DD --ours OURS.json
                                      [--repeat N] [--threads T] [--today YYYY-MM-DD]

DIR holds the files `ansinh export KIND --out DIR/KIND.csv` writes for KIND in beneficiaries,
payments, withdrawals, accounts, cycles, grievances, verifications, contacts, payout_reports,
groups. OURS.json is
{"as_of", "overall": <Indicators>, "segmentations": {"ward": [<Segment>...], ...}} as
bench/ours_from_cli.py writes it from `ansinh metrics --json`.

Prints one JSON object: load_seconds, query_seconds (one per repetition), median_seconds,
threads, agree, compared (values compared), mismatches (the first 20). Exit status 0 whether
or not the answers agree (the caller reads `agree`); 2 on usage or file errors.

The SQL mirrors the definitions in crates/core (measures.rs, km.rs, stats.rs, segments.rs) and
the way crates/store/src/facts.rs loads the facts; DOMAIN.md "Indicators" says them in words.
Everything is computed in SQL, the Kaplan-Meier curves and quantiles included; Python only
loads the files, times, and compares.
"""

import argparse
import datetime
import json
import math
import os
import statistics
import sys
import time

import duckdb

# Segmentations of the dashboard: name as in OURS.json → how a fact's segment key is made.
SEGMENTATIONS = ["ward", "age", "group", "disability", "channel", "need", "assisted", "cycle", "programme", "age,channel"]

# Fewer issued payments than this and a segment is "too few to judge" (core MIN_SEGMENT_PAYMENTS).
MIN_SEGMENT_PAYMENTS = 10

# Honest censoring (core censoring.rs): a payment's status must be known this many days after
# credit to count as covered; below MIN_COVERAGE percent covered, time to cash is not shown.
COVERAGE_DAYS = 7
MIN_COVERAGE = 60

# The Kaplan-Meier quantile tolerance of core km.rs (products such as 0.9 × 7/9 are not exact).
KM_EPS = 1e-9

# Comparison tolerance for shares, means and rates (counts and days compare exactly).
REL_TOL, ABS_TOL = 1e-9, 1e-12

# Keys of `metrics --json` that are about the report, not indicators of a set of facts.
NOT_INDICATORS = {"as_of", "min_segment_payments", "min_coverage", "by", "segments", "worst_wards", "worst_groups", "label", "keys"}

# Each CSV file with the columns the indicators read and their types. Files are read as text
# (so codes like "00004" keep their zeros) and cast here; empty fields are NULL.
TABLES = {
    "beneficiaries": {
        "beneficiary_id": "VARCHAR",
        "birth_date": "DATE",
        "birth_year": "INTEGER",
        "ward_code": "VARCHAR",
        "group_code": "VARCHAR",
        "disability": "VARCHAR",
        "lives_alone": "BOOLEAN",
        "limited_mobility": "BOOLEAN",
        "vision_hearing": "BOOLEAN",
        "no_smartphone": "BOOLEAN",
        "bedridden": "BOOLEAN",
        "authorised": "BOOLEAN",
    },
    "payments": {
        "payment_id": "VARCHAR",
        "beneficiary_id": "VARCHAR",
        "period": "VARCHAR",
        "channel": "VARCHAR",
        "account_id": "VARCHAR",
        "amount_vnd": "BIGINT",
        "status": "VARCHAR",
        "scheduled_on": "DATE",
        "credited_on": "DATE",
        "failure_reason": "VARCHAR",
    },
    "withdrawals": {
        "payment_id": "VARCHAR",
        "withdrawn_on": "DATE",
        "amount_vnd": "BIGINT",
        "place": "VARCHAR",
        "travel_minutes": "BIGINT",
        "travel_cost_vnd": "BIGINT",
        "waiting_minutes": "BIGINT",
        "assisted": "BOOLEAN",
    },
    "accounts": {
        "account_id": "VARCHAR",
        "beneficiary_id": "VARCHAR",
        "channel": "VARCHAR",
        "status": "VARCHAR",
        "opened_on": "DATE",
        "assisted": "BOOLEAN",
    },
    "cycles": {"period": "VARCHAR", "scheduled_on": "DATE", "closed_at": "VARCHAR"},
    "grievances": {
        "beneficiary_id": "VARCHAR",
        "opened_on": "DATE",
        "deadline_on": "DATE",
        "status": "VARCHAR",
        "closed_on": "DATE",
    },
    "verifications": {"payment_id": "VARCHAR", "result": "VARCHAR", "verified_on": "DATE"},
    "contacts": {"payment_id": "VARCHAR", "contacted_on": "DATE", "outcome": "VARCHAR"},
    "payout_reports": {"period": "VARCHAR", "ward_code": "VARCHAR", "channel": "VARCHAR", "complete_to": "DATE"},
    "groups": {
        "group_code": "VARCHAR",
        "scheme": "VARCHAR",
        "valid_from": "DATE",
        "valid_to": "DATE",
        "successor_code": "VARCHAR",
    },
}

# Summaries shaped like core's Share and Stat (stats.rs): a share of the non-NULL values (NULL:
# the fact is not in that indicator's denominator); mean and median of the known values (the
# median of an even count is the mean of the two middle values, as quantile_cont gives).
MACROS = """
CREATE OR REPLACE MACRO share_of(x) AS
    {'n': count(x), 'count': coalesce(count_if(x), 0), 'share': count_if(x) / NULLIF(count(x), 0)};
CREATE OR REPLACE MACRO stat_of(x) AS
    {'n': count(x), 'mean': avg(x), 'median': quantile_cont(x, 0.5)};
-- Whole years of age on a day (core dates::age_on): a bare birth year counts as 1 January.
CREATE OR REPLACE MACRO age_on(birth_date, birth_year, d) AS
    CASE WHEN birth_date IS NULL THEN year(d) - birth_year
         ELSE year(d) - year(birth_date)
              - CASE WHEN month(d) * 100 + day(d) >= month(birth_date) * 100 + day(birth_date) THEN 0 ELSE 1 END
    END;
CREATE OR REPLACE MACRO age_band(age) AS
    CASE WHEN age < 16 THEN 'under_16' WHEN age < 60 THEN '16_59' WHEN age < 75 THEN '60_74'
         WHEN age < 80 THEN '75_79' ELSE '80_plus' END;
"""

# The dashboard, one statement after another; {as_of} is the reporting day. Every fact
# (payment, account, grievance, verification visit) becomes one row of `fact` carrying its
# segment attributes; `member` lists the segments of each fact in every segmentation; the
# indicators are then aggregates of fact columns grouped by (segmentation, key), so each one is
# written once for all segmentations and the overall figures (segmentation 'overall').
QUERY = [
    # Cycles and the day each one ends: the next cycle's scheduled credit day.
    """
CREATE OR REPLACE TEMP TABLE cyc AS
SELECT period, scheduled_on, lead(scheduled_on) OVER (ORDER BY period) AS cycle_end,
       CAST(left(closed_at, 10) AS DATE) AS closed_on
FROM cycles
""",
    # Per payment, the latest day by {as_of} its status was known without a withdrawal
    # (censoring.rs): a contact about it that reached the person who had not withdrawn, a
    # verification visit that found nothing received, a payer's report complete to a day that
    # covers its cycle, ward (or every ward) and channel (or every channel), its cycle's closing.
    """
CREATE OR REPLACE TEMP TABLE checked AS
WITH c AS (
    SELECT payment_id, contacted_on AS d FROM contacts
    WHERE payment_id IS NOT NULL AND outcome IN ('will_withdraw', 'home_delivery_arranged', 'refused_other')
      AND contacted_on <= {as_of}
    UNION ALL
    SELECT payment_id, verified_on FROM verifications WHERE result = 'nothing' AND verified_on <= {as_of}
    UNION ALL
    SELECT p.payment_id, r.complete_to
    FROM payments p JOIN beneficiaries b USING (beneficiary_id)
    JOIN payout_reports r ON r.period = p.period
         AND (r.ward_code IS NULL OR r.ward_code = b.ward_code)
         AND (r.channel IS NULL OR r.channel = p.channel)
    WHERE r.complete_to <= {as_of}
    UNION ALL
    SELECT p.payment_id, c.closed_on FROM payments p JOIN cyc c USING (period) WHERE c.closed_on <= {as_of}
)
SELECT payment_id, max(d) AS checked_on FROM c GROUP BY payment_id
""",
    # A person's segment attributes. Assisted: an authorised person is registered, or any of
    # their accounts was opened with an officer's help (facts.rs).
    """
CREATE OR REPLACE TEMP TABLE person AS
SELECT b.beneficiary_id AS person, b.ward_code AS ward, b.group_code AS grp, b.disability,
       b.birth_date, b.birth_year,
       b.authorised OR EXISTS (SELECT 1 FROM accounts a WHERE a.beneficiary_id = b.beneficiary_id AND a.assisted)
           AS assisted
FROM beneficiaries b
""",
    # The programme a group's people are paid under in each cycle, and today for facts with no
    # cycle (store facts.rs `programmes`): on the cycle's first day, the group if in force, else
    # its successor once it has ended (allowance.rs `group_on`, at most 8 groups), else — not
    # started, or no successor in force — the group's own programme (social assistance when the
    # group is unknown).
    """
CREATE OR REPLACE TEMP TABLE programme AS
WITH RECURSIVE day AS (
    SELECT period, CAST(period || '-01' AS DATE) AS d FROM cyc
    UNION ALL SELECT NULL, {today}
), walk AS (
    SELECT g.grp, day.period, day.d, g.grp AS at, 0 AS steps
    FROM (SELECT DISTINCT grp FROM person) g CROSS JOIN day
    UNION ALL
    SELECT w.grp, w.period, w.d, g.successor_code, w.steps + 1
    FROM walk w JOIN groups g ON g.group_code = w.at
    WHERE g.valid_to < w.d AND g.successor_code IS NOT NULL AND w.steps < 7
)
SELECT w.grp, w.period,
       coalesce(max(g.scheme) FILTER (WHERE coalesce(g.valid_from <= w.d, true) AND coalesce(w.d <= g.valid_to, true)),
                any_value(own.scheme), 'social_assistance') AS programme
FROM walk w LEFT JOIN groups g ON g.group_code = w.at LEFT JOIN groups own ON own.group_code = w.grp
GROUP BY w.grp, w.period
""",
    # Needs are multi-valued: a person counts in each of their needs, or in 'none'.
    """
CREATE OR REPLACE TEMP TABLE person_need AS
SELECT person, unnest(CASE WHEN len(needs) = 0 THEN ['none'] ELSE needs END) AS need
FROM (
    SELECT beneficiary_id AS person,
           list_filter([CASE WHEN lives_alone THEN 'lives_alone' END,
                        CASE WHEN limited_mobility THEN 'limited_mobility' END,
                        CASE WHEN vision_hearing THEN 'vision_hearing' END,
                        CASE WHEN no_smartphone THEN 'no_smartphone' END,
                        CASE WHEN bedridden THEN 'bedridden' END], lambda x: x IS NOT NULL) AS needs
    FROM beneficiaries
)
""",
    # Per payment: what the engine sees on {as_of} (measures.rs Acc::add_payment). A column is
    # NULL when the payment is not in that indicator's denominator.
    """
CREATE OR REPLACE TEMP TABLE pay AS
WITH p AS (  -- the payment as loaded (facts.rs): credit day only when credited
    SELECT p.payment_id, p.beneficiary_id AS person, p.period, p.channel, p.amount_vnd,
           coalesce(p.scheduled_on, c.scheduled_on) AS scheduled_on,
           CASE WHEN p.status = 'credited' THEN p.credited_on END AS credited_on,
           -- a failed transfer counts once its day has come (measures.rs)
           p.status IN ('failed', 'reversed')
               AND coalesce(coalesce(p.scheduled_on, c.scheduled_on) <= {as_of}, true) AS failed,
           CASE WHEN p.status IN ('failed', 'reversed') AND p.failure_reason <> ''
                     AND coalesce(coalesce(p.scheduled_on, c.scheduled_on) <= {as_of}, true)
                THEN p.failure_reason END AS reason,
           c.cycle_end, k.checked_on,
           (SELECT min(w.withdrawn_on) FROM withdrawals w WHERE w.payment_id = p.payment_id) AS first_ever
    FROM payments p JOIN cyc c USING (period) LEFT JOIN checked k USING (payment_id)
), seen AS (  -- withdrawals recorded by {as_of}: later ones have not happened yet
    SELECT payment_id, amount_vnd, withdrawn_on,
           withdrawn_on = min(withdrawn_on) OVER (PARTITION BY payment_id) AS on_first_day
    FROM withdrawals WHERE withdrawn_on <= {as_of}
), taken AS (
    SELECT payment_id, min(withdrawn_on) AS first_on, sum(amount_vnd) AS delivered,
           sum(amount_vnd) FILTER (WHERE on_first_day) AS first_day_vnd
    FROM seen GROUP BY payment_id
), obs AS (
    SELECT p.*, t.first_on, coalesce(t.delivered, 0) AS delivered, t.first_day_vnd,
           coalesce(p.credited_on <= {as_of}, false) AS counted,  -- credited by as_of
           CASE WHEN t.first_on IS NOT NULL THEN t.first_on
                WHEN p.first_ever IS NOT NULL THEN {as_of}
                ELSE greatest(p.credited_on, coalesce(p.checked_on, p.credited_on)) END AS known_on
    FROM p LEFT JOIN taken t USING (payment_id)
)
SELECT payment_id, person, period, channel,
       -- age on the credit day, else the scheduled day (segments.rs)
       coalesce(credited_on, scheduled_on, {as_of}) AS age_day,
       counted,
       CASE WHEN counted OR failed THEN true END AS issued,
       CASE WHEN counted OR failed THEN failed END AS failed,
       reason,
       -- time to cash: whole days to the first withdrawal (event), else censored at the last
       -- day the status is known: as_of when the first withdrawal came later, else the latest
       -- check, else the credit day; a withdrawal dated before the credit counts as day 0 (km.rs)
       CASE WHEN counted THEN greatest(0, date_diff('day', credited_on, known_on)) END AS ttc_day,
       CASE WHEN counted THEN first_on IS NOT NULL END AS ttc_event,
       -- coverage: old enough to judge (a week since credit, or withdrawn), and known
       CASE WHEN counted AND (first_on IS NOT NULL OR credited_on + {coverage_days} <= {as_of})
            THEN first_on IS NOT NULL OR known_on >= credited_on + {coverage_days} END AS covered,
       CASE WHEN counted AND first_on IS NOT NULL THEN first_day_vnd >= amount_vnd END AS full_first,
       -- only cycles whose end is known by as_of
       CASE WHEN counted AND cycle_end <= {as_of} THEN first_on IS NULL OR first_on >= cycle_end END
           AS untouched_at_cycle_end,
       CASE WHEN counted AND scheduled_on IS NOT NULL THEN credited_on <= scheduled_on END AS on_time,
       CASE WHEN counted THEN delivered > 0 AND delivered < amount_vnd END AS partial,
       -- money credited by as_of and how much of it was taken out by then (measures.rs)
       CASE WHEN counted THEN amount_vnd END AS credited_vnd,
       CASE WHEN counted THEN delivered END AS withdrawn_vnd
FROM obs
""",
    # Per opened account (Acc::add_account): first credit to it and first withdrawal of a
    # payment credited to it, whenever they happened; judged on {as_of}.
    """
CREATE OR REPLACE TEMP TABLE acct AS
WITH first_withdrawal AS (
    SELECT payment_id, min(withdrawn_on) AS first_on FROM withdrawals GROUP BY payment_id
), paid AS (
    SELECT p.account_id, min(p.credited_on) AS first_credit, min(w.first_on) AS first_withdrawal
    FROM payments p LEFT JOIN first_withdrawal w USING (payment_id)
    WHERE p.status = 'credited' AND p.credited_on IS NOT NULL AND p.account_id IS NOT NULL
    GROUP BY p.account_id
), a AS (
    SELECT a.beneficiary_id AS person, a.channel, a.opened_on, c.period,
           a.opened_on <= {as_of} AS opened,
           coalesce(pd.first_credit <= {as_of}, false) AS received,
           pd.first_credit, pd.first_withdrawal
    FROM accounts a
    LEFT JOIN paid pd USING (account_id)
    LEFT JOIN cyc c ON c.period = strftime(a.opened_on, '%Y-%m')  -- the cycle of its month, if any
    WHERE a.opened_on IS NOT NULL AND a.status IN ('opened', 'closed')
)
SELECT person, channel, period, opened_on AS age_day,
       CASE WHEN opened THEN true END AS opened,
       CASE WHEN opened AND received THEN greatest(0, date_diff('day', opened_on, first_credit)) END AS lead_days,
       CASE WHEN opened THEN NOT received END AS never_received,
       CASE WHEN opened THEN received AND coalesce(first_withdrawal > {as_of}, true) END AS never_paid_out
FROM a
""",
    # Per grievance (Acc::add_grievance): no channel; closed = resolved or rejected.
    """
CREATE OR REPLACE TEMP TABLE griev AS
WITH g AS (
    SELECT beneficiary_id AS person, opened_on, deadline_on,
           CASE WHEN status IN ('resolved', 'rejected') AND closed_on <= {as_of} THEN closed_on END AS closed
    FROM grievances
)
SELECT g.person, c.period, g.opened_on AS age_day,
       CASE WHEN g.opened_on <= {as_of} THEN true END AS grievance,
       CASE WHEN g.opened_on <= {as_of} THEN date_diff('day', g.opened_on, g.closed) END AS resolution_days,
       CASE WHEN g.opened_on <= {as_of} AND g.closed IS NOT NULL THEN g.closed <= g.deadline_on END AS in_time
FROM g LEFT JOIN cyc c ON c.period = strftime(g.opened_on, '%Y-%m')
""",
    # Every fact with its segment attributes: ward, group, disability and assisted are the
    # person's; the age band is the age on the fact's own day; the programme is the one the
    # person's group is paid under in the fact's cycle.
    """
CREATE OR REPLACE TEMP TABLE fact AS
WITH f AS (
    SELECT 'payment' AS kind, * FROM pay
    UNION ALL BY NAME
    SELECT 'account' AS kind, * FROM acct
    UNION ALL BY NAME
    SELECT 'grievance' AS kind, * FROM griev
    UNION ALL BY NAME  -- verification visits with a result by as_of, segmented by the payment
    SELECT 'verification' AS kind, p.person, p.channel, p.period, v.verified_on AS age_day,
           v.result = 'full' AS full_receipt
    FROM verifications v JOIN pay p USING (payment_id)
    WHERE v.result IS NOT NULL AND v.verified_on <= {as_of}
)
SELECT row_number() OVER () AS fid, f.*, pe.ward, pe.grp, pe.disability, pe.assisted,
       age_band(age_on(pe.birth_date, pe.birth_year, f.age_day)) AS band, pg.programme
FROM f JOIN person pe USING (person)
LEFT JOIN programme pg ON pg.grp = pe.grp AND pg.period IS NOT DISTINCT FROM f.period
""",
    # The segments of each fact, one row per (segmentation, key). A fact without a channel
    # (grievances) or without a cycle is left out of those segmentations only.
    """
CREATE OR REPLACE TEMP TABLE member AS
SELECT fid, 'overall' AS seg, '' AS key FROM fact
UNION ALL SELECT fid, 'ward', ward FROM fact
UNION ALL SELECT fid, 'age', band FROM fact
UNION ALL SELECT fid, 'group', grp FROM fact
UNION ALL SELECT fid, 'disability', disability FROM fact
UNION ALL SELECT fid, 'channel', channel FROM fact WHERE channel IS NOT NULL
UNION ALL SELECT fid, 'need', n.need FROM fact JOIN person_need n USING (person)
UNION ALL SELECT fid, 'assisted', CASE WHEN assisted THEN 'assisted' ELSE 'unassisted' END FROM fact
UNION ALL SELECT fid, 'cycle', period FROM fact WHERE period IS NOT NULL
UNION ALL SELECT fid, 'programme', programme FROM fact
UNION ALL SELECT fid, 'age,channel', band || '/' || channel FROM fact WHERE channel IS NOT NULL
""",
    # Per-fact indicators, one row per segment.
    """
CREATE OR REPLACE TEMP TABLE agg AS
SELECT m.seg, m.key,
       coalesce(count_if(f.issued), 0) AS payments,
       coalesce(sum(f.credited_vnd), 0)::BIGINT AS credited_vnd,
       coalesce(sum(f.withdrawn_vnd), 0)::BIGINT AS withdrawn_vnd,
       share_of(f.full_first) AS full_first_visit,
       share_of(f.untouched_at_cycle_end) AS unwithdrawn_at_cycle_end,
       share_of(f.on_time) AS on_time_credit,
       share_of(f.failed) AS failed,
       share_of(f.partial) AS partial_delivery,
       stat_of(f.lead_days) AS lead,
       coalesce(count_if(f.never_received), 0) AS never_received,
       coalesce(count_if(f.never_paid_out), 0) AS never_paid_out,
       count(f.opened) AS opened,
       count(f.grievance) AS grievances,
       stat_of(f.resolution_days) AS resolution_days,
       share_of(f.in_time) AS within_deadline,
       share_of(f.full_receipt) AS verified_receipt,
       count(f.covered) AS coverage_of, coalesce(count_if(f.covered), 0) AS coverage_known
FROM member m JOIN fact f USING (fid)
GROUP BY m.seg, m.key
""",
    # Failure reasons per segment, most frequent first (then by name, as measures.rs sorts).
    """
CREATE OR REPLACE TEMP TABLE reasons AS
SELECT seg, key, list({'reason': reason, 'count': n} ORDER BY n DESC, reason) AS reasons
FROM (SELECT m.seg, m.key, f.reason, count(*) AS n
      FROM member m JOIN fact f USING (fid) WHERE f.reason IS NOT NULL GROUP BY ALL)
GROUP BY seg, key
""",
    # Per withdrawal (visit) of a payment credited by as_of, seen by as_of: self-reported
    # travel, cost, waiting ("does not remember" is NULL, left out) and assistance.
    """
CREATE OR REPLACE TEMP TABLE visits AS
SELECT m.seg, m.key,
       stat_of(w.travel_minutes) AS travel_minutes,
       stat_of(w.travel_cost_vnd) AS travel_cost_vnd,
       stat_of(w.waiting_minutes) AS waiting_minutes,
       share_of(w.assisted OR w.place IN ('proxy', 'home_delivery')) AS assisted_withdrawals
FROM withdrawals w
JOIN fact f ON f.kind = 'payment' AND f.payment_id = w.payment_id AND f.counted
JOIN member m USING (fid)
WHERE w.withdrawn_on <= {as_of}
GROUP BY m.seg, m.key
""",
    # Kaplan-Meier per segment on whole days (km.rs): on each day, those withdrawn (events)
    # and those censored; at risk = everyone observed at least that long (the day's
    # censorings included: events before censorings); S(day) = product over days so far of
    # (1 − events / at risk).
    """
CREATE OR REPLACE TEMP TABLE km AS
WITH days AS (
    SELECT m.seg, m.key, f.ttc_day AS day,
           coalesce(count_if(f.ttc_event), 0) AS events, coalesce(count_if(NOT f.ttc_event), 0) AS censored
    FROM member m JOIN fact f USING (fid)
    WHERE f.ttc_event IS NOT NULL
    GROUP BY ALL
), risk AS (
    SELECT *, sum(events + censored) OVER (PARTITION BY seg, key ORDER BY day DESC) AS at_risk FROM days
)
SELECT seg, key, day, events, censored,
       product(1 - events::DOUBLE / at_risk::DOUBLE) OVER (PARTITION BY seg, key ORDER BY day) AS s
FROM risk
""",
    # Per segment: payments observed and withdrawn, the longest follow-up, S there, and the
    # quantiles: the first event day where the share withdrawn 1 − S reaches q (within KM_EPS).
    """
CREATE OR REPLACE TEMP TABLE km_summary AS
SELECT seg, key,
       sum(events + censored) AS credited, sum(events) AS withdrawn,
       max(day) AS max_day, arg_max(s, day) AS s_last,
       min(day) FILTER (WHERE events > 0 AND 1 - s >= 0.5::DOUBLE - {eps}) AS median,
       min(day) FILTER (WHERE events > 0 AND 1 - s >= 0.75::DOUBLE - {eps}) AS p75,
       min(day) FILTER (WHERE events > 0 AND 1 - s >= 0.9::DOUBLE - {eps}) AS p90
FROM km GROUP BY seg, key
""",
    # The cumulative curve, days 0 to 30: share withdrawn = 1 − S at the last day ≤ d (an
    # as-of join). A day beyond the longest follow-up is unknown while some payments are still
    # unwithdrawn there (S > 0), so the curve stops at it (indicators.rs).
    """
CREATE OR REPLACE TEMP TABLE curve AS
WITH grid AS (
    SELECT seg, key, max_day, s_last, unnest(range(0, 31)) AS day FROM km_summary
), points AS (
    SELECT g.seg, g.key, g.day, 1 - coalesce(k.s, 1) AS withdrawn
    FROM grid g ASOF LEFT JOIN km k ON k.seg = g.seg AND k.key = g.key AND g.day >= k.day
    WHERE g.day <= g.max_day OR g.s_last = 0
)
SELECT seg, key,
       list({'day': day, 'withdrawn': withdrawn} ORDER BY day) AS curve,
       {'1': any_value(withdrawn) FILTER (WHERE day = 1), '3': any_value(withdrawn) FILTER (WHERE day = 3),
        '7': any_value(withdrawn) FILTER (WHERE day = 7), '30': any_value(withdrawn) FILTER (WHERE day = 30)}
           AS withdrawn_by_day
FROM points GROUP BY seg, key
""",
    # Every segment with all its indicators, shaped like core's Indicators.
    """
SELECT a.seg, a.key, a.payments AS size,
       coalesce(k.credited, 0) AS credited, coalesce(k.withdrawn, 0) AS withdrawn,
       coalesce(k.credited - k.withdrawn, 0) AS unwithdrawn,
       -- under the coverage threshold: "not enough follow-up to judge", no quantiles nor curve
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
        'reasons': coalesce(r.reasons, [])} AS failed_transfers,
       a.partial_delivery,
       v.travel_minutes, v.travel_cost_vnd, v.waiting_minutes, v.assisted_withdrawals,
       {'n': a.lead.n, 'mean': a.lead.mean, 'median': a.lead.median, 'without_payment': a.never_received}
           AS account_to_first_payment_days,
       {'opened': a.opened, 'dormant': a.never_received + a.never_paid_out,
        'never_received': a.never_received, 'never_paid_out': a.never_paid_out,
        'share': (a.never_received + a.never_paid_out) / NULLIF(a.opened, 0)} AS dormant_accounts,
       {'count': a.grievances, 'per_1000_payments': a.grievances::DOUBLE * 1000 / NULLIF(a.payments, 0),
        'resolution_days': a.resolution_days, 'within_deadline': a.within_deadline} AS grievances,
       a.verified_receipt
FROM agg a
LEFT JOIN km_summary k USING (seg, key)
LEFT JOIN curve c USING (seg, key)
LEFT JOIN reasons r USING (seg, key)
LEFT JOIN visits v USING (seg, key)
""",
]

EMPTY_STAT = {"n": 0, "mean": None, "median": None}
EMPTY_SHARE = {"n": 0, "count": 0, "share": None}
EMPTY_BY_DAY = {"1": None, "3": None, "7": None, "30": None}


def fail(message):
    print(f"duckdb_dashboard: {message}", file=sys.stderr)
    sys.exit(2)


def load(con, csv_dir):
    """Creates one table per CSV file, typed."""
    for table, columns in TABLES.items():
        path = os.path.join(csv_dir, f"{table}.csv")
        if not os.path.isfile(path):
            fail(f"{path}: missing (write it with `ansinh export {table} --out {path}`)")
        cols = ", ".join(f"CAST(NULLIF({c}, '') AS {t}) AS {c}" for c, t in columns.items())
        con.execute(
            f"CREATE OR REPLACE TABLE {table} AS SELECT {cols} FROM read_csv(?, header = true, all_varchar = true)",
            [path],
        )


def fill(statement, as_of, today):
    """The SQL with its placeholders filled in (not str.format: its struct literals use braces)."""
    return (
        statement.replace("{as_of}", f"DATE '{as_of.isoformat()}'" if as_of else "{as_of}")
        .replace("{today}", f"DATE '{today.isoformat()}'" if today else "{today}")
        .replace("{eps}", repr(KM_EPS))
        .replace("{coverage_days}", str(COVERAGE_DAYS))
        .replace("{min_coverage}", str(MIN_COVERAGE))
    )


def rows_by_segment(cur):
    """A result with columns seg, key, ... as {segmentation: {key: row}}."""
    names = [d[0] for d in cur.description]
    out = {}
    for row in cur.fetchall():
        r = dict(zip(names, row))
        out.setdefault(r.pop("seg"), {})[r.pop("key")] = r
    return out


def compute(con, as_of, today):
    """The dashboard: {segmentation: {key: row}} with 'overall' under key ''. `today` is the
    day whose rules give the programme of facts with no cycle (the engine's local today)."""
    def sql(statement):
        return fill(statement, as_of, today)

    for statement in QUERY[:-1]:
        con.execute(sql(statement))
    return rows_by_segment(con.execute(sql(QUERY[-1])))


def indicators(r):
    """A result row as core's Indicators JSON (segments without visits or payments get the
    empty summaries core gives them)."""
    ind = {k: v for k, v in r.items() if k != "size"}
    for k in ("travel_minutes", "travel_cost_vnd", "waiting_minutes"):
        ind[k] = ind[k] or EMPTY_STAT
    ind["assisted_withdrawals"] = ind["assisted_withdrawals"] or EMPTY_SHARE
    ind["withdrawn_by_day"] = ind["withdrawn_by_day"] or EMPTY_BY_DAY
    return ind


def dashboard(result):
    """The computed dashboard in OURS.json's shape."""
    segs = {}
    for name in SEGMENTATIONS:
        segs[name] = []
        for key, r in result.get(name, {}).items():
            size = r["size"]
            seg = {"key": key, "size": size, "too_few": size < MIN_SEGMENT_PAYMENTS}
            if not seg["too_few"]:
                seg.update(indicators(r))
            segs[name].append(seg)
    overall = indicators(result["overall"][""]) if "overall" in result else {}
    return {"overall": overall, "segmentations": segs}


class Comparison:
    def __init__(self):
        self.compared = 0
        self.mismatches = []
        self.mismatch_count = 0

    def miss(self, seg, key, field, ours, duck):
        self.mismatch_count += 1
        if len(self.mismatches) < 20:
            self.mismatches.append({"segmentation": seg, "key": key, "field": field, "ours": ours, "duckdb": duck})

    def value(self, seg, key, field, ours, duck):
        """Compares two JSON values leaf by leaf: numbers where either is a float with the
        tolerance, everything else (counts, days, text, null) exactly."""
        if isinstance(ours, dict) and isinstance(duck, dict):
            for k in sorted(set(ours) | set(duck)):
                if k in NOT_INDICATORS:
                    continue
                sub = f"{field}.{k}" if field else k
                if k not in ours or k not in duck:
                    self.compared += 1
                    self.miss(seg, key, sub, ours.get(k, "<missing>"), duck.get(k, "<missing>"))
                else:
                    self.value(seg, key, sub, ours[k], duck[k])
        elif isinstance(ours, list) and isinstance(duck, list):
            if len(ours) != len(duck):
                self.compared += 1
                self.miss(seg, key, f"{field}.length", len(ours), len(duck))
            for i, (o, d) in enumerate(zip(ours, duck)):
                self.value(seg, key, f"{field}[{i}]", o, d)
        else:
            self.compared += 1
            if not same(ours, duck):
                self.miss(seg, key, field, ours, duck)

    def segments(self, name, ours, duck):
        mine = {s["key"]: s for s in ours}
        theirs = {s["key"]: s for s in duck}
        for key in sorted(set(mine) | set(theirs)):
            o, d = mine.get(key), theirs.get(key)
            if o is None or d is None:
                self.compared += 1
                self.miss(name, key, "segment", "present" if o else "absent", "present" if d else "absent")
                continue
            if o.get("too_few") or d.get("too_few"):
                # No figures are given for too few payments: only the size counts.
                for f in ("size", "too_few"):
                    self.value(name, key, f, o.get(f), d.get(f))
            else:
                self.value(name, key, "", o, d)


def same(a, b):
    if isinstance(a, bool) or isinstance(b, bool) or a is None or b is None:
        return a is b or a == b and type(a) is type(b)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if isinstance(a, int) and isinstance(b, int):
            return a == b
        if math.isnan(a) or math.isnan(b):
            return False
        return abs(a - b) <= ABS_TOL + REL_TOL * max(abs(a), abs(b))
    return a == b


def compare(ours, duck):
    c = Comparison()
    c.value("overall", "", "", ours.get("overall", {}), duck["overall"])
    for name in sorted(set(ours.get("segmentations", {})) | set(duck["segmentations"])):
        c.segments(name, ours.get("segmentations", {}).get(name, []), duck["segmentations"].get(name, []))
    return c


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--csv", required=True, help="folder of the exported CSV files")
    ap.add_argument("--as-of", required=True, help="reporting day, YYYY-MM-DD")
    ap.add_argument("--ours", required=True, help="ansinh's answers (bench/ours_from_cli.py)")
    ap.add_argument("--repeat", type=int, default=3, help="timed runs of the whole dashboard (default 3)")
    ap.add_argument("--threads", type=int, help="DuckDB threads (default: all cores)")
    ap.add_argument("--dump", help="also write DuckDB's dashboard as JSON here (to inspect by hand)")
    ap.add_argument("--today", help="the day ansinh ran, YYYY-MM-DD (default: today)")
    args = ap.parse_args()
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
    try:
        with open(args.ours, encoding="utf-8") as f:
            ours = json.load(f)
    except (OSError, ValueError) as e:
        fail(f"{args.ours}: {e}")
    if ours.get("as_of", args.as_of) != args.as_of:
        fail(f"{args.ours} is as of {ours.get('as_of')}, not {args.as_of}")

    con = duckdb.connect()  # in memory
    if args.threads:
        con.execute(f"SET threads = {int(args.threads)}")
    threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    con.execute(MACROS)

    start = time.perf_counter()
    try:
        load(con, args.csv)
    except duckdb.Error as e:
        fail(f"reading {args.csv}: {e}")
    load_seconds = time.perf_counter() - start

    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        result = dashboard(compute(con, as_of, today))
        times.append(time.perf_counter() - start)

    if args.dump:
        with open(args.dump, "w", encoding="utf-8") as f:
            json.dump({"as_of": args.as_of, **result}, f, ensure_ascii=False, indent=1)

    c = compare(ours, result)
    print(
        json.dumps(
            {
                "load_seconds": round(load_seconds, 6),
                "query_seconds": [round(t, 6) for t in times],
                "median_seconds": round(statistics.median(times), 6),
                "threads": int(threads),
                "duckdb_version": duckdb.__version__,
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
