{#
  The TLC vendor code (1 Creative Mobile Technologies, 2 VeriFone / Curb, ...) from its number or,
  in 2009-2014 files, its name: `CMT` is 1, `VTS` (VeriFone) 2; `DDS` (Digital Dispatch Systems,
  gone by 2015) has no code and stays NULL.
#}

{% macro vendor_code(columns) -%}
    coalesce(
        {{ coalesce_integer(columns) }},
        case upper(trim(cast(coalesce({% for c in columns %}cast({{ c }} as string){{ ", " if not loop.last }}{% endfor %}) as string)))
            when 'CMT' then 1 when 'VTS' then 2
        end
    )
{%- endmacro %}
