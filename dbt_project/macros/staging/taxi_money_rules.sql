{#
  The money rules of metered trips, as CASE branches after the shared and distance rules. Every
  amount that feeds a metric is checked, not only the fare:

  * refund_or_void: a negative amount on a no-charge (3) or disputed (4) payment, the TLC's refunds;
  * negative_fare: no fare, or a negative one;
  * negative_amount: any other charge (tip, tolls, surcharges, fees, taxes) or the total below zero;
  * total_below_fare: a total smaller than its own fare (the total includes the fare; a cent of
    rounding is tolerated);
  * excessive_amount: a total above `max_taxi_total` (keying errors of $10,000 and more are published).
#}
{% macro taxi_money_rules(charges) -%}
        when payment_type in (3, 4)
            and least(fare_amount, total_amount{% for c in charges %}, {{ c }}{% endfor %}) < 0
            then 'refund_or_void'
        when fare_amount is null or fare_amount < 0 then 'negative_fare'
        when total_amount < 0{% for c in charges %} or {{ c }} < 0{% endfor %} then 'negative_amount'
        when total_amount + 0.01 < fare_amount then 'total_below_fare'
        when total_amount > {{ var('max_taxi_total') }} then 'excessive_amount'
{%- endmacro %}
