using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace AmiAudit.Core.Policies.Loading;

/// <summary>Per-document state while compiling: where errors go, where marks come from, the vars in scope.</summary>
internal sealed partial class LoadContext(string file, YamlJsonDocument doc, List<PolicyError> errors)
{
    public string File { get; } = file;
    public YamlJsonDocument Doc { get; } = doc;
    public Dictionary<string, IReadOnlyList<string>> Vars { get; } = new(StringComparer.Ordinal);
    /// <summary>Vars declared as a list (a scalar var stays a string when expanded).</summary>
    public HashSet<string> ListVars { get; } = new(StringComparer.Ordinal);

    public int ErrorCount => errors.Count;

    /// <summary>Settings of the rule being compiled (its <c>regexEngine</c>); operators bind with these.</summary>
    public Operators.OperatorSettings OperatorSettings { get; set; } = Operators.OperatorSettings.Default;

    public void Error(string path, string code, string message, bool atKey = false)
    {
        var (line, col) = Doc.Locate(path, atKey);
        errors.Add(new PolicyError(File, line, col, code, message));
    }

    public (int Line, int Column) Where(string path) => Doc.Locate(path);

    /// <summary>Replaces whole-string <c>${vars.NAME}</c> references; a list var inside a list flattens into it.</summary>
    public JsonNode? Expand(JsonNode? value, string path)
    {
        switch (value)
        {
            case JsonArray a:
                var result = new JsonArray();
                for (var i = 0; i < a.Count; i++)
                {
                    var expanded = Expand(a[i], YamlJsonDocument.Index(path, i));
                    if (expanded is JsonArray inner && IsVarRef(a[i]))
                        foreach (var x in inner) result.Add(x?.DeepClone());
                    else result.Add(expanded?.DeepClone());
                }
                return result;
            case JsonValue when JsonValuesText(value) is { } s && s.Contains("${", StringComparison.Ordinal):
                var m = VarRef().Match(s);
                if (!m.Success)
                {
                    Error(path, PolicyErrorCodes.UnknownVar, $"'{s}': a var reference must be the whole value, spelled ${{vars.NAME}}");
                    return value;
                }
                var name = m.Groups[1].Value;
                if (!Vars.TryGetValue(name, out var values))
                {
                    Error(path, PolicyErrorCodes.UnknownVar, $"unknown var '{name}' (declared: {(Vars.Count == 0 ? "none" : string.Join(", ", Vars.Keys.Order(StringComparer.Ordinal)))})");
                    return value;
                }
                return ListVars.Contains(name)
                    ? new JsonArray([.. values.Select(v => (JsonNode)JsonValue.Create(v))])
                    : JsonValue.Create(values.Count > 0 ? values[0] : "");
            default:
                return value?.DeepClone();
        }
    }

    private static bool IsVarRef(JsonNode? n) => JsonValuesText(n) is { } s && VarRef().IsMatch(s);

    private static string? JsonValuesText(JsonNode? n) => Operators.JsonValues.AsString(n);

    [GeneratedRegex(@"^\$\{vars\.([A-Za-z_][A-Za-z0-9_]*)\}$", RegexOptions.CultureInvariant)]
    private static partial Regex VarRef();
}
