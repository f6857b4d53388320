{# Every column of `relation_alias` (or of the FROM clause) but `columns`. #}

{% macro star_except(columns, relation_alias=none) -%}
    {{ return(adapter.dispatch('star_except', 'nyc_mobility')(columns, relation_alias)) }}
{%- endmacro %}

{% macro default__star_except(columns, relation_alias) -%}
    {{ relation_alias ~ '.' if relation_alias }}* exclude ({{ columns | join(', ') }})
{%- endmacro %}

{% macro spark__star_except(columns, relation_alias) -%}
    {{ relation_alias ~ '.' if relation_alias }}* except ({{ columns | join(', ') }})
{%- endmacro %}
