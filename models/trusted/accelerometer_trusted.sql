-- Phone readings of customers who agreed to share their data for research.
-- With consent_cutoff: as_of, readings taken before the customer's consent date are excluded too.
-- Incremental: a run re-reads the readings of the lookback window and every reading of customers new to this table
-- (a customer who just gave consent brings their history); rows of customers who withdrew are purged first (purge, in _trusted.yml).
-- Partitioned by reading day on Athena (partitioned_by; DuckDB ignores it, as it has no partitioned tables):
-- "timestamp" is epoch milliseconds, so truncate(86400000, ...) groups readings by UTC day (Iceberg's day() takes
-- only date and timestamp columns). It pays because this table grows by readings without bound and is read by time:
-- each data file then holds one day, so a query or comparison over a time range (machine_learning_curated's
-- instants, a data scientist's week) reads only those days' files, and the files stay grouped by day after a
-- --full-refresh, whose unpartitioned CTAS would mix all days in every file. The price: a full build writes its rows
-- twice (once unpartitioned, then batch by batch, at most 100 days a query: Athena's limit), and on small data each
-- day is one small file (OPTIMIZE merges small files within a day).
{{ config(materialized='incremental', partitioned_by=['truncate(86400000, timestamp)'],
          incremental_strategy='delete+insert', unique_key=['user', 'timestamp']) }}
{%- set as_of = var_choice('consent_cutoff', ['any', 'as_of']) == 'as_of' %}
select
    a."user",
    a."timestamp",
    a.x,
    a.y,
    a.z
from {{ source('landing', 'accelerometer_landing') }} as a
inner join {{ ref('customer_trusted') }} as c
    on a."user" = c.email
where true
{% if as_of %}
  and a."timestamp" >= c.sharewithresearchasofdate
{% endif %}
{% if is_incremental() %}
  and a."timestamp" >= {{ incremental_window_start('"timestamp"') }}
-- The older readings of customers new to this table, as a second part: the few new customers are found first, so
-- the landing readings outside the window are matched against them instead of each being looked up in this table.
union all
select
    a."user",
    a."timestamp",
    a.x,
    a.y,
    a.z
from {{ source('landing', 'accelerometer_landing') }} as a
inner join (
    select t.email, t.sharewithresearchasofdate
    from {{ ref('customer_trusted') }} as t
    -- grouped first, so the anti-join hashes one row per known customer, not every reading
    where not exists (select 1 from (select k."user" from {{ this }} as k group by k."user") as known where known."user" = t.email)
) as c
    on a."user" = c.email
-- not (inside the window), which keeps a reading without a timestamp, as the one-part condition did
where (a."timestamp" < {{ incremental_window_start('"timestamp"') }} or a."timestamp" is null)
{% if as_of %}
  and a."timestamp" >= c.sharewithresearchasofdate
{% endif %}
{% endif %}
