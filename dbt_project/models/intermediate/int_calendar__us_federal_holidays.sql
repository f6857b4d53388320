{#
  US federal holidays over the calendar range (a year of margin either side), from the seed
  us_federal_holidays that nyc_mobility.dbt.seeds generates with the `holidays` library (a seed
  reads the same on every engine; a Python model runs only on DuckDB). A calendar beyond the seed's
  years is refused at compile time rather than built without its holidays.
#}
{%- set seed_first_year, seed_last_year = 2008, 2031 -%}
{%- set first_year = var('calendar_start')[:4] | int - 1 -%}
{%- set last_year = var('calendar_end')[:4] | int + 1 -%}
{%- if first_year < seed_first_year or last_year > seed_last_year -%}
    {{ exceptions.raise_compiler_error(
        "the calendar " ~ var('calendar_start') ~ " .. " ~ var('calendar_end') ~ " needs the holidays of "
        ~ first_year ~ " .. " ~ last_year ~ "; the seed us_federal_holidays has " ~ seed_first_year ~ " .. "
        ~ seed_last_year ~ " (regenerate it: python -m nyc_mobility.dbt.seeds, after widening its years)") }}
{%- endif %}
select
    holiday_date,
    holiday_name,
    is_observed_date
from {{ ref('us_federal_holidays') }}
where year(holiday_date) between {{ first_year }} and {{ last_year }}
