-- Every money row is either counted or set aside with a reason: nothing disappears. The counted rows are the money
-- rows not set aside (a view, step 110), so the counts add up unless a row is set aside twice or is no money row;
-- the amounts are then compared with the stored totals and, row by row, with the raw text (reconcile_values).
SELECT
    (SELECT count(*) FROM money_rows) AS money_rows,
    (SELECT count(*) FROM counted_money) AS counted_rows,
    (SELECT count(*) FROM money_set_aside) AS set_aside_rows,
    (SELECT coalesce(sum(amount), 0) FROM money_rows) AS all_rows_amount,
    (SELECT coalesce(sum(amount), 0) FROM counted_money) AS counted_amount,
    (SELECT coalesce(sum(amount), 0) FROM money_set_aside) AS set_aside_amount,
    (SELECT coalesce(sum(obligated), 0) FROM family_totals) AS stored_total;
