-- A curated brand by its normalized name, with its owner and citation.
SELECT brand, owner_id, owner_name, grade, citation FROM brands WHERE brand_key = $key LIMIT 1;
