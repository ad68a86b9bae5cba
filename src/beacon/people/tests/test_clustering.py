from __future__ import annotations

from beacon.people.clustering import cluster, stable_assignment


def test_pairs_above_threshold_join_transitively() -> None:
    out = cluster([1, 2, 3, 4], [(1, 2, 0.99), (2, 3, 0.9), (3, 4, 0.2)], threshold=0.8)
    assert out == {1: 1, 2: 1, 3: 1, 4: 4}


def test_cannot_link_holds_even_through_a_chain() -> None:
    # 1-2 and 2-3 are strong, but an analyst said 1 and 3 are different people.
    out = cluster([1, 2, 3], [(1, 2, 0.99), (2, 3, 0.95)], threshold=0.8, cannot_link=[(1, 3)])
    assert out[1] != out[3]
    assert out[2] == out[1]  # the stronger link wins


def test_must_link_joins_below_threshold() -> None:
    out = cluster([1, 2, 3], [(1, 2, 0.4)], threshold=0.8, must_link=[(2, 3)])
    assert out[2] == out[3] and out[1] != out[2]


def test_person_keeps_its_id_while_most_of_its_records_stay_together() -> None:
    current = {1: 10, 2: 10, 3: 10, 4: 20}
    # Record 3 splits off; records 1, 2 stay together; 4 joins them.
    a = stable_assignment({1: 1, 2: 1, 4: 1, 3: 3}, current)
    assert a.person_of[1] == a.person_of[2] == 10
    assert a.person_of[4] == 10 and a.merged == {20: 10}
    assert a.person_of[3] < 0 and a.new_persons == 1  # a new person for the split-off record
    assert (3, 10, a.person_of[3]) in a.moved and (4, 20, 10) in a.moved


def test_merge_keeps_the_larger_persons_id_and_ties_go_to_the_older() -> None:
    a = stable_assignment({1: 1, 2: 1, 3: 1}, {1: 7, 2: 7, 3: 5})
    assert set(a.person_of.values()) == {7} and a.merged == {5: 7}
    b = stable_assignment({1: 1, 2: 1}, {1: 9, 2: 4})
    assert set(b.person_of.values()) == {4} and b.merged == {9: 4}


def test_unchanged_clusters_move_nothing() -> None:
    current = {1: 1, 2: 1, 3: 3}
    a = stable_assignment({1: 1, 2: 1, 3: 3}, current)
    assert a.moved == [] and a.merged == {} and a.new_persons == 0


def test_a_household_pair_is_no_evidence_of_one_person() -> None:
    from beacon.people.comparisons import household_pair
    from beacon.people.features import features

    jade = features({"forename": "Jade", "surname": "Edwards", "phone": "07700 900371"}).values
    russell = features({"forename": "Russell", "surname": "Edwards", "phone": "07700 900371"}).values
    initial = features({"forename": "J", "surname": "Edwards", "phone": "07700 900371"}).values
    assert household_pair(jade, russell) and not household_pair(jade, initial)
    # The same two forenames with one date of birth: more likely a recording error, so it counts.
    born = {"dob": "1970-01-16"}
    assert not household_pair({**jade, **born}, {**russell, **born})
