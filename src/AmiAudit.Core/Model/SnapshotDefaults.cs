using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace AmiAudit.Core.Model;

/// <summary>
/// Gives keys a snapshot file leaves out the model's defaults ([] / new() / "image-root") instead of
/// null. Why at the JSON level: source-generated System.Text.Json treats init-only properties like
/// constructor arguments, passes default(T) for an absent key, and cannot set an init-only property
/// afterwards. So each object in the tree gets the missing keys of a freshly constructed record of
/// its type (<see cref="ModelFactories"/>, generated), written with the same contract; nulls are never
/// written, so a nullable field absent from the file stays absent. Files amiaudit writes itself are
/// complete, and <see cref="Fill"/> then adds nothing.
/// </summary>
internal static class SnapshotDefaults
{
    private static readonly ConcurrentDictionary<Type, JsonObject> Defaults = new();
    private static readonly IReadOnlyDictionary<Type, Func<object>> Factories = ModelFactories.All();

    /// <summary>Adds the missing keys below <paramref name="node"/>, read as <paramref name="info"/>'s
    /// type. The tree must already have deserialised once (types are right). True if anything was added.</summary>
    public static bool Fill(JsonNode? node, JsonTypeInfo info)
    {
        var added = false;
        switch (info.Kind)
        {
            case JsonTypeInfoKind.Object when node is JsonObject obj:
                if (Factories.TryGetValue(info.Type, out var create))
                {
                    foreach (var (key, value) in Defaults.GetOrAdd(info.Type, _ => (JsonObject)JsonSerializer.SerializeToNode(create(), info)!))
                    {
                        if (obj.ContainsKey(key)) continue;
                        obj[key] = value?.DeepClone();
                        added = true;
                    }
                }
                foreach (var p in info.Properties)
                    if (obj[p.Name] is { } child) added |= Fill(child, info.Options.GetTypeInfo(p.PropertyType));
                break;
            case JsonTypeInfoKind.Enumerable when node is JsonArray array && info.ElementType is { } element:
                var itemInfo = info.Options.GetTypeInfo(element);
                foreach (var item in array) added |= Fill(item, itemInfo);
                break;
            case JsonTypeInfoKind.Dictionary when node is JsonObject map && info.ElementType is { } valueType:
                var valueInfo = info.Options.GetTypeInfo(valueType);
                foreach (var (_, value) in map) added |= Fill(value, valueInfo);
                break;
        }
        return added;
    }
}
