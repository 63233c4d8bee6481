"""Model combination: a trained linear combination, an expert forecaster, merged top lists."""

from alpenglow import OnlineExperiment
from alpenglow.datasets import synthetic_stream
from alpenglow.evaluation import DcgScore
from alpenglow.Getter import Getter as cpp

data = synthetic_stream(n_events=5_000, n_users=300, n_items=500, seed=2)


# [start-linear]
class LinearCombinationExperiment(OnlineExperiment):
    """Transition + factor + time-frame popularity; the weights are trained by SGD."""

    def _config(self, top_k, seed):
        transition = cpp.TransitionProbabilityModel()
        transition_updater = cpp.TransitionProbabilityModelUpdater()
        transition_updater.set_model(transition)
        factor = cpp.FactorModel(dimension=10, begin_min=-0.01, begin_max=0.01)
        factor_updater = cpp.FactorModelGradientUpdater(learning_rate=0.05)
        factor_updater.set_model(factor)
        popularity = cpp.PopularityModel()
        popularity_updater = cpp.PopularityTimeFrameModelUpdater(tau=86400)
        popularity_updater.set_model(popularity)

        combined = cpp.CombinedModel(log_file_name="", log_frequency=0, use_user_weights=False)
        for model in (transition, factor, popularity):
            combined.add_model(model)
        combiner = cpp.CombinedDoubleLayerModelGradientUpdater(global_learning_rate=0.05, learning_rate=0.05)
        combiner.set_model(combined)

        def gradient_computer(model, gradient_updater):
            computer = cpp.GradientComputerPointWise()
            computer.set_objective(cpp.ObjectiveMSE())
            computer.set_model(model)
            computer.add_gradient_updater(gradient_updater)
            return computer

        sampler = cpp.UniformNegativeSampleGenerator(negative_rate=10, seed=seed)
        sampler.add_updater(gradient_computer(combined, combiner))   # the weights first,
        sampler.add_updater(gradient_computer(factor, factor_updater))  # then the factor model
        return combined, [sampler, transition_updater, popularity_updater], []


linear = LinearCombinationExperiment(top_k=100).run(data, verbose=False)
print("linear combination DCG@100:", DcgScore(linear).mean())
# [end-linear]


# [start-forecaster]
class ForecasterExperiment(OnlineExperiment):
    """Exponentially weighted forecaster: each record is ranked by one model drawn by weight."""

    def _config(self, top_k, seed):
        popularity, transition = cpp.PopularityModel(), cpp.TransitionProbabilityModel()
        popularity_updater, transition_updater = cpp.PopularityModelUpdater(), cpp.TransitionProbabilityModelUpdater()
        popularity_updater.set_model(popularity)
        transition_updater.set_model(transition)
        model = cpp.RandomChoosingCombinedModel(seed=seed)
        model.add_model(popularity)
        model.add_model(transition)
        expert = cpp.RandomChoosingCombinedModelExpertUpdater(eta=0.1, top_k=top_k, loss_type="dcg")
        model.inject_wms_into(expert)   # = expert.set_model(model), the original's call
        # the expert weights are updated before the members learn the record
        return model, [expert, popularity_updater, transition_updater], []


forecaster = ForecasterExperiment(top_k=100).run(data, verbose=False)
print("forecaster DCG@100:", DcgScore(forecaster).mean())
# [end-forecaster]


# [start-toplist]
class ToplistCombinationExperiment(OnlineExperiment):
    """Merges the members' top lists: the first list's best, then the second's, and so on."""

    def _config(self, top_k, seed):
        popularity, transition = cpp.PopularityModel(), cpp.TransitionProbabilityModel()
        popularity_updater, transition_updater = cpp.PopularityModelUpdater(), cpp.TransitionProbabilityModelUpdater()
        popularity_updater.set_model(popularity)
        transition_updater.set_model(transition)
        model = cpp.ToplistCombinationModel(seed=seed, top_k=top_k)
        model.add_model(popularity)
        model.add_model(transition)
        return model, [popularity_updater, transition_updater], []


merged = ToplistCombinationExperiment(top_k=100).run(data, verbose=False)
print("top-list combination DCG@100:", DcgScore(merged).mean())
# [end-toplist]
