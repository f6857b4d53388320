{#
  A sum of doubles that does not depend on the order rows arrive in (parallel aggregation merges
  partial sums in any order, which changes the last bits of a double sum): summed exactly as
  DECIMAL(38, 9) (a nanounit per row at most), then returned as DOUBLE. Rebuilding a month gives
  byte-identical aggregates.
#}
{% macro exact_sum(expr) -%}
    cast(sum(cast({{ expr }} as decimal(38, 9))) as double)
{%- endmacro %}
