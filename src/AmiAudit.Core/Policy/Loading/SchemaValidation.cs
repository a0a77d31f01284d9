using System.Globalization;
using System.Text.Json.Nodes;
using NJsonSchema.Validation;

namespace AmiAudit.Core.Policies.Loading;

/// <summary>Validates a converted YAML document against a generated schema and maps every
/// NJsonSchema error back to the YAML line:col through the document's mark map.</summary>
public static class SchemaValidation
{
    public static List<PolicyError> Validate(NJsonSchema.JsonSchema schema, YamlJsonDocument doc, string file)
    {
        var json = doc.Root?.ToJsonString() ?? "null";
        var errors = new List<PolicyError>();
        foreach (var e in schema.Validate(json)) Collect(e, doc, file, errors);
        return errors;
    }

    private static void Collect(ValidationError e, YamlJsonDocument doc, string file, List<PolicyError> into)
    {
        var path = e.Path ?? "#";
        if (e is ChildSchemaValidationError child)
        {
            // anyOf/oneOf: the children say "string expected", "array expected"… — one line is clearer.
            if (e.Kind is ValidationErrorKind.NotAnyOf or ValidationErrorKind.NotOneOf)
            {
                var kinds = child.Errors.SelectMany(kv => kv.Value).Select(x => Words(x)).Distinct(StringComparer.Ordinal);
                Add(into, doc, file, path, false, $"{Name(path)}: none of the allowed forms fits ({string.Join("; ", kinds)})");
                return;
            }
            foreach (var inner in child.Errors.SelectMany(kv => kv.Value)) Collect(inner, doc, file, into);
            return;
        }
        switch (e.Kind)
        {
            case ValidationErrorKind.ArrayItemNotValid or ValidationErrorKind.AdditionalPropertiesNotValid
                or ValidationErrorKind.AdditionalItemNotValid or ValidationErrorKind.NotAllOf:
                return; // wrappers: their children carry the detail
            case ValidationErrorKind.NoAdditionalPropertiesAllowed:
                var allowed = e.Schema?.Properties.Keys.Order(StringComparer.Ordinal).ToList() ?? [];
                Add(into, doc, file, path, true, $"unknown key '{e.Property}'" + (allowed.Count > 0 ? $" (allowed: {string.Join(", ", allowed)})" : ""));
                return;
            case ValidationErrorKind.PropertyRequired:
                Add(into, doc, file, ParentOf(path, e.Property), false, $"missing required key '{e.Property}'", PolicyErrorCodes.MissingKey);
                return;
            default:
                Add(into, doc, file, path, false, $"{Name(path)}: {Words(e)}");
                return;
        }
    }

    private static string Words(ValidationError e) => e.Kind switch
    {
        ValidationErrorKind.NotInEnumeration => "must be one of: " + string.Join(", ", e.Schema?.Enumeration.Select(x => Convert.ToString(x, CultureInfo.InvariantCulture)) ?? []),
        ValidationErrorKind.StringExpected => "expected a string",
        ValidationErrorKind.NumberExpected => "expected a number",
        ValidationErrorKind.IntegerExpected => "expected a whole number",
        ValidationErrorKind.BooleanExpected => "expected true or false",
        ValidationErrorKind.ArrayExpected => "expected a list",
        ValidationErrorKind.ObjectExpected => "expected a mapping",
        ValidationErrorKind.NullExpected => "expected null",
        ValidationErrorKind.PatternMismatch => $"does not match the pattern {e.Schema?.Pattern}",
        ValidationErrorKind.StringTooShort => "must not be empty",
        ValidationErrorKind.TooFewProperties => "must not be empty",
        ValidationErrorKind.TooFewItems => $"needs at least {e.Schema?.MinItems} item(s)",
        ValidationErrorKind.NumberTooSmall => $"must be at least {e.Schema?.Minimum}",
        ValidationErrorKind.NoTypeValidates => "has the wrong type (expected " + (e.Schema?.Type.ToString().ToLowerInvariant() ?? "?") + ")",
        _ => e.Kind.ToString(),
    };

    private static string Name(string path) => path is "#" or "#/" ? "document" : path.StartsWith("#/", StringComparison.Ordinal) ? path[2..] : path;

    private static string ParentOf(string path, string? property) =>
        property is not null && path.EndsWith("." + property, StringComparison.Ordinal) ? path[..^(property.Length + 1)]
        : property is not null && path == "#/" + property ? "#"
        : path;

    private static void Add(List<PolicyError> into, YamlJsonDocument doc, string file, string path, bool preferKey, string message,
        string code = PolicyErrorCodes.Schema)
    {
        var (line, col) = doc.Locate(path, preferKey);
        into.Add(new PolicyError(file, line, col, code, message));
    }

}
