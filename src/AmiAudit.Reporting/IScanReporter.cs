using AmiAudit.Core.Evaluation;

namespace AmiAudit.Reporting;

/// <summary>
/// Renders a <see cref="ScanResult"/> into one output format. Implementations are listed at compile
/// time by the source generator (<see cref="ScanReporters"/>): adding a format is adding one class (plus its template).
/// Implementations must be pure and deterministic: same result + context → same string, LF newlines,
/// trailing newline.
/// </summary>
public interface IScanReporter
{
    /// <summary>The <c>--format</c> value, lower case (e.g. "junit").</summary>
    string Format { get; }

    /// <summary>Default file extension including the dot (e.g. ".xml").</summary>
    string FileExtension { get; }

    string Render(ScanResult result, ReportContext ctx);
}
