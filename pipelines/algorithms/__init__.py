"""The built-in algorithms the pipelines use, each with its contract (see contract.py)."""

from pipelines.algorithms.blazingtext import BLAZINGTEXT
from pipelines.algorithms.contract import Algorithm
from pipelines.algorithms.deepar import DEEPAR
from pipelines.algorithms.factorization_machines import FACTORIZATION_MACHINES
from pipelines.algorithms.ip_insights import IP_INSIGHTS
from pipelines.algorithms.kmeans import KMEANS
from pipelines.algorithms.knn import KNN
from pipelines.algorithms.lda import LDA
from pipelines.algorithms.linear_learner import LINEAR_LEARNER
from pipelines.algorithms.ntm import NTM
from pipelines.algorithms.object2vec import OBJECT2VEC
from pipelines.algorithms.pca import PCA
from pipelines.algorithms.random_cut_forest import RANDOM_CUT_FOREST
from pipelines.algorithms.seq2seq import SEQ2SEQ
from pipelines.algorithms.vision import IMAGE_CLASSIFICATION, OBJECT_DETECTION, SEMANTIC_SEGMENTATION
from pipelines.algorithms.xgboost import XGBOOST

ALGORITHMS: tuple[Algorithm, ...] = (
    XGBOOST,
    LINEAR_LEARNER,
    FACTORIZATION_MACHINES,
    KNN,
    PCA,
    DEEPAR,
    RANDOM_CUT_FOREST,
    KMEANS,
    IP_INSIGHTS,
    OBJECT2VEC,
    LDA,
    NTM,
    BLAZINGTEXT,
    SEQ2SEQ,
    IMAGE_CLASSIFICATION,
    OBJECT_DETECTION,
    SEMANTIC_SEGMENTATION,
)

__all__ = [
    "ALGORITHMS",
    "Algorithm",
    "BLAZINGTEXT",
    "DEEPAR",
    "FACTORIZATION_MACHINES",
    "IMAGE_CLASSIFICATION",
    "IP_INSIGHTS",
    "KMEANS",
    "KNN",
    "LDA",
    "LINEAR_LEARNER",
    "NTM",
    "OBJECT2VEC",
    "OBJECT_DETECTION",
    "PCA",
    "RANDOM_CUT_FOREST",
    "SEMANTIC_SEGMENTATION",
    "SEQ2SEQ",
    "XGBOOST",
]
