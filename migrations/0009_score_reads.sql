-- refprog schema, version 9: the open pipeline as `score` and the reports read it. Their
-- query (status 'open', closing within the horizon) read each deal's row through
-- `opportunities_by_status_close`, one seek into the table per deal (9 % of score's time at
-- 100k accounts). This index holds the columns they read, and replaces that one (its first
-- two columns are the same, so the queries on won and lost deals read it as they did).
CREATE INDEX opportunities_by_status_close_demand
    ON opportunities (status, close_date, industry, employees, country, region, use_case, amount_cents);
DROP INDEX opportunities_by_status_close;
