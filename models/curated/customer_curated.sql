-- Consenting customers who have at least one trusted phone reading: one row per customer
-- (a semi-join, not a join, so a customer is not repeated once per reading).
select c.*
from {{ ref('customer_trusted') }} as c
where exists (
    select 1
    from {{ ref('accelerometer_trusted') }} as a
    where a."user" = c.email
)
