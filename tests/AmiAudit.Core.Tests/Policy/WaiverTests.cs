using AmiAudit.Core.Evaluation;
using AmiAudit.Core.Policies;
using static AmiAudit.Core.Tests.Policy.PolicyTestSupport;

namespace AmiAudit.Core.Tests.Policy;

public sealed class WaiverTests
{
    private static WaiverSet Waivers(string body)
    {
        var r = WaiverLoader.Load(new PolicySource("waivers.yaml", "apiVersion: amiaudit/v1\nkind: Waivers\nwaivers:\n" + body));
        r.Errors.ShouldBeEmpty(string.Join("\n", r.Errors));
        return r.Waivers;
    }

    private static ScanResult Scan(WaiverSet waivers, string target = "img-1") => PolicyEvaluator.Evaluate(
        Snapshot(Unit("ecs.service", "enabled", "/usr/lib/systemd/system/ecs.service", boot: true)),
        PolicyLoader.Load(BuiltInSources(), null).Policies, waivers, Options(target) with { FailOn = Severity.High });

    [Fact]
    public void A_current_waiver_turns_the_failure_into_waived_with_reason_and_owner()
    {
        var w = Waivers("""
              - rule: ECS-001
                target: img-*
                subject: ecs.*
                reason: ECS agent removed in the next image (PLAT-123)
                owner: platform-team
                expires: 2025-06-15
            """);
        var r = Scan(w);
        var f = r.Findings.Single(x => x.RuleId == "ECS-001");
        f.Status.ShouldBe(FindingStatus.Waived);
        f.WaiverReason.ShouldBe("ECS agent removed in the next image (PLAT-123)");
        f.WaiverOwner.ShouldBe("platform-team");
        r.Findings.ShouldNotContain(x => x.RuleId == PolicyEvaluator.WaiverExpiredRuleId);
        r.Findings.Where(x => x.RuleId == "UNIT-001").ShouldAllBe(x => x.Status != FindingStatus.Waived);
    }

    [Fact]
    public void An_expired_waiver_does_not_waive_and_is_itself_a_high_failure()
    {
        var w = Waivers("""
              - rule: ECS-001
                reason: temporary
                owner: alice@example.com
                expires: 2025-06-14
            """);
        var r = Scan(w);
        r.Findings.Single(x => x.RuleId == "ECS-001").Status.ShouldBe(FindingStatus.Fail);
        var expired = r.Findings.Single(x => x.RuleId == PolicyEvaluator.WaiverExpiredRuleId);
        expired.Status.ShouldBe(FindingStatus.Fail);
        expired.Severity.ShouldBe(Severity.High);
        expired.Subject.ShouldBe("ECS-001");
        expired.Message.ShouldContain("alice@example.com");
        expired.Message.ShouldContain("2025-06-14");
        (expired.Location, expired.Line).ShouldBe(("waivers.yaml", 4));
        r.GateFailed.ShouldBeTrue();
    }

    [Fact]
    public void A_waiver_for_another_target_neither_waives_nor_expires_here()
    {
        var w = Waivers("""
              - rule: ECS-001
                target: prod-*
                reason: r
                owner: o
                expires: 2020-01-01
              - rule: ECS-001
                target: prod-*
                reason: r
                owner: o
                expires: 2030-01-01
            """);
        var r = Scan(w);
        r.Findings.Single(x => x.RuleId == "ECS-001").Status.ShouldBe(FindingStatus.Fail);
        r.Findings.ShouldNotContain(x => x.RuleId == PolicyEvaluator.WaiverExpiredRuleId);
        Scan(w, "prod-7").Findings.Single(x => x.RuleId == "ECS-001").Status.ShouldBe(FindingStatus.Waived);
    }

    [Fact]
    public void Waiver_file_errors_are_all_reported_with_line_and_column()
    {
        const string text = """
            apiVersion: amiaudit/v1
            kind: Waivers
            waivers:
              - rule: ECS-001
                reason: r
                owner: o
                expires: 2025-02-30
              - rule: UNIT-001
                reason: r
                expires: 2025-01-01
                ticket: PLAT-1
            """;
        var r = WaiverLoader.Load(new PolicySource("w.yaml", text));
        r.Errors.Select(e => $"{e.Line}:{e.Column}: {e.Code}").ShouldBe(["7:14: bad-date", "8:5: missing-key", "11:5: schema"], string.Join("\n", r.Errors));
        r.Errors[1].Message.ShouldBe("missing required key 'owner'");
        r.Waivers.Waivers.ShouldBeEmpty();
    }

    [Fact]
    public void Glob_matches_whole_strings()
    {
        Glob.IsMatch("img-*", "img-123").ShouldBeTrue();
        Glob.IsMatch("img-*", "xx-img-123").ShouldBeFalse();
        Glob.IsMatch("ecs.?ervice", "ecs.service").ShouldBeTrue();
        Glob.IsMatch("ecs.service", "ecsXservice").ShouldBeFalse();
    }
}
