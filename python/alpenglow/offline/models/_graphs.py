"""Shared wiring of the offline models."""

from __future__ import annotations

from typing import Any

from ...Getter import Getter as rs

#: The negative sampler seed of the offline factor models (the original's fixed default).
NEGATIVE_SAMPLER_SEED = 67439852


def single_pass(updater: Any, seed: int) -> Any:
    """An offline learner passing the training set once, in order, through ``updater``."""
    learner = rs.OfflineIteratingOnlineLearnerWrapper(seed=seed, number_of_iterations=0, shuffle=False)
    learner.add_updater(updater)
    return learner


def sgd_epochs(m: Any, model: Any, gradient_updater: Any, negative_rate: float, number_of_iterations: int,
               shuffle: bool, seed: int) -> tuple[Any, Any]:
    """Negative sampler -> MSE gradient computer -> ``gradient_updater``, trained for
    ``number_of_iterations`` (reshuffled) epochs: returns (learner, sampler)."""
    sampler = rs.UniformNegativeSampleGenerator(
        negative_rate=negative_rate, seed=m.parameter_default("negative_sampler_seed", NEGATIVE_SAMPLER_SEED),
    )
    computer = rs.GradientComputerPointWise()
    computer.set_objective(rs.ObjectiveMSE())
    computer.set_model(model)
    computer.add_gradient_updater(gradient_updater)
    sampler.add_updater(computer)
    learner = rs.OfflineIteratingOnlineLearnerWrapper(seed=seed, number_of_iterations=number_of_iterations,
                                                      shuffle=shuffle)
    learner.add_iterate_updater(sampler)
    m.objects.update(negative_sample_generator=sampler, gradient_computer=computer, learner=learner)
    return learner, sampler
