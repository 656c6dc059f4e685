"""The built-in algorithms the pipelines train, with what the step builders need to know about each."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Algorithm:
    name: str
    framework: str  # the SDK's image_uris key
    version: str = "1"  # every built-in algorithm but XGBoost publishes only version 1
    # Resumes from /opt/ml/checkpoints after a spot interruption (the developer guide lists XGBoost and the
    # vision algorithms); the others restart from scratch, so they get spot without a checkpoint location.
    checkpoints: bool = False

    @property
    def label(self) -> str:
        return self.name if self.version == "1" else f"{self.name} {self.version}"


XGBOOST = Algorithm("XGBoost", "xgboost", "3.2-0", checkpoints=True)
LINEAR_LEARNER = Algorithm("Linear Learner", "linear-learner")
FACTORIZATION_MACHINES = Algorithm("Factorization Machines", "factorization-machines")
KNN = Algorithm("k-NN", "knn")
PCA = Algorithm("PCA", "pca")
DEEPAR = Algorithm("DeepAR", "forecasting-deepar")
RANDOM_CUT_FOREST = Algorithm("Random Cut Forest", "randomcutforest")
KMEANS = Algorithm("K-Means", "kmeans")
IP_INSIGHTS = Algorithm("IP Insights", "ipinsights")
OBJECT2VEC = Algorithm("Object2Vec", "object2vec")
LDA = Algorithm("LDA", "lda")
NTM = Algorithm("NTM", "ntm")
BLAZINGTEXT = Algorithm("BlazingText", "blazingtext")
SEQ2SEQ = Algorithm("Seq2Seq", "seq2seq")
# The vision algorithms train on GPUs (P2, P3, G4dn, G5) and resume from checkpoints after a spot interruption.
IMAGE_CLASSIFICATION = Algorithm("Image Classification", "image-classification", checkpoints=True)
OBJECT_DETECTION = Algorithm("Object Detection", "object-detection", checkpoints=True)
SEMANTIC_SEGMENTATION = Algorithm("Semantic Segmentation", "semantic-segmentation", checkpoints=True)
