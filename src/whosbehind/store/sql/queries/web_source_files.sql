-- Every source file in the database, for the methodology page.
SELECT file_name, format, header_variant, row_count, individual_rows, export_ts, sha256, ingested_at
FROM source_files ORDER BY format, file_name;
