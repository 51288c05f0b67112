-- Every money row is either counted or set aside with a reason: nothing disappears.
SELECT
    (SELECT count(*) FROM money_rows) AS money_rows,
    (SELECT count(*) FROM counted_money) AS counted_rows,
    (SELECT count(*) FROM money_set_aside) AS set_aside_rows,
    (SELECT coalesce(sum(amount), 0) FROM money_rows) AS all_rows_amount,
    (SELECT coalesce(sum(amount), 0) FROM counted_money) AS counted_amount,
    (SELECT coalesce(sum(amount), 0) FROM money_set_aside) AS set_aside_amount,
    (SELECT coalesce(sum(obligated), 0) FROM family_totals) AS stored_total;
