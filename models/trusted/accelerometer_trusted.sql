-- Phone readings of customers who agreed to share their data for research.
-- With consent_cutoff: as_of, readings taken before the customer's consent date are excluded too.
-- Incremental: a run re-reads the readings of the lookback window and every reading of customers new to this table
-- (a customer who just gave consent brings their history); rows of customers who withdrew are purged (post_hook).
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key=['user', 'timestamp']) }}
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
{% if var_choice('consent_cutoff', ['any', 'as_of']) == 'as_of' %}
  and a."timestamp" >= c.sharewithresearchasofdate
{% endif %}
{% if is_incremental() %}
  and (
      a."timestamp" >= {{ incremental_window_start('"timestamp"') }}
      or not exists (select 1 from {{ this }} as known where known."user" = a."user")
  )
{% endif %}
