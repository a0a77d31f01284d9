using AmiAudit.Core.Diff;

namespace AmiAudit.Reporting.Diff;

/// <summary>The result itself, schema "amiaudit.diff/v1": sorted keys, kebab-case enums, nulls omitted.</summary>
internal sealed class JsonDiffReporter : IDiffReporter
{
    public string Format => "json";
    public string FileExtension => ".json";
    public string Render(DiffResult result, ReportContext ctx) => DiffEngine.ToJson(result);
}
