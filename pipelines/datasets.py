"""The public datasets the pipelines read by default; the execution role may read exactly these objects.

Every file a Download step fetches from the web carries the SHA-256 published for it, where one was found, with its
source beside it; the step checks it before any other step reads the file. A file without a published digest is
left unpinned (sha256=None): the step then logs the digest it saw, and its parsing step checks the structure.
A digest here is copied from its source, never computed for this project (the build has no network).
"""

from pipelines.usecase import PublicDataset, WebDataset

_EXAMPLES = "sagemaker-example-files-prod-{region}"

ABALONE = PublicDataset(_EXAMPLES, "datasets/tabular/uci_abalone/abalone.csv")
MNIST = PublicDataset(_EXAMPLES, "datasets/image/MNIST/mnist.pkl.gz")
# Not pinned: no published SHA-256 of mnist.pkl.gz (the deeplearning.net pickle AWS copies) was found. The
# Preprocess step reads the S3 object directly, so mnist.py checks the digest itself once one is pinned here
# (--sha256); until then it logs the digest it read.
MNIST_SHA256: str | None = None
MNIST_CHECKS = ("--sha256", MNIST_SHA256) if MNIST_SHA256 else ()  # mnist.py's arguments that check the file
COVTYPE = PublicDataset(_EXAMPLES, "datasets/tabular/uci_covtype/covtype.data.gz")
BREAST_CANCER = PublicDataset(_EXAMPLES, "datasets/tabular/breast_cancer/wdbc.csv")
CHICAGO_SPEED_CAMERAS = PublicDataset(_EXAMPLES, "datasets/tabular/chicago_traffic/speed_camera_violations.csv")
NYC_TAXI = PublicDataset(_EXAMPLES, "datasets/tabular/anomaly_benchmark_taxi/NAB_nyc_taxi.csv")
# The AWS ML blog's bucket holds the census file; it is not mirrored per region.
CENSUS = PublicDataset("aws-ml-blog-sagemaker-census-segmentation", "Census_Data_for_SageMaker.csv")
# GroupLens publishes ml-100k only on the web, with an MD5 only (0e33842e24a9c977be4e0107933c0723). Size and
# SHA-256: tensorflow/datasets, tensorflow_datasets/url_checksums/movielens.txt at
# 1c076ac3c19c8ea83e1d1a75e0623c9a699e0d7c (the line of this very URL).
MOVIELENS_100K = WebDataset(
    "https://files.grouplens.org/datasets/movielens/ml-100k.zip",
    sha256="50d2a982c66986937beb9ffb3aa76efe955bf3d5c6b761f4e3a7cd717c6a3229",
    size=4_924_029,
)
DBPEDIA = PublicDataset(_EXAMPLES, "datasets/text/dbpedia/dbpedia.tar.gz")
TEXT8 = PublicDataset(_EXAMPLES, "datasets/text/text8/text8.gz")
# fastText publishes the model and its size, but no checksum. SHA-256: EleutherAI/the-pile,
# processing_scripts/lang_len_analysis.py at 6fd5d5d8b57b20b2631a1532a904bbb00ec10507 (best_download checks it on
# download), and telekom/mltb2, mltb2/fasttext.py at 14701694779b5fe0f4bd4d6604877b73e1d23ef7, pin the same value
# for this URL. The packaging step also checks the fastText header.
LID176 = WebDataset(
    "https://dl.fbaipublicfiles.com/fasttext/supervised-models/lid.176.bin",
    sha256="7e69ec5451bc261cc7844e49e4792a85d7f09c06789ec800fc4a44aec362764e",
    size=131_266_198,
)
# WMT17's preprocessed en-de release (tokenized, true-cased): the folder; the download step fetches its three files.
# Not pinned: statmt.org publishes no checksums for them and no public project was found to pin them.
WMT17_DE_EN = WebDataset("https://data.statmt.org/wmt17/translation-task/preprocessed/de-en/")
WMT17_FILES = tuple(WebDataset(WMT17_DE_EN.url + name) for name in ("corpus.tc.en.gz", "corpus.tc.de.gz", "dev.tgz"))
# Vision: Caltech-256 is mirrored per region by AWS; CUB-200-2011 and Pascal VOC are in the fast.ai buckets of the
# AWS Open Data registry (us-east-1 only, so a Download step fetches them over HTTPS in any region).
CALTECH_256 = PublicDataset(_EXAMPLES, "datasets/image/caltech-256/256_ObjectCategories.tar")
# The fast.ai copy is the Caltech original, byte for byte: FluxML/FastAI.jl, src/datasets/fastaidatasets.jl at
# b4fffa1e8f3eb0768fad066c8982431b488205de, pins this SHA-256 for this very URL (DataDeps checks it on download),
# and tensorflow/datasets, tensorflow_datasets/url_checksums/caltech_birds2011.txt at
# 333639b37af6c6fedf3610a4a2d42f1c6ef6f7d5, the same SHA-256 and size for Caltech's own file. Size of the fast.ai
# copy: fastai/fastai, fastai/data/checks.txt at 29be53d7ccaf7405320e2e47db8f35182abeff0a (its MD5 there is of
# the first MiB only, not of the file).
CUB_200_2011 = WebDataset(
    "https://s3.amazonaws.com/fast-ai-imageclas/CUB_200_2011.tgz",
    sha256="0c685df5597a8b24909f6a7c9db6d11e008733779a671760afef78feb49bf081",
    size=1_150_585_339,
)
# SHA-256: FluxML/FastAI.jl, src/datasets/fastaidatasets.jl at b4fffa1e8f3eb0768fad066c8982431b488205de, for
# https://s3.amazonaws.com/fast-ai-imagelocal/pascal-voc.tgz: the same S3 object (bucket fast-ai-imagelocal, key
# pascal-voc.tgz) in path-style addressing. The only published digest found; no exact size is published.
PASCAL_VOC = WebDataset(
    "https://fast-ai-imagelocal.s3.amazonaws.com/pascal-voc.tgz",
    sha256="10fc13a659da20fdd8302dd394d88ca7e4e60e69fd8a5212c3e3357964a58215",
)
