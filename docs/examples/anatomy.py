"""Anatomy of an online experiment: the time-frame popularity experiment wired by hand."""

# [start-wiring]
import alpenglow
from alpenglow.datasets import synthetic_stream
from alpenglow.Getter import Getter as cpp

cpp.collect()  # record every component created from here on (see get_and_clean below)

# data: a DataFrame bridged to the core, served in time order with equal times shuffled
data_frame = synthetic_stream(n_events=5_000, seed=1)
data = alpenglow.DataframeData(data_frame)
iterator = cpp.ShuffleIterator(seed=12345)
iterator.set_recommender_data(data)

# the experiment: the loop over the records
online_experiment = cpp.OnlineExperiment(random_seed=12345, top_k=100, exclude_known=True, initialize_all=False)
online_experiment.set_recommender_data_iterator(iterator)

# the model and its updater (training)
model = cpp.PopularityModel()
updater = cpp.PopularityTimeFrameModelUpdater(tau=86400)
updater.set_model(model)
online_experiment.add_updater(updater)

# the loggers (evaluation): ranks of every record in memory
ranking_logs = cpp.RankingLogs()
ranking_logs.top_k = 100
ranking_logger = cpp.MemoryRankingLogger(memory_log=True)
ranking_logger.set_ranking_logs(ranking_logs)
ranking_logger.set_model(model)
online_experiment.add_logger(ranking_logger)

objects = cpp.get_and_clean()  # the components created since collect()
for component in objects:
    component.check_wiring()   # a missing set_.../add_... call is reported by name

online_experiment.run()        # GIL released; Ctrl-C raises alpenglow.errors.RunInterrupted
# [end-wiring]

# [start-logs]
print(len(ranking_logs), "evaluated records")
first = ranking_logs.logs[0]          # RankingLog: time, id, rank (raw 0-based code), user, ...
print(first)
results = ranking_logs.to_frame()     # the DataFrame of OnlineExperiment.run (1-based rank)
from alpenglow.evaluation import DcgScore

print("DCG@100:", DcgScore(results).mean())
# [end-logs]

# [start-missing]
from alpenglow.errors import WiringError

lonely = cpp.PopularityModelUpdater()  # set_model never called
try:
    lonely.check_wiring()
except WiringError as error:
    print(error)
# [end-missing]

# [start-config]
from alpenglow import OnlineExperiment


class MyPopularityTimeframeExperiment(OnlineExperiment):
    """The same graph as an experiment class: ``run`` adds the data, iterator and loggers."""

    def _config(self, top_k, seed):
        model = cpp.PopularityModel()
        updater = cpp.PopularityTimeFrameModelUpdater(tau=self.parameter_default("tau", 86400))
        updater.set_model(model)
        return model, updater, []


results = MyPopularityTimeframeExperiment(tau=3600).run(data_frame, verbose=False, exclude_known=True)
print("DCG@100 (tau=3600):", DcgScore(results).mean())
# [end-config]
