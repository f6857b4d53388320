{#
  The one shape of a trip record in int_trips__unioned, whatever its mode: each mode's branch
  names the columns it has (as expressions, or `passthrough` for columns of the same name) and
  every other column is a typed NULL, so adding a column or a mode is one edit here and one in
  the branch that has it (`exprs_also`: expressions shared by several branches; `alias`: the
  relation the passthrough columns come from when the branch joins). Types are the engine-neutral
  SQL names.
#}
{% macro trip_column_types() -%}
    {{ return([
        ('source_month', 'string'), ('source_file', 'string'), ('source_row_number', 'bigint'),
        ('pickup_at', 'timestamp'), ('dropoff_at', 'timestamp'), ('trip_duration_minutes', 'double'),
        ('trip_distance_km', 'double'), ('pickup_location_id', 'integer'), ('dropoff_location_id', 'integer'),
        ('pickup_location_basis', 'string'), ('dropoff_location_basis', 'string'),
        ('passenger_count', 'integer'), ('payment_type', 'integer'), ('fare_amount', 'double'),
        ('tip_amount', 'double'), ('tolls_amount', 'double'), ('congestion_surcharge_amount', 'double'),
        ('airport_fee_amount', 'double'), ('cbd_congestion_fee_amount', 'double'), ('total_amount', 'double'),
        ('driver_pay_amount', 'double'), ('company', 'string'), ('hvfhs_license_number', 'string'),
        ('dispatching_base_number', 'string'), ('request_at', 'timestamp'), ('on_scene_at', 'timestamp'),
        ('wait_minutes', 'double'), ('is_shared_request', 'boolean'), ('is_shared_match', 'boolean'),
        ('is_wav_request', 'boolean'), ('is_wav_match', 'boolean'), ('is_street_hail', 'boolean'),
        ('system', 'string'), ('bike_type', 'string'), ('member_type', 'string'), ('start_station_id', 'string'),
        ('end_station_id', 'string'), ('invalid_reason', 'string'), ('is_valid', 'boolean')
    ]) }}
{%- endmacro %}

{% macro trip_columns(mode, passthrough=[], exprs={}, exprs_also={}, alias=none) -%}
    '{{ mode }}' as mode,
    {%- for name, type in trip_column_types() %}
        {% if name in exprs_also %}{{ exprs_also[name] }}{% elif name in exprs %}{{ exprs[name] }}{% elif name in passthrough %}{{ alias ~ '.' if alias }}{{ name }}{% else %}cast(null as {{ type }}){% endif %} as {{ name }}{{ "," if not loop.last }}
    {%- endfor %}
{%- endmacro %}
