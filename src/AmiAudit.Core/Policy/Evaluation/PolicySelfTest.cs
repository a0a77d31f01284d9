using System.Text.Json.Nodes;

namespace AmiAudit.Core.Policies;

/// <summary>One example of one rule judged against the rule itself.</summary>
/// <param name="ExampleIndex">Index in examples.pass / examples.fail; -1 when the rule has no examples.</param>
/// <param name="Expected">"pass" or "fail" — what the example should do.</param>
public sealed record SelfTestResult(string Policy, string RuleId, int ExampleIndex, string Expected, bool Ok, string Message);

/// <summary>Runs every rule's <c>examples</c> (the <c>amiaudit policy test</c> verb).</summary>
public static class PolicySelfTest
{
    public static IReadOnlyList<SelfTestResult> Run(IReadOnlyList<Policy> policies)
    {
        var results = new List<SelfTestResult>();
        foreach (var policy in policies)
        {
            foreach (var rule in policy.Rules)
            {
                if (rule.PassExamples.Count == 0 && rule.FailExamples.Count == 0)
                {
                    results.Add(new SelfTestResult(policy.Name, rule.Id, -1, "pass", false, $"{rule.Id}: no examples; add examples.pass and examples.fail"));
                    continue;
                }
                for (var i = 0; i < rule.PassExamples.Count; i++) results.Add(Check(policy, rule, i, rule.PassExamples[i], wantPass: true));
                for (var i = 0; i < rule.FailExamples.Count; i++) results.Add(Check(policy, rule, i, rule.FailExamples[i], wantPass: false));
            }
        }
        return results;
    }

    private static SelfTestResult Check(Policy policy, PolicyRule rule, int index, JsonNode? item, bool wantPass)
    {
        var matches = rule.Where is null || rule.Where.Evaluate(item).Holds;
        var expect = matches && rule.Expect is not null ? rule.Expect.Evaluate(item) : null;
        var countHolds = rule.Count?.Holds(matches ? 1 : 0) ?? true;
        var itemPasses = (expect?.Holds ?? true) && countHolds;
        var ok = wantPass == itemPasses;
        var label = $"{rule.Id} examples.{(wantPass ? "pass" : "fail")}[{index}]";

        string why;
        if (!matches && rule.Count is null) why = $"does not match where ({rule.Where!.Describe()}) so the rule does not judge it";
        else if (expect is { Holds: false }) why = "fails expect: " + string.Join("; ", expect.Misses);
        else if (!countHolds) why = $"makes the count {(matches ? 1 : 0)}; expected {rule.Count!.Describe()}";
        else why = "satisfies the rule";

        var message = ok ? $"{label}: ok ({why})" : $"{label}: expected the rule to {(wantPass ? "pass" : "fail")} but it {(itemPasses ? "passed" : "failed")}: the example {why}";
        return new SelfTestResult(policy.Name, rule.Id, index, wantPass ? "pass" : "fail", ok, message);
    }
}
