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
    public static string SerializeSorted<T>(T value, JsonSerializerOptions options)
    {
        // Bytes, then a read-only document over them, then written again with sorted keys: no node
        // object per JSON value (SerializeToNode allocated ~100 MB for a 5,000-unit snapshot).
        var bytes = JsonSerializer.SerializeToUtf8Bytes(value, Info<T>(options));
        using var document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 256 });
        var lists = new List<List<JsonProperty>>();
        return Write(writer => WriteSorted(writer, document.RootElement, lists, 0), bytes.Length);
    }

    /// <summary>The generated contract for <typeparamref name="T"/> under <paramref name="options"/>.</summary>
    public static JsonTypeInfo<T> Info<T>(JsonSerializerOptions options) => (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T));

    public static string Canonical(JsonNode? node) => Write(writer => WriteSorted(writer, node), 64 * 1024);

    /// <summary>Same bytes as ToJsonString(Options) on a copy with sorted keys, written in one pass.</summary>
    private static string Write(Action<Utf8JsonWriter> write, int sizeHint)
    {
        // Indentation roughly doubles compact JSON: one buffer of that size, rarely regrown.
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(Math.Max(1024, sizeHint * 2));
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions
        {
            Encoder = Options.Encoder,
            Indented = Options.WriteIndented,
            IndentCharacter = Options.IndentCharacter,
            IndentSize = Options.IndentSize,
            NewLine = Options.NewLine,
            MaxDepth = 256,
        }))
            write(writer);
        "\n"u8.CopyTo(buffer.GetSpan(1));
        buffer.Advance(1);
        var text = System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
        return text.Contains('\r', StringComparison.Ordinal) ? text.Replace("\r\n", "\n", StringComparison.Ordinal) : text;
    }

    /// <param name="lists">One reusable property list per depth (a snapshot has thousands of objects).</param>
    private static void WriteSorted(Utf8JsonWriter writer, JsonElement element, List<List<JsonProperty>> lists, int depth)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                while (lists.Count <= depth) lists.Add([]);
                var properties = lists[depth];
                properties.Clear();
                foreach (var p in element.EnumerateObject()) properties.Add(p);
                // Keys written by the serializer are already in declaration order; sorting needs their text.
                properties.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
                foreach (var p in properties)
                {
                    writer.WritePropertyName(p.Name);
                    WriteSorted(writer, p.Value, lists, depth + 1);
                }
                writer.WriteEndObject();
                return;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray()) WriteSorted(writer, item, lists, depth + 1);
                writer.WriteEndArray();
                return;
            default:
                element.WriteTo(writer);
                return;
        }
    }

    private static void WriteSorted(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case null:
                writer.WriteNullValue();
                return;
            case JsonObject o:
                writer.WriteStartObject();
                var properties = new KeyValuePair<string, JsonNode?>[o.Count];
                var i = 0;
                foreach (var p in o) properties[i++] = p;
                Array.Sort(properties, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
                foreach (var (key, value) in properties)
                {
                    writer.WritePropertyName(key);
                    WriteSorted(writer, value);
                }
                writer.WriteEndObject();
                return;
            case JsonArray a:
                writer.WriteStartArray();
                foreach (var item in a) WriteSorted(writer, item);
                writer.WriteEndArray();
                return;
            default:
                node.WriteTo(writer, Options);
                return;
        }
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
            // Duplicate keys are an error here, with their line and column: JsonObject otherwise throws
            // ArgumentException on first access (found by fuzzing, Crashes/snapshot), and which of two
            // values a hand-edited snapshot meant is anyone's guess.
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Skip, AllowDuplicateProperties = false }) as JsonObject
                ?? throw new SnapshotFormatException(sourceName, 1, 1, "a snapshot is a JSON object");
        }
        catch (JsonException ex)
        {
            throw new SnapshotFormatException(sourceName, (int)(ex.LineNumber ?? 0) + 1, (int)(ex.BytePositionInLine ?? 0) + 1, ex.Message.Split(" LineNumber:")[0]);
        }
        RejectNonFinite(json, sourceName);
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

    /// <summary>
    /// A number beyond double's range (1e999) deserializes as Infinity, which no JSON writer accepts: the
    /// snapshot read fine and every report on it then failed as an internal error (fuzzing, Crashes/snapshot).
    /// Refused here with its line and column, like any other malformed value.
    /// </summary>
    private static void RejectNonFinite(string json, string sourceName)
    {
        var utf8 = System.Text.Encoding.UTF8.GetBytes(json);
        var r = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        int line = 1, lineStart = 0, scanned = 0;
        while (r.Read())
        {
            if (r.TokenType != JsonTokenType.Number || (r.TryGetDouble(out var d) && double.IsFinite(d))) continue;
            var at = (int)r.TokenStartIndex;
            for (; scanned < at; scanned++)
                if (utf8[scanned] == (byte)'\n') { line++; lineStart = scanned + 1; }
            throw new SnapshotFormatException(sourceName, line, at - lineStart + 1, $"the number {System.Text.Encoding.UTF8.GetString(r.ValueSpan)} is out of range");
        }
    }
}

public sealed class SnapshotFormatException(string source, int line, int column, string problem)
    : Exception($"{source}:{line}:{column}: {problem}")
{
    public string SourceName { get; } = source;
    public int Line { get; } = line;
    public int Column { get; } = column;
    public string Problem { get; } = problem;
}
