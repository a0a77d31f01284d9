using AmiAudit.Core.Model;
using AmiAudit.Core.Policies;

namespace AmiAudit.Core.Tests.Policy;

internal static class PolicyTestSupport
{
    public static readonly DateTimeOffset Now = new(2025, 6, 15, 12, 0, 0, TimeSpan.Zero);

    public static string RepoRoot => AmiAudit.Testing.RepoPaths.Root;

    public static IReadOnlyList<PolicySource> BuiltInSources() =>
        [.. Directory.GetFiles(Path.Combine(RepoRoot, "policies"), "*.yaml").Order(StringComparer.Ordinal)
            .Select(p => new PolicySource(Path.GetRelativePath(RepoRoot, p), File.ReadAllText(p)))];

    public static PolicyLoadResult LoadOk(string yaml, IReadOnlyDictionary<string, string>? vars = null)
    {
        var result = PolicyLoader.Load([new PolicySource("test.yaml", yaml)], vars);
        result.Errors.ShouldBeEmpty(string.Join("\n", result.Errors));
        return result;
    }

    /// <summary>A policy document with one rule whose body (indented 4) is given.</summary>
    public static string OneRule(string body, string vars = "") => $"""
        apiVersion: amiaudit/v1
        kind: Policy
        metadata:
          name: t
        {vars}
        rules:
          - id: T-001
            title: test rule
            severity: high
        {body}
        """;

    public static UnitFact Unit(string name, string state, string? fragment = null, bool boot = false) => new()
    {
        Name = name,
        Type = name[(name.LastIndexOf('.') + 1)..],
        UnitFileState = state,
        FragmentPath = fragment,
        StartsAtBoot = boot,
    };

    public static Snapshot Snapshot(params UnitFact[] units) => new()
    {
        Target = new TargetInfo { Kind = "image-root", Hostname = "img-1", Root = "/mnt/image" },
        Systemd = new SystemdFacts { Units = [.. units] },
    };

    public static EvaluationOptions Options(string target = "img-1") => new() { Now = Now, TargetName = target };
}
