using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace AmiAudit.Core.Model;

/// <summary>
/// The one place snapshots become bytes and back. Output is deterministic: camelCase, nulls
/// omitted, object keys sorted ordinally at every depth, LF line ends, trailing newline.
/// </summary>
public static class SnapshotJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DictionaryKeyPolicy = null,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
        // Generated metadata for the snapshot graph first; reflection only for other types
        // (reporters serialise their own view records through SerializeSorted).
        TypeInfoResolver = JsonTypeInfoResolver.Combine(SnapshotJsonContext.Default, new DefaultJsonTypeInfoResolver()),
    };

    /// <summary>
    /// Reading uses reflection metadata on purpose: source-generated code assigns every init-only
    /// property in one object initializer, so a key missing from the file becomes null instead of the
    /// model's default ([] / new()), and a hand-written or older snapshot would crash the evaluator.
    /// </summary>
    private static readonly JsonSerializerOptions ReadOptions = new(Options) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };

    public static string Serialize(Snapshot snapshot) => SerializeSorted(SnapshotNormalizer.Normalize(snapshot));

    /// <summary>Serialises any value with the snapshot conventions and recursively sorted keys.</summary>
    public static string SerializeSorted<T>(T value)
    {
        var node = JsonSerializer.SerializeToNode(value, Options);
        return Canonical(node);
    }

    public static string Canonical(JsonNode? node)
    {
        var sorted = Sort(node);
        var text = sorted?.ToJsonString(Options) ?? "null";
        return text.Replace("\r\n", "\n", StringComparison.Ordinal) + "\n";
    }

    /// <summary>The snapshot as a JSON tree for lookups (the policy engine): collections normalised,
    /// object keys in declaration order. Parsed from UTF-8 bytes because JsonNode.Parse materialises
    /// nodes lazily — on a 200-unit root that is ~4× cheaper than SerializeToNode + a sorted copy.</summary>
    public static JsonObject ToLookupNode(Snapshot snapshot) =>
        (JsonObject)JsonNode.Parse(JsonSerializer.SerializeToUtf8Bytes(SnapshotNormalizer.Normalize(snapshot), Options))!;

    /// <summary>Reads a snapshot; throws <see cref="SnapshotFormatException"/> with a line/column on any problem.</summary>
    public static Snapshot Deserialize(string json, string sourceName)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            throw new SnapshotFormatException(sourceName, (int)(ex.LineNumber ?? 0) + 1, (int)(ex.BytePositionInLine ?? 0) + 1, ex.Message.Split(" LineNumber:")[0]);
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new SnapshotFormatException(sourceName, 1, 1, "a snapshot is a JSON object");
            if (!doc.RootElement.TryGetProperty("schema", out var schema) || schema.ValueKind != JsonValueKind.String)
                throw new SnapshotFormatException(sourceName, 1, 1, $"missing \"schema\" field; expected \"{Snapshot.CurrentSchema}\" — is this an amiaudit snapshot?");
            var version = schema.GetString()!;
            if (!string.Equals(version, Snapshot.CurrentSchema, StringComparison.Ordinal))
                throw new SnapshotFormatException(sourceName, 1, 1, $"snapshot schema \"{version}\" is not supported by this amiaudit (reads \"{Snapshot.CurrentSchema}\"); re-collect it with this version");
        }
        try
        {
            return JsonSerializer.Deserialize<Snapshot>(json, ReadOptions)
                ?? throw new SnapshotFormatException(sourceName, 1, 1, "empty snapshot");
        }
        catch (JsonException ex)
        {
            throw new SnapshotFormatException(sourceName, (int)(ex.LineNumber ?? 0) + 1, (int)(ex.BytePositionInLine ?? 0) + 1, $"{ex.Message.Split(" Path:")[0]} (at {ex.Path})");
        }
    }

    // Builds new containers top-down and clones only leaves: cloning each subtree before sorting it
    // would copy every node once per level above it.
    private static JsonNode? Sort(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => KeyValuePair.Create(p.Key, Sort(p.Value)))),
        JsonArray a => new JsonArray(a.Select(Sort).ToArray()),
        null => null,
        _ => node.DeepClone(),
    };
}

public sealed class SnapshotFormatException(string source, int line, int column, string problem)
    : Exception($"{source}:{line}:{column}: {problem}")
{
    public string SourceName { get; } = source;
    public int Line { get; } = line;
    public int Column { get; } = column;
    public string Problem { get; } = problem;
}
