"""The public datasets the pipelines read by default; the execution role may read exactly these objects."""

from pipelines.usecase import PublicDataset, WebDataset

_EXAMPLES = "sagemaker-example-files-prod-{region}"

ABALONE = PublicDataset(_EXAMPLES, "datasets/tabular/uci_abalone/abalone.csv")
MNIST = PublicDataset(_EXAMPLES, "datasets/image/MNIST/mnist.pkl.gz")
COVTYPE = PublicDataset(_EXAMPLES, "datasets/tabular/uci_covtype/covtype.data.gz")
BREAST_CANCER = PublicDataset(_EXAMPLES, "datasets/tabular/breast_cancer/wdbc.csv")
CHICAGO_SPEED_CAMERAS = PublicDataset(_EXAMPLES, "datasets/tabular/chicago_traffic/speed_camera_violations.csv")
NYC_TAXI = PublicDataset(_EXAMPLES, "datasets/tabular/anomaly_benchmark_taxi/NAB_nyc_taxi.csv")
# The AWS ML blog's bucket holds the census file; it is not mirrored per region.
CENSUS = PublicDataset("aws-ml-blog-sagemaker-census-segmentation", "Census_Data_for_SageMaker.csv")
# GroupLens publishes ml-100k only on the web; the processing step downloads it and checks this digest. GroupLens
# publishes an MD5 (0e33842e24a9c977be4e0107933c0723); this SHA-256 is the one public projects pin for the same
# file (not re-computed here: no network at build time).
MOVIELENS_100K = WebDataset(
    "https://files.grouplens.org/datasets/movielens/ml-100k.zip",
    sha256="50d2a982c66986937beb9ffb3aa76efe955bf3d5c6b761f4e3a7cd717c6a3229",
)
DBPEDIA = PublicDataset(_EXAMPLES, "datasets/text/dbpedia/dbpedia.tar.gz")
TEXT8 = PublicDataset(_EXAMPLES, "datasets/text/text8/text8.gz")
