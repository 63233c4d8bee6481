"""Shared wiring of the factor experiments: sampler -> gradient computer -> gradient updater."""

from __future__ import annotations

from typing import Any

from ..Getter import Getter as rs

#: Seed of the initial factors when the experiment is not given ``model_seed`` (the original's).
MODEL_SEED = 745578


def model_seed(experiment: Any) -> int:
    """The seed of the model's initial factors: ``model_seed`` if given, else 745578."""
    return experiment.parameter_default("model_seed", MODEL_SEED)


def factor_model(experiment: Any) -> Any:
    """The experiments' FactorModel: ``dimension=10, begin_min=-0.01, begin_max=0.01,
    initialize_all=False`` unless given, seeded with :func:`model_seed`."""
    return rs.FactorModel(
        **experiment.parameter_defaults(begin_min=-0.01, begin_max=0.01, dimension=10, initialize_all=False),
        seed=model_seed(experiment),
    )


def negative_sampler(experiment: Any, seed: int, negative_rate: float, with_repeats_filter: bool = True) -> Any:
    """A uniform negative sampler seeded with the experiment seed (``negative_sampler_seed`` wins)."""
    params: dict[str, Any] = {"negative_rate": experiment.parameter_default("negative_rate", negative_rate)}
    if with_repeats_filter:
        params["filter_repeats"] = experiment.parameter_default("filter_repeats", False)
    params["seed"] = experiment.parameter_default("negative_sampler_seed", seed)
    return rs.UniformNegativeSampleGenerator(**params)


def mse_chain(model: Any, gradient_updater: Any) -> Any:
    """A point-wise gradient computer with the MSE objective feeding ``gradient_updater``."""
    computer = rs.GradientComputerPointWise()
    computer.set_objective(rs.ObjectiveMSE())
    computer.set_model(model)
    computer.add_gradient_updater(gradient_updater)
    return computer
