"""The public datasets the pipelines read by default; the execution role may read exactly these objects."""

from pipelines.usecase import PublicDataset

_EXAMPLES = "sagemaker-example-files-prod-{region}"

ABALONE = PublicDataset(_EXAMPLES, "datasets/tabular/uci_abalone/abalone.csv")
MNIST = PublicDataset(_EXAMPLES, "datasets/image/MNIST/mnist.pkl.gz")
COVTYPE = PublicDataset(_EXAMPLES, "datasets/tabular/uci_covtype/covtype.data.gz")
BREAST_CANCER = PublicDataset(_EXAMPLES, "datasets/tabular/breast_cancer/wdbc.csv")
