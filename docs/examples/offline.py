"""The offline (scikit-learn style) API."""

# [start-offline]
from alpenglow.datasets import synthetic_stream
from alpenglow.offline.evaluation import NdcgScore, PrecisionScore, RecallScore
from alpenglow.offline.models import ALSFactorModel, PopularityModel

data = synthetic_stream(n_events=20_000, n_users=500, n_items=1_000, seed=7)
train, test = data.iloc[:16_000], data.iloc[16_000:]

for model in (PopularityModel(), ALSFactorModel(dimension=10, number_of_iterations=5)):
    model.fit(train)                                       # the input frame is never modified
    recommendations = model.recommend(users=test["user"].unique(), k=20)   # user, item, rank, score
    print(type(model).__name__,
          "NDCG@20 %.4f" % NdcgScore(test, recommendations, top_k=20),
          "precision@20 %.4f" % PrecisionScore(test, recommendations, top_k=20),
          "recall@20 %.4f" % RecallScore(test, recommendations, top_k=20))

print(model.predict(test.iloc[:5]))                        # scores of the pairs; NaN for unseen ids
# [end-offline]

# [start-matrix]
import scipy.sparse

matrix = scipy.sparse.random(100, 200, density=0.05, format="csr", random_state=1)   # users x items
als = ALSFactorModel(dimension=5).fit(matrix)
print(als.recommend(users=[0, 1], k=3))
# [end-matrix]
