using System.Text.Json.Serialization;
using AmiAudit.Core.Model;

namespace AmiAudit.Core.Evaluation;

/// <summary>
/// What an <c>error</c> finding (a rule that could not judge its target) does to the gate
/// (<c>--on-error</c>). An error is not a verdict at any severity: it means the audit is incomplete,
/// so by default it fails the scan whatever <c>--fail-on</c> says.
/// </summary>
[JsonConverter(typeof(KebabCaseEnumConverter<OnError>))]
public enum OnError
{
    /// <summary>Any error fails the gate (exit 1). The default: an unjudged rule must not read as a pass.</summary>
    Fail,

    /// <summary>Errors are reported in every format but do not fail the gate.</summary>
    Warn,
}

public static class OnErrorNames
{
    public static readonly IReadOnlyList<string> All = ["fail", "warn"];

    public static string ToName(this OnError mode) => mode == OnError.Warn ? "warn" : "fail";

    public static bool TryParse(string? text, out OnError mode)
    {
        mode = OnError.Fail;
        switch (text?.Trim().ToLowerInvariant())
        {
            case "fail": return true;
            case "warn": mode = OnError.Warn; return true;
            default: return false;
        }
    }
}
