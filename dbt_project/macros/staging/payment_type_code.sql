{#
  The TLC payment type code (1 credit card, 2 cash, 3 no charge, 4 dispute, 5 unknown) from any of
  its published spellings: the code itself (1, 1.0, '1'; 2015 on) or, in 2009-2014 files, text
  whose spelling changed month to month (`Credit`, `CREDIT`, `CRE`, `CRD`, `Cash`, `CASH`, `CAS`,
  `CSH`, `No Charge`, `NOC`, `No `, `Dispute`, `DIS`, `UNK`, `NA`). Anything else is NULL.
#}
{% macro payment_type_code(columns) -%}
    {%- set text -%}
        upper(trim(cast(coalesce({% for c in columns %}cast({{ c }} as string){{ ", " if not loop.last }}{% endfor %}) as string)))
    {%- endset -%}
    coalesce(
        {{ coalesce_integer(columns) }},
        case
            when {{ text }} like 'CR%' then 1
            when {{ text }} like 'CA%' or {{ text }} = 'CSH' then 2
            when {{ text }} like 'NO%' then 3
            when {{ text }} like 'DI%' then 4
            when {{ text }} like 'UN%' or {{ text }} = 'NA' then 5
        end
    )
{%- endmacro %}
