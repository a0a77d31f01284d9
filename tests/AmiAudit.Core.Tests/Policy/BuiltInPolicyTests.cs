using AmiAudit.Core.Policies;

namespace AmiAudit.Core.Tests.Policy;

public sealed class BuiltInPolicyTests
{
    [Fact]
    public void Built_in_policies_load_without_errors()
    {
        var result = PolicyLoader.Load(PolicyTestSupport.BuiltInSources(), null);
        result.Errors.ShouldBeEmpty(string.Join("\n", result.Errors));
        result.Policies.Single(p => p.Name == "k8s-node-baseline").Rules.Select(r => r.Id).ShouldBe(
            ["ECS-001", "UNIT-001", "UNIT-001-COND", "UNIT-002", "UNIT-002-COND", "UNIT-003", "KUBELET-001", "KUBELET-002", "CLOUDINIT-001", "CONTAINER-001"], ignoreOrder: true);
    }

    [Fact]
    public void Every_built_in_rule_has_pass_and_fail_examples_and_they_all_hold()
    {
        var policies = PolicyLoader.Load(PolicyTestSupport.BuiltInSources(), null).Policies;
        foreach (var rule in policies.SelectMany(p => p.Rules))
        {
            rule.PassExamples.ShouldNotBeEmpty(rule.Id);
            rule.FailExamples.ShouldNotBeEmpty(rule.Id);
        }
        var results = PolicySelfTest.Run(policies);
        results.Count.ShouldBe(policies.SelectMany(p => p.Rules).Sum(r => r.PassExamples.Count + r.FailExamples.Count));
        results.Where(r => !r.Ok).Select(r => r.Message).ShouldBeEmpty();
    }

    [Fact]
    public void Kubelet_allow_list_is_overridable_and_the_override_replaces_the_default()
    {
        var overrides = new Dictionary<string, string> { ["kubeletUrlAllowList"] = @"^https://mirror\.example\.com/,^https://dl\.k8s\.io/" };
        var result = PolicyLoader.Load(PolicyTestSupport.BuiltInSources(), overrides);
        result.Errors.ShouldBeEmpty(string.Join("\n", result.Errors));
        var policy = result.Policies.Single(p => p.Name == "k8s-node-baseline");
        policy.Vars["kubeletUrlAllowList"].ShouldBe([@"^https://mirror\.example\.com/", @"^https://dl\.k8s\.io/"]);
        var rule = policy.Rules.Single(r => r.Id == "KUBELET-001");
        var mirror = System.Text.Json.Nodes.JsonNode.Parse("""{"purpose":"kubelet","normalized":"https://mirror.example.com/kubelet"}""");
        var eks = System.Text.Json.Nodes.JsonNode.Parse("""{"purpose":"kubelet","normalized":"https://amazon-eks.s3.us-west-2.amazonaws.com/1.29.3/2024-04-19/bin/linux/amd64/kubelet"}""");
        rule.Expect!.Evaluate(mirror).Holds.ShouldBeTrue();
        rule.Expect!.Evaluate(eks).Holds.ShouldBeFalse();
    }
}
