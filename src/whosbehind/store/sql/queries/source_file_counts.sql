-- Each source file's recorded row count against the raw rows actually stored for it.
SELECT f.file_name, f.format, f.row_count, coalesce(r.n, 0) AS stored
FROM source_files f LEFT JOIN (
    SELECT _sha256 AS sha256, count(*) AS n FROM raw_prime_award_transactions GROUP BY 1
    UNION ALL SELECT _sha256, count(*) FROM raw_prime_award_summaries GROUP BY 1
    UNION ALL SELECT _sha256, count(*) FROM raw_subawards GROUP BY 1
    UNION ALL SELECT _sha256, count(*) FROM raw_transactions_2018 GROUP BY 1
    UNION ALL SELECT _sha256, count(*) FROM raw_api_transactions GROUP BY 1
) r USING (sha256)
WHERE f.row_count <> coalesce(r.n, 0);
