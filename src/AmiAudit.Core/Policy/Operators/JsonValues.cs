using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AmiAudit.Core.Policies.Operators;

/// <summary>Value helpers shared by operators and the evaluator: comparison, text, rendering.</summary>
public static class JsonValues
{
    private static readonly JsonSerializerOptions Compact = new()
    {
        WriteIndented = false,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Compact JSON text of a value; absent renders as <c>null</c>.</summary>
    public static string Render(JsonNode? node) => node?.ToJsonString(Compact) ?? "null";

    /// <summary>A value as written in "expected" text: strings bare, lists in brackets.</summary>
    public static string Plain(JsonNode? node) => node switch
    {
        null => "null",
        JsonArray a => "[" + string.Join(", ", a.Select(Plain)) + "]",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => Render(node),
    };

    /// <summary>A value quoted for messages: strings in double quotes.</summary>
    public static string Quoted(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.String
        ? "\"" + v.GetValue<string>() + "\""
        : Plain(node);

    /// <summary>A number whatever CLR type backs the node (YAML gives long/double, parsed JSON gives JsonElement).</summary>
    public static double? AsNumber(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.Number
            ? double.Parse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture)
            : null;

    public static bool? AsBoolean(JsonNode? node) => node is JsonValue v
        ? v.GetValueKind() switch { JsonValueKind.True => true, JsonValueKind.False => false, _ => null }
        : null;

    public static string? AsString(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.String
        ? v.GetValue<string>()
        : null;

    /// <summary>Text of a scalar for string operators (numbers and booleans in invariant form); null for lists, objects, absent.</summary>
    public static string? ScalarText(JsonNode? node) => node is not JsonValue v ? null : v.GetValueKind() switch
    {
        JsonValueKind.String => v.GetValue<string>(),
        JsonValueKind.Number => AsNumber(v)!.Value.ToString(CultureInfo.InvariantCulture),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => null,
    };

    /// <summary>Equality as a policy author means it: numbers by value, strings ordinally, a number and a
    /// string equal when their invariant texts are (YAML <c>5</c> vs snapshot <c>"5"</c>), lists/objects deeply.</summary>
    public static bool Same(JsonNode? a, JsonNode? b)
    {
        if (a is null || b is null) return a is null && b is null;
        if (AsNumber(a) is { } x && AsNumber(b) is { } y) return x.Equals(y);
        if (a is JsonValue && b is JsonValue) return string.Equals(ScalarText(a), ScalarText(b), StringComparison.Ordinal) && ScalarText(a) is not null;
        return JsonNode.DeepEquals(a, b);
    }

    /// <summary>True for absent, null, "", [] and {}.</summary>
    public static bool IsEmpty(JsonNode? node) => node switch
    {
        null => true,
        JsonArray a => a.Count == 0,
        JsonObject o => o.Count == 0,
        JsonValue v => v.GetValueKind() is JsonValueKind.Null || (v.GetValueKind() is JsonValueKind.String && v.GetValue<string>().Length == 0),
        _ => false,
    };

    public static JsonObject Schema(string json) => (JsonObject)JsonNode.Parse(json)!;
}
