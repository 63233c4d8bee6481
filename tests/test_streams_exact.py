"""Exact per-record ranks and predictions on hand-made streams, computed by hand below.

Conventions used in the comments:
* ``c(i)`` is the count of item i *before* the evaluated record trains the model (evaluate-then-train);
* ranks are 1-based; NaN for a never-seen item, a prediction of exactly 0, or a rank > top_k;
* ties are broken by the ranking logger's MINSTD generator (seed 43211234):
  ``rank = better + get(ties + 1)``, one draw per evaluated record that has ties. With that seed the
  uniforms are u0..u7 = .2994 .0575 .1449 .5307 .3394 .1178 .8424 .5959, so
  ``get(2)`` = 0 0 0 1 0 0 1 1 and ``get(3)`` = 0 0 0 1 1 0 2 1.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from alpenglow.experiments import (
    PersonalPopularityExperiment,
    PopularityExperiment,
    PopularityTimeframeExperiment,
    TransitionProbabilityExperiment,
)

NAN = float("nan")
ln = math.log


def run(experiment, df, **kw):
    kw.setdefault("shuffle_same_time", False)
    return experiment.run(df, verbose=False, **kw)


# --------------------------------------------------------------------------------------------
# PopularityExperiment: prediction = ln(c+1)/ln(max+1)
# --------------------------------------------------------------------------------------------
POP_USERS = [0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3]
POP_ITEMS = [0, 1, 0, 1, 2, 2, 1, 0, 2, 0, 1, 3]
# rec user item  state before                 better ties draw            rank
#  0   u0   i0   -                            new item                    NaN
#  1   u1   i1   i0=1                         new item                    NaN
#  2   u2   i0   i0=1 i1=1                    0      1   #0 get(2)=0      1
#  3   u3   i1   i0=2 i1=1                    1      0                    2
#  4   u0   i2   i0=2 i1=2                    new item                    NaN
#  5   u1   i2   i0=2 i1=2 i2=1               2      0                    3
#  6   u2   i1   i0=2 i1=2 i2=2               0      2   #1 get(3)=0      1
#  7   u3   i0   i0=2 i1=3 i2=2               1      1   #2 get(2)=0      2
#  8   u0   i2   i0=3 i1=3 i2=2               2      0                    3
#  9   u1   i0   i0=3 i1=3 i2=3               0      2   #3 get(3)=1      2
# 10   u2   i1   i0=4 i1=3 i2=3               1      1   #4 get(2)=0      2
# 11   u3   i3   -                            new item                    NaN
POP_RANKS = [NAN, NAN, 1, 2, NAN, 3, 1, 2, 3, 2, 2, NAN]
POP_PREDICTIONS = [0, 0, 1, ln(2) / ln(3), 0, ln(2) / ln(3), 1, ln(3) / ln(4), ln(3) / ln(4), 1, ln(4) / ln(5), 0]


@pytest.fixture
def pop_df(stream):
    return stream(POP_USERS, POP_ITEMS)


def test_popularity_exact_ranks_and_predictions(pop_df, assert_ranks):
    res = run(PopularityExperiment(top_k=10), pop_df)
    assert_ranks(res["rank"], POP_RANKS)
    np.testing.assert_allclose(res["prediction"].to_numpy(), POP_PREDICTIONS, rtol=0, atol=1e-12)
    assert res["user"].tolist() == POP_USERS and res["item"].tolist() == POP_ITEMS
    assert res.index.tolist() == list(range(12))


def test_popularity_exclude_known(pop_df, assert_ranks):
    # Known = pairs that occurred earlier for the user (excluded from the candidates).
    # rec user item  known         candidates (count)        better ties draw        rank
    #  2   u2   i0   {}            i1(1)                     0      1   #0 get(2)=0   1
    #  3   u3   i1   {}            i0(2)                     1      0                 2
    #  5   u1   i2   {i1}          i0(2)                     1      0                 2
    #  6   u2   i1   {i0}          i2(2)                     0      1   #1 get(2)=0   1
    #  7   u3   i0   {i1}          i2(2)                     0      1   #2 get(2)=0   1
    #  8   u0   i2   {i0,i2}       i1(3)                     1      0                 2
    #  9   u1   i0   {i1,i2}       -                         0      0                 1
    # 10   u2   i1   {i0,i1}       i2(3)                     0      1   #3 get(2)=1   2
    res = run(PopularityExperiment(top_k=10), pop_df, exclude_known=True)
    assert_ranks(res["rank"], [NAN, NAN, 1, 2, NAN, 2, 1, 1, 2, 1, 2, NAN])
    # The prediction itself does not depend on exclusion.
    np.testing.assert_allclose(res["prediction"].to_numpy(), POP_PREDICTIONS, rtol=0, atol=1e-12)


def test_popularity_small_top_k(pop_df, assert_ranks):
    # Same draws as with top_k=10 (no record with ties reaches 2 better items); rank 3 > top_k -> NaN.
    res = run(PopularityExperiment(top_k=2), pop_df)
    assert_ranks(res["rank"], [NAN, NAN, 1, 2, NAN, NAN, 1, 2, NAN, 2, 2, NAN])
    assert res.top_k == 2
    res1 = run(PopularityExperiment(top_k=1), pop_df)
    # top_k=1: only rank 1 survives. Rec 7 (better 1) stops the walk before its tie: no draw there,
    # so rec 9 draws #2 get(3)=0 -> rank 1, and rec 10 (better 1) is NaN.
    assert_ranks(res1["rank"], [NAN, NAN, 1, NAN, NAN, NAN, 1, NAN, NAN, 1, NAN, NAN])


def test_popularity_evaluation_start_time_consumes_draws_only_when_evaluated(pop_df, assert_ranks):
    df = pop_df.assign(time=pop_df["time"] * 10)  # times 0, 10, ..., 110
    res = run(PopularityExperiment(top_k=10), df, evaluation_start_time=55)
    # Records 0-5 train but are not evaluated and draw nothing, so the draws restart at rec 6:
    #  6: ties 2   #0 get(3)=0 -> 1;   7: better 1 ties 1  #1 get(2)=0 -> 2;   8: better 2 -> 3
    #  9: ties 2   #2 get(3)=0 -> 1;  10: better 1 ties 1  #3 get(2)=1 -> 3;  11: new item -> NaN
    assert res.index.tolist() == [6, 7, 8, 9, 10, 11]
    assert_ranks(res["rank"], [1, 2, 3, 1, 3, NAN])


def test_tie_draw_sequence_with_eval_column(stream, assert_ranks):
    # Two items; eval=0 records only train. Every evaluated record (i0, eval=1) sees i0 and i1 with
    # equal counts (i1 catches up on the eval=0 record that follows), so ties=1 and
    # rank = 1 + get(2): the documented draws 0 0 0 1 0 0 1 1.
    items = [0, 1] + [0, 1] * 8
    evals = [0, 0] + [1, 0] * 8
    df = stream([0] * 18, items, eval=evals)
    res = run(PopularityExperiment(top_k=10), df)
    assert res.index.tolist() == [2, 4, 6, 8, 10, 12, 14, 16]  # eval=0 rows are absent
    assert_ranks(res["rank"], [1, 1, 1, 2, 1, 1, 2, 2])
    # If the eval=0 rows did not train, i1 would not exist and every rank would be 1 without draws.
    assert res["prediction"].tolist() == [1.0] * 8


def test_ranking_seed_changes_only_the_tie_draws(stream, assert_ranks, minstd):
    items = [0, 1] + [0, 1] * 8
    df = stream([0] * 18, items, eval=[0, 0] + [1, 0] * 8)
    rng = minstd(987654321)
    expected = [1 + rng.get(2) for _ in range(8)]
    res = run(PopularityExperiment(top_k=10, ranking_seed=987654321), df)
    assert_ranks(res["rank"], expected)
    # The experiment seed does not touch the tie-breaking generator.
    res2 = run(PopularityExperiment(top_k=10, seed=12345), df)
    assert_ranks(res2["rank"], [1, 1, 1, 2, 1, 1, 2, 2])


def test_experiment_seed_does_not_change_distinct_time_results(pop_df):
    a = PopularityExperiment(top_k=10).run(pop_df, verbose=False)  # shuffle on: nothing to shuffle
    b = PopularityExperiment(top_k=10, seed=777).run(pop_df, verbose=False)
    pd.testing.assert_frame_equal(a, b)


# --------------------------------------------------------------------------------------------
# PopularityTimeframeExperiment, tau=2 on times 0..9: after training the record at time t, the
# window holds the records with time >= t-2 (three records). Normaliser = max count in the window.
# --------------------------------------------------------------------------------------------
TF_USERS = [0, 1, 2, 0, 1, 2, 0, 1, 2, 0]
TF_ITEMS = [0, 1, 0, 1, 0, 2, 0, 1, 2, 1]
# rec t item  window counts (before)   pred           better ties draw          rank
#  0  0  i0   -                        0              new item                  NaN
#  1  1  i1   i0=1                     0              new item                  NaN
#  2  2  i0   i0=1 i1=1                ln2/ln2=1      0      1   #0 get(2)=0    1
#  3  3  i1   i0=2 i1=1  (t0..t2)      ln2/ln3        1      0                  2
#  4  4  i0   i0=1 i1=2  (t1..t3)      ln2/ln3        1      0                  2
#  5  5  i2   i0=2 i1=1  (t2..t4)      0              new item                  NaN
#  6  6  i0   i0=1 i1=1 i2=1 (t3..t5)  ln2/ln2=1      0      2   #1 get(3)=0    1
#  7  7  i1   i0=2 i2=1 i1=0 (t4..t6)  0              zero prediction           NaN
#  8  8  i2   i0=1 i1=1 i2=1 (t5..t7)  1              0      2   #2 get(3)=0    1
#  9  9  i1   i0=1 i1=1 i2=1 (t6..t8)  1              0      2   #3 get(3)=1    2
# (Rec 6: the original never lowered the normaliser and would predict ln2/ln3; ranks are the same.)
TF_RANKS = [NAN, NAN, 1, 2, 2, NAN, 1, NAN, 1, 2]
TF_PREDICTIONS = [0, 0, 1, ln(2) / ln(3), ln(2) / ln(3), 0, 1, 0, 1, 1]


def test_popularity_timeframe_exact(stream, assert_ranks):
    res = run(PopularityTimeframeExperiment(tau=2, top_k=10), stream(TF_USERS, TF_ITEMS))
    assert_ranks(res["rank"], TF_RANKS)
    np.testing.assert_allclose(res["prediction"].to_numpy(), TF_PREDICTIONS, rtol=0, atol=1e-12)


def test_popularity_timeframe_top_k_1(stream, assert_ranks):
    # Rec 3, 4 have one better item -> NaN. Draws happen at recs 2, 6, 8, 9 as above: rec 9 gets
    # get(3)=1 -> rank 2 > top_k -> NaN.
    res = run(PopularityTimeframeExperiment(tau=2, top_k=1), stream(TF_USERS, TF_ITEMS))
    assert_ranks(res["rank"], [NAN, NAN, 1, NAN, NAN, NAN, 1, NAN, 1, NAN])


def test_popularity_timeframe_huge_tau_is_plain_popularity(pop_df):
    a = run(PopularityTimeframeExperiment(tau=10**9, top_k=10), pop_df)
    b = run(PopularityExperiment(top_k=10), pop_df)
    pd.testing.assert_frame_equal(a, b)


# --------------------------------------------------------------------------------------------
# PersonalPopularityExperiment: pred = ln(own(u,i) + g(i) + 1) / ln(own(u,top(u)) + 2),
# g(i) = ln(c(i)+1)/ln(max+1) (0 if c(i)=0); top(u) = the user's first item reaching its max own count.
# --------------------------------------------------------------------------------------------
PP_USERS = [0, 1, 0, 1, 2, 2, 0, 0, 3, 3, 3]
PP_ITEMS = [0, 1, 1, 0, 0, 1, 0, 1, 2, 2, 0]
# rec user item counts before     pred                                  competitors           rank
#  0   u0   i0  -                 0                                      new item              NaN
#  1   u1   i1  i0=1              0                                      new item              NaN
#  2   u0   i1  i0=1 i1=1         ln(0+1+1)/ln(1+2) = ln2/ln3           i0: ln3/ln3=1 better   2
#  3   u1   i0  i0=1 i1=2         ln(1+ln2/ln3)/ln3                      i1: ln3/ln3=1 better   2
#  4   u2   i0  i0=2 i1=2         ln(0+1+1)/ln(0+2) = 1                  i1: 1 tie; #0 get(2)=0 1
#  5   u2   i1  i0=3 i1=2         ln(1+ln3/ln4)/ln3                      i0: ln3/ln3 better     2
#  6   u0   i0  i0=3 i1=3         ln(1+1+1)/ln3 = 1                      i1: 1 tie; #1 get(2)=0 1
#  7   u0   i1  i0=4 i1=3         ln(1+ln4/ln5+1)/ln(2+2)                i0: ln4/ln4 better     2
#  8   u3   i2  i0=4 i1=4         0                                      new item              NaN
#  9   u3   i2  i0=4 i1=4 i2=1    ln(1+ln2/ln5+1)/ln3                    i0,i1: ln2/ln3 worse   1
# 10   u3   i0  i0=4 i1=4 i2=2    ln(0+1+1)/ln(2+2) = 0.5                i1 0.5 tie, i2 better:
#                                                                        better 1 + #2 get(2)=0 2
# (Rec 9: global popularity alone would rank i2 third.)
PP_RANKS = [NAN, NAN, 2, 2, 1, 2, 1, 2, NAN, 1, 2]
PP_PREDICTIONS = [
    0, 0, ln(2) / ln(3), ln(1 + ln(2) / ln(3)) / ln(3), 1, ln(1 + ln(3) / ln(4)) / ln(3), 1,
    ln(2 + ln(4) / ln(5)) / ln(4), 0, ln(2 + ln(2) / ln(5)) / ln(3), 0.5,
]


def test_personal_popularity_exact(stream, assert_ranks):
    res = run(PersonalPopularityExperiment(top_k=10), stream(PP_USERS, PP_ITEMS))
    assert_ranks(res["rank"], PP_RANKS)
    np.testing.assert_allclose(res["prediction"].to_numpy(), PP_PREDICTIONS, rtol=0, atol=1e-12)


def test_personal_popularity_top_k_1(stream, assert_ranks):
    # Rank-2 records become NaN; rec 10's walk stops at its first better item (i2 comes after the
    # tied i1 in popularity order, so the tie is counted and the draw #2 still happens).
    res = run(PersonalPopularityExperiment(top_k=1), stream(PP_USERS, PP_ITEMS))
    assert_ranks(res["rank"], [NAN, NAN, NAN, NAN, 1, NAN, 1, NAN, NAN, 1, NAN])


# --------------------------------------------------------------------------------------------
# TransitionProbabilityExperiment: pred = ln(count(last(u) -> i) + 1), 0 without a transition.
# --------------------------------------------------------------------------------------------
TP_USERS = [0, 0, 1, 1, 0, 2, 2, 2, 1, 1, 0, 0]
TP_ITEMS = [0, 1, 0, 1, 0, 2, 0, 2, 0, 2, 2, 0]
# rec user item last  row of last (before)   pred    rank
#  0   u0   i0   -     -                      0       new item               NaN
#  1   u0   i1   i0    {}                     0       new item               NaN
#  2   u1   i0   -     -                      0       first record of u1     NaN
#  3   u1   i1   i0    {i1:1}                 ln2     alone                  1
#  4   u0   i0   i1    {}                     0       zero prediction        NaN
#  5   u2   i2   -     -                      0       new item               NaN
#  6   u2   i0   i2    {}                     0       zero prediction        NaN
#  7   u2   i2   i0    {i1:2}                 0       zero prediction        NaN
#  8   u1   i0   i1    {i0:1}                 ln2     alone                  1
#  9   u1   i2   i0    {i1:2 i2:1}            ln2     i1 better              2
# 10   u0   i2   i0    {i1:2 i2:2}            ln3     i1 tie, #0 get(2)=0    1
# 11   u0   i0   i2    {i0:1}                 ln2     alone                  1
TP_RANKS = [NAN, NAN, NAN, 1, NAN, NAN, NAN, NAN, 1, 2, 1, 1]
TP_PREDICTIONS = [0, 0, 0, ln(2), 0, 0, 0, 0, ln(2), ln(2), ln(3), ln(2)]


def test_transition_exact(stream, assert_ranks):
    res = run(TransitionProbabilityExperiment(top_k=10), stream(TP_USERS, TP_ITEMS))
    assert_ranks(res["rank"], TP_RANKS)
    np.testing.assert_allclose(res["prediction"].to_numpy(), TP_PREDICTIONS, rtol=0, atol=1e-12)


def test_transition_exclude_known_and_top_k(stream, assert_ranks):
    df = stream(TP_USERS, TP_ITEMS)
    # exclude_known: rec 9 (u1 knows i0, i1): i1 excluded -> 1; rec 10 (u0 knows i0, i1): no tie -> 1.
    res = run(TransitionProbabilityExperiment(top_k=10), df, exclude_known=True)
    assert_ranks(res["rank"], [NAN, NAN, NAN, 1, NAN, NAN, NAN, NAN, 1, 1, 1, 1])
    res = run(TransitionProbabilityExperiment(top_k=1), df)
    assert_ranks(res["rank"], [NAN, NAN, NAN, 1, NAN, NAN, NAN, NAN, 1, NAN, 1, 1])


@pytest.mark.parametrize("mode,ranks,counts", [
    # u0: i0 -> i1, u1: i1 -> i0, u0: (i1 ->) i0 -> i1.
    # normal    counts last -> item:   rec 3 row(i1) empty -> NaN; rec 4 row(i1)={i0:1}; rec 5 row(i0)={i1:1}
    ("normal", [NAN, NAN, NAN, NAN, 1, 1], [0, 0, 0, 0, 1, 1]),
    # inverted  counts item -> last:   rec 3 row(i1)={i0:1}; rec 4 row(i1)={i0:1}; rec 5 row(i0)={i1:2}
    ("inverted", [NAN, NAN, NAN, 1, 1, 1], [0, 0, 0, 1, 1, 2]),
    # symmetric counts both:           rec 3 {i0:1}; rec 4 {i0:2}; rec 5 {i1:3}
    ("symmetric", [NAN, NAN, NAN, 1, 1, 1], [0, 0, 0, 1, 2, 3]),
])
def test_transition_modes(stream, assert_ranks, mode, ranks, counts):
    df = stream([0, 0, 1, 1, 0, 0], [0, 1, 1, 0, 0, 1])
    res = run(TransitionProbabilityExperiment(top_k=10, mode=mode), df)
    assert_ranks(res["rank"], ranks)
    np.testing.assert_allclose(res["prediction"].to_numpy(), [ln(c + 1) for c in counts], rtol=0, atol=1e-12)


def test_transition_filter_freq_updates(stream, assert_ranks):
    # u0: i0, i1 (eval=0), i0, i1. With filter_freq_updates the eval=0 record's transition i0 -> i1
    # is not counted (it still sets the last item), so rec 3 (last i0) has no row entry -> NaN.
    df = stream([0, 0, 0, 0], [0, 1, 0, 1], eval=[1, 0, 1, 1])
    plain = run(TransitionProbabilityExperiment(top_k=10), df)
    filtered = run(TransitionProbabilityExperiment(top_k=10, filter_freq_updates=True), df)
    assert plain.index.tolist() == filtered.index.tolist() == [0, 2, 3]
    assert_ranks(plain["rank"], [NAN, NAN, 1])
    assert_ranks(filtered["rank"], [NAN, NAN, NAN])
    assert filtered["prediction"].tolist() == [0.0, 0.0, 0.0]


def test_exclude_known_ignores_the_score_of_the_known_pair(stream, assert_ranks):
    # u0 met i1 with score s earlier; at rec 4 (u0, i0) the more popular i1 is excluded whatever s
    # is (one rule: the pair occurred earlier). Without exclusion i1 is better -> rank 2.
    for s in (0.0, 0.5, 1.0):
        df = stream([1, 1, 0, 2, 0], [1, 0, 1, 1, 0], score=[1, 1, s, 1, 1])
        assert_ranks(run(PopularityExperiment(top_k=10), df, exclude_known=True)["rank"], [NAN, NAN, 1, 1, 1])
        assert_ranks(run(PopularityExperiment(top_k=10), df)["rank"], [NAN, NAN, 1, 1, 2])


def test_initialize_all_changes_only_the_new_item_code(stream, assert_ranks, tmp_path):
    # With initialize_all every id up to the max exists from the start, so a never-seen item is
    # "existing with prediction 0" (code top_k+2) instead of "new" (top_k+5); ranks are the same.
    df = stream(POP_USERS, POP_ITEMS)
    codes = {}
    for flag in (False, True):
        out = tmp_path / f"init{flag}.txt"
        res = run(PopularityExperiment(top_k=10), df, initialize_all=flag, out_file=str(out))
        assert_ranks(res["rank"], POP_RANKS)
        codes[flag] = [int(line.split()[1]) for line in out.read_text().splitlines()]
    assert codes[False] == [15, 15, 0, 1, 15, 2, 0, 1, 2, 1, 1, 15]
    assert codes[True] == [12, 12, 0, 1, 12, 2, 0, 1, 2, 1, 1, 12]


# --------------------------------------------------------------------------------------------
# Same-time shuffle (fixed Fisher-Yates within every equal-time run, seeded with `seed`)
# --------------------------------------------------------------------------------------------
def test_shuffle_same_time_default_seed_order(stream):
    # One run of 10 equal times; seed 254938879 shuffles [0..9] into 9 8 7 1 5 6 3 0 2 4.
    df = stream(list(range(10)), list(range(10)), times=[0] * 10)
    res = PopularityExperiment().run(df, verbose=False)
    assert res.index.tolist() == [9, 8, 7, 1, 5, 6, 3, 0, 2, 4]


def test_shuffle_same_time_every_run_shuffled(stream, minstd):
    # Times [10,10,10,10.1,10.2,10.5 x4], items 1..9, seed 1239. For i = n-1..1 swap a[i], a[get(i+1)]:
    # run [1,2,3]: get(3)=0, get(2)=0 -> [2,3,1]; run [6,7,8,9]: get(4)=0, get(3)=2, get(2)=0 -> [7,9,8,6].
    # (The original never moved the first record of a non-final run: 1 3 2 4 5 8 9 6 7.)
    times = [10, 10, 10, 10.1, 10.2, 10.5, 10.5, 10.5, 10.5]
    df = stream([0] * 9, list(range(1, 10)), times=times)
    res = PopularityExperiment(seed=1239).run(df, verbose=False)
    assert res["item"].tolist() == [2, 3, 1, 4, 5, 7, 9, 8, 6]
    rng = minstd(1239)
    assert [rng.get(3), rng.get(2), rng.get(4), rng.get(3), rng.get(2)] == [0, 0, 0, 2, 0]


def test_shuffle_off_keeps_input_order(stream):
    df = stream(list(range(10)), list(range(10)), times=[0] * 10)
    res = PopularityExperiment().run(df, verbose=False, shuffle_same_time=False)
    assert res.index.tolist() == list(range(10))


# --------------------------------------------------------------------------------------------
# Randomised conformance against a literal Python transcription of the documented rank rules:
# the environment's popularity-sorted container (an incremented item swaps with the head of its
# equal-count run), the brute-force walk in that order with early exit at top_k better items,
# the ranking-iterator walk for the transition model (descending scores), one tie draw per ranked
# record with ties. The engine's shortcuts must give exactly the same ranks.
# --------------------------------------------------------------------------------------------
class _TopPop:
    def __init__(self):
        self.items, self.counts, self.pos = [], [], {}

    def increase(self, item):
        if item not in self.pos:
            self.pos[item] = len(self.items)
            self.items.append(item)
            self.counts.append(1)
            return
        x = self.pos[item]
        p = self.counts[x]
        h = self.counts.index(p)  # head of the run with count p (the list is sorted non-increasing)
        other = self.items[h]
        self.items[h], self.items[x] = item, other
        self.pos[item], self.pos[other] = h, x
        self.counts[h] = p + 1


def _reference(kind, df, top_k, exclude_known, tau=None):
    from collections import defaultdict, deque

    rng_state = [43211234]

    def draw(n):
        rng_state[0] = rng_state[0] * 48271 % (2**31 - 1)
        return int(rng_state[0] / 2**31 * n)

    env, seen, known = _TopPop(), set(), defaultdict(set)
    count, personal, top_item = defaultdict(int), defaultdict(float), {}
    window = deque()
    transitions, last = defaultdict(lambda: defaultdict(int)), {}

    def max_count():
        return max(count.values(), default=0)

    def predict(u, i):
        if kind in ("pop", "timeframe"):
            c = count[i]
            return 0.0 if c == 0 else ln(c + 1) / ln(max_count() + 1)
        if kind == "personal":
            c = count[i]
            g = 0.0 if c == 0 else ln(c + 1) / ln(max_count() + 1)
            top = personal[(u, top_item[u])] if u in top_item else 0.0
            return ln(personal[(u, i)] + g + 1) / ln(top + 2)
        row = transitions.get(last.get(u))
        return ln(row[i] + 1) if row is not None and row.get(i, 0) > 0 else 0.0

    ranks, predictions = [], []
    for t, u, i, s in zip(df["time"], df["user"], df["item"], df["score"]):
        pred = predict(u, i)
        predictions.append(pred)
        if i not in seen:
            code = top_k + 5
        elif pred == 0:
            code = top_k + 2
        else:
            skip = known[u] if exclude_known else set()
            if kind == "transition":
                row = transitions[last[u]]
                order = sorted(row, key=lambda j: (-row[j], j))
            else:
                order = env.items
            better = ties = 0
            for j in order:
                if j == i or j in skip:
                    continue
                sj = predict(u, j)
                if sj > pred:
                    better += 1
                    if better == top_k:
                        break
                elif sj == pred:
                    ties += 1
            code = min(better + (draw(ties + 1) if ties else 0), top_k)
        ranks.append(code + 1.0 if code < top_k else NAN)
        # train: environment, then the model
        seen.add(i)
        known[u].add(i)
        env.increase(i)
        if kind in ("pop", "personal", "timeframe"):
            count[i] += 1
        if kind == "personal":
            personal[(u, i)] += s
            if personal[(u, i)] > (personal[(u, top_item[u])] if u in top_item else 0.0):
                top_item[u] = i
        if kind == "timeframe":
            window.append((t, i))
            while window and window[0][0] < t - tau:
                count[window.popleft()[1]] -= 1
        if kind == "transition":
            if u in last:
                transitions[last[u]][i] += 1
            last[u] = i
    return ranks, predictions


@pytest.mark.parametrize("kind", ["pop", "personal", "timeframe", "timeframe0", "transition"])
@pytest.mark.parametrize("top_k", [1, 3, 50])
@pytest.mark.parametrize("exclude_known", [False, True], ids=["all", "exclude"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_streams_match_reference_walk(kind, top_k, exclude_known, seed, assert_ranks):
    rng = np.random.default_rng(seed)
    n = 300
    df = pd.DataFrame({
        "time": np.cumsum(rng.integers(0, 4, n)),  # some equal times (kept in input order)
        "user": rng.integers(0, 12, n),
        # skewed items, so that popular items collect ties and repeats
        "item": np.minimum(rng.geometric(0.15, n) - 1, 25),
        "score": rng.choice([1.0, 2.0], n) if kind == "personal" else 1.0,
    })
    tau = 0 if kind == "timeframe0" else 12
    kind = "timeframe" if kind == "timeframe0" else kind
    experiment = {
        "pop": lambda: PopularityExperiment(top_k=top_k),
        "personal": lambda: PersonalPopularityExperiment(top_k=top_k),
        "timeframe": lambda: PopularityTimeframeExperiment(top_k=top_k, tau=tau),
        "transition": lambda: TransitionProbabilityExperiment(top_k=top_k),
    }[kind]()
    res = run(experiment, df, exclude_known=exclude_known, recode=False)
    ranks, predictions = _reference(kind, df, top_k, exclude_known, tau=tau)
    np.testing.assert_allclose(res["prediction"].to_numpy(), predictions, rtol=1e-12, atol=1e-12)
    assert_ranks(res["rank"], ranks)


@pytest.mark.parametrize("seed", [254938879, 1239, 5])
def test_random_equal_time_runs_shuffled_like_reference(seed, minstd):
    # Reference: one generator seeded with `seed`; every maximal run of equal times is shuffled in
    # place, in stream order, by "for i = n-1 .. 1: swap a[i], a[get(i+1)]".
    rng = np.random.default_rng(seed)
    times = np.cumsum(rng.choice([0, 0, 1], 200))
    df = pd.DataFrame({"time": times, "user": np.arange(200), "item": np.arange(200)})
    gen = minstd(seed)
    order = list(range(200))
    start = 0
    while start < 200:
        end = start
        while end < 200 and times[end] == times[start]:
            end += 1
        run_ = order[start:end]
        for i in range(len(run_) - 1, 0, -1):
            j = gen.get(i + 1)
            run_[i], run_[j] = run_[j], run_[i]
        order[start:end] = run_
        start = end
    res = PopularityExperiment(seed=seed).run(df, verbose=False)
    assert res.index.tolist() == order
    assert (np.diff(res["time"].to_numpy()) >= 0).all()
