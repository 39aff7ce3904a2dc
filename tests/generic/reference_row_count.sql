{#- On the reference data (var verify_reference_counts: true), the relation has exactly the row count of the seed
    reference_row_counts for the current consent_cutoff and ml_pairing. On other data there is nothing to compare
    with, so the test is skipped, saying so, rather than passing without checking. -#}
{% test reference_row_count(model) %}
{%- if not var('verify_reference_counts', false) %}
{{- skip_test("verify_reference_counts is off (row counts are compared only on the reference STEDI data); turn it on with --vars '{verify_reference_counts: true}'") }}
{%- else %}
{%- set pairing = var('ml_pairing', 'timestamp') if model.identifier == 'machine_learning_curated' else 'any' %}
with expected as (
    select r."rows" as expected_rows
    from {{ ref('reference_row_counts') }} as r
    where r.relation = {{ sql_string(model.identifier) }}
      and r.consent_cutoff = {{ sql_string(var('consent_cutoff', 'any')) }}
      and r.ml_pairing = {{ sql_string(pairing) }}
),

actual as (
    select count(*) as actual_rows from {{ model }}
)

select {{ sql_string(model.identifier) }} as relation, e.expected_rows, a.actual_rows
from actual as a
left join expected as e on true
where e.expected_rows is null or e.expected_rows <> a.actual_rows
{%- endif %}
{% endtest %}
