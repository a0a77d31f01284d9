using System.CommandLine;
using AmiAudit.Core.Evaluation;

namespace AmiAudit.Cli.Infrastructure;

/// <summary>Options several verbs share, defined once so their names and help text agree.</summary>
public static class CommonOptions
{
    public static Option<string?> Output() => new("--output", "-o")
    {
        Description = "Write the report to this file (atomically: temp file + rename; a device or FIFO is written through) instead of standard output ('-').",
    };

    public static Option<string?> FailOn() => new("--fail-on")
    {
        Description = "Exit 1 when a finding at or above this severity fails: info, low, medium, high, critical.",
        Validators = { r => { var v = r.GetValueOrDefault<string?>(); if (v is not null && !SeverityNames.TryParse(v, out _)) r.AddError($"--fail-on: '{v}' is not one of {string.Join(", ", SeverityNames.All)}"); } },
    };

    public static Option<string> OnError() => new("--on-error")
    {
        Description = "What an error finding (a rule that cannot judge its target) does: fail (exit 1, whatever --fail-on says) or warn (report it only).",
        DefaultValueFactory = _ => "fail",
        Validators = { r => { var v = r.GetValueOrDefault<string>(); if (!OnErrorNames.TryParse(v, out _)) r.AddError($"--on-error: '{v}' is not one of {string.Join(", ", OnErrorNames.All)}"); } },
    };

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

    public static Severity? ParseSeverity(string? text) => text is not null && SeverityNames.TryParse(text, out var s) ? s : null;
}
