"""deploy/template.yaml: cfn-lint passes, and the facts the skill and publish depend on are declared."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

TEMPLATE = Path(__file__).resolve().parent.parent / "deploy" / "template.yaml"


def cfn_lint(path: Path) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("cfn-lint", path=str(Path(sys.executable).parent)) or shutil.which("cfn-lint")
    if exe is None:
        pytest.fail("cfn-lint is not installed (it is in the test extra: ./scripts/setup test)")
    return subprocess.run([exe, "--", str(path)], check=False, capture_output=True, text=True, timeout=120)


class _Loader(yaml.SafeLoader):
    """Reads CloudFormation's short-form tags (!Ref, !GetAtt...) as plain values."""


_Loader.add_multi_constructor("!", lambda loader, suffix, node: (
    loader.construct_scalar(node) if isinstance(node, yaml.ScalarNode)
    else loader.construct_sequence(node) if isinstance(node, yaml.SequenceNode)
    else loader.construct_mapping(node)))


@pytest.fixture(scope="module")
def template() -> dict:
    return yaml.load(TEMPLATE.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506 - SafeLoader subclass


def test_cfn_lint_passes():
    result = cfn_lint(TEMPLATE)
    assert result.returncode == 0, result.stdout + result.stderr


def test_cfn_lint_would_catch_a_broken_template(tmp_path):
    # The linter really reads the file: a misspelt resource type must fail it.
    broken = tmp_path / "template.yaml"
    broken.write_text(TEMPLATE.read_text(encoding="utf-8").replace("AWS::DynamoDB::Table", "AWS::DynamoDB::Tabel"),
                      encoding="utf-8")
    assert cfn_lint(broken).returncode != 0


def test_function_matches_the_package_and_the_skill(template):
    fn = template["Resources"]["SkillFunction"]["Properties"]
    assert fn["Handler"] == "gentle_steps.skill.lambda_function.handler"
    assert fn["Runtime"] == "python3.12" and fn["Architectures"] == ["arm64"]
    assert fn["MemorySize"] <= 512
    assert (TEMPLATE.parent / fn["CodeUri"]).resolve() == (TEMPLATE.parent.parent / "build" / "lambda.zip")
    assert set(fn["Environment"]["Variables"]) == {"GENTLE_STEPS_TABLE", "GENTLE_STEPS_SKILL_ID"}
    assert fn["Events"]["AlexaSkill"] == {"Type": "AlexaSkill", "Properties": {"SkillId": "SkillId"}}
    actions = {a for s in fn["Policies"][0]["Statement"] for a in s["Action"]}
    assert actions == {"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"}


def test_table_is_on_demand_with_string_key_id(template):
    table = template["Resources"]["StateTable"]["Properties"]
    assert table["BillingMode"] == "PAY_PER_REQUEST"
    assert table["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
    assert table["AttributeDefinitions"] == [{"AttributeName": "id", "AttributeType": "S"}]


def test_bucket_is_private_and_readable_only_by_the_distribution(template):
    resources = template["Resources"]
    block = resources["SiteBucket"]["Properties"]["PublicAccessBlockConfiguration"]
    assert all(block.values()) and len(block) == 4
    for statement in resources["SiteBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]:
        if statement["Effect"] == "Allow":
            assert statement["Principal"] == {"Service": "cloudfront.amazonaws.com"}
            assert "distribution/${Distribution}" in statement["Condition"]["StringEquals"]["AWS:SourceArn"]
    config = resources["Distribution"]["Properties"]["DistributionConfig"]
    assert config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"
    assert config["DefaultRootObject"] == "index.html"
    assert config["Origins"][0]["OriginAccessControlId"] == "SiteOriginAccessControl.Id"
    assert config["DefaultCacheBehavior"]["FunctionAssociations"][0]["EventType"] == "viewer-request"


def test_sam_transform_gives_alexa_alone_the_right_to_invoke_the_live_alias(monkeypatch):
    # What CloudFormation will really create, through the SAM translator that `sam deploy` runs.
    from samtranslator.translator.transform import transform
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")  # the translator asks boto3 for a region; no calls
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")

    class Intrinsics(yaml.SafeLoader):
        """Short-form tags as the long-form dicts the translator expects."""

    def long_form(loader, tag, node):
        value = (loader.construct_scalar(node) if isinstance(node, yaml.ScalarNode)
                 else loader.construct_sequence(node, deep=True) if isinstance(node, yaml.SequenceNode)
                 else loader.construct_mapping(node, deep=True))
        if tag == "GetAtt" and isinstance(value, str):
            value = value.split(".", 1)
        return {"Ref" if tag == "Ref" else f"Fn::{tag}": value}

    Intrinsics.add_multi_constructor("!", long_form)
    source = yaml.load(TEMPLATE.read_text(encoding="utf-8"), Loader=Intrinsics)  # noqa: S506
    source["Resources"]["SkillFunction"]["Properties"]["CodeUri"] = "s3://artifacts/lambda.zip"  # as uploaded

    class NoManagedPolicies:
        def load(self):
            return {}

    resources = transform(source, {"AWS::Region": "us-east-1"}, NoManagedPolicies())["Resources"]

    permissions = [r["Properties"] for r in resources.values() if r["Type"] == "AWS::Lambda::Permission"]
    assert permissions == [{"Action": "lambda:InvokeFunction", "FunctionName": {"Ref": "SkillFunctionAliaslive"},
                            "Principal": "alexa-appkit.amazon.com", "EventSourceToken": {"Ref": "SkillId"}}]
    function = resources["SkillFunction"]["Properties"]
    assert function["Environment"]["Variables"]["GENTLE_STEPS_TABLE"] == {"Ref": "StateTable"}
    (role,) = [r["Properties"] for r in resources.values() if r["Type"] == "AWS::IAM::Role"]
    (policy,) = role["Policies"]
    assert policy["PolicyDocument"]["Statement"][0]["Resource"] == {"Fn::GetAtt": ["StateTable", "Arn"]}


def test_outputs_name_the_function_domain_and_feed(template):
    assert {"SkillFunctionArn", "CloudFrontDomain", "FeedUrl", "BucketName", "DistributionId"} <= set(
        template["Outputs"])
    assert template["Outputs"]["SkillFunctionArn"]["Value"] == "SkillFunction.Alias"
    assert set(template["Parameters"]) >= {"SkillId", "DomainName", "CertificateArn"}


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        ("/", {"uri": "/index.html"}),
        ("/episodes/can-you-rebuild-trust/", {"uri": "/episodes/can-you-rebuild-trust/index.html"}),
        ("/episodes/can-you-rebuild-trust", {"statusCode": 301, "location": "/episodes/can-you-rebuild-trust/"}),
        ("/feed.xml", {"uri": "/feed.xml"}),
        ("/episodes/x/sections/01-intro.mp3", {"uri": "/episodes/x/sections/01-intro.mp3"}),
    ],
)
def test_cloudfront_function_serves_folder_index_pages(template, uri, expected, tmp_path):
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is needed to run the CloudFront Function's JavaScript (.ci/run installs nodejs)")
    code = template["Resources"]["IndexRewriteFunction"]["Properties"]["FunctionCode"]
    script = tmp_path / "run.js"
    script.write_text(code + """
const out = handler({request: {uri: process.argv[2], method: 'GET', querystring: {}, headers: {}}});
console.log(JSON.stringify(out.statusCode ? {statusCode: out.statusCode, location: out.headers.location.value}
                                          : {uri: out.uri}));
""", encoding="utf-8")
    result = subprocess.run([node, str(script), uri], check=False, capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == expected


def _behaviour_for(config: dict, path: str) -> dict:
    """The cache behaviour CloudFront picks for a path: the first ordered one whose pattern matches, else the
    default. A PathPattern's ``*`` matches any characters, ``/`` included, as fnmatch's does."""
    from fnmatch import fnmatchcase

    for behaviour in config.get("CacheBehaviors", []):
        if fnmatchcase(path, behaviour["PathPattern"].lstrip("/")):
            return behaviour
    return config["DefaultCacheBehavior"]


def test_feed_transcripts_chapters_and_audio_are_served_with_cors(template):
    from gentle_steps.audio.model import Manifest
    from gentle_steps.feed.site import render_site

    policy = template["Resources"]["OpenDataHeadersPolicy"]
    assert policy["Type"] == "AWS::CloudFront::ResponseHeadersPolicy"
    cors = policy["Properties"]["ResponseHeadersPolicyConfig"]["CorsConfig"]
    assert cors["AccessControlAllowOrigins"]["Items"] == ["*"]
    assert cors["AccessControlAllowCredentials"] is False and cors["OriginOverride"] is True
    assert set(cors["AccessControlAllowMethods"]["Items"]) == {"GET", "HEAD"}
    assert "Content-Range" in cors["AccessControlExposeHeaders"]["Items"], "players can read the ranges they get"
    security = policy["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    assert {"StrictTransportSecurity", "ContentTypeOptions", "FrameOptions", "ReferrerPolicy"} <= set(security)

    # Every file of a real rendered site, and every audio file its manifest names, lands on a behaviour.
    golden = Path(__file__).resolve().parent / "golden" / "manifest.json"
    manifest = Manifest.from_dict(json.loads(golden.read_text(encoding="utf-8")))
    paths = set(render_site(manifest)) | {f.path for f in manifest.all_audio()} | {"manifest.json",
                                                                                    "catalog.json"}
    config = template["Resources"]["Distribution"]["Properties"]["DistributionConfig"]
    open_data = [p for p in paths if p.endswith((".xml", ".vtt", ".srt", ".json", ".mp3"))]
    assert {p.rsplit(".", 1)[1] for p in open_data} == {"xml", "vtt", "srt", "json", "mp3"}
    for path in open_data:
        behaviour = _behaviour_for(config, path)
        assert behaviour.get("ResponseHeadersPolicyId") == "OpenDataHeadersPolicy", f"{path}: no CORS"
        assert behaviour["ViewerProtocolPolicy"] == "redirect-to-https", path
        assert behaviour["AllowedMethods"] == ["GET", "HEAD"], path
        assert behaviour["CachePolicyId"] == config["DefaultCacheBehavior"]["CachePolicyId"], path
        assert behaviour["Compress"] is (not path.endswith(".mp3")), "audio is not compressed again"
    # Pages keep the default behaviour: the folder-index function and the managed security headers.
    for path in ("index.html", "episodes/can-you-rebuild-trust-after-betrayal/", "static/player.js"):
        assert _behaviour_for(config, path) is config["DefaultCacheBehavior"], path
