using System.Security.Cryptography;
using System.Text;
using AmiAudit.Core.Evaluation;
using AmiAudit.Core.Model;
using AmiAudit.Core.Policies;
using static AmiAudit.Core.Tests.Policy.PolicyTestSupport;

namespace AmiAudit.Core.Tests.Policy;

public sealed class PolicyEvaluatorTests
{
    private static IReadOnlyList<Policies.Policy> BuiltIn() => PolicyLoader.Load(BuiltInSources(), null).Policies;

    private static Finding Only(ScanResult r, string ruleId) => r.Findings.Single(f => f.RuleId == ruleId);

    [Fact]
    public void Enabled_ecs_service_fails_ECS_001_naming_the_unit_file()
    {
        var unit = Unit("ecs.service", "enabled", "/usr/lib/systemd/system/ecs.service", boot: true);
        var result = PolicyEvaluator.Evaluate(Snapshot(unit), BuiltIn(), null, Options() with { FailOn = Severity.High });

        var f = Only(result, "ECS-001");
        f.Status.ShouldBe(FindingStatus.Fail);
        f.Severity.ShouldBe(Severity.Critical);
        f.Subject.ShouldBe("ecs.service");
        f.Location.ShouldBe("/usr/lib/systemd/system/ecs.service");
        f.Target.ShouldBe("img-1");
        f.Policy.ShouldBe("k8s-node-baseline");
        f.Message.ShouldBe("ecs.service: unitFileState is \"enabled\"; expected not in [enabled, enabled-runtime, linked, linked-runtime, alias]; "
                           + "startsAtBoot is true; expected not equal to true");
        f.Expected.ShouldBe("unitFileState not in [enabled, enabled-runtime, linked, linked-runtime, alias] and startsAtBoot not equal to true");
        f.Evidence.ShouldBe(new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["name"] = "\"ecs.service\"",
            ["startsAtBoot"] = "true",
            ["unitFileState"] = "\"enabled\"",
        });
        f.Fingerprint.ShouldBe(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("ECS-001\nimg-1\necs.service")))[..16]);
        f.Remediation.ShouldNotBeNullOrWhiteSpace();
        result.GateFailed.ShouldBeTrue();
    }

    [Fact]
    public void Disabled_ecs_service_passes_and_the_gate_holds()
    {
        var result = PolicyEvaluator.Evaluate(Snapshot(Unit("ecs.service", "disabled", "/usr/lib/systemd/system/ecs.service")),
            BuiltIn(), null, Options() with { FailOn = Severity.High });
        var f = Only(result, "ECS-001");
        f.Status.ShouldBe(FindingStatus.Pass);
        f.Message.ShouldBe("ecs.service: unitFileState is \"disabled\", startsAtBoot is false; as expected");
        result.GateFailed.ShouldBeFalse();
    }

    [Fact]
    public void A_rule_with_nothing_to_judge_still_reports_one_pass_with_an_empty_subject()
    {
        var result = PolicyEvaluator.Evaluate(Snapshot(Unit("sshd.service", "enabled")), BuiltIn(), null, Options());
        var f = Only(result, "ECS-001");
        f.Status.ShouldBe(FindingStatus.Pass);
        f.Subject.ShouldBe("");
        f.Message.ShouldStartWith("no item of systemd.units matches name in [ecs.service");
    }

    [Fact]
    public void Cloud_init_rule_is_skipped_when_the_image_never_booted_and_fails_on_errors()
    {
        var never = PolicyEvaluator.Evaluate(Snapshot(), BuiltIn(), null, Options());
        Only(never, "CLOUDINIT-001").Status.ShouldBe(FindingStatus.Skipped);
        Only(never, "CLOUDINIT-001").Message.ShouldStartWith("not judgeable");

        var booted = Snapshot() with
        {
            Bootstrap = new BootstrapFacts
            {
                CloudInit = new CloudInitOutcome
                {
                    Status = "error",
                    Errors = ["('scripts_user', RuntimeError('Runparts: 1 failures (part-001) in 1 attempted commands'))"],
                    Source = "/var/lib/cloud/data/result.json",
                },
            },
        };
        var f = Only(PolicyEvaluator.Evaluate(booted, BuiltIn(), null, Options()), "CLOUDINIT-001");
        f.Status.ShouldBe(FindingStatus.Fail);
        f.Location.ShouldBe("/var/lib/cloud/data/result.json");
        f.Subject.ShouldBe("bootstrap.cloudInit");
        f.Message.ShouldContain("status is \"error\"; expected equal to \"done\"");
    }

    [Fact]
    public void Kubelet_url_outside_the_allow_list_fails_with_script_and_line()
    {
        var s = Snapshot() with
        {
            Bootstrap = new BootstrapFacts
            {
                Urls =
                [
                    new UrlFact { Normalized = "https://storage.googleapis.com/kubernetes-release/release/v1.29.3/bin/linux/amd64/kubelet", Purpose = "kubelet",
                        Source = "/var/lib/cloud/instance/user-data.txt", Line = 4 },
                    new UrlFact { Normalized = "https://amazon-eks.s3.us-west-2.amazonaws.com/1.29.3/2024-04-19/bin/linux/amd64/kubelet", Purpose = "kubelet",
                        Source = "/var/lib/cloud/instance/user-data.txt", Line = 3 },
                ],
            },
        };
        var findings = PolicyEvaluator.Evaluate(s, BuiltIn(), null, Options()).Findings.Where(f => f.RuleId == "KUBELET-001").ToList();
        findings.Count.ShouldBe(2);
        var bad = findings.Single(f => f.Status == FindingStatus.Fail);
        bad.Subject.ShouldStartWith("https://storage.googleapis.com/");
        (bad.Location, bad.Line).ShouldBe(("/var/lib/cloud/instance/user-data.txt", 4));
        findings.Single(f => f.Status == FindingStatus.Pass).Subject.ShouldStartWith("https://amazon-eks.s3.");
    }

    [Fact]
    public void Ecs_agent_container_with_restart_always_fails_CONTAINER_001()
    {
        var s = Snapshot() with
        {
            Containers =
            [
                new ContainerFact { Name = "ecs-agent", Image = "amazon/amazon-ecs-agent:latest", RestartPolicy = "always",
                    Source = "/var/lib/docker/containers/abc/config.v2.json" },
                new ContainerFact { Name = "pause", Image = "registry.k8s.io/pause:3.9", RestartPolicy = "always" },
            ],
        };
        var f = Only(PolicyEvaluator.Evaluate(s, BuiltIn(), null, Options()), "CONTAINER-001");
        f.Status.ShouldBe(FindingStatus.Fail);
        f.Subject.ShouldBe("ecs-agent");
        f.Location.ShouldBe("/var/lib/docker/containers/abc/config.v2.json");
    }

    private const string LiveRule = """
            for: systemd.units
            where: { name: { equals: kubelet.service } }
            expect: { restartsPerHour: { lte: 6 } }
        """;

    [Fact]
    public void Live_only_fields_are_not_judgeable_offline_but_judged_live()
    {
        var policies = LoadOk(OneRule(LiveRule)).Policies;
        var offline = PolicyEvaluator.Evaluate(Snapshot(Unit("kubelet.service", "enabled")), policies, null, Options());
        offline.Findings.Single().Status.ShouldBe(FindingStatus.Skipped);
        offline.Findings.Single().Message.ShouldBe("kubelet.service: not judgeable offline (restartsPerHour only known on a live node)");

        var live = new Snapshot
        {
            Target = new TargetInfo { Kind = "live", Hostname = "ip-10-0-0-1" },
            Systemd = new SystemdFacts { Units = [Unit("kubelet.service", "enabled") with { RestartsPerHour = 40 }] },
        };
        var f = PolicyEvaluator.Evaluate(live, policies, null, Options("ip-10-0-0-1")).Findings.Single();
        f.Status.ShouldBe(FindingStatus.Fail);
        f.Message.ShouldBe("kubelet.service: restartsPerHour is 40; expected <= 6");
    }

    [Fact]
    public void Count_bounds_the_number_of_matching_items()
    {
        var policies = LoadOk(OneRule("""
                for: containers
                where: { restartPolicy: { equals: always } }
                count: { max: 0 }
            """)).Policies;
        var s = Snapshot() with
        {
            Containers =
            [
                new ContainerFact { Name = "a", RestartPolicy = "always", Source = "/var/lib/docker/containers/a/config.v2.json" },
                new ContainerFact { Name = "b", RestartPolicy = "no" },
                new ContainerFact { Name = "c", RestartPolicy = "always" },
            ],
        };
        var f = PolicyEvaluator.Evaluate(s, policies, null, Options()).Findings.Single();
        f.Status.ShouldBe(FindingStatus.Fail);
        f.Evidence["count"].ShouldBe("2");
        f.Evidence["matching"].ShouldBe("[\"a\",\"c\"]");
        f.Location.ShouldBe("/var/lib/docker/containers/a/config.v2.json");
        f.Message.ShouldBe("2 containers item(s) match restartPolicy equal to \"always\" (a, c); expected at most 0");

        var clean = PolicyEvaluator.Evaluate(Snapshot(), policies, null, Options()).Findings.Single();
        clean.Status.ShouldBe(FindingStatus.Pass);
    }

    [Fact]
    public void Combinators_all_any_not_compose()
    {
        var policies = LoadOk(OneRule("""
                for: systemd.units
                where:
                  all:
                    - type: { equals: service }
                    - not: { name: { startsWith: systemd- } }
                expect:
                  any:
                    - unitFileState: { in: [disabled, masked] }
                    - missingExecutables: { isEmpty: true }
            """)).Policies;
        var s = Snapshot(
            Unit("a.service", "enabled") with { MissingExecutables = ["/x"] },
            Unit("b.service", "enabled"),
            Unit("c.service", "masked") with { MissingExecutables = ["/x"] },
            Unit("systemd-foo.service", "enabled") with { MissingExecutables = ["/x"] },
            Unit("d.socket", "enabled") with { MissingExecutables = ["/x"] });
        var bySubject = PolicyEvaluator.Evaluate(s, policies, null, Options()).Findings.ToDictionary(f => f.Subject, f => f.Status);
        bySubject.ShouldBe(new Dictionary<string, FindingStatus>
        {
            ["a.service"] = FindingStatus.Fail,
            ["b.service"] = FindingStatus.Pass,
            ["c.service"] = FindingStatus.Pass,
        });
    }

    [Fact]
    public void Findings_are_sorted_by_severity_then_rule_then_subject()
    {
        var s = Snapshot(
            Unit("ecs.service", "enabled", "/etc/systemd/system/ecs.service", boot: true),
            Unit("b.service", "enabled") with { MissingExecutables = ["/b"] },
            Unit("a.service", "enabled") with { MissingExecutables = ["/a"], MissingDependencies = ["gone.service"] });
        var order = PolicyEvaluator.Evaluate(s, BuiltIn(), null, Options()).Findings
            .Select(f => (f.Severity, f.RuleId, f.Subject)).ToList();
        order.ShouldBe([.. order.OrderByDescending(x => x.Severity).ThenBy(x => x.RuleId, StringComparer.Ordinal).ThenBy(x => x.Subject, StringComparer.Ordinal)]);
        // The critical rules lead, by rule id: AMI-004 (skipped here: no EC2 facts) then the failing ECS-001.
        order.TakeWhile(x => x.Severity == order[0].Severity).Select(x => x.RuleId).ShouldBe(["AMI-004", "ECS-001"]);
        order.Where(x => x.RuleId == "UNIT-001").Select(x => x.Subject).ShouldBe(["a.service", "b.service", "ecs.service"]);
    }

    [Fact]
    public void Scan_result_carries_policies_target_and_diagnostics()
    {
        var s = Snapshot() with { Diagnostics = [new Diagnostic { Source = "rootfs", Code = "fifo-skipped", Message = "x" }] };
        var r = PolicyEvaluator.Evaluate(s, BuiltIn(), null, Options("custom-name"));
        r.TargetName.ShouldBe("custom-name");
        r.Target.Hostname.ShouldBe("img-1");
        r.Policies.Single(p => p.Name == "k8s-node-baseline").Rules.ShouldBe(10);
        r.Diagnostics.Single().Code.ShouldBe("fifo-skipped");
        r.Findings.ShouldAllBe(f => f.Target == "custom-name");
    }
}
