"""The generated pipeline docs: committed as the definitions generate them, right about what they describe, and
written or checked by `python -m pipelines docs [--check]`."""

from __future__ import annotations

import json

import pytest

from pipelines import cost, definition, docs, markdown, pages, prices
from pipelines.cli import main
from pipelines.compiler import CompiledPipeline
from tests.conftest import PREFIX, REGION

ABALONE = f"{PREFIX}-abalone-xgboost"


@pytest.fixture(scope="module")
def generated(compiled) -> dict[str, str]:
    return docs.render_all(compiled.values())


@pytest.fixture(scope="module")
def abalone(compiled):
    return compiled[ABALONE]


def _step(pipeline, name: str) -> dict:
    return next(step for step in pipeline.steps() if step["Name"] == name)


def _estimates(pipeline) -> list[cost.JobEstimate]:
    return cost.job_estimates(pipeline.document, pipeline.name)


def _estimate(pipeline, step: str) -> cost.JobEstimate:
    return next(estimate for estimate in _estimates(pipeline) if estimate.step == step)


# ---------------------------------------------------------------- staleness


def test_docs_describe_the_region_and_prefix_the_fixture_compiles():
    assert (pages.DEFAULT_REGION, pages.DEFAULT_PREFIX) == (REGION, PREFIX)


def test_committed_docs_are_exactly_what_the_definitions_generate(generated):
    stale = docs.stale_files(generated, docs.DOCS_DIR)
    assert not stale, f"docs/pipelines/ is out of date: {', '.join(stale)}. Run `make docs`."


def test_generation_is_deterministic(compiled, generated):
    assert docs.render_all(compiled.values()) == generated


def test_stale_files_names_changed_missing_and_extra_pages(generated, tmp_path):
    docs.write_files(generated, tmp_path)
    assert docs.stale_files(generated, tmp_path) == []
    (tmp_path / "abalone-xgboost.md").write_text("edited by hand\n", encoding="utf-8")
    (tmp_path / "README.md").unlink()
    (tmp_path / "removed-pipeline.md").write_text("old\n", encoding="utf-8")
    assert docs.stale_files(generated, tmp_path) == [
        "README.md (missing)",
        "abalone-xgboost.md (changed)",
        "removed-pipeline.md (no longer generated)",
    ]
    docs.write_files(generated, tmp_path)  # also removes the page of the removed pipeline
    assert docs.stale_files(generated, tmp_path) == []


# ---------------------------------------------------------------- python -m pipelines docs


@pytest.fixture
def registered(compiled, monkeypatch):
    """The command generates from the session's compiled pipelines instead of compiling them all again."""
    monkeypatch.setattr(docs, "compile_registered", lambda: list(compiled.values()))


def _run(capsys, argv: list[str]) -> tuple[int, str, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_docs_writes_every_page_and_the_index_then_check_passes(registered, generated, tmp_path, capsys):
    code, out, err = _run(capsys, ["docs", "--directory", str(tmp_path)])
    assert (code, out, err) == (0, f"wrote {len(generated)} files to {tmp_path}\n", "")
    assert docs.stale_files(generated, tmp_path) == []
    assert _run(capsys, ["docs", "--check", "--directory", str(tmp_path)]) == (0, "", "")


def test_docs_check_on_a_stale_directory_exits_1_naming_the_files_and_writes_nothing(
    registered, generated, tmp_path, capsys
):
    docs.write_files(generated, tmp_path)
    (tmp_path / "abalone-xgboost.md").write_text("edited by hand\n", encoding="utf-8")
    (tmp_path / "README.md").unlink()
    code, out, err = _run(capsys, ["docs", "--check", "--directory", str(tmp_path)])
    assert (code, out) == (1, "")
    assert err == (
        f"error: {tmp_path} is stale: README.md (missing), abalone-xgboost.md (changed). "
        f"Run `python -m pipelines docs --directory {tmp_path}`.\n"
    )
    assert (tmp_path / "abalone-xgboost.md").read_text(encoding="utf-8") == "edited by hand\n"


def test_docs_check_of_the_default_directory_says_make_docs(registered, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(docs, "DOCS_DIR", tmp_path / "docs" / "pipelines")
    code, _, err = _run(capsys, ["docs", "--check"])
    assert code == 1
    assert err.startswith("error: ") and err.count("\n") == 1
    assert "README.md (missing)" in err and err.endswith(f"Run `{pages.REGENERATE}`.\n")


def test_docs_without_a_price_is_one_error_line(registered, tmp_path, monkeypatch, capsys):
    monkeypatch.delitem(prices.ON_DEMAND, "ml.m5.xlarge")
    code, _, err = _run(capsys, ["docs", "--directory", str(tmp_path)])
    assert code == 1 and err.count("\n") == 1
    assert err.startswith(f"error: {PREFIX}-") and "no on-demand price for ml.m5.xlarge" in err
    assert list(tmp_path.iterdir()) == []


def test_docs_takes_no_region_or_prefix(capsys):
    """The pages describe the app's defaults (cdk.json) and are committed: no other region or prefix to ask for."""
    with pytest.raises(SystemExit) as exit_:
        main(["docs", "--region", "eu-west-1"])
    assert exit_.value.code == 2 and "unrecognized arguments: --region" in capsys.readouterr().err


# ---------------------------------------------------------------- step graph


def test_abalone_page_draws_the_reduced_graph(generated):
    graph = generated["abalone-xgboost.md"].split("```mermaid\n")[1].split("```")[0]
    assert graph.splitlines() == [
        "flowchart TD",
        '  Preprocess["Preprocess (Processing)"]',
        '  Train["Train (Training)"]',
        '  Evaluate["Evaluate (Processing)"]',
        '  CheckMSE{"CheckMSE (Condition)"}',
        '  RegisterModel["RegisterModel (RegisterModel)"]',  # nested in the condition, drawn all the same
        '  QualityGateFailed["QualityGateFailed (Fail)"]',
        "  Preprocess -.-> Train",  # data only: channels, model artifacts, the evaluation report
        "  Train -.-> Evaluate",
        "  Evaluate -.-> CheckMSE",
        "  CheckMSE == pass ==> RegisterModel",  # the gate is what leads to registration
        "  CheckMSE -->|fail| QualityGateFailed",
        "  linkStyle 4 stroke:#d62728,color:#d62728",  # the fail link, counted from 0
    ]


def test_every_page_says_what_the_arrows_mean_above_its_graph(generated):
    for name, page in generated.items():
        if name != pages.INDEX:
            assert f"## Steps\n\n{pages.STEP_GRAPH}\n\n```mermaid\nflowchart TD\n" in page, name


# ---------------------------------------------------------------- tables


def test_parameters_table_has_the_threshold_with_its_default(generated, abalone):
    threshold = abalone.use_case.metric_threshold
    assert f"| `MetricThreshold` | Float | {threshold} | any | Quality gate: " in generated["abalone-xgboost.md"]


def test_channels_and_gate_of_abalone(generated, abalone):
    page = generated["abalone-xgboost.md"]
    assert "| Train | `train` | `text/csv` | FullyReplicated | Preprocess output `train` |" in page
    assert "| Train | `validation` | `text/csv` | FullyReplicated | Preprocess output `validation` |" in page
    gate = "| CheckMSE | Evaluate EvaluationReport regression_metrics.mse.value | <= | `MetricThreshold` (default {}) |"
    assert gate.format(abalone.use_case.metric_threshold) in page
    assert "CheckMSE: passes to RegisterModel; fails to QualityGateFailed." in page


def test_every_page_shows_the_trivial_baseline_next_to_the_threshold(generated, compiled):
    for pipeline in compiled.values():
        baseline = pipeline.use_case.baseline
        value = "not known offline" if baseline.value is None else f"{baseline.value:g}"
        page = generated[pages.page_name(pipeline)]
        line = f"Trivial baseline on the default data: **{value}** ({baseline.model}); default threshold "
        assert f"{line}{pipeline.use_case.metric_threshold:g}. How it was computed: {baseline.source}." in page
        assert ("requires beating the baseline as computed on each run" in page) == baseline.at_run_time


def test_abalone_gate_also_compares_with_the_mean_predictor(generated):
    row = (
        "| CheckMSE | Evaluate EvaluationReport regression_metrics.mse.value | < "
        "| Evaluate EvaluationReport baseline.value |"
    )
    assert row in generated["abalone-xgboost.md"]


def test_instance_type_parameters_say_what_their_storage_means(generated):
    page = generated["caltech256-image-classification.md"]
    assert "| `TrainingInstanceType` | String | `ml.g4dn.xlarge` | 14 types of g4dn, g5 (local NVMe storage, " in page


def test_a_tuning_gate_names_the_objective_metric(generated):
    assert "| CheckMError | Tune best objective (validation:merror) | <= |" in generated["mnist-xgboost.md"]


def test_a_channel_without_content_type_says_none(generated):
    assert "| Train | `train` | (none) |" in generated["wmt-seq2seq.md"]


# ---------------------------------------------------------------- cost


def test_training_cost_is_max_runtime_hours_times_the_price(generated, abalone):
    arguments = _step(abalone, "Train")["Arguments"]
    hours = arguments["StoppingCondition"]["MaxRuntimeInSeconds"] / 3600
    train = _estimate(abalone, "Train")
    expected = hours * prices.on_demand(train.instance_type).usd_per_hour * train.instance_count
    assert train.on_demand == pytest.approx(expected)
    assert train.spot and train.with_spot == pytest.approx(expected * (1 - prices.SPOT_SAVING))
    rate = markdown.usd_rate(train.price.usd_per_hour)
    row = f"| Train | {hours * train.instance_count:g} | {rate} | {markdown.usd(expected)} |"
    assert row in generated["abalone-xgboost.md"]


def test_instances_resolve_parameter_defaults(abalone):
    defaults = definition.parameter_defaults(abalone.document)
    assert _estimate(abalone, "Train").instance_type == defaults["TrainingInstanceType"]
    assert _estimate(abalone, "Preprocess").instance_type == defaults["ProcessingInstanceType"]


def test_tuning_cost_counts_every_training_job_it_may_run(compiled):
    pipeline = compiled[f"{PREFIX}-mnist-xgboost"]
    training = _step(pipeline, "Tune")["Arguments"]["TrainingJobDefinition"]
    jobs = definition.parameter_defaults(pipeline.document)["MaxTuningJobs"]
    tune = _estimate(pipeline, "Tune")
    hours = training["StoppingCondition"]["MaxRuntimeInSeconds"] / 3600
    assert tune.on_demand == pytest.approx(jobs * hours * tune.instance_count * tune.price.usd_per_hour)


def test_batch_transform_is_priced_per_hour_and_left_out_of_the_total(compiled, generated):
    pipeline = compiled[f"{PREFIX}-mnist-pca"]
    transform = _estimate(pipeline, "ProjectTestImages")
    assert transform.max_hours is None and transform.on_demand is None
    totals = cost.cost_totals(pipeline.document, pipeline.name)
    bounded = [e.on_demand for e in _estimates(pipeline) if e.max_hours is not None]
    assert totals.on_demand == pytest.approx(sum(bounded))
    assert totals.open_ended == ("ProjectTestImages",)
    assert "ProjectTestImages | (batch transform: depends on the data size)" in generated["mnist-pca.md"]


def test_page_says_what_the_estimate_includes_and_excludes(generated):
    page = generated["abalone-xgboost.md"]
    assert "upper bound (max runtime)" in page
    for excluded in ("S3", "KMS", "data transfer", "endpoints"):
        assert excluded in page.split("What it excludes:")[1]


def test_a_missing_price_stops_generation_naming_the_step(abalone, monkeypatch):
    monkeypatch.delitem(prices.ON_DEMAND, _estimate(abalone, "Train").instance_type)
    with pytest.raises(prices.MissingPriceError, match=f"{ABALONE} step Train: no on-demand price for ml\\."):
        pages.render_page(abalone)


def test_every_price_used_has_a_figure_or_says_it_was_not_found_and_a_source(compiled):
    used = {estimate.instance_type for pipeline in compiled.values() for estimate in _estimates(pipeline)}
    for instance_type in used:
        price = prices.on_demand(instance_type)
        assert price.sources and set(price.sources) <= set(prices.SOURCES)
        assert price.usd_per_hour is None or price.usd_per_hour > 0


def test_steps_the_generator_cannot_price_are_named_not_skipped(abalone):
    document = json.loads(abalone.definition)
    unbounded = json.loads(json.dumps(document["Steps"][0]))  # Preprocess, without its stopping condition
    unbounded["Name"] = "Unbounded"
    del unbounded["Arguments"]["StoppingCondition"]
    notify = {"Name": "Notify", "Type": "Lambda", "DependsOn": ["Unbounded"], "Arguments": {}}
    document["Steps"] += [unbounded, notify]
    pipeline = CompiledPipeline(abalone.use_case, abalone.name, json.dumps(document))
    page = pages.render_page(pipeline)
    assert "Unbounded --> Notify" in page and 'Notify["Notify (Lambda)"]' in page
    assert "Not estimated (a step type the generator does not price): Notify (Lambda step)." in page
    assert cost.cost_totals(pipeline.document, pipeline.name).open_ended == ("Unbounded", "Notify")
    assert "| Unbounded | (no MaxRuntimeInSeconds in the definition) |" in page


# ---------------------------------------------------------------- index


def test_index_links_every_pipeline_with_its_steps_and_cost(compiled, generated):
    index = generated["README.md"]
    for pipeline in compiled.values():
        assert f"| [{pipeline.use_case.name}]({pipeline.use_case.name}.md) |" in index
    abalone = compiled[ABALONE]
    totals = cost.cost_totals(abalone.document, abalone.name)
    steps = "6: Preprocess > Train > Evaluate > CheckMSE > RegisterModel > QualityGateFailed"
    assert f"| {steps} | {markdown.usd(totals.on_demand)} | {markdown.usd(totals.with_spot)} |" in index
    assert "`make docs` (or `.venv/bin/python -m pipelines docs`)" in index


def test_index_lists_the_prices_with_their_sources(generated):
    index = generated["README.md"]
    assert prices.READ_ON in index and prices.OFFICIAL_PAGE in index
    price = prices.on_demand("ml.m5.xlarge")
    assert f"| `ml.m5.xlarge` | {markdown.usd_rate(price.usd_per_hour)} | {', '.join(price.sources)} |" in index
    assert all(f"- {key}: {prices.SOURCES[key]}" in index for key in price.sources)
    assert f"{prices.SPOT_SAVING:.0%}" in index


def test_shipped_docs_cite_no_internal_search_ids(generated):
    for name, page in generated.items():
        assert "search-index" not in page and "search index" not in page, name
