{#- Helpers of the incremental models. -#}

{#- The earliest reading time an incremental run re-reads: the newest reading already loaded, less the lookback
    window (var lookback_ms), so files that arrive late by less than the window are not missed. -#}
{% macro incremental_window_start(time_column) -%}
(select coalesce(max({{ time_column }}), 0) - {{ var_whole_number('lookback_ms') }} from {{ this }})
{%- endmacro %}
