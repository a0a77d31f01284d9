using System.Text.Json.Nodes;
using AmiAudit.Core.Evaluation;

namespace AmiAudit.Reporting.Tests.Scan;

public class JsonScanReporterTests
{
    private static JsonObject Render(ScanResult r) =>
        JsonNode.Parse(ScanReporters.Get("json").Render(r, ScanFixtures.Context))!.AsObject();

    [Fact]
    public void Has_the_documented_top_level_shape()
    {
        var doc = Render(ScanFixtures.DlamiGateFailed());
        doc.Select(p => p.Key).ShouldBe(["diagnostics", "findings", "gate", "generatedAt", "policies", "schema", "summary", "target", "tool"]);
        doc["schema"]!.GetValue<string>().ShouldBe("amiaudit.scan/v1");
        doc["tool"]!["version"]!.GetValue<string>().ShouldBe("0.1.0-test");
        doc["generatedAt"]!.GetValue<string>().ShouldBe("2025-01-15T10:30:00+00:00");
        doc["gate"]!["failOn"]!.GetValue<string>().ShouldBe("high");
        doc["gate"]!["failed"]!.GetValue<bool>().ShouldBeTrue();
        doc["target"]!["imageId"]!.GetValue<string>().ShouldBe("ami-0d2a1d1a7f3b9c001");
    }

    [Fact]
    public void Summary_and_findings_agree_with_the_result()
    {
        var source = ScanFixtures.DlamiGateFailed();
        var doc = Render(source);
        doc["findings"]!.AsArray().Count.ShouldBe(source.Findings.Count);
        doc["summary"]!["failed"]!.GetValue<int>().ShouldBe(source.Count(FindingStatus.Fail));
        doc["summary"]!["failedBySeverity"]!["critical"]!.GetValue<int>().ShouldBe(1);
        doc["summary"]!["failedBySeverity"]!["info"]!.GetValue<int>().ShouldBe(0);
        var ecs = doc["findings"]![0]!;
        ecs["ruleId"]!.GetValue<string>().ShouldBe("ECS-001"); // critical sorts first
        ecs["status"]!.GetValue<string>().ShouldBe("fail");
        ecs["severity"]!.GetValue<string>().ShouldBe("critical");
        ecs["location"]!.GetValue<string>().ShouldBe("/lib/systemd/system/ecs.service");
        doc["findings"]!.AsArray().Single(f => f!["ruleId"]!.GetValue<string>() == "UNIT-002")!["waiver"]!["owner"]!
            .GetValue<string>().ShouldBe("team-ml-platform");
    }

    [Fact]
    public void Evidence_round_trips_exactly()
    {
        var doc = Render(ScanFixtures.DlamiGateFailed());
        var boot = doc["findings"]!.AsArray().Single(f => f!["ruleId"]!.GetValue<string>() == "BOOT-002")!;
        boot["evidence"]!["scriptLine"]!.GetValue<string>().ShouldBe(ScanFixtures.HostileScriptLine);
    }

    [Fact]
    public void No_gate_omits_fail_on()
    {
        var doc = Render(ScanFixtures.NoGateRelativeRoot());
        doc["gate"]!.AsObject().ContainsKey("failOn").ShouldBeFalse();
        doc["gate"]!["failed"]!.GetValue<bool>().ShouldBeFalse();
    }
}
