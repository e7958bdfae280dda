"""Over a generated population, the records check finds the right child and rarely offers a stranger (R2.5).

Candidates come from the blocking keys, as they will from the database: a variant whose child shares
no key with it is a miss, however well the scorer would have ranked it.
"""

import pytest

from tests.children.variants import Variations, measure


@pytest.fixture(scope="module")
def results():
    return measure(population_size=20_000, per_kind=250, new_children=2_000)


def test_at_least_2000_variants_of_every_kind_are_measured(results):
    assert results["variants"] >= 2_000
    assert set(results["by_kind"]) == set(Variations.KINDS)
    assert all(figures["variants"] == 250 for figures in results["by_kind"].values())


@pytest.mark.parametrize("kind", Variations.KINDS)
def test_the_right_child_is_in_the_top_5_for_95_percent_of_each_kind_of_variant(results, kind):
    assert results["by_kind"][kind]["top5"] >= 0.95


def test_the_right_child_is_in_the_top_5_for_95_percent_of_all_variants(results):
    assert results["top5"] >= 0.95


def test_a_child_with_no_record_is_offered_as_likely_the_same_child_for_at_most_1_percent(results):
    assert results["new_children"] == 2_000
    assert results["new_offered_as_likely"] <= 0.01
