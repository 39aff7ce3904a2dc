-- Consenting customers who have at least one trusted phone reading: one row per customer
-- (a semi-join, not a join, so a customer is not repeated once per reading). The readings' customers are grouped
-- first: the join then hashes one row per customer instead of every reading (half the time at 1,000,000 customers).
select c.*
from {{ ref('customer_trusted') }} as c
where c.email in (
    select a."user"
    from {{ ref('accelerometer_trusted') }} as a
    group by a."user"
)
