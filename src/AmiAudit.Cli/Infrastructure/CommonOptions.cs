using System.CommandLine;
using AmiAudit.Core.Evaluation;

namespace AmiAudit.Cli.Infrastructure;

/// <summary>Options several verbs share, defined once so their names and help text agree.</summary>
public static class CommonOptions
{
    private const string OutputDescription =
        "Write the report to this file (atomically: temp file + rename; a device or FIFO is written through) instead of standard output ('-').";

    /// <summary>--output / -o: every verb names its output file the same way.</summary>
    public static Option<string?> Output(string description = OutputDescription) => new("--output", "-o")
    {
        Description = description,
    };

    /// <summary>--out, the name collect and fleet collect used before --output: still accepted, no longer shown.</summary>
    public static Option<string?> OutAlias() => new("--out") { Hidden = true, Description = "Old name of --output." };

    /// <summary>The output path from --output or its hidden old name --out; both at once is a usage error.</summary>
    public static string? OutputPath(ParseResult parse, Option<string?> output, Option<string?> alias)
    {
        var (o, a) = (parse.GetValue(output), parse.GetValue(alias));
        if (o is not null && a is not null) throw new UsageException("give --output once (--out is its old name)");
        return o ?? a;
    }

    /// <summary>--fail-on: typed; high when not given, none = report only.</summary>
    public static Option<ScanGate> FailOn()
    {
        var option = Choice.Option("--fail-on", ScanGate.Names, ScanGate.Parse,
            "Exit 1 when a failing finding is at or above this severity: info, low, medium, high or critical; " +
            "none reports only. An error finding fails the gate whatever this says (see --on-error).");
        option.DefaultValueFactory = _ => ScanGate.Default;
        return option;
    }

    /// <summary>A severity threshold that is off unless given (diff --fail-on-divergence).</summary>
    public static Option<Severity?> Threshold(string name, string description) =>
        Choice.Option<Severity?>(name, SeverityNames.All, n => SeverityNames.TryParse(n, out var s) ? s : Severity.Info, description);

    /// <summary>--on-error: typed; not given = fail (the enum's default value).</summary>
    public static Option<OnError> OnError() => Choice.Option("--on-error", OnErrorNames.All, n => OnErrorNames.TryParse(n, out var m) ? m : Core.Evaluation.OnError.Fail,
        "What an error finding (a rule that cannot judge its target) does: fail (the default: exit 1, whatever --fail-on says) or warn (report it only).");

    public static Option<string[]> Policy() => new("--policy", "-p")
    {
        Description = "Policy file or directory (repeatable). Default: the built-in policies shipped with amiaudit.",
        AllowMultipleArgumentsPerToken = false,
    };

    public static Option<string?> Waivers() => new("--waivers")
    {
        Description = "Waivers file (YAML). An expired waiver is itself a failing finding.",
    };

    public static Option<string[]> Vars() => new("--var")
    {
        Description = "Override a policy variable: NAME=VALUE[,VALUE…] (repeatable).",
    };

    public static Option<string?> Root() => new("--root", "-r")
    {
        Description = "Image root to read offline: a mounted AMI volume (/mnt/image) or / on the build instance.",
    };
}
