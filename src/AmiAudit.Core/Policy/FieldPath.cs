using System.Globalization;
using System.Text.Json.Nodes;

namespace AmiAudit.Core.Policies;

/// <summary>
/// Resolves a dotted field path (<c>bootstrap.cloudInit.status</c>, <c>labels.com.amazonaws.ecs.cluster</c>)
/// in a JSON tree. Map keys may themselves contain dots (Docker labels do), so at each object the
/// longest run of remaining segments that names a key wins; a numeric segment indexes a list.
/// </summary>
public static class FieldPath
{
    public static JsonNode? Resolve(JsonNode? node, string path)
    {
        if (path.Length == 0) return node;
        return Walk(node, path.Split('.'), 0);
    }

    private static JsonNode? Walk(JsonNode? node, string[] segments, int start)
    {
        if (start == segments.Length) return node;
        switch (node)
        {
            case JsonObject o:
                for (var end = segments.Length; end > start; end--)
                {
                    var key = string.Join('.', segments, start, end - start);
                    if (o.TryGetPropertyValue(key, out var child))
                    {
                        if (end == segments.Length) return child;
                        if (Walk(child, segments, end) is { } found) return found;
                    }
                }
                return null;
            case JsonArray a when int.TryParse(segments[start], NumberStyles.None, CultureInfo.InvariantCulture, out var i):
                return i < a.Count ? Walk(a[i], segments, start + 1) : null;
            default:
                return null;
        }
    }
}
