-- How fresh the data is: the newest source export and the last build.
SELECT (SELECT max(export_ts) FROM source_files) AS newest_export,
       (SELECT min(export_ts) FROM source_files) AS oldest_export,
       (SELECT max(finished_at) FROM runs) AS built_at,
       (SELECT count(*) FROM source_files) AS files;
