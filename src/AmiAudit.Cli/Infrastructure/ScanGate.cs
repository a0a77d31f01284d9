using AmiAudit.Core.Evaluation;

namespace AmiAudit.Cli.Infrastructure;

/// <summary>
/// The value of --fail-on: a severity threshold, or none (report only). A struct rather than <c>Severity?</c>
/// because System.CommandLine cannot hold a null parsed value (it tries to convert it and throws), and its
/// <see cref="ToString"/> is what help prints as the default ("[default: high]").
/// </summary>
public readonly record struct ScanGate(Severity? Threshold)
{
    /// <summary>A pipeline that forgets --fail-on must not ship a high or critical finding (as goss, InSpec and conftest fail by default).</summary>
    public static readonly ScanGate Default = new(Severity.High);

    public static readonly IReadOnlyList<string> Names = [.. SeverityNames.All, "none"];

    public static ScanGate Parse(string canonicalName) =>
        new(SeverityNames.TryParse(canonicalName, out var s) ? s : null);

    public override string ToString() => Threshold?.ToName() ?? "none";
}
