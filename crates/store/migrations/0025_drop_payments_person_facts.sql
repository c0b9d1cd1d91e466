-- `payments_person_facts` (migration 0024) goes again: it cost more of issue 17's targets than it
-- gained. It is led by the person, and a month of every ward adds one payment for every person,
-- so that month rewrote every page of it: at the tenth (08/12/2026, release, one run) the next
-- day's backup grew from 89 MB (7.9 % of the file) to 222 MB (17 %: the index is 135 MB), over
-- the target of a tenth, and the month's merge took 6.1 s against 3.9 s. It gained a patch of
-- a ward's people 0.4-0.5 s (their payments off the index instead of the table's pages), which
-- still misses its own target. `withdrawals_payment` keeps its width: it is led by the payment,
-- whose ids grow with time, so a month's withdrawals are added at its end.
DROP INDEX payments_person_facts;
