"""Kept path of the ``serving`` profile's reader plugin (now :mod:`nyc_mobility.serving.guard`)."""

from nyc_mobility.serving.guard import Plugin as Plugin
