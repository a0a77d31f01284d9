using System.Collections;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using AmiAudit.Core.Model;

namespace AmiAudit.Core.Tests.Model;

/// <summary>
/// docs/snapshot.md — the facts reference — is generated from the snapshot model and its XML doc
/// comments, so a new fact documents itself. AMIAUDIT_UPDATE_GOLDEN=1 regenerates it.
/// </summary>
public class FactsReferenceTests
{
    [Fact]
    public void Facts_reference_is_current()
    {
        var docs = LoadXmlDocs();
        var sb = new StringBuilder();
        sb.Append("# Snapshot facts reference\n\n");
        sb.Append($"Generated from `src/AmiAudit.Core/Model` by `FactsReferenceTests`; do not edit. Schema: `{Snapshot.CurrentSchema}`.\n\n");
        sb.Append("A snapshot is JSON with camelCase keys sorted at every depth and collections sorted, so equal machines give equal bytes. ");
        sb.Append("Null values are omitted. Policies address collections by the dotted paths below (`for: systemd.units`). ");
        sb.Append("Live-state fields (ActiveState, NRestarts, RestartCount, probes …) are null when an image root is read offline, and rules that need them are skipped there. No field ever holds a secret (docs/security.md).\n");
        var seen = new HashSet<Type>();
        var queue = new Queue<(Type Type, string Path)>();
        queue.Enqueue((typeof(Snapshot), "(root)"));
        while (queue.Count > 0)
        {
            var (type, path) = queue.Dequeue();
            if (!seen.Add(type)) continue;
            sb.Append($"\n## {type.Name} — `{path}`\n\n");
            if (docs.TryGetValue("T:" + type.FullName, out var typeDoc)) sb.Append(typeDoc).Append("\n\n");
            sb.Append("| field | type | meaning |\n|---|---|---|\n");
            foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).OrderBy(p => Json(p.Name), StringComparer.Ordinal))
            {
                var name = Json(p.Name);
                var element = ElementType(p.PropertyType);
                docs.TryGetValue($"P:{type.FullName}.{p.Name}", out var doc);
                sb.Append($"| `{name}` | {TypeName(p.PropertyType)} | {(doc ?? "").Replace("|", "\\|", StringComparison.Ordinal)} |\n");
                if (element.Namespace == typeof(Snapshot).Namespace && element.IsClass)
                    queue.Enqueue((element, path == "(root)" ? name : $"{path}.{name}"));
            }
        }
        AmiAudit.Testing.GoldenFile.Assert(Path.Combine(AmiAudit.Testing.RepoPaths.Root, "docs", "snapshot.md"), sb.ToString());
    }

    private static string Json(string name) => JsonNamingPolicy.CamelCase.ConvertName(name);

    private static Type ElementType(Type t) =>
        t == typeof(string) ? t
        : t.IsGenericType && typeof(IEnumerable).IsAssignableFrom(t) ? t.GetGenericArguments().Last()
        : Nullable.GetUnderlyingType(t) ?? t;

    private static string TypeName(Type t)
    {
        if (Nullable.GetUnderlyingType(t) is { } u) return TypeName(u) + "?";
        if (t == typeof(string)) return "string";
        if (t == typeof(bool)) return "bool";
        if (t == typeof(int) || t == typeof(long)) return "integer";
        if (t == typeof(double)) return "number";
        if (t == typeof(DateTimeOffset)) return "timestamp (ISO 8601)";
        if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(List<>)) return $"list of {TypeName(t.GetGenericArguments()[0])}";
        if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(SortedDictionary<,>)) return $"map of {TypeName(t.GetGenericArguments()[1])}";
        return t.Name;
    }

    private static Dictionary<string, string> LoadXmlDocs()
    {
        var xml = Path.ChangeExtension(typeof(Snapshot).Assembly.Location, ".xml");
        File.Exists(xml).ShouldBeTrue($"{xml} missing: AmiAudit.Core must keep GenerateDocumentationFile on");
        return XDocument.Load(xml).Descendants("member")
            .Where(m => m.Element("summary") is not null)
            .ToDictionary(m => (string)m.Attribute("name")!, m => Flatten(m.Element("summary")!));
    }

    private static string Flatten(XElement summary)
    {
        var text = string.Concat(summary.Nodes().Select(n => n switch
        {
            XText t => t.Value,
            XElement { Name.LocalName: "see" } e => "`" + ((string?)e.Attribute("cref") ?? (string?)e.Attribute("langword") ?? "").Split('.').Last() + "`",
            XElement { Name.LocalName: "c" } e => "`" + e.Value + "`",
            XElement e => e.Value,
            _ => "",
        }));
        return string.Join(' ', text.Split((char[])[' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries));
    }
}
