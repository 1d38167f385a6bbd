-- A session's phases are written and read whole, never queried inside: json keeps the text as
-- validated JSON without jsonb's conversion to its binary form, about a quarter of the cost of
-- inserting a session row (docs/benchmarks/dashboard-api-service.md).
ALTER TABLE session_cost ALTER COLUMN phases TYPE json USING phases::json;
