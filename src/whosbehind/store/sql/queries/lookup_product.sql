-- A named product of the curated lexicon by its name as the lookup index holds it (lookup_index_names.sql).
SELECT product_name, maker_entity, source_url FROM product_lexicon
WHERE NOT generic AND trim(split_part(product_name, ' (', 1)) = $product
ORDER BY product LIMIT 1;
