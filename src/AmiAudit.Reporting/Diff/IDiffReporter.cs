using AmiAudit.Core.Diff;

namespace AmiAudit.Reporting.Diff;

/// <summary>Renders a <see cref="DiffResult"/> in one format. Pure and deterministic: LF newlines, trailing newline.
/// Implementations are discovered by <see cref="DiffReporters"/> — a new format is one class (+ its template).</summary>
public interface IDiffReporter
{
    /// <summary>The <c>--format</c> value: console | json | markdown | html.</summary>
    string Format { get; }

    string FileExtension { get; }

    string Render(DiffResult result, ReportContext ctx);
}
