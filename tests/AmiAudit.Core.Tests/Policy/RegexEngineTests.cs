using AmiAudit.Core.Evaluation;
using AmiAudit.Core.Policies;
using AmiAudit.Core.Policies.Operators;
using static AmiAudit.Core.Tests.Policy.PolicyTestSupport;

namespace AmiAudit.Core.Tests.Policy;

/// <summary>
/// Issue 8, defect 4: policy regexes run on <c>RegexOptions.NonBacktracking</c> (linear in the input, no
/// timeout to fail open). Before: <c>notMatches: '^(a+)+$|curl'</c> against a long "aaa…b curl evil" timed
/// out after 250 ms, the timeout counted as "no match" and the rule passed with 0 errors.
/// </summary>
public sealed class RegexEngineTests
{
    private static readonly string Hostile = new string('a', 50_000) + "b curl evil";

    private const string NoCurl = """
            for: systemd.units
            expect: { execStart: { notMatches: '^(a+)+$|curl' } }
        """;

    [Fact]
    public void A_catastrophic_pattern_against_hostile_text_finds_the_match_instead_of_timing_out_into_a_pass()
    {
        var policies = LoadOk(OneRule(NoCurl)).Policies;
        var s = Snapshot(Unit("evil.service", "enabled") with { ExecStart = [Hostile] });
        var result = PolicyEvaluator.Evaluate(s, policies, null, Options() with { FailOn = Severity.High });
        var f = result.Findings.ShouldHaveSingleItem();
        f.Status.ShouldBe(FindingStatus.Fail);
        result.Count(FindingStatus.Error).ShouldBe(0);
        result.GateFailed.ShouldBeTrue();
    }

    [Theory]
    [InlineData(@"(a)\1", "backreference")]
    [InlineData("(?=a)a", "lookahead")]
    [InlineData("(?<!a)b", "lookbehind")]
    [InlineData("(?>a+)b", "atomic")]
    [InlineData("(?(a)b|c)", "conditional")]
    public void A_pattern_the_linear_engine_cannot_run_is_a_load_error_that_names_the_opt_in(string pattern, string construct)
    {
        var text = OneRule($$"""
                for: systemd.units
                expect: { name: { matches: '{{pattern}}' } }
            """);
        var e = PolicyLoader.Load([new PolicySource("r.yaml", text)], null).Errors.ShouldHaveSingleItem();
        e.Code.ShouldBe(PolicyErrorCodes.BadRegex);
        // line 11: "    expect: { name: { matches: '…' } }" — the pattern starts at column 32.
        (e.File, e.Line, e.Column).ShouldBe(("r.yaml", 11, 32));
        e.Message.ShouldContain(construct);
        e.Message.ShouldContain("regexEngine: backtracking");
    }

    [Fact]
    public void The_error_points_at_the_pattern_in_a_list_that_the_engine_refuses()
    {
        var text = OneRule("""
                for: systemd.units
                expect:
                  name:
                    notMatches:
                      - '^ok$'
                      - '(x)\1'
            """);
        var e = PolicyLoader.Load([new PolicySource("r.yaml", text)], null).Errors.ShouldHaveSingleItem();
        (e.Line, e.Column).ShouldBe((15, 13));
    }

    [Fact]
    public void A_rule_that_opts_into_backtracking_may_use_backreferences()
    {
        var policies = LoadOk(OneRule("""
                regexEngine: backtracking
                for: systemd.units
                expect: { name: { notMatches: '^(\w+)-\1\.service$' } }
            """)).Policies;
        var findings = PolicyEvaluator.Evaluate(Snapshot(Unit("echo-echo.service", "enabled"), Unit("echo-x.service", "enabled")),
            policies, null, Options()).Findings.ToDictionary(f => f.Subject, f => f.Status);
        findings["echo-echo.service"].ShouldBe(FindingStatus.Fail);
        findings["echo-x.service"].ShouldBe(FindingStatus.Pass);
    }

    [Fact]
    public void A_backtracking_timeout_is_an_error_never_a_pass()
    {
        var policies = LoadOk(OneRule("""
                regexEngine: backtracking
                for: systemd.units
                expect: { execStart: { notMatches: '^(a+)+$' } }
            """)).Policies;
        var s = Snapshot(Unit("evil.service", "enabled") with { ExecStart = [new string('a', 64) + "!"] });
        var result = PolicyEvaluator.Evaluate(s, policies, null, Options() with { FailOn = Severity.Critical });
        var f = result.Findings.ShouldHaveSingleItem();
        f.Status.ShouldBe(FindingStatus.Error);
        f.Message.ShouldStartWith("cannot judge evil.service: execStart: /^(a+)+$/ timed out after 250 ms");
        result.GateFailed.ShouldBeTrue();
    }

    [Fact]
    public void The_regex_engine_field_is_checked_by_the_schema()
    {
        var text = OneRule("""
                regexEngine: perl
                for: systemd.units
                expect: { name: { matches: x } }
            """);
        var e = PolicyLoader.Load([new PolicySource("r.yaml", text)], null).Errors.ShouldHaveSingleItem();
        e.Line.ShouldBe(10);
        e.Message.ShouldContain("regexEngine");
    }

    [Fact]
    public void The_built_in_policies_load_on_the_linear_engine()
    {
        var result = PolicyLoader.Load(BuiltInSources(), null);
        result.Errors.ShouldBeEmpty(string.Join("\n", result.Errors));
        result.Policies.SelectMany(p => p.Rules).ShouldAllBe(r => r.RegexEngine == RegexEngine.NonBacktracking);
    }

    [Theory]
    [InlineData("*", "", true)]
    [InlineData("ECS-*", "ECS-001", true)]
    [InlineData("ECS-*", "XECS-001", false)]
    [InlineData("ECS-00?", "ECS-001", true)]
    [InlineData("ECS-00?", "ECS-0011", false)]
    [InlineData("*.service", "a.b.service", true)]
    [InlineData("*a*b", "xxaxxbxxb", true)]
    [InlineData("*a*b", "xxaxxbxxc", false)]
    [InlineData("a*", "A1", false)]
    [InlineData("[x]", "[x]", true)]
    [InlineData("(.*)", "(.*)", true)]
    [InlineData("(.*)", "abc", false)]
    public void Waiver_globs_match_whole_strings_with_star_and_question_mark(string glob, string text, bool expected) =>
        Glob.IsMatch(glob, text).ShouldBe(expected);

    [Fact]
    public void A_waiver_glob_with_many_stars_against_a_long_hostile_subject_answers_without_a_timeout()
    {
        // Was a backtracking regex with a 250 ms timeout whose exception nobody caught (exit 70).
        var glob = string.Concat(Enumerable.Repeat("*a", 30)) + "*b";
        Glob.IsMatch(glob, new string('a', 100_000)).ShouldBeFalse();
        Glob.IsMatch(glob, new string('a', 100_000) + "b").ShouldBeTrue();
    }
}
