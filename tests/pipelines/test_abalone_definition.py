"""The abalone pipeline's definition: graph, property paths, algorithm settings, parameters and the quality gate."""

import pytest

NAME = "sm-algo-abalone-xgboost"


@pytest.fixture(scope="module")
def pipeline(compiled):
    return compiled[NAME]


@pytest.fixture(scope="module")
def steps(pipeline):
    return {step["Name"]: step for step in pipeline.steps()}


def test_step_graph(pipeline, steps):
    top = [(step["Name"], step["Type"]) for step in pipeline.document["Steps"]]
    assert top == [
        ("Preprocess", "Processing"),
        ("Train", "Training"),
        ("Evaluate", "Processing"),
        ("CheckMSE", "Condition"),
    ]
    gate = steps["CheckMSE"]["Arguments"]
    assert [s["Name"] for s in gate["IfSteps"]] == ["RegisterModel"]
    assert [s["Type"] for s in gate["IfSteps"]] == ["RegisterModel"]
    assert [s["Type"] for s in gate["ElseSteps"]] == ["Fail"]


def test_preprocess_reads_raw_csv_and_writes_three_splits(steps):
    args = steps["Preprocess"]["Arguments"]
    assert args["AppSpecification"]["ContainerArguments"][0] == "abalone"
    assert "sagemaker-scikit-learn:1.9-0" in args["AppSpecification"]["ImageUri"]
    raw = next(i for i in args["ProcessingInputs"] if i["InputName"] == "raw")
    assert raw["S3Input"]["S3Uri"] == {"Get": "Parameters.InputDataUri"}
    outputs = {o["OutputName"]: o["S3Output"] for o in args["ProcessingOutputConfig"]["Outputs"]}
    assert sorted(outputs) == ["test", "train", "validation"]
    # every execution writes under its own prefix
    values = outputs["train"]["S3Uri"]["Std:Join"]["Values"]
    assert values[:4] == ["s3:/", "${DataBucket}", NAME, {"Get": "Execution.PipelineExecutionId"}]


def test_code_runs_as_zipapp_from_the_asset(steps):
    args = steps["Preprocess"]["Arguments"]
    assert args["AppSpecification"]["ContainerEntrypoint"] == [
        "python3",
        "/opt/ml/processing/input/code/${ProcessingCodeKey}",
    ]
    code = next(i for i in args["ProcessingInputs"] if i["InputName"] == "code")
    assert code["S3Input"]["S3Uri"] == "s3://${ProcessingCodeBucket}/${ProcessingCodeKey}"


def test_training_channels_come_from_preprocess_outputs(steps):
    args = steps["Train"]["Arguments"]
    channels = {c["ChannelName"]: c for c in args["InputDataConfig"]}
    assert sorted(channels) == ["train", "validation"]
    for name, channel in channels.items():
        assert channel["ContentType"] == "text/csv"
        assert channel["DataSource"]["S3DataSource"]["S3Uri"] == {
            "Get": f"Steps.Preprocess.ProcessingOutputConfig.Outputs['{name}'].S3Output.S3Uri"
        }


def test_xgboost_hyperparameters(steps):
    args = steps["Train"]["Arguments"]
    assert "sagemaker-xgboost:3.2-0" in args["AlgorithmSpecification"]["TrainingImage"]
    hp = args["HyperParameters"]
    assert hp["objective"] == "reg:squarederror"
    assert hp["num_round"] == "50"
    assert all(isinstance(value, str) for value in hp.values())


def test_evaluation_reads_model_and_test_split_and_exposes_report(steps):
    args = steps["Evaluate"]["Arguments"]
    assert args["AppSpecification"]["ContainerArguments"][0] == "evaluate_regression"
    inputs = {i["InputName"]: i["S3Input"]["S3Uri"] for i in args["ProcessingInputs"]}
    assert inputs["model"] == {"Get": "Steps.Train.ModelArtifacts.S3ModelArtifacts"}
    assert inputs["test"] == {"Get": "Steps.Preprocess.ProcessingOutputConfig.Outputs['test'].S3Output.S3Uri"}
    assert steps["Evaluate"]["PropertyFiles"] == [
        {"PropertyFileName": "EvaluationReport", "OutputName": "evaluation", "FilePath": "evaluation.json"}
    ]


def test_gate_compares_test_mse_with_threshold_parameter_and_the_mean_predictor(steps):
    condition, baseline = steps["CheckMSE"]["Arguments"]["Conditions"]
    mse = {
        "Std:JsonGet": {
            "PropertyFile": {"Get": "Steps.Evaluate.PropertyFiles.EvaluationReport"},
            "Path": "regression_metrics.mse.value",
        }
    }
    assert condition == {
        "Type": "LessThanOrEqualTo",
        "LeftValue": mse,
        "RightValue": {"Get": "Parameters.MetricThreshold"},
    }
    # ...and below the MSE of always answering the test split's mean, which the evaluation reports beside it
    assert baseline == {
        "Type": "LessThan",
        "LeftValue": mse,
        "RightValue": {
            "Std:JsonGet": {
                "PropertyFile": {"Get": "Steps.Evaluate.PropertyFiles.EvaluationReport"},
                "Path": "baseline.value",
            }
        },
    }


def test_fail_message_carries_metric_and_threshold(steps):
    message = steps["QualityGateFailed"]["Arguments"]["ErrorMessage"]["Std:Join"]["Values"]
    assert any(isinstance(v, dict) and "Std:JsonGet" in v for v in message)
    assert {"Get": "Parameters.MetricThreshold"} in message
    assert "MSE" in message[0]


def test_registration(steps):
    args = steps["RegisterModel"]["Arguments"]
    assert args["ModelPackageGroupName"] == NAME
    assert args["ModelApprovalStatus"] == {"Get": "Parameters.ModelApprovalStatus"}
    spec = args["InferenceSpecification"]
    assert spec["Containers"][0]["ModelDataUrl"] == {"Get": "Steps.Train.ModelArtifacts.S3ModelArtifacts"}
    assert spec["SupportedContentTypes"] == ["text/csv", "text/libsvm"]
    assert spec["SupportedResponseMIMETypes"] == ["text/csv"]
    statistics = args["ModelMetrics"]["ModelQuality"]["Statistics"]
    assert statistics["ContentType"] == "application/json"
    assert statistics["S3Uri"]["Std:Join"]["Values"] == [
        {"Get": "Steps.Evaluate.ProcessingOutputConfig.Outputs['evaluation'].S3Output.S3Uri"},
        "evaluation.json",
    ]


def test_parameters_have_working_defaults(pipeline):
    parameters = {p["Name"]: p for p in pipeline.document["Parameters"]}
    assert parameters["InputDataUri"]["DefaultValue"] == (
        "s3://sagemaker-example-files-prod-us-east-1/datasets/tabular/uci_abalone/abalone.csv"
    )
    assert parameters["MetricThreshold"]["Type"] == "Float" and parameters["MetricThreshold"]["DefaultValue"] == 6.0
    assert parameters["ModelApprovalStatus"]["DefaultValue"] == "PendingManualApproval"
    assert parameters["ModelApprovalStatus"]["EnumValues"] == ["PendingManualApproval", "Approved", "Rejected"]
    assert parameters["TrainingInstanceCount"]["Type"] == "Integer"
    assert parameters["TrainingInstanceCount"]["DefaultValue"] == 1
    assert parameters["TrainingInstanceType"]["DefaultValue"].startswith("ml.")
    for parameter in parameters.values():
        assert len(parameter["Description"]) > 20, parameter["Name"]


def test_dataset_default_follows_region():
    from pipelines.compiler import compile_pipeline
    from pipelines.registry import get

    eu = compile_pipeline(get("abalone-xgboost"), "eu-west-1", "sm-algo")
    parameters = {p["Name"]: p for p in eu.document["Parameters"]}
    assert parameters["InputDataUri"]["DefaultValue"].startswith("s3://sagemaker-example-files-prod-eu-west-1/")
    assert all("eu-west-1" in image for image in eu.images())
