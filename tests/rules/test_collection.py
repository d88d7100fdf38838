"""Pausing the cycle collector leaves it as it found it, however the pauses nest."""

from __future__ import annotations

import gc

from competition.rules.collection import cycles_paused


def test_the_collector_is_back_on_after_nested_pauses() -> None:
    assert gc.isenabled()
    with cycles_paused():
        assert not gc.isenabled()
        with cycles_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_switched_off_by_the_application_stays_off() -> None:
    gc.disable()
    try:
        with cycles_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_an_error_inside_still_resumes_the_collector() -> None:
    try:
        with cycles_paused():
            raise KeyError("marks")
    except KeyError:
        pass
    assert gc.isenabled()


def test_what_a_pause_made_skips_the_young_collections() -> None:
    with cycles_paused():
        made = [[n] for n in range(1_000)]
    assert gc.get_count()[0] < 100
    young = {id(o) for generation in (0, 1) for o in gc.get_objects(generation=generation)}
    assert not any(id(element) in young for element in made)
    assert any(o is made for o in gc.get_objects(generation=2))
