using System.Text.Json;
using System.Text.Json.Nodes;
using NJsonSchema;

namespace AmiAudit.Core.Policies.Loading;

/// <summary>
/// Builds NJsonSchema's object model straight from the generated schema JSON, for the keyword subset
/// the generators emit. Why not <c>JsonSchema.FromJsonAsync</c>: its Newtonsoft/reflection start-up
/// costs 0.2–1.8 s per process here, which alone would break the scan's start-up budget; building
/// the objects costs ~15 ms and validates identically. An unknown keyword throws, so a generator
/// change cannot silently weaken validation (the schema tests exercise this on every run).
/// </summary>
internal static class SchemaCompiler
{
    private static readonly HashSet<string> Ignored = new(StringComparer.Ordinal) { "$schema", "title", "description", "definitions" };

    public static JsonSchema Compile(string json) => Compile((JsonObject)JsonNode.Parse(json)!);

    public static JsonSchema Compile(JsonObject root)
    {
        var defs = new Dictionary<string, JsonSchema>(StringComparer.Ordinal);
        var definitions = root["definitions"] as JsonObject ?? [];
        foreach (var (name, _) in definitions) defs[name] = new JsonSchema();
        var schema = new JsonSchema();
        Fill(schema, root, defs);
        foreach (var (name, node) in definitions) Fill(defs[name], (JsonObject)node!, defs);
        foreach (var (name, def) in defs) schema.Definitions[name] = def;
        return schema;
    }

    private static T Make<T>(JsonNode? node, Dictionary<string, JsonSchema> defs) where T : JsonSchema, new()
    {
        var s = new T();
        Fill(s, (JsonObject)node!, defs);
        return s;
    }

    private static void Fill(JsonSchema s, JsonObject o, Dictionary<string, JsonSchema> defs)
    {
        foreach (var (key, value) in o)
        {
            switch (key)
            {
                case var k when Ignored.Contains(k):
                    break;
                case "$ref":
                    s.Reference = defs[((string)value!)["#/definitions/".Length..]];
                    break;
                case "type":
                    s.Type = value is JsonArray types ? types.Aggregate(JsonObjectType.None, (t, x) => t | Type((string)x!)) : Type((string)value!);
                    break;
                case "enum":
                    foreach (var v in value!.AsArray()) s.Enumeration.Add((string)v!);
                    break;
                case "required":
                    foreach (var v in value!.AsArray()) s.RequiredProperties.Add((string)v!);
                    break;
                case "properties":
                    foreach (var (name, prop) in value!.AsObject()) s.Properties[name] = Make<JsonSchemaProperty>(prop, defs);
                    break;
                case "additionalProperties":
                    if (value is JsonValue b && b.GetValueKind() is JsonValueKind.False or JsonValueKind.True) s.AllowAdditionalProperties = (bool)b;
                    else s.AdditionalPropertiesSchema = Make<JsonSchema>(value, defs);
                    break;
                case "items":
                    s.Item = Make<JsonSchema>(value, defs);
                    break;
                case "anyOf":
                    foreach (var v in value!.AsArray()) s.AnyOf.Add(Make<JsonSchema>(v, defs));
                    break;
                case "allOf":
                    foreach (var v in value!.AsArray()) s.AllOf.Add(Make<JsonSchema>(v, defs));
                    break;
                case "minProperties":
                    s.MinProperties = (int)Number(value);
                    break;
                case "minItems":
                    s.MinItems = (int)Number(value);
                    break;
                case "minLength":
                    s.MinLength = (int)Number(value);
                    break;
                case "minimum":
                    s.Minimum = (decimal)Number(value);
                    break;
                case "pattern":
                    s.Pattern = (string)value!;
                    break;
                default:
                    throw new NotSupportedException($"schema keyword '{key}' is not supported by SchemaCompiler; add it here");
            }
        }
    }

    // Values built in code are backed by int/long, parsed ones by JsonElement: read either.
    private static double Number(JsonNode? value) => Operators.JsonValues.AsNumber(value)
        ?? throw new NotSupportedException($"schema: expected a number, got {value?.ToJsonString()}");

    private static JsonObjectType Type(string name) => name switch
    {
        "object" => JsonObjectType.Object,
        "array" => JsonObjectType.Array,
        "string" => JsonObjectType.String,
        "number" => JsonObjectType.Number,
        "integer" => JsonObjectType.Integer,
        "boolean" => JsonObjectType.Boolean,
        "null" => JsonObjectType.Null,
        _ => throw new NotSupportedException($"schema type '{name}'"),
    };
}
