using System.Text;
using AmiAudit.Cli.Infrastructure;
using AmiAudit.Core.Policies;

namespace AmiAudit.Cli.Tests;

/// <summary>
/// policies/SCHEMA-VALIDATED.sha256 lets the CLI skip re-validating unchanged built-in policies
/// against the schema at start-up. This test is what earns that trust: it validates every built-in
/// file with the full schema pass and only then records its digest (AMIAUDIT_UPDATE_GOLDEN=1).
/// </summary>
public class PolicyDigestsTests
{
    [Fact]
    public void Digests_list_exactly_the_built_in_policies_that_pass_the_schema()
    {
        var dir = Path.Combine(CliHarness.RepoRoot, "policies");
        var lines = new StringBuilder();
        foreach (var file in Directory.GetFiles(dir, "*.yaml").Order(StringComparer.Ordinal))
        {
            var bytes = File.ReadAllBytes(file);
            var result = PolicyLoader.Load([new PolicySource(file, Encoding.UTF8.GetString(bytes))]);
            result.Errors.ShouldBeEmpty($"{file} must pass full validation before its digest may be trusted");
            lines.Append($"{PolicyFiles.Digest(bytes)}  {Path.GetFileName(file)}\n");
        }
        AmiAudit.Testing.GoldenFile.Assert(Path.Combine(dir, PolicyFiles.DigestsFile), lines.ToString());
    }

    [Fact]
    public void An_edited_built_in_policy_is_validated_again()
    {
        // A copy of the app directory whose built-in policy was changed after its digest was recorded:
        // the schema error must be reported, i.e. the digest did not vouch for the new text.
        var app = Directory.CreateTempSubdirectory("amiaudit-app-").FullName;
        var policies = Directory.CreateDirectory(Path.Combine(app, "policies")).FullName;
        File.Copy(Path.Combine(CliHarness.RepoRoot, "policies", PolicyFiles.DigestsFile), Path.Combine(policies, PolicyFiles.DigestsFile));
        var original = File.ReadAllText(Path.Combine(CliHarness.RepoRoot, "policies", "k8s-node-baseline.yaml"));
        File.WriteAllText(Path.Combine(policies, "k8s-node-baseline.yaml"), original.Replace("kind: Policy", "kind: Policy\nunexpectedTopLevelKey: 1", StringComparison.Ordinal));
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = Program.Run(["policy", "validate"], new CliContext
        {
            Out = stdout, Error = stderr, Environment = new Dictionary<string, string>(), Clock = TimeProvider.System, AppDirectory = app,
        });
        code.ShouldBe(ExitCodes.InvalidInput, stdout.ToString());
        stderr.ToString().ShouldContain("unexpectedTopLevelKey");
    }
}
