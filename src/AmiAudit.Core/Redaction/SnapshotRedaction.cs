using System.Buffers;
using System.Collections;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using AmiAudit.Core.Model;

namespace AmiAudit.Core.Redaction;

/// <summary>
/// The structural redaction pass: every string a snapshot holds — property values, list elements, dictionary keys
/// and values — goes through <see cref="Redactor"/>, wherever a snapshot is made (end of collection, the probe
/// verb) or read (snapshot files, the diff's fast reader). A collector that forgets to redact a new fact cannot
/// leak it: the pass walks the model through its source-generated JSON contract, so a property added to the model
/// is walked without anyone listing it here (and NativeAOT keeps working: no reflection).
/// <para>Context: a dictionary entry (labels, environment) whose key looks secret is masked whole
/// (<see cref="Redactor.RedactValue"/>); every other string is <see cref="Redactor.RedactText"/>-ed. Model
/// property names are ours, not data, so they give no context — except that a string property whose own name
/// looks secret is masked whole too, unless listed in <see cref="NotSecretProperties"/> (a test makes adding one
/// a decision).</para>
/// <para>Cost: a first walk reads each string once through the redactor's vectorised pre-filter; a clean snapshot
/// — nearly every snapshot read from a file — comes back as the same instance, without allocating. Only when a
/// string would change is the snapshot rewritten: serialised to UTF-8, copied token by token with strings
/// redacted, and read back (records are init-only, so the serializer is the one generic way to rebuild them).</para>
/// </summary>
public static class SnapshotRedaction
{
    /// <summary>JSON names of model string properties whose names look secret but are not (an S3 object key).</summary>
    public static IReadOnlyList<string> NotSecretProperties { get; } = ["s3Key"];

    public static Snapshot Redact(Snapshot snapshot) => Redact(snapshot, SnapshotJson.Info<Snapshot>(SnapshotJson.Options));

    /// <summary>Probe readings rendered straight from the readers (probe verb), not through a snapshot.</summary>
    public static ProbeFacts Redact(ProbeFacts facts) => Redact(facts, SnapshotJson.Info<ProbeFacts>(SnapshotJson.Options));

    /// <summary>Post-mortem evidence read on its own (the diff's fast reader deserializes that subtree whole).</summary>
    public static EvidenceFacts Redact(EvidenceFacts facts) => Redact(facts, SnapshotJson.Info<EvidenceFacts>(SnapshotJson.Options));

    /// <summary>EC2 API facts read on their own (the diff's fast reader deserializes that subtree whole).</summary>
    public static Ec2Facts Redact(Ec2Facts facts) => Redact(facts, SnapshotJson.Info<Ec2Facts>(SnapshotJson.Options));

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    private static T Redact<T>(T value, JsonTypeInfo<T> info) where T : class
    {
        var shape = ShapeOf<T>.Value ??= Shape.Of(info);
        if (shape is null || !shape.NeedsRedaction(value)) return value;
        var json = JsonSerializer.SerializeToUtf8Bytes(value, info);
        var output = new ArrayBufferWriter<byte>(json.Length + 1024);
        using (var writer = new Utf8JsonWriter(output, WriterOptions))
        {
            var reader = new Utf8JsonReader(json);
            reader.Read();
            shape.Copy(ref reader, writer);
        }
        return JsonSerializer.Deserialize(output.WrittenSpan, info)!;
    }

    /// <summary>The shape of a root type, built once (the diff reads thousands of files on several threads).</summary>
    private static class ShapeOf<T>
    {
        public static Shape? Value;
    }

    /// <summary>What the pass visits in one model type, from its JSON contract: string members, and members that
    /// are objects, lists or dictionaries that hold strings further down.</summary>
    private sealed class Shape
    {
        private enum Kind { Object, List, Dictionary }

        private sealed record Member(string JsonName, Func<object, object?> Get, Shape? Child, bool SecretByName);

        private static readonly Lock Gate = new();
        private static readonly Dictionary<Type, Shape?> Known = [];

        private Kind _kind;
        private Member[] _members = [];
        private Dictionary<string, Member>.AlternateLookup<ReadOnlySpan<char>> _byName;
        /// <summary>Lists and dictionaries: the element (value) shape; null with <see cref="_stringElements"/> for strings.</summary>
        private Shape? _element;
        private bool _stringElements;
        private bool _stringKeys;

        public static Shape? Of(JsonTypeInfo info)
        {
            lock (Gate) return Build(info);
        }

        private static Shape? Build(JsonTypeInfo info)
        {
            if (Known.TryGetValue(info.Type, out var known)) return known;
            switch (info.Kind)
            {
                case JsonTypeInfoKind.Object:
                {
                    var shape = new Shape { _kind = Kind.Object };
                    Known[info.Type] = shape; // before the members: the model may refer to itself
                    var members = new List<Member>();
                    foreach (var p in info.Properties)
                    {
                        if (p.Get is null) continue;
                        if (p.PropertyType == typeof(string))
                        {
                            var secret = SecretNames.IsSecretName(p.Name) && !NotSecretProperties.Contains(p.Name);
                            members.Add(new Member(p.Name, p.Get, null, secret));
                        }
                        else if (Build(info.Options.GetTypeInfo(p.PropertyType)) is { } child)
                        {
                            members.Add(new Member(p.Name, p.Get, child, false));
                        }
                    }
                    shape._members = [.. members];
                    shape._byName = members.ToDictionary(m => m.JsonName, StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
                    return shape;
                }
                case JsonTypeInfoKind.Enumerable or JsonTypeInfoKind.Dictionary when info.ElementType is { } element:
                {
                    // Collections cannot refer to themselves except through an object, which is registered first.
                    var strings = element == typeof(string);
                    var elementShape = strings ? null : Build(info.Options.GetTypeInfo(element));
                    var keys = info.KeyType == typeof(string);
                    var shape = elementShape is null && !strings && !keys ? null : new Shape
                    {
                        _kind = info.Kind == JsonTypeInfoKind.Enumerable ? Kind.List : Kind.Dictionary,
                        _stringKeys = keys,
                        _stringElements = strings,
                        _element = elementShape,
                    };
                    Known[info.Type] = shape;
                    return shape;
                }
                default:
                    Known[info.Type] = null; // numbers, booleans, dates, enums (our own names): no data text
                    return null;
            }
        }

        private static string Text(string value) => Redactor.RedactText(value);

        private static string Value(string name, string value, bool byName) =>
            byName ? Redactor.RedactValue(name, value) : Redactor.RedactText(value);

        private static bool Changes(string before, string after) => !ReferenceEquals(before, after) && !string.Equals(before, after, StringComparison.Ordinal);

        // ---- the walk: does anything change? -----------------------------------------------------------------

        public bool NeedsRedaction(object value)
        {
            switch (_kind)
            {
                case Kind.Object:
                    foreach (var m in _members)
                    {
                        var v = m.Get(value);
                        if (v is null) continue;
                        if (m.Child is null ? Changes((string)v, Value(m.JsonName, (string)v, m.SecretByName)) : m.Child.NeedsRedaction(v)) return true;
                    }
                    return false;
                case Kind.List when value is IList list:
                    for (var i = 0; i < list.Count; i++)
                    {
                        var item = list[i];
                        if (item is null) continue;
                        if (_stringElements ? Changes((string)item, Text((string)item)) : _element!.NeedsRedaction(item)) return true;
                    }
                    return false;
                case Kind.Dictionary when value is IDictionary map:
                    if (_stringElements || _element is not null)
                    {
                        foreach (DictionaryEntry e in map)
                        {
                            var key = e.Key as string;
                            if (key is not null && Changes(key, Text(key))) return true;
                            if (e.Value is null) continue;
                            if (_stringElements ? Changes((string)e.Value, key is null ? Text((string)e.Value) : Redactor.RedactValue(key, (string)e.Value)) : _element!.NeedsRedaction(e.Value))
                                return true;
                        }
                        return false;
                    }
                    foreach (var key in map.Keys)
                        if (key is string k && Changes(k, Text(k))) return true;
                    return false;
                default:
                    // A list or dictionary type that is not IList / IDictionary: rewrite it, never skip it.
                    return true;
            }
        }

        // ---- the rewrite: copy the serialised snapshot, redacting every string --------------------------------

        /// <summary>Copies the JSON value at <paramref name="reader"/> (positioned on its first token) to
        /// <paramref name="writer"/>, strings redacted by this shape's context.</summary>
        public void Copy(ref Utf8JsonReader reader, Utf8JsonWriter writer)
        {
            switch (_kind)
            {
                case Kind.Object when reader.TokenType == JsonTokenType.StartObject:
                {
                    writer.WriteStartObject();
                    Span<char> name = stackalloc char[64];
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        var length = reader.ValueSpan.Length <= name.Length ? reader.CopyString(name) : -1;
                        if (reader.ValueIsEscaped) writer.WritePropertyName(reader.GetString()!);
                        else writer.WritePropertyName(reader.ValueSpan); // our own property names: copied as they are
                        reader.Read();
                        Member? member = null;
                        if (length >= 0) _byName.TryGetValue(name[..length], out member);
                        if (member is null) CopyAny(ref reader, writer);
                        else if (member.Child is not null) member.Child.Copy(ref reader, writer);
                        else if (reader.TokenType == JsonTokenType.String) writer.WriteStringValue(Value(member.JsonName, reader.GetString()!, member.SecretByName));
                        else CopyAny(ref reader, writer);
                    }
                    writer.WriteEndObject();
                    return;
                }
                case Kind.List when reader.TokenType == JsonTokenType.StartArray:
                    writer.WriteStartArray();
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        if (_element is not null) _element.Copy(ref reader, writer);
                        else CopyAny(ref reader, writer);
                    }
                    writer.WriteEndArray();
                    return;
                case Kind.Dictionary when reader.TokenType == JsonTokenType.StartObject:
                {
                    writer.WriteStartObject();
                    var written = new HashSet<string>(StringComparer.Ordinal);
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        var key = reader.GetString()!;
                        var k = _stringKeys ? Text(key) : key;
                        // Two keys that redact to the same text (two different secrets as label names): keep both.
                        // (SnapshotUtf8Reader does the same; a key repeated as written stays "last wins".)
                        if (Changes(key, k))
                            for (var n = 2; !written.Add(k); n++) k = $"{Text(key)}#{n}";
                        else written.Add(k);
                        writer.WritePropertyName(k);
                        reader.Read();
                        if (_element is not null) _element.Copy(ref reader, writer);
                        else if (_stringElements && reader.TokenType == JsonTokenType.String) writer.WriteStringValue(Redactor.RedactValue(key, reader.GetString()!));
                        else CopyAny(ref reader, writer);
                    }
                    writer.WriteEndObject();
                    return;
                }
                default:
                    CopyAny(ref reader, writer);
                    return;
            }
        }

        /// <summary>A value the contract says nothing more about: copied, and any string in it still redacted.</summary>
        private static void CopyAny(ref Utf8JsonReader reader, Utf8JsonWriter writer)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.String:
                    writer.WriteStringValue(Text(reader.GetString()!));
                    break;
                case JsonTokenType.StartObject:
                    writer.WriteStartObject();
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        writer.WritePropertyName(Text(reader.GetString()!));
                        reader.Read();
                        CopyAny(ref reader, writer);
                    }
                    writer.WriteEndObject();
                    break;
                case JsonTokenType.StartArray:
                    writer.WriteStartArray();
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray) CopyAny(ref reader, writer);
                    writer.WriteEndArray();
                    break;
                default:
                    writer.WriteRawValue(reader.ValueSpan, skipInputValidation: true); // numbers, true, false, null
                    break;
            }
        }
    }
}
