# Set-up on a fresh machine is part of `make synth` and `make test`: each installs what it needs first.
PYTHON ?= python3
# The processing scripts run in AWS images with Python 3.12; their tests run a second time in a venv like those.
# The first python3.12 that runs (a pyenv shim may exist without the version being active).
IMAGE_PYTHON ?= $(shell for p in python3.12 $(HOME)/.pyenv/versions/3.12*/bin/python3.12; do \
	$$p -c 'import sys; assert sys.version_info[:2] == (3, 12)' 2>/dev/null && { echo $$p; break; }; done)
# Extra CDK arguments, e.g. CDK_ARGS="-c region=eu-west-1 -c prefix=ml-demo".
CDK_ARGS ?=
VENV := .venv
IMAGE_VENV := .venv-images
PY := $(VENV)/bin/python
CDK := node_modules/.bin/cdk
# Synth is offline: no instance metadata, no CLI version check, notices or telemetry, and no use of local AWS config.
OFFLINE := AWS_EC2_METADATA_DISABLED=true CDK_DISABLE_VERSION_CHECK=true CDK_DISABLE_CLI_TELEMETRY=true \
	JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20 AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null

.PHONY: install synth test test-app test-processing test-unit test-images golden docs lint check deploy diff e2e clean lock

install: $(VENV)/.installed node_modules/.installed

# pip installs the hashed lock, not requirements*.txt: every package, transitive ones included, at its locked version
# and only from a file whose sha256 the lock lists (`make lock` writes the locks from the requirements files).
$(VENV)/.installed: requirements-dev.lock
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --disable-pip-version-check -q --require-hashes -r requirements-dev.lock
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(IMAGE_VENV)/.installed: requirements-images.lock
	@test -n "$(IMAGE_PYTHON)" || { echo "python3.12 not found: set IMAGE_PYTHON=/path/to/python3.12" >&2; exit 1; }
	$(IMAGE_PYTHON) -m venv $(IMAGE_VENV)
	$(IMAGE_VENV)/bin/pip install --disable-pip-version-check -q --require-hashes -r requirements-images.lock
	touch $@

# After editing a requirements*.txt: resolves it again for the venv's Python and rewrites its lock with the sha256 of
# every file (needs the package index; not part of CI). tests/test_supply_chain.py fails while a lock is stale.
# The dev lock is for CI's Python (3.11): another minor version may resolve other packages or wheels.
lock:
	@test -n "$(IMAGE_PYTHON)" || { echo "python3.12 not found: set IMAGE_PYTHON=/path/to/python3.12" >&2; exit 1; }
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11)' 2>/dev/null || \
		{ echo "the dev lock is for Python 3.11: set PYTHON=/path/to/python3.11" >&2; exit 1; }
	$(PYTHON) ci/lock.py $(PYTHON) requirements-dev.txt requirements-dev.lock
	$(PYTHON) ci/lock.py $(IMAGE_PYTHON) requirements-images.txt requirements-images.lock

synth: install
	rm -rf cdk.out
	$(OFFLINE) $(CDK) synth --strict --quiet --no-notices $(CDK_ARGS)
	$(PY) -m infra.report cdk.out

# Two lanes side by side, one core each, of about the same length: the app's tests (pipelines, infra, the synths),
# and the processing scripts' tests in both venvs. `make test` takes as long as the longer lane, not the sum.
test: install $(IMAGE_VENV)/.installed
	$(MAKE) --no-print-directory -j2 --output-sync=target test-app test-processing

test-app: install
	$(OFFLINE) $(PY) -m pytest --ignore=tests/processing

test-processing: install $(IMAGE_VENV)/.installed
	$(PY) -m pytest tests/processing -p no:cacheprovider -q
	$(IMAGE_VENV)/bin/python -m pytest tests/processing -p no:cacheprovider -q

# Every test in one venv, or the processing tests in the images' venv only.
test-unit: install
	$(OFFLINE) $(PY) -m pytest

test-images: $(IMAGE_VENV)/.installed
	$(IMAGE_VENV)/bin/python -m pytest tests/processing -p no:cacheprovider -q

golden: install
	$(OFFLINE) UPDATE_GOLDEN=1 $(PY) -m pytest tests/pipelines/test_golden.py -q

# The pipeline pages in docs/pipelines/ are generated from the definitions; `make test` fails while they are stale.
docs: install
	$(OFFLINE) $(PY) -m pipelines docs

# Type checking: what to check and how is in pyproject.toml ([tool.mypy]).
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

# Checks of a synthesized cdk.out (run `make synth` first): CloudFormation linting of every template.
check: install
	$(VENV)/bin/cfn-lint cdk.out/*.template.json

deploy: install
	$(CDK) deploy --all --require-approval broadening $(CDK_ARGS)

diff: install
	$(CDK) diff --all $(CDK_ARGS)

# End to end on a real account (needs AWS credentials; never part of `make test`): deploys the foundation and the
# abalone pipeline under their own prefix, runs the pipeline to a registered model, then destroys the pipeline stack
# (the foundation and its data are kept). E2E_ARGS, e.g. "-c region=eu-west-1".
E2E_PREFIX ?= sm-e2e
E2E_CONTEXT = -c prefix=$(E2E_PREFIX) -c pipelines=abalone-xgboost $(E2E_ARGS)
e2e: install
	$(CDK) deploy $(E2E_PREFIX)-foundation $(E2E_PREFIX)-abalone-xgboost --require-approval never $(E2E_CONTEXT)
	status=0; E2E_PREFIX=$(E2E_PREFIX) $(PY) -m pytest e2e -q -p no:cacheprovider || status=$$?; \
	$(CDK) destroy $(E2E_PREFIX)-abalone-xgboost --force $(E2E_CONTEXT); exit $$status

clean:
	rm -rf cdk.out $(VENV) $(IMAGE_VENV) node_modules .pytest_cache
