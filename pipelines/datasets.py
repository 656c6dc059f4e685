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
# fastText publishes the model, and its size, but no checksum: the packaging step checks the size and the fastText
# header, and logs the SHA-256 it saw.
LID176 = WebDataset("https://dl.fbaipublicfiles.com/fasttext/supervised-models/lid.176.bin", size=131_266_198)
# WMT17's preprocessed en-de release (tokenized, true-cased): the folder; the download step fetches its three files.
WMT17_DE_EN = WebDataset("https://data.statmt.org/wmt17/translation-task/preprocessed/de-en/")
WMT17_FILES = ("corpus.tc.en.gz", "corpus.tc.de.gz", "dev.tgz")
# Vision: Caltech-256 is mirrored per region by AWS; CUB-200-2011 and Pascal VOC are in the fast.ai buckets of the
# AWS Open Data registry (us-east-1 only, so a Download step fetches them over HTTPS in any region).
CALTECH_256 = PublicDataset(_EXAMPLES, "datasets/image/caltech-256/256_ObjectCategories.tar")
CUB_200_2011 = WebDataset("https://s3.amazonaws.com/fast-ai-imageclas/CUB_200_2011.tgz")
PASCAL_VOC = WebDataset("https://fast-ai-imagelocal.s3.amazonaws.com/pascal-voc.tgz")
