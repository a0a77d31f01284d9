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

    [Fact]
    public void Waivers_get_the_same_guard()
    {
        var text = "waivers: " + new string('[', 100_000) + new string(']', 100_000) + "\n";
        var (_, errors) = WaiverLoader.Load(new PolicySource("w.yaml", text));
        errors.ShouldHaveSingleItem().Code.ShouldBe(PolicyErrorCodes.YamlTooLarge);
    }
}
