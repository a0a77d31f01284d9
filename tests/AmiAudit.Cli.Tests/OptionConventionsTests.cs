using System.CommandLine;
using AmiAudit.Cli.Infrastructure;
using AmiAudit.Core.Model;

namespace AmiAudit.Cli.Tests;

/// <summary>
/// Conventions every verb keeps (issue 10 items 5, 7 and 8): the scan gate is on unless turned off, enum-like values
/// are case-insensitive everywhere, the output file is --output / -o on every verb, and one rule names a target.
/// </summary>
public class OptionConventionsTests
{
    private static string Dlami => CliHarness.Example("dlami-root");

    [Fact]
    public void Scan_without_fail_on_fails_on_a_high_finding_and_fail_on_none_reports_only()
    {
        var gated = CliHarness.Run("scan", "--root", Dlami);
        gated.ExitCode.ShouldBe(ExitCodes.GateFailed, gated.Error);
        gated.Out.ShouldContain("gate: FAILED at --fail-on high");

        var reportOnly = CliHarness.Run("scan", "--root", Dlami, "--fail-on", "none");
        reportOnly.ExitCode.ShouldBe(ExitCodes.Passed, reportOnly.Error);
        reportOnly.Out.ShouldNotContain("gate: FAILED");
        // The same findings are reported either way.
        reportOnly.Out.ShouldContain("ECS-AGENT");
    }

    [Theory]
    [InlineData("scan", "--format", "JUnit")]
    [InlineData("scan", "--fail-on", "High")]
    [InlineData("scan", "--on-error", "WARN")]
    [InlineData("scan", "--format", " Markdown")]
    public void Enum_like_scan_values_are_case_insensitive(string verb, string option, string value)
    {
        var r = CliHarness.Run(verb, "--root", Dlami, option, value);
        r.ExitCode.ShouldNotBe(ExitCodes.Usage, r.Error);
    }

    [Fact]
    public void Enum_like_values_of_diff_collect_and_probe_are_case_insensitive()
    {
        var zoneA = Path.Combine(CliHarness.Example("incident"), "zone-a");
        var zoneB = Path.Combine(CliHarness.Example("incident"), "zone-b");
        var diff = CliHarness.Run("diff", zoneA, zoneB, "--format", "JSON", "--fail-on-divergence", "Critical");
        diff.ExitCode.ShouldNotBe(ExitCodes.Usage, diff.Error);
        diff.Out.TrimStart().ShouldStartWith("{");

        var collect = CliHarness.Run("collect", "--root", Dlami, "--format", "Json");
        collect.ExitCode.ShouldBe(ExitCodes.Passed, collect.Error);

        var probe = CliHarness.Run("probe", "MEMCG", "--format", "Prometheus", "--window", "0s");
        probe.ExitCode.ShouldNotBe(ExitCodes.Usage, probe.Error);
    }

    [Fact]
    public void An_unknown_value_is_a_usage_error_that_lists_every_choice()
    {
        var r = CliHarness.Run("scan", "--root", Dlami, "--format", "xml");
        r.ExitCode.ShouldBe(ExitCodes.Usage);
        r.Error.ShouldContain("--format: 'xml' is not one of console, json, junit, markdown, sarif");

        var gate = CliHarness.Run("scan", "--root", Dlami, "--fail-on", "severe");
        gate.ExitCode.ShouldBe(ExitCodes.Usage);
        gate.Error.ShouldContain("--fail-on: 'severe' is not one of info, low, medium, high, critical, none");
    }

    /// <summary>Every command that writes a file names it --output / -o; the old --out is accepted but not shown.</summary>
    [Fact]
    public void Every_verb_that_writes_a_file_calls_it_output()
    {
        var root = Program.BuildRoot(new CliContext
        {
            Out = TextWriter.Null, Error = TextWriter.Null, Environment = new Dictionary<string, string>(),
            Clock = TimeProvider.System, AppDirectory = AppContext.BaseDirectory,
        });
        var writers = new List<string>();
        foreach (var command in All(root))
        {
            foreach (var option in command.Options)
            {
                if (option.Name == "--out") option.Hidden.ShouldBeTrue($"{command.Name}: --out is the hidden old name of --output");
                else if (option.Name.Contains("out", StringComparison.Ordinal) && !option.Name.Contains("timeout", StringComparison.Ordinal))
                    option.Name.ShouldBe("--output", $"{command.Name} {option.Name}");
                if (option.Name == "--output")
                {
                    option.Aliases.ShouldBe(["-o"], ignoreOrder: true);
                    writers.Add(command.Name);
                }
            }
        }
        writers.ShouldBe(["collect", "collect", "diff", "probe", "scan"], ignoreOrder: true); // fleet collect, collect
    }

    [Fact]
    public void Collect_accepts_out_as_the_old_name_of_output_but_not_both()
    {
        using var dir = new TempDir();
        var viaOut = CliHarness.Run("collect", "--root", Dlami, "--out", Path.Combine(dir.Path, "a.json"));
        viaOut.ExitCode.ShouldBe(ExitCodes.Passed, viaOut.Error);
        File.Exists(Path.Combine(dir.Path, "a.json")).ShouldBeTrue();

        var both = CliHarness.Run("collect", "--root", Dlami, "--out", Path.Combine(dir.Path, "b.json"), "-o", Path.Combine(dir.Path, "c.json"));
        both.ExitCode.ShouldBe(ExitCodes.Usage);
        both.Error.ShouldContain("--out is its old name");

        CliHarness.Run("collect", "--help").Out.ShouldNotContain("--out ");
    }

    /// <summary>One naming rule: the evaluator's default and the CLI give a snapshot the same name, hence the same fingerprints.</summary>
    [Theory]
    [InlineData("ami-0abc", "node-1", "/mnt/image", "ami-0abc")]
    [InlineData(null, "node-1", "/mnt/image", "node-1")]
    [InlineData(null, null, "/mnt/image/", "image")]
    [InlineData(null, "", "/", "/")]
    [InlineData(null, null, null, "target")]
    public void One_rule_names_a_target(string? image, string? host, string? root, string expected)
    {
        var target = new TargetInfo { ImageId = image, Hostname = host, Root = root };
        TargetNames.For(target).ShouldBe(expected);
        var viaEvaluator = AmiAudit.Core.Policies.PolicyEvaluator.Evaluate(new Snapshot { Target = target }, [], null,
            new AmiAudit.Core.Policies.EvaluationOptions { Now = CliHarness.FixedNow });
        viaEvaluator.TargetName.ShouldBe(expected);
    }

    private static IEnumerable<Command> All(Command c) => new[] { c }.Concat(c.Subcommands.SelectMany(All));

    private sealed class TempDir : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("amiaudit-opts-").FullName;
        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
