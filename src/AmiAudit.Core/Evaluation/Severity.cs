using System.Text.Json.Serialization;
using AmiAudit.Core.Model;

namespace AmiAudit.Core.Evaluation;

/// <summary>Ordered: a gate at <c>--fail-on high</c> fails on High and Critical.</summary>
[JsonConverter(typeof(KebabCaseEnumConverter<Severity>))]
public enum Severity
{
    Info = 0,
    Low = 1,
    Medium = 2,
    High = 3,
    Critical = 4,
}

public static class SeverityNames
{
    public static readonly IReadOnlyList<string> All = ["info", "low", "medium", "high", "critical"];

    public static string ToName(this Severity s) => All[(int)s];

    public static bool TryParse(string? text, out Severity severity)
    {
        var i = text is null ? -1 : All.ToList().IndexOf(text.Trim().ToLowerInvariant());
        severity = i < 0 ? Severity.Info : (Severity)i;
        return i >= 0;
    }
}
