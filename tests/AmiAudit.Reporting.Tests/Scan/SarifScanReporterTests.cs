using System.Text.Json.Nodes;
using AmiAudit.Core.Evaluation;

namespace AmiAudit.Reporting.Tests.Scan;

public class SarifScanReporterTests
{
    private static JsonObject Render(ScanResult result) =>
        JsonNode.Parse(ScanReporters.Get("sarif").Render(result, ScanFixtures.Context))!.AsObject();

    private static JsonObject Run(JsonObject log) => log["runs"]![0]!.AsObject();

    [Theory]
    [InlineData("dlami-gate-failed")]
    [InlineData("clean-pass")]
    [InlineData("no-gate-relative-root")]
    public void Has_the_shape_sarif_2_1_0_requires(string fixture)
    {
        var log = Render(ScanFixtures.ByName(fixture));
        log["version"]!.GetValue<string>().ShouldBe("2.1.0");
        log["$schema"]!.GetValue<string>().ShouldBe("https://json.schemastore.org/sarif-2.1.0.json");
        // Required properties, per the 2.1.0 schema's "required" lists.
        var run = Run(log);
        var driver = run["tool"]!["driver"]!.AsObject();
        driver["name"]!.GetValue<string>().ShouldBe("amiaudit");
        driver["version"]!.GetValue<string>().ShouldBe("0.1.0-test");
        foreach (var rule in driver["rules"]!.AsArray())
        {
            rule!["id"]!.GetValue<string>().ShouldNotBeNullOrEmpty();
            rule["shortDescription"]!["text"]!.GetValue<string>().ShouldNotBeNullOrEmpty();
        }
        foreach (var result in run["results"]!.AsArray())
            result!["message"]!["text"]!.GetValue<string>().ShouldNotBeNullOrEmpty();
        foreach (var invocation in run["invocations"]!.AsArray())
            invocation!["executionSuccessful"].ShouldNotBeNull();
        // Schema-defined objects reject unknown keys (additionalProperties: false).
        AssertOnlyKnownKeys(log);
    }

    [Fact]
    public void Every_result_references_a_rule_and_levels_follow_severity()
    {
        var source = ScanFixtures.DlamiGateFailed();
        var run = Run(Render(source));
        var rules = run["tool"]!["driver"]!["rules"]!.AsArray().Select(r => r!["id"]!.GetValue<string>()).ToList();
        rules.ShouldBeUnique();
        var results = run["results"]!.AsArray().Select(r => r!.AsObject()).ToList();

        // Failures, waived failures and rules that could not judge their target are results; passes and skips are not.
        results.Count.ShouldBe(source.Findings.Count(f => f.Status is FindingStatus.Fail or FindingStatus.Waived or FindingStatus.Error));
        var expectedLevel = new Dictionary<Severity, string>
        {
            [Severity.Critical] = "error", [Severity.High] = "error", [Severity.Medium] = "warning",
            [Severity.Low] = "note", [Severity.Info] = "note",
        };
        foreach (var r in results)
        {
            var ruleId = r["ruleId"]!.GetValue<string>();
            rules.ShouldContain(ruleId);
            rules[r["ruleIndex"]!.GetValue<int>()].ShouldBe(ruleId);
            var finding = source.Findings.Single(f => f.Fingerprint == r["partialFingerprints"]!["amiaudit/v1"]!.GetValue<string>());
            finding.RuleId.ShouldBe(ruleId);
            if (finding.Status == FindingStatus.Error)
            {
                // SARIF "open" (could not tell); a non-"fail" kind must have level "none".
                r["kind"]!.GetValue<string>().ShouldBe("open", ruleId);
                r["level"]!.GetValue<string>().ShouldBe("none", ruleId);
                continue;
            }
            r.ContainsKey("kind").ShouldBeFalse(ruleId); // "fail" is the default
            r["level"]!.GetValue<string>().ShouldBe(expectedLevel[finding.Severity], ruleId);
        }
    }

    [Fact]
    public void Ecs_result_points_at_the_unit_file_inside_the_image_root()
    {
        var run = Run(Render(ScanFixtures.DlamiGateFailed()));
        var ecs = Result(run, "ECS-001");
        var artifact = ecs["locations"]![0]!["physicalLocation"]!["artifactLocation"]!;
        artifact["uri"]!.GetValue<string>().ShouldBe("lib/systemd/system/ecs.service");
        artifact["uriBaseId"]!.GetValue<string>().ShouldBe("IMAGEROOT");
        run["originalUriBaseIds"]!["IMAGEROOT"]!["uri"]!.GetValue<string>().ShouldBe("file:///mnt/image/");
        ecs["locations"]![0]!["physicalLocation"]!["region"].ShouldBeNull();

        Result(run, "BOOT-002")["locations"]![0]!["physicalLocation"]!["region"]!["startLine"]!.GetValue<int>().ShouldBe(12);
        Result(run, "UNIT-010")["locations"]![0]!["physicalLocation"]!["artifactLocation"]!["uri"]!.GetValue<string>()
            .ShouldBe("etc/systemd/system/getty.target.wants/getty@tty1.service");
    }

    [Fact]
    public void Rules_carry_security_severity_and_help()
    {
        var rules = Run(Render(ScanFixtures.DlamiGateFailed()))["tool"]!["driver"]!["rules"]!.AsArray()
            .ToDictionary(r => r!["id"]!.GetValue<string>(), r => r!.AsObject());
        rules["ECS-001"]["properties"]!["security-severity"]!.GetValue<string>().ShouldBe("9.5");
        rules["BOOT-002"]["properties"]!["security-severity"]!.GetValue<string>().ShouldBe("8.0");
        rules["CTR-001"]["properties"]!["security-severity"]!.GetValue<string>().ShouldBe("5.5");
        rules["UNIT-010"]["properties"]!["security-severity"]!.GetValue<string>().ShouldBe("3.0");
        rules["ECS-001"]["help"]!["text"]!.GetValue<string>().ShouldBe("systemctl disable ecs.service && systemctl mask ecs.service");
        rules["ECS-001"]["fullDescription"]!["text"]!.GetValue<string>().ShouldStartWith("ecs-init restarts");
        rules["ECS-001"]["properties"]!["tags"]!.AsArray().Select(t => t!.GetValue<string>()).ShouldContain("security");
    }

    [Fact]
    public void Waived_result_is_an_external_suppression_with_justification()
    {
        var waived = Result(Run(Render(ScanFixtures.DlamiGateFailed())), "UNIT-002");
        var suppression = waived["suppressions"]![0]!;
        suppression["kind"]!.GetValue<string>().ShouldBe("external");
        suppression["justification"]!.GetValue<string>().ShouldContain("team-ml-platform");
        Result(Run(Render(ScanFixtures.DlamiGateFailed())), "ECS-001")["suppressions"].ShouldBeNull();
    }

    [Fact]
    public void Error_findings_mark_the_execution_unsuccessful()
    {
        Run(Render(ScanFixtures.DlamiGateFailed()))["invocations"]![0]!["executionSuccessful"]!.GetValue<bool>().ShouldBeFalse();
        Run(Render(ScanFixtures.CleanPass()))["invocations"]![0]!["executionSuccessful"]!.GetValue<bool>().ShouldBeTrue();
    }

    [Fact]
    public void Relative_root_has_no_base_mapping_and_uris_are_escaped()
    {
        var run = Run(Render(ScanFixtures.NoGateRelativeRoot()));
        run["originalUriBaseIds"].ShouldBeNull();
        run["results"]![0]!["locations"]![0]!["physicalLocation"]!["artifactLocation"]!["uri"]!.GetValue<string>()
            .ShouldBe("etc/systemd/system/weird%20unit.service");
    }

    private static JsonObject Result(JsonObject run, string ruleId) =>
        run["results"]!.AsArray().Single(r => r!["ruleId"]!.GetValue<string>() == ruleId)!.AsObject();

    /// <summary>
    /// Property names the SARIF 2.1.0 schema defines for each object we emit (a subset of each
    /// definition's "properties"). Property bags ("properties") and dictionaries are free-form.
    /// </summary>
    private static readonly Dictionary<string, string[]> Known = new()
    {
        ["log"] = ["$schema", "version", "runs", "inlineExternalProperties", "properties"],
        ["run"] = ["tool", "invocations", "results", "originalUriBaseIds", "columnKind", "automationDetails", "properties", "artifacts"],
        ["tool"] = ["driver", "extensions", "properties"],
        ["driver"] = ["name", "version", "semanticVersion", "informationUri", "rules", "notifications", "properties"],
        ["rule"] = ["id", "name", "shortDescription", "fullDescription", "help", "helpUri", "defaultConfiguration", "properties"],
        ["invocation"] = ["executionSuccessful", "toolExecutionNotifications", "properties"],
        ["notification"] = ["message", "level", "descriptor", "associatedRule", "locations", "properties"],
        ["result"] = ["ruleId", "ruleIndex", "kind", "level", "message", "locations", "partialFingerprints", "suppressions", "properties"],
        ["location"] = ["physicalLocation", "properties"],
        ["physicalLocation"] = ["artifactLocation", "region", "properties"],
        ["artifactLocation"] = ["uri", "uriBaseId", "properties"],
        ["suppression"] = ["kind", "status", "justification", "properties"],
    };

    private static void AssertOnlyKnownKeys(JsonObject log)
    {
        Check(log, "log");
        foreach (var run in log["runs"]!.AsArray().Select(r => r!.AsObject()))
        {
            Check(run, "run");
            Check(run["tool"]!.AsObject(), "tool");
            Check(run["tool"]!["driver"]!.AsObject(), "driver");
            foreach (var rule in run["tool"]!["driver"]!["rules"]!.AsArray()) Check(rule!.AsObject(), "rule");
            foreach (var inv in run["invocations"]!.AsArray())
            {
                Check(inv!.AsObject(), "invocation");
                foreach (var n in inv["toolExecutionNotifications"]?.AsArray() ?? []) Check(n!.AsObject(), "notification");
            }
            foreach (var result in run["results"]!.AsArray().Select(r => r!.AsObject()))
            {
                Check(result, "result");
                result["level"]!.GetValue<string>().ShouldBeOneOf("none", "note", "warning", "error");
                foreach (var loc in result["locations"]?.AsArray() ?? [])
                {
                    Check(loc!.AsObject(), "location");
                    Check(loc["physicalLocation"]!.AsObject(), "physicalLocation");
                    Check(loc["physicalLocation"]!["artifactLocation"]!.AsObject(), "artifactLocation");
                    loc["physicalLocation"]!["artifactLocation"]!["uri"]!.GetValue<string>().ShouldNotStartWith("/");
                }
                foreach (var s in result["suppressions"]?.AsArray() ?? [])
                {
                    Check(s!.AsObject(), "suppression");
                    s["kind"]!.GetValue<string>().ShouldBeOneOf("inSource", "external");
                }
            }
        }
    }

    private static void Check(JsonObject obj, string kind)
    {
        foreach (var key in obj.Select(p => p.Key))
            Known[kind].ShouldContain(key, $"\"{key}\" is not a SARIF 2.1.0 {kind} property");
    }
}
