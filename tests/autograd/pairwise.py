"""Pairwise (all-pairs) test grids: a few dozen cases instead of the full product."""

import itertools
import random


def pairwise_cases(parameters, valid, seed=0):
    """A short list of valid cases holding every pair of values that some valid case holds.

    parameters: {name: [values]}; valid(case) -> bool filters impossible combinations. Greedy:
    each step keeps the sampled case that covers most of the pairs not yet covered.
    """
    names = list(parameters)
    everything = [dict(zip(names, values)) for values in itertools.product(*parameters.values())]
    everything = [case for case in everything if valid(case)]

    def pairs(case):
        return {(a, repr(case[a]), b, repr(case[b])) for a, b in itertools.combinations(names, 2)}

    uncovered = set().union(*(pairs(case) for case in everything))
    chooser, chosen = random.Random(seed), []
    while uncovered:
        best = max(chooser.sample(everything, min(200, len(everything))), key=lambda c: len(pairs(c) & uncovered))
        if not pairs(best) & uncovered:  # the sample missed the last pairs: take a case holding one
            best = next(c for c in everything if pairs(c) & uncovered)
        chosen.append(best)
        uncovered -= pairs(best)
    return chosen


def case_id(case):
    return "-".join(f"{name}={value}" for name, value in case.items()).replace(" ", "")
