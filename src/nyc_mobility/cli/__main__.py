"""``python -m nyc_mobility.cli``: the same as the ``nyc-mobility`` command."""

from nyc_mobility.cli import main

main()
