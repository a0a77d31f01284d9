using AmiAudit.Core.Policies;
using AmiAudit.Core.Policies.Loading;

namespace AmiAudit.Core.Tests.Policy;

/// <summary>
/// Policy and waiver files are input: shapes that would crash the process (a stack overflow is not
/// an exception — it kills the test host too) or exhaust memory are load errors with a location.
/// </summary>
public sealed class HostilePolicyTests
{
    private const string Head = "apiVersion: amiaudit/v1\nkind: Policy\nmetadata: { name: hostile }\nrules: ";

    [Fact]
    public void Two_hundred_thousand_levels_of_nesting_are_one_error_at_the_level_that_is_too_deep()
    {
        const int levels = 200_000;
        var text = Head + new string('[', levels) + new string(']', levels) + "\n";
        var result = PolicyLoader.Load([new PolicySource("deep.yaml", text)], null);
        var error = result.Errors.ShouldHaveSingleItem();
        error.Code.ShouldBe(PolicyErrorCodes.YamlTooLarge);
        // The document's mapping is level 1 and "rules: " is 7 columns, so the first "[" (column 8) is
        // level 2 and level MaxDepth + 1 is the MaxDepth-th "[", at column 7 + MaxDepth.
        (error.Line, error.Column).ShouldBe((4, 7 + YamlDocumentReader.MaxDepth));
        error.ToString().ShouldStartWith($"deep.yaml:4:{7 + YamlDocumentReader.MaxDepth}: yaml-too-large:");
    }

    [Fact]
    public void Nesting_up_to_the_limit_is_read_normally()
    {
        // MaxDepth - 1 brackets under the root mapping (level 1): level MaxDepth, the deepest accepted.
        var text = Head + new string('[', YamlDocumentReader.MaxDepth - 1) + new string(']', YamlDocumentReader.MaxDepth - 1) + "\n";
        var result = PolicyLoader.Load([new PolicySource("ok.yaml", text)], null);
        result.Errors.ShouldNotContain(e => e.Code == PolicyErrorCodes.YamlTooLarge);
    }

    [Fact]
    public void An_alias_bomb_is_refused_quickly_instead_of_expanded()
    {
        // Nine levels of ten aliases each would be 10^9 values once copied into JSON.
        var lines = new List<string> { "apiVersion: amiaudit/v1", "kind: Policy", "metadata: { name: laughs }", "l0: &l0 [x, x, x, x, x, x, x, x, x, x]" };
        for (var i = 1; i <= 9; i++) lines.Add($"l{i}: &l{i} [{string.Join(", ", Enumerable.Repeat($"*l{i - 1}", 10))}]");
        lines.Add("rules: *l9");
        var result = PolicyLoader.Load([new PolicySource("laughs.yaml", string.Join('\n', lines) + "\n")], null);
        var error = result.Errors.ShouldHaveSingleItem();
        error.Code.ShouldBe(PolicyErrorCodes.YamlTooLarge);
        error.Message.ShouldContain("aliases");
    }

    /// <summary>Issue 8, defect 5: the alias guard counted every value, so an honest file of more than ~5,262
    /// plain rules was refused with a message about aliases it did not use.</summary>
    [Fact]
    public void A_large_honest_policy_without_aliases_loads()
    {
        // More plain values than the alias budget (the old guard counted every value: ~5,262 ordinary rules).
        // 20,000 ordinary rules are timed by benchmarks/policy-load-bench.sh; here one long list keeps it fast.
        var names = Enumerable.Range(0, YamlDocumentReader.MaxAliasValues + 10_000).Select(i => $"u{i}.service");
        var text = PolicyTestSupport.OneRule($$"""
                for: systemd.units
                where: { name: { in: [{{string.Join(", ", names)}}] } }
                expect: { unitFileState: { notIn: [enabled] } }
            """);
        var result = PolicyLoader.Load([new PolicySource("big.yaml", text)], null);
        result.Errors.ShouldBeEmpty(string.Join("\n", result.Errors.Take(3)));
        result.Policies.ShouldHaveSingleItem().Rules.ShouldHaveSingleItem();
    }

    [Fact]
    public void Many_ordinary_rules_load()
    {
        var result = PolicyLoader.Load([new PolicySource("many.yaml", ManyRules(500))], null);
        result.Errors.ShouldBeEmpty(string.Join("\n", result.Errors.Take(3)));
        result.Policies.ShouldHaveSingleItem().Rules.Count.ShouldBe(500);
    }

    [Fact]
    public void Honest_aliases_are_counted_only_for_what_they_expand_to()
    {
        // Every rule reuses one anchored example list: a few values per alias, far below the budget.
        var text = ManyRules(500, anchorExamples: true);
        var result = PolicyLoader.Load([new PolicySource("anchors.yaml", text)], null);
        result.Errors.ShouldBeEmpty(string.Join("\n", result.Errors.Take(3)));
        result.Policies.Single().Rules.Skip(1).First().PassExamples.Count.ShouldBe(1);
    }

    [Fact]
    public void Aliases_that_expand_past_the_budget_are_refused_even_when_each_is_small()
    {
        // 100 values behind one anchor, referenced 1,001 times: 100,100 values through aliases.
        var lines = new List<string> { "apiVersion: amiaudit/v1", "kind: Policy", "metadata: { name: wide }",
            "a: &a [" + string.Join(", ", Enumerable.Repeat("x", 99)) + "]" };
        lines.Add("rules: [" + string.Join(", ", Enumerable.Repeat("*a", 1_001)) + "]");
        var error = PolicyLoader.Load([new PolicySource("wide.yaml", string.Join('\n', lines) + "\n")], null).Errors.ShouldHaveSingleItem();
        error.Code.ShouldBe(PolicyErrorCodes.YamlTooLarge);
        error.Message.ShouldContain("through aliases");
    }

    [Fact]
    public void A_file_past_the_plain_size_limit_says_which_limit_it_hit()
    {
        // The same mechanism as MaxValues (1,000,000), at a limit a test can reach quickly.
        const int limit = 1_000;
        var text = "apiVersion: amiaudit/v1\nkind: Policy\nmetadata: { name: huge }\nrules: [" + string.Join(",", Enumerable.Repeat("0", limit)) + "]\n";
        var (_, error) = YamlDocumentReader.Read(new PolicySource("huge.yaml", text), limit);
        error.ShouldNotBeNull();
        error.Code.ShouldBe(PolicyErrorCodes.YamlTooLarge);
        error.Message.ShouldBe($"has more than {limit:N0} values (the size limit for one policy, waiver or config file); split it into several files");
        YamlDocumentReader.Read(new PolicySource("ok.yaml", text), limit + 10).Error.ShouldBeNull();
    }

    /// <summary>A policy of <paramref name="count"/> ordinary rules (about 20 YAML values each).</summary>
    internal static string ManyRules(int count, bool anchorExamples = false)
    {
        var sb = new System.Text.StringBuilder("apiVersion: amiaudit/v1\nkind: Policy\nmetadata: { name: big }\nrules:\n");
        for (var i = 0; i < count; i++)
        {
            var examples = !anchorExamples ? "{ pass: [ { name: a.service, unitFileState: disabled } ], fail: [ { name: a.service, unitFileState: enabled } ] }"
                : i == 0 ? "{ pass: &pass [ { name: a.service, unitFileState: disabled } ] }"
                : "{ pass: *pass }";
            sb.Append(System.Globalization.CultureInfo.InvariantCulture, $$"""
                  - id: BIG-{{i:D5}}
                    title: rule {{i}}
                    severity: low
                    for: systemd.units
                    where: { name: { in: [a{{i}}.service, b{{i}}.service] } }
                    expect: { unitFileState: { notIn: [enabled, enabled-runtime] } }
                    examples: {{examples}}

                """);
        }
        return sb.ToString();
    }

    [Fact]
    public void Waivers_get_the_same_guard()
    {
        var text = "waivers: " + new string('[', 100_000) + new string(']', 100_000) + "\n";
        var (_, errors) = WaiverLoader.Load(new PolicySource("w.yaml", text));
        errors.ShouldHaveSingleItem().Code.ShouldBe(PolicyErrorCodes.YamlTooLarge);
    }
}
