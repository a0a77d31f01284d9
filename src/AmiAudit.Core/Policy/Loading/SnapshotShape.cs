using System.Collections.Concurrent;
using System.Text.Json.Serialization.Metadata;
using AmiAudit.Core.Model;

namespace AmiAudit.Core.Policies.Loading;

/// <summary>
/// What paths exist in the snapshot JSON, read off the snapshot's JSON contract (the source-generated
/// metadata of the model records), so a typo in <c>for</c> or a field name is a load error, and a new
/// fact is reachable by policies without touching the engine.
/// </summary>
public static class SnapshotShape
{
    /// <summary>Fields only a live collection fills (null for an offline image root).</summary>
    private static readonly Dictionary<Type, HashSet<string>> LiveOnly = new()
    {
        [typeof(UnitFact)] = new(StringComparer.Ordinal)
        {
            "loadState", "activeState", "subState", "result", "nRestarts", "execMainCode", "execMainStatus",
            "activeEnterTimestamp", "restartsPerHour", "failuresInWindow",
        },
        [typeof(ContainerFact)] = new(StringComparer.Ordinal)
        {
            "state", "exitCode", "restartCount", "created", "startedAt", "restartsPerHour", "recreatesInWindow", "ownerUnit",
        },
        [typeof(Snapshot)] = new(StringComparer.Ordinal) { "probes" },
    };

    /// <summary>Resolves a <c>for</c> path: the item type, and whether it names a list (else one object).</summary>
    public static bool TryCollection(string path, out Type itemType, out bool isList, out string error)
    {
        itemType = typeof(Snapshot);
        isList = false;
        var type = typeof(Snapshot);
        var segments = path.Split('.');
        for (var i = 0; i < segments.Length; i++)
        {
            if (Property(type, segments[i]) is not { } prop)
            {
                error = $"'{path}': {Describe(type)} has no field '{segments[i]}' (fields: {string.Join(", ", FieldNames(type))})";
                return false;
            }
            var t = Unwrap(prop.PropertyType);
            if (ElementType(t) is { } element)
            {
                if (i != segments.Length - 1 || IsLeaf(element))
                {
                    error = $"'{path}': '{segments[i]}' is a list of values, not of records; name a list of records (e.g. systemd.units) or an object";
                    return false;
                }
                itemType = element;
                isList = true;
                error = "";
                return true;
            }
            if (IsLeaf(t) || IsMap(t))
            {
                error = $"'{path}': '{segments[i]}' is a value, not a collection";
                return false;
            }
            type = t;
        }
        itemType = type;
        error = type == typeof(Snapshot) ? $"'{path}' is not a collection" : "";
        return type != typeof(Snapshot);
    }

    /// <summary>Null when <paramref name="path"/> can exist on <paramref name="type"/>, else why not.</summary>
    public static string? CheckField(Type type, string path)
    {
        var segments = path.Split('.');
        var t = type;
        for (var i = 0; i < segments.Length; i++)
        {
            if (IsMap(t)) return null; // keys are data (labels, counters): anything goes below a map
            if (ElementType(t) is { } element)
            {
                if (!int.TryParse(segments[i], out _)) return $"'{path}': '{segments[i - 1]}' is a list; index it with a number (e.g. {segments[i - 1]}.0) or use a list operator (contains, count, isEmpty)";
                t = element;
                continue;
            }
            if (IsLeaf(t)) return $"'{path}': '{segments[i - 1]}' is a single value and has no field '{segments[i]}'";
            if (Property(t, segments[i]) is not { } prop)
                return $"'{path}': {Describe(t)} has no field '{segments[i]}' (fields: {string.Join(", ", FieldNames(t))})";
            t = Unwrap(prop.PropertyType);
        }
        return null;
    }

    /// <summary>True when the first segment of <paramref name="path"/> is a live-only field of <paramref name="type"/>.</summary>
    public static bool IsLiveOnly(Type type, string path) =>
        LiveOnly.TryGetValue(type, out var set) && set.Contains(path.Split('.')[0]);

    // The shape comes from System.Text.Json's source-generated contract for the snapshot (the same
    // metadata that writes the file), not from CLR reflection: names are the JSON names, and it works
    // unchanged in a trimmed NativeAOT build where PropertyInfo lists are not kept.
    // Cached here: until the options are locked by a first (de)serialisation — and policies load before
    // or while the snapshot is collected — GetTypeInfo builds fresh metadata on every call, which made
    // field checks the largest cost of loading a big policy.
    private static readonly ConcurrentDictionary<Type, (JsonTypeInfo Info, Dictionary<string, JsonPropertyInfo> Properties)> Shapes = new();

    private static (JsonTypeInfo Info, Dictionary<string, JsonPropertyInfo> Properties) Shape(Type t) => Shapes.GetOrAdd(t, static t =>
    {
        var info = SnapshotJson.Options.GetTypeInfo(t);
        var properties = new Dictionary<string, JsonPropertyInfo>(StringComparer.Ordinal);
        foreach (var p in info.Properties) properties.TryAdd(p.Name, p);
        return (info, properties);
    });

    private static JsonTypeInfo Info(Type t) => Shape(t).Info;

    private static JsonPropertyInfo? Property(Type t, string jsonName) => Shape(t).Properties.GetValueOrDefault(jsonName);

    private static IEnumerable<string> FieldNames(Type t) =>
        Info(t).Properties.Select(p => p.Name).Order(StringComparer.Ordinal);

    private static string Describe(Type t) => t == typeof(Snapshot) ? "the snapshot" : t.Name;

    private static Type Unwrap(Type t) => Nullable.GetUnderlyingType(t) ?? t;

    private static bool IsMap(Type t) => Info(t).Kind == JsonTypeInfoKind.Dictionary;

    private static Type? ElementType(Type t) => Info(t) is { Kind: JsonTypeInfoKind.Enumerable, ElementType: { } element } ? element : null;

    private static bool IsLeaf(Type t) => Info(Unwrap(t)).Kind == JsonTypeInfoKind.None;
}
