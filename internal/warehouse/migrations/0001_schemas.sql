-- The layers of the warehouse (SPEC §2): raw keeps every row as received, core is the cleaned model,
-- mart is what analysts and dashboards read, ops is the pipeline's own bookkeeping, staging holds
-- intermediate transform models.
CREATE SCHEMA IF NOT EXISTS raw;
CREATE SCHEMA IF NOT EXISTS staging;
CREATE SCHEMA IF NOT EXISTS core;
CREATE SCHEMA IF NOT EXISTS mart;
CREATE SCHEMA IF NOT EXISTS ops;
