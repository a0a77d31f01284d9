using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace AmiAudit.Core.Policies.Loading;

/// <summary>
/// A YAML document as JSON plus where each JSON node came from. Paths use NJsonSchema's spelling
/// (<c>#/rules[0].where.name.in</c>) so schema errors map straight back to a line and column.
/// </summary>
public sealed class YamlJsonDocument
{
    public JsonNode? Root { get; set; }
    /// <summary>JSON path → start of the YAML value node.</summary>
    public Dictionary<string, Mark> Values { get; } = new(StringComparer.Ordinal);
    /// <summary>JSON path → start of the mapping key that names it (for "unknown key" errors).</summary>
    public Dictionary<string, Mark> Keys { get; } = new(StringComparer.Ordinal);

    public static string Child(string parent, string key) => parent == "#" ? "#/" + key : parent + "." + key;
    public static string Index(string parent, int i) => parent + "[" + i.ToString(CultureInfo.InvariantCulture) + "]";

    /// <summary>The best mark for a path: its key, else its value, else the nearest ancestor's.</summary>
    public (int Line, int Column) Locate(string path, bool preferKey = false)
    {
        for (var p = path; ; p = Parent(p))
        {
            if (preferKey && Keys.TryGetValue(p, out var k)) return ((int)k.Line, (int)k.Column);
            if (Values.TryGetValue(p, out var v)) return ((int)v.Line, (int)v.Column);
            if (p is "#" or "#/" or "") return (1, 1);
            preferKey = true;
        }
    }

    private static string Parent(string path)
    {
        var cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
        return cut <= 1 ? "#" : path[..cut];
    }
}

/// <summary>
/// Reads YAML text with YamlDotNet's representation model (which keeps marks) and converts it.
/// A policy or waiver file is input we do not control, so shapes that would take the process down are
/// refused as errors with a location instead: nesting deeper than <see cref="MaxDepth"/>
/// (<see cref="DepthLimitedParser"/>: YamlDotNet and the conversion recurse, so 200,000 "[" overflow the
/// stack — a crash, not an exception), and aliases that expand past <see cref="MaxAliasValues"/> values
/// ("billion laughs": each alias is a reference, but the JSON copy of it is not). Only values produced by
/// alias expansion count toward that budget — a large honest file uses none — and the file's own size is
/// bounded separately by <see cref="MaxValues"/>, with its own message.
/// </summary>
public static partial class YamlDocumentReader
{
    /// <summary>Deepest mapping/sequence nesting accepted; a real policy uses about 8.</summary>
    public const int MaxDepth = 64;

    /// <summary>Most JSON values the aliases of one file may expand to (copies of anchored nodes).</summary>
    public const int MaxAliasValues = 100_000;

    /// <summary>Most values one file may hold as written (about 50,000 rules); beyond it the file is refused
    /// as too large rather than slowly converted and validated.</summary>
    public const int MaxValues = 1_000_000;

    /// <summary>All documents of the text, or the first error (YamlDotNet stops at the first one).</summary>
    public static (IReadOnlyList<YamlJsonDocument> Documents, PolicyError? Error) Read(PolicySource source) => Read(source, MaxValues);

    /// <summary><see cref="Read(PolicySource)"/> with another plain-size limit (tests reach it without a 1,000,000-value file).</summary>
    internal static (IReadOnlyList<YamlJsonDocument> Documents, PolicyError? Error) Read(PolicySource source, int maxValues)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new DepthLimitedParser(source.Text));
        }
        catch (YamlException ex)
        {
            var code = ex is DepthExceededException ? PolicyErrorCodes.YamlTooLarge : PolicyErrorCodes.YamlSyntax;
            return ([], new PolicyError(source.Path, (int)ex.Start.Line, (int)ex.Start.Column, code, ex.Message));
        }
        var docs = new List<YamlJsonDocument>();
        var budget = new Budget { MaxValues = maxValues };
        foreach (var d in stream.Documents)
        {
            var doc = new YamlJsonDocument();
            try
            {
                doc.Root = Convert(d.RootNode, "#", doc, 0, budget, viaAlias: false);
            }
            catch (TooLargeException ex)
            {
                return ([], new PolicyError(source.Path, (int)ex.At.Line, (int)ex.At.Column, PolicyErrorCodes.YamlTooLarge, ex.Message));
            }
            docs.Add(doc);
        }
        return (docs, null);
    }

    private sealed class Budget
    {
        public int MaxValues;
        public int Values;
        public int AliasValues;

        /// <summary>Anchored nodes already converted once. YamlStream resolves an alias to the very node its
        /// anchor names, so meeting one a second time means an alias is being expanded.</summary>
        public readonly HashSet<YamlNode> Seen = new(ReferenceEqualityComparer.Instance);
    }

    private sealed class TooLargeException(Mark at, string message) : Exception(message)
    {
        public Mark At { get; } = at;
    }

    private static JsonNode? Convert(YamlNode node, string path, YamlJsonDocument marks, int depth, Budget budget, bool viaAlias)
    {
        // Aliases are shared nodes in YamlStream; converted, each becomes a copy — hence the limits here too.
        // Everything under a node met for the second time is such a copy, and only that counts as expansion.
        // Only an anchored node can be met twice, so only those are tracked (an honest file has few or none).
        viaAlias = viaAlias || (!node.Anchor.IsEmpty && !budget.Seen.Add(node));
        if (viaAlias)
        {
            if (++budget.AliasValues > MaxAliasValues)
                throw new TooLargeException(node.Start, $"expands to more than {MaxAliasValues:N0} values through aliases; refusing to read it");
        }
        else if (++budget.Values > budget.MaxValues)
        {
            throw new TooLargeException(node.Start, $"has more than {budget.MaxValues:N0} values (the size limit for one policy, waiver or config file); split it into several files");
        }
        if (depth > MaxDepth) throw new TooLargeException(node.Start, $"nested deeper than {MaxDepth} levels once aliases are expanded");
        marks.Values[path] = node.Start;
        switch (node)
        {
            case YamlMappingNode m:
                var o = new JsonObject();
                foreach (var (k, v) in m.Children)
                {
                    var key = k is YamlScalarNode ks ? ks.Value ?? "" : k.ToString();
                    var childPath = YamlJsonDocument.Child(path, key);
                    marks.Keys[childPath] = k.Start;
                    o[key] = Convert(v, childPath, marks, depth + 1, budget, viaAlias);
                }
                return o;
            case YamlSequenceNode s:
                var a = new JsonArray();
                for (var i = 0; i < s.Children.Count; i++) a.Add(Convert(s.Children[i], YamlJsonDocument.Index(path, i), marks, depth + 1, budget, viaAlias));
                return a;
            case YamlScalarNode sc:
                return Scalar(sc);
            default:
                return null; // aliases are resolved by YamlStream; nothing else exists
        }
    }

    /// <summary>YAML 1.2 core schema for plain scalars: null, booleans, integers, floats; everything else
    /// (and every quoted scalar) is a string. Dates stay strings (<c>expires: 2025-01-31</c>).</summary>
    private static JsonNode? Scalar(YamlScalarNode s)
    {
        var text = s.Value ?? "";
        if (s.Style is not ScalarStyle.Plain) return JsonValue.Create(text);
        if (text is "" or "~" or "null" or "Null" or "NULL") return null;
        if (text is "true" or "True" or "TRUE") return JsonValue.Create(true);
        if (text is "false" or "False" or "FALSE") return JsonValue.Create(false);
        if (IntPattern().IsMatch(text) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) return JsonValue.Create(l);
        // 1e999 parses to Infinity, which JSON cannot hold: writing the tree for schema validation threw
        // (exit 70; fuzzing, Crashes/policy). Out of range, it stays the text it is.
        if (FloatPattern().IsMatch(text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d)) return JsonValue.Create(d);
        return JsonValue.Create(text);
    }

    [GeneratedRegex("^[-+]?[0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex IntPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex FloatPattern();
}
