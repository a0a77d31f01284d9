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
        // Source-generated metadata only, never reflection: the CLI ships as a NativeAOT binary where
        // reflection-built contracts do not exist. Enums carry their own converter
        // (KebabCaseEnumConverter). Other JSON documents (diff, reports) chain their own context in
        // front of this one with <see cref="WithContext"/>.
        TypeInfoResolver = SnapshotJsonContext.Default,
    };

    /// <summary>These conventions with <paramref name="context"/>'s generated metadata ahead of the snapshot's.</summary>
    public static JsonSerializerOptions WithContext(IJsonTypeInfoResolver context) =>
        new(Options) { TypeInfoResolver = JsonTypeInfoResolver.Combine(context, SnapshotJsonContext.Default) };

    public static string Serialize(Snapshot snapshot) => SerializeSorted(SnapshotNormalizer.Normalize(snapshot), Options);

    /// <summary>Serialises <paramref name="value"/> with <paramref name="options"/> (from <see cref="WithContext"/>,
    /// or <see cref="Options"/>) and recursively sorted keys.</summary>
    public static string SerializeSorted<T>(T value, JsonSerializerOptions options) =>
        Canonical(JsonSerializer.SerializeToNode(value, Info<T>(options)));

    /// <summary>The generated contract for <typeparamref name="T"/> under <paramref name="options"/>.</summary>
    public static JsonTypeInfo<T> Info<T>(JsonSerializerOptions options) => (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T));

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
        (JsonObject)JsonNode.Parse(JsonSerializer.SerializeToUtf8Bytes(SnapshotNormalizer.Normalize(snapshot), Info<Snapshot>(Options)))!;

    /// <summary>Reads a snapshot; throws <see cref="SnapshotFormatException"/> with a line/column on any
    /// problem. Keys the file leaves out take the model's defaults (<see cref="SnapshotDefaults"/>); every string is
    /// redacted (<see cref="Redaction.SnapshotRedaction"/>).</summary>
    public static Snapshot Deserialize(string json, string sourceName)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Skip }) as JsonObject
                ?? throw new SnapshotFormatException(sourceName, 1, 1, "a snapshot is a JSON object");
        }
        catch (JsonException ex)
        {
            throw new SnapshotFormatException(sourceName, (int)(ex.LineNumber ?? 0) + 1, (int)(ex.BytePositionInLine ?? 0) + 1, ex.Message.Split(" LineNumber:")[0]);
        }
        if (root["schema"] is not JsonValue schema || schema.GetValueKind() != JsonValueKind.String)
            throw new SnapshotFormatException(sourceName, 1, 1, $"missing \"schema\" field; expected \"{Snapshot.CurrentSchema}\" — is this an amiaudit snapshot?");
        var version = schema.GetValue<string>();
        if (!string.Equals(version, Snapshot.CurrentSchema, StringComparison.Ordinal))
            throw new SnapshotFormatException(sourceName, 1, 1, $"snapshot schema \"{version}\" is not supported by this amiaudit (reads \"{Snapshot.CurrentSchema}\"); re-collect it with this version");
        var info = Info<Snapshot>(Options);
        Snapshot? snapshot;
        try
        {
            // From the text first, so a wrong type is reported at its line and column.
            snapshot = JsonSerializer.Deserialize(json, info);
        }
        catch (JsonException ex)
        {
            throw new SnapshotFormatException(sourceName, (int)(ex.LineNumber ?? 0) + 1, (int)(ex.BytePositionInLine ?? 0) + 1, $"{ex.Message.Split(" Path:")[0]} (at {ex.Path})");
        }
        if (snapshot is null) throw new SnapshotFormatException(sourceName, 1, 1, "empty snapshot");
        // Defence in depth: a file written by an older amiaudit (or by hand) may still hold a secret.
        return Redaction.SnapshotRedaction.Redact(SnapshotDefaults.Fill(root, info) ? root.Deserialize(info)! : snapshot);
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
