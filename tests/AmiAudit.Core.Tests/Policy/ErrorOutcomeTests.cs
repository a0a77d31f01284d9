using System.Text.Json.Nodes;
using AmiAudit.Core.Evaluation;
using AmiAudit.Core.Model;
using AmiAudit.Core.Policies;
using static AmiAudit.Core.Tests.Policy.PolicyTestSupport;

namespace AmiAudit.Core.Tests.Policy;

/// <summary>
/// Issue 8, defect 3: a rule that cannot judge a target reports <c>error</c>, never pass, and errors fail
/// the gate unless the user asks for <c>--on-error warn</c>. Before: an enabled ecs.service with a broken
/// drop-in became "bad" with empty fields, ECS-001 said "as expected" and <c>scan --fail-on critical</c>
/// exited 0.
/// </summary>
public sealed class ErrorOutcomeTests
{
    private const string BrokenDropIn = "drop-in /etc/systemd/system/ecs.service.d/20-broken.conf could not be read: dangling symlink";

    private static IReadOnlyList<Policies.Policy> BuiltIn() => PolicyLoader.Load(BuiltInSources(), null).Policies;

    private static Finding Only(ScanResult r, string ruleId) => r.Findings.Single(f => f.RuleId == ruleId);

    /// <summary>What the collector made of the root before the fix: state "bad", every field empty.</summary>
    private static UnitFact BadEcs() => Unit("ecs.service", "bad", "/lib/systemd/system/ecs.service") with { LoadErrors = [BrokenDropIn] };

    [Fact]
    public void A_unit_that_could_not_be_fully_read_is_an_error_for_a_rule_it_would_pass()
    {
        var result = PolicyEvaluator.Evaluate(Snapshot(BadEcs()), BuiltIn(), null, Options() with { FailOn = Severity.Critical });

        var f = Only(result, "ECS-001");
        f.Status.ShouldBe(FindingStatus.Error);
        f.Severity.ShouldBe(Severity.Critical);
        f.Subject.ShouldBe("ecs.service");
        f.Message.ShouldBe($"cannot judge ecs.service: {BrokenDropIn}");
        f.Evidence["loadErrors"].ShouldBe($"[\"{BrokenDropIn}\"]");
        f.Location.ShouldBe("/lib/systemd/system/ecs.service");
        result.GateFailed.ShouldBeTrue();
    }

    [Fact]
    public void A_real_failure_on_a_unit_that_could_not_be_fully_read_still_fails()
    {
        var unit = BadEcs() with { UnitFileState = "enabled", StartsAtBoot = true };
        var f = Only(PolicyEvaluator.Evaluate(Snapshot(unit), BuiltIn(), null, Options()), "ECS-001");
        f.Status.ShouldBe(FindingStatus.Fail);
        f.Message.ShouldStartWith("ecs.service: unitFileState is \"enabled\"");
    }

    [Fact]
    public void Errors_fail_the_gate_by_default_and_only_warn_when_asked()
    {
        var snapshot = Snapshot(BadEcs());
        // No failure at all: only the error decides the gate.
        PolicyEvaluator.Evaluate(snapshot, BuiltIn(), null, Options() with { FailOn = Severity.Critical }).GateFailed.ShouldBeTrue();
        PolicyEvaluator.Evaluate(snapshot, BuiltIn(), null, Options()).GateFailed.ShouldBeTrue();

        var warned = PolicyEvaluator.Evaluate(snapshot, BuiltIn(), null, Options() with { FailOn = Severity.Critical, OnError = OnError.Warn });
        warned.GateFailed.ShouldBeFalse();
        warned.OnError.ShouldBe(OnError.Warn);
        warned.Count(FindingStatus.Error).ShouldBeGreaterThan(0);
    }

    [Fact]
    public void A_rule_that_fails_below_the_gate_does_not_fail_it_but_an_error_does()
    {
        var policies = LoadOk(OneRule("""
                severity: low
                for: systemd.units
                expect: { missingExecutables: { isEmpty: true } }
            """).Replace("    severity: high\n", "", StringComparison.Ordinal)).Policies;
        var failing = Snapshot(Unit("a.service", "enabled") with { MissingExecutables = ["/x"] });
        PolicyEvaluator.Evaluate(failing, policies, null, Options() with { FailOn = Severity.Critical }).GateFailed.ShouldBeFalse();
        var unreadable = Snapshot(Unit("a.service", "enabled") with { LoadErrors = ["fragment could not be read"] });
        PolicyEvaluator.Evaluate(unreadable, policies, null, Options() with { FailOn = Severity.Critical }).GateFailed.ShouldBeTrue();
    }

    [Fact]
    public void An_item_a_where_clause_cannot_place_because_its_fields_could_not_be_read_is_an_error()
    {
        // The rule only judges units whose ExecStart runs curl; a unit whose fragment could not be read
        // has no ExecStart, so whether the rule applies to it is unknown.
        var policies = LoadOk(OneRule("""
                for: systemd.units
                where: { execStart: { matches: curl } }
                expect: { unitFileState: { notIn: [enabled] } }
            """)).Policies;
        var s = Snapshot(
            Unit("plain.service", "enabled") with { ExecStart = ["/usr/bin/true"] },
            Unit("broken.service", "enabled") with { LoadErrors = ["fragment /etc/systemd/system/broken.service could not be read: FIFO"] });
        var findings = PolicyEvaluator.Evaluate(s, policies, null, Options()).Findings;
        var f = findings.ShouldHaveSingleItem();
        f.Status.ShouldBe(FindingStatus.Error);
        f.Subject.ShouldBe("broken.service");
        f.Message.ShouldBe("cannot tell whether T-001 applies to broken.service: fragment /etc/systemd/system/broken.service could not be read: FIFO");
    }

    [Fact]
    public void A_where_clause_that_only_reads_fields_the_unit_still_has_is_not_an_error()
    {
        // name is known even when the file behind it is not: other units are simply not judged.
        var s = Snapshot(Unit("docker.service", "bad") with { LoadErrors = ["drop-in x could not be read"] });
        var f = Only(PolicyEvaluator.Evaluate(s, BuiltIn(), null, Options()), "ECS-001");
        f.Status.ShouldBe(FindingStatus.Pass);
        f.Subject.ShouldBe("");
    }

    [Fact]
    public void A_count_that_depends_on_an_unreadable_item_is_an_error_and_one_that_does_not_is_judged()
    {
        var atMostOne = LoadOk(OneRule("""
                for: systemd.units
                where: { execStart: { matches: curl } }
                count: { max: 1 }
            """)).Policies;
        var unknownItem = Unit("broken.service", "enabled") with { LoadErrors = ["fragment could not be read"] };
        var curl = Unit("fetch.service", "enabled") with { ExecStart = ["/usr/bin/curl http://x"] };

        // 1 certain + 1 unknown: the count is 1 or 2, so "at most 1" cannot be decided.
        var undecided = PolicyEvaluator.Evaluate(Snapshot(curl, unknownItem), atMostOne, null, Options()).Findings.ShouldHaveSingleItem();
        undecided.Status.ShouldBe(FindingStatus.Error);
        undecided.Message.ShouldContain("broken.service");

        // 2 certain + 1 unknown: at least 2 whatever the unknown one is — a real failure.
        var curl2 = curl with { Name = "fetch2.service" };
        PolicyEvaluator.Evaluate(Snapshot(curl, curl2, unknownItem), atMostOne, null, Options()).Findings.ShouldHaveSingleItem()
            .Status.ShouldBe(FindingStatus.Fail);

        // 0 certain + 1 unknown against "at most 1": holds either way.
        PolicyEvaluator.Evaluate(Snapshot(unknownItem), atMostOne, null, Options()).Findings.ShouldHaveSingleItem()
            .Status.ShouldBe(FindingStatus.Pass);
    }

    [Fact]
    public void An_operator_that_cannot_compare_the_value_is_an_error_even_under_not()
    {
        // "not (x > 5)" on a value that is not a number used to pass: gt said false, not flipped it.
        var policies = LoadOk(OneRule("""
                for: systemd.units
                expect: { not: { restartSec: { gt: 5 } } }
            """)).Policies;
        var f = PolicyEvaluator.Evaluate(Snapshot(Unit("a.service", "enabled") with { RestartSec = "5min" }), policies, null, Options())
            .Findings.ShouldHaveSingleItem();
        f.Status.ShouldBe(FindingStatus.Error);
        f.Message.ShouldBe("cannot judge a.service: restartSec: gt cannot compare \"5min\" with 5 (not a number)");

        // A number written as text is still a number, and absent stays "not greater".
        PolicyEvaluator.Evaluate(Snapshot(Unit("a.service", "enabled") with { RestartSec = "10" }), policies, null, Options())
            .Findings.Single().Status.ShouldBe(FindingStatus.Fail);
        PolicyEvaluator.Evaluate(Snapshot(Unit("a.service", "enabled")), policies, null, Options())
            .Findings.Single().Status.ShouldBe(FindingStatus.Pass);
    }

    [Fact]
    public void Three_valued_logic_a_known_answer_is_kept_when_another_branch_is_unknown()
    {
        // any: one branch holds → holds; all: one branch fails → fails, whatever the unknown branch says.
        var anyRule = LoadOk(OneRule("""
                for: systemd.units
                expect:
                  any:
                    - restartSec: { gt: 5 }
                    - unitFileState: { equals: disabled }
            """)).Policies;
        var allRule = LoadOk(OneRule("""
                for: systemd.units
                expect:
                  restartSec: { gt: 5 }
                  unitFileState: { equals: disabled }
            """)).Policies;
        var unknownButDisabled = Snapshot(Unit("a.service", "disabled") with { RestartSec = "5min" });
        var unknownAndEnabled = Snapshot(Unit("a.service", "enabled") with { RestartSec = "5min" });
        PolicyEvaluator.Evaluate(unknownButDisabled, anyRule, null, Options()).Findings.Single().Status.ShouldBe(FindingStatus.Pass);
        PolicyEvaluator.Evaluate(unknownAndEnabled, anyRule, null, Options()).Findings.Single().Status.ShouldBe(FindingStatus.Error);
        PolicyEvaluator.Evaluate(unknownAndEnabled, allRule, null, Options()).Findings.Single().Status.ShouldBe(FindingStatus.Fail);
        PolicyEvaluator.Evaluate(unknownButDisabled, allRule, null, Options()).Findings.Single().Status.ShouldBe(FindingStatus.Error);
    }

    [Fact]
    public void Load_errors_are_recognised_on_any_collection_item_not_only_units()
    {
        // The evaluator reads JSON: any item carrying a non-empty loadErrors array is "not fully read".
        var policies = LoadOk(OneRule("""
                for: containers
                expect: { restartPolicy: { notEquals: always } }
            """)).Policies;
        var root = SnapshotJson.ToLookupNode(Snapshot() with { Containers = [new ContainerFact { Name = "c1", RestartPolicy = "no" }] });
        ((JsonObject)root["containers"]![0]!)["loadErrors"] = new JsonArray("config.v2.json could not be read: truncated");
        var f = PolicyEvaluator.Evaluate(root, Snapshot().Target, policies, null, Options()).Findings.ShouldHaveSingleItem();
        f.Status.ShouldBe(FindingStatus.Error);
        f.Message.ShouldBe("cannot judge c1: config.v2.json could not be read: truncated");
    }

    [Fact]
    public void A_guard_that_cannot_be_evaluated_is_an_error_not_a_skip()
    {
        var policies = LoadOk(OneRule("""
                when: { os.versionId: { gte: 2023 } }
                for: systemd.units
                expect: { unitFileState: { notIn: [enabled] } }
            """)).Policies;
        var s = Snapshot() with { Os = new OsInfo { VersionId = "rolling" } };
        var f = PolicyEvaluator.Evaluate(s, policies, null, Options()).Findings.ShouldHaveSingleItem();
        f.Status.ShouldBe(FindingStatus.Error);
        f.Message.ShouldBe("cannot judge: the rule's guard could not be evaluated: os.versionId: gte cannot compare \"rolling\" with 2023 (not a number)");
    }

    [Fact]
    public void Self_tests_report_an_example_the_rule_cannot_judge()
    {
        var policies = LoadOk(OneRule("""
                for: systemd.units
                expect: { restartSec: { lt: 10 } }
                examples:
                  pass: [ { name: a.service, restartSec: 5 } ]
                  fail: [ { name: a.service, restartSec: forever } ]
            """)).Policies;
        var results = PolicySelfTest.Run(policies);
        var bad = results.Single(r => r.Expected == "fail");
        bad.Ok.ShouldBeFalse();
        bad.Message.ShouldContain("could not be evaluated");
    }
}
