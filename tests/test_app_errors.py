"""`python app.py`, as the CDK CLI runs it, ends a synth that cannot work with the reason on stderr, not a traceback."""

import json
import os
import subprocess
import sys

from tests.conftest import ROOT, cdk_context


def test_an_instance_type_no_job_runs_on_ends_the_synth_with_one_line(tmp_path):
    # instance_families keeps sizes: g4dn.xlarge -> p3.xlarge, which SageMaker does not offer
    context = cdk_context(pipelines="caltech256-image-classification", instance_families={"g4dn": "p3"})
    env = {**os.environ, "CDK_CONTEXT_JSON": json.dumps(context), "CDK_OUTDIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, str(ROOT / "app.py")], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (
        "error: caltech256-image-classification: instance type ml.p3.xlarge is not one its training jobs run on "
        "(families p2, p3, g4dn, g5, as SageMaker offers them); check the instance_families setting"
    )
    assert "Traceback" not in result.stderr
    assert not list(tmp_path.iterdir())  # nothing synthesized
