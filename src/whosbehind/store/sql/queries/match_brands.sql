-- Brands whose name, normalized, is one of the names being matched.
SELECT brand, brand_key, owner_id, owner_name, grade, citation FROM brands WHERE brand_key IN (SELECT unnest($keys));
