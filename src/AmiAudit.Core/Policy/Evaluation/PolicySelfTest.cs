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
        var where = rule.Where?.Evaluate(item) ?? ConditionOutcome.True;
        var matches = where.Holds;
        var expect = matches && rule.Expect is not null ? rule.Expect.Evaluate(item) : null;
        var countHolds = rule.Count?.Holds(matches ? 1 : 0) ?? true;
        // An example the rule cannot judge neither passes nor fails: it is reported as such, never "ok".
        var unknown = where.IsUnknown ? where : expect is { IsUnknown: true } ? expect : null;
        var unread = item is null ? [] : PolicyEvaluator.LoadErrors(item);
        var itemPasses = unknown is null && (expect?.Holds ?? true) && countHolds && unread.Count == 0;
        var itemFails = unknown is null && (expect is { Fails: true } || !countHolds);
        var ok = wantPass ? itemPasses : itemFails;
        var label = $"{rule.Id} examples.{(wantPass ? "pass" : "fail")}[{index}]";

        string why;
        if (unknown is not null) why = "could not be evaluated: " + string.Join("; ", unknown.Unknowns);
        else if (!matches && rule.Count is null) why = $"does not match where ({rule.Where!.Describe()}) so the rule does not judge it";
        else if (expect is { Fails: true }) why = "fails expect: " + string.Join("; ", expect.Misses);
        else if (!countHolds) why = $"makes the count {(matches ? 1 : 0)}; expected {rule.Count!.Describe()}";
        else if (unread.Count > 0) why = "could not be evaluated: it was not fully read (" + string.Join("; ", unread) + ")";
        else why = "satisfies the rule";

        var outcome = itemPasses ? "passed" : itemFails ? "failed" : "errored";
        var message = ok ? $"{label}: ok ({why})" : $"{label}: expected the rule to {(wantPass ? "pass" : "fail")} but it {outcome}: the example {why}";
        return new SelfTestResult(policy.Name, rule.Id, index, wantPass ? "pass" : "fail", ok, message);
    }
}
