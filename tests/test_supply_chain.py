"""CI and supply chain: what the workflows may run and with which rights, and what pip may install.

- every action is pinned to a commit (a tag can be moved to other code), with the release it is in a comment;
- every workflow declares its token's permissions, the least it needs;
- the e2e workflow never pastes an input into a script, offers a fixed list of regions, and runs in the environment
  its role's trust policy requires;
- the venvs are installed from hashed locks that cover every requirement at its pinned version.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml  # PyYAML: in the lock as cfn-lint's dependency

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
E2E = ROOT / ".github" / "workflows" / "e2e.yml"
# requirements file -> the lock `make install` installs it from (a lock covers the files its requirements include).
LOCKS = {
    "requirements-dev.txt": "requirements-dev.lock",
    "requirements.txt": "requirements-dev.lock",
    "requirements-images.txt": "requirements-images.lock",
}

_USES_LINE = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<ref>[^\s#]+)\s*(?:#\s*(?P<comment>.*))?$")
_PINNED = re.compile(r"^(?P<action>[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+)@(?P<sha>[0-9a-f]{40})$")
_RELEASE = re.compile(r"^v\d+(\.\d+){0,2}$")
# Values anyone who can trigger a run controls: in `run:`, `${{ }}` pastes them into the script before bash parses it.
_UNTRUSTED_IN_SCRIPT = re.compile(
    r"\$\{\{[^}]*\b(inputs\.|github\.event\.(inputs|issue|pull_request|comment|review|head_commit|commits)|"
    r"github\.head_ref)"
)
_LOCK_LINE = re.compile(r"^(?P<name>[a-z0-9][a-z0-9.-]*)==(?P<version>\S+)(?P<hashes>( --hash=sha256:[0-9a-f]{64})+)$")
_REQUIREMENT = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]+\])?==(?P<version>[^\s;#]+)\s*(#.*)?$")


def _load(path: Path) -> dict[str, Any]:
    workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
    # YAML 1.1 reads the key `on` as True.
    if True in workflow:
        workflow["on"] = workflow.pop(True)
    return workflow


def _steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_there_are_workflows() -> None:
    assert {path.name for path in WORKFLOWS} >= {"ci.yml", "e2e.yml"}


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_every_action_is_pinned_to_a_commit_with_its_release_in_a_comment(path: Path) -> None:
    lines = [match for line in path.read_text(encoding="utf-8").splitlines() if (match := _USES_LINE.match(line))]
    # The line reader sees every `uses:` the YAML has (none hides in a flow mapping or a multi-line value).
    assert sorted(m["ref"] for m in lines) == sorted(step["uses"] for step in _steps(_load(path)) if "uses" in step)
    assert lines, "no action found"
    for match in lines:
        assert _PINNED.match(match["ref"]), f"{match['ref']}: not pinned to a full commit SHA"
        assert match["comment"] and _RELEASE.match(match["comment"].strip()), (
            f"{match['ref']}: the release the commit is in belongs in a comment (`# v1.2.3`)"
        )


def test_a_commit_is_named_for_the_same_release_everywhere() -> None:
    releases: dict[str, set[str]] = {}
    for path in WORKFLOWS:
        for line in path.read_text(encoding="utf-8").splitlines():
            if (match := _USES_LINE.match(line)) and (pinned := _PINNED.match(match["ref"])):
                releases.setdefault(pinned["action"], set()).add(f"{pinned['sha']} {match['comment']}")
    assert {action: len(names) for action, names in releases.items()} == dict.fromkeys(releases, 1)


@pytest.mark.parametrize(
    ("name", "expected"),
    [("ci.yml", {"contents": "read"}), ("e2e.yml", {"contents": "read", "id-token": "write"})],
)
def test_each_workflow_gives_its_token_the_least_it_needs(name: str, expected: dict[str, str]) -> None:
    workflow = _load(ROOT / ".github" / "workflows" / name)
    assert workflow.get("permissions") == expected
    for job_name, job in workflow["jobs"].items():
        assert "permissions" not in job, f"{job_name}: widens the workflow's permissions"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_every_workflow_declares_permissions(path: Path) -> None:
    workflow = _load(path)
    # Without it the token has the repository's default rights, which may be read and write on everything.
    declared = "permissions" in workflow or all("permissions" in job for job in workflow["jobs"].values())
    assert declared, "set `permissions:` (contents: read at least)"
    assert workflow.get("permissions") not in ("write-all", "read-all")


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_no_script_has_an_input_pasted_in(path: Path) -> None:
    for step in _steps(_load(path)):
        script = step.get("run", "")
        assert not _UNTRUSTED_IN_SCRIPT.search(script), (
            f'step {step.get("name", script[:40])!r}: pass the value through `env:` and use "$NAME" in the script'
        )


def test_the_region_is_a_choice_that_the_job_checks_again() -> None:
    workflow = _load(E2E)
    region = workflow["on"]["workflow_dispatch"]["inputs"]["region"]
    assert region["type"] == "choice"
    options = region["options"]
    assert region["default"] in options
    assert set(options) <= {"us-east-1", "us-west-2", "eu-west-1"}  # where every pipeline's images exist
    job = workflow["jobs"]["e2e"]
    assert job["env"]["E2E_REGION"] == "${{ inputs.region }}"
    check = next(step["run"] for step in job["steps"] if "E2E_REGION" in step.get("run", "") and "case" in step["run"])
    assert set(re.findall(r"[a-z]{2}-[a-z]+-\d", check.split(")")[0])) == set(options)
    steps = [step.get("name") or step.get("uses") for step in job["steps"]]
    credentials = next(i for i, step in enumerate(job["steps"]) if "configure-aws-credentials" in step.get("uses", ""))
    assert steps.index("Check the inputs") < credentials, "check the inputs before the job has AWS credentials"


def test_the_role_can_be_assumed_only_from_the_e2e_environment() -> None:
    job = _load(E2E)["jobs"]["e2e"]
    assert job["environment"] == "e2e"
    trust = json.loads((ROOT / "ci" / "e2e-role-trust.json").read_text(encoding="utf-8"))
    (statement,) = trust["Statement"]
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert statement["Principal"]["Federated"].endswith(":oidc-provider/token.actions.githubusercontent.com")
    assert statement["Condition"]["StringEquals"] == {
        "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
        "token.actions.githubusercontent.com:sub": f"repo:<OWNER>/<REPO>:environment:{job['environment']}",
    }


def test_the_role_policy_names_its_actions_and_the_offered_regions() -> None:
    policy = json.loads((ROOT / "ci" / "e2e-role-policy.json").read_text(encoding="utf-8"))
    options = _load(E2E)["on"]["workflow_dispatch"]["inputs"]["region"]["options"]
    assumed: list[str] = []
    for statement in policy["Statement"]:
        assert statement["Effect"] == "Allow"
        actions = [statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"]
        assert all("*" not in action for action in actions), f"{statement['Sid']}: a wildcard action"
        if actions == ["sts:AssumeRole"]:
            assumed += statement["Resource"]
    roles = re.compile(r"^arn:aws:iam::<ACCOUNT_ID>:role/cdk-hnb659fds-(deploy|file-publishing)-role-<ACCOUNT_ID>-(.+)")
    assert all(roles.match(arn) for arn in assumed), "only the CDK bootstrap roles the deploy uses"
    assert {match[2] for arn in assumed if (match := roles.match(arn))} == set(options)


def _requirements(name: str) -> dict[str, str]:
    """canonical name -> pinned version, following `-r` includes."""
    pins: dict[str, str] = {}
    for raw in (ROOT / name).read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("-r "):
            pins |= _requirements(line.removeprefix("-r ").strip())
            continue
        match = _REQUIREMENT.match(line)
        assert match, f"{name}: {line!r} is not an exact pin (name==version)"
        pins[_canonical(match["name"])] = match["version"]
    return pins


def _lock(name: str) -> dict[str, tuple[str, list[str]]]:
    entries: dict[str, tuple[str, list[str]]] = {}
    for line in (ROOT / name).read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        match = _LOCK_LINE.match(line)
        assert match, f"{name}: {line!r} is not `name==version --hash=sha256:<64 hex>...`"
        assert match["name"] not in entries, f"{name}: {match['name']} twice"
        entries[match["name"]] = (match["version"], match["hashes"].split())
    return entries


@pytest.mark.parametrize(("lock", "python"), [("requirements-dev.lock", "3.11"), ("requirements-images.lock", "3.12")])
def test_every_lock_line_is_a_pin_with_hashes(lock: str, python: str) -> None:
    # Resolved for the Python its venv has (CI's setup-python versions): markers and wheels depend on it.
    assert f"for Python {python}," in (ROOT / lock).read_text(encoding="utf-8")
    entries = _lock(lock)
    assert len(entries) > len(_requirements(lock.replace(".lock", ".txt"))), "the transitive packages are missing"


@pytest.mark.parametrize(("requirements", "lock"), sorted(LOCKS.items()))
def test_every_requirement_is_in_its_lock_at_its_version(requirements: str, lock: str) -> None:
    entries = _lock(lock)
    for name, version in _requirements(requirements).items():
        assert name in entries, f"{name} is not in {lock}: run `make lock`"
        assert entries[name][0] == version, f"{name}: {version} in {requirements}, {entries[name][0]} in {lock}"


def test_the_venvs_are_installed_from_the_locks_with_hashes_required() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for venv, lock in (("$(VENV)", "requirements-dev.lock"), ("$(IMAGE_VENV)", "requirements-images.lock")):
        target = re.search(rf"^{re.escape(venv)}/\.installed: (.*)\n((?:\t.*\n)+)", makefile, re.MULTILINE)
        assert target, f"no {venv}/.installed target"
        assert target[1].split() == [lock], "the venv is reinstalled when its lock changes"
        installs = [line for line in target[2].splitlines() if " install " in line]
        assert installs and all(f"--require-hashes -r {lock}" in line for line in installs), installs
