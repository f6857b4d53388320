"""Which months `nyc-mobility run` builds (nyc_mobility.run.plan)."""

from nyc_mobility.run.plan import bridged, contiguous


def test_build_ranges_bridge_gaps_without_files_only():
    assert contiguous(["2024-05", "2024-01", "2024-02"]) == [("2024-01", "2024-02"), ("2024-05", "2024-05")]
    on_disk = {"2009-07", "2015-06", "2019-06", "2024-01", "2024-02", "2024-05"}
    # every month on disk to build, gaps empty: one run over the whole span
    assert bridged(sorted(on_disk), on_disk) == [("2009-07", "2024-05")]
    # a month on disk not to build (unchanged) keeps the ranges apart: it would be rebuilt
    assert bridged(["2009-07", "2019-06", "2024-05"], on_disk) == [
        ("2009-07", "2009-07"),
        ("2019-06", "2019-06"),
        ("2024-05", "2024-05"),
    ]
    assert bridged(["2015-06", "2019-06", "2024-05"], on_disk - {"2024-01", "2024-02"}) == [
        ("2015-06", "2024-05")
    ]
    # a month gone from disk is to build (its rows deleted) and bridges like any other
    assert bridged(["2019-06", "2020-03", "2024-01"], on_disk) == [("2019-06", "2024-01")]
    assert bridged([], on_disk) == []
