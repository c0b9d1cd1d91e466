-- The indexes a patch of the kept facts reads (issue 17, crates/store/src/facts.rs): after a
-- write, the people it touched are read again, a ward's bundle being a ward's people. Their
-- payments and withdrawals lie spread over most pages of both tables, and every page read is
-- decrypted: on a copy of the tenth, a ward's payments took 0.51-0.64 s through the table and
-- 0.07 s from an index holding every column the facts read, its withdrawals 0.75-0.79 s and
-- 0.30-0.35 s. The payments' index is new (+10 % on the file); the withdrawals' replaces
-- `withdrawals_payment` under the same name, a prefix of it (+2,600 pages at the tenth).
DROP INDEX withdrawals_payment;
CREATE INDEX withdrawals_payment ON withdrawals
    (payment_id, withdrawn_on, amount_vnd, travel_minutes, travel_cost_vnd, waiting_minutes, assisted, place);
CREATE INDEX payments_person_facts ON payments
    (beneficiary_id, id, period, channel, amount_vnd, status, scheduled_on, credited_on, failure_reason, account_id,
     label);
