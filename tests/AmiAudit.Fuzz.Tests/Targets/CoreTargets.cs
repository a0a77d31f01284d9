using System.Text;
using AmiAudit.Core.Diff;
using AmiAudit.Core.Model;
using AmiAudit.Core.Policies;
using AmiAudit.Core.Policies.Loading;
using AmiAudit.Fuzz.Engine;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace AmiAudit.Fuzz.Targets;

/// <summary>Inputs users and pipelines hand to the CLI: snapshots, policies, waivers, amiaudit.yaml.</summary>
internal static class CoreTargets
{
    private static readonly string[] YamlTokens =
        ["\n- ", ": ", "\n  ", "&a ", "*a", "? ", "!!str ", "!!binary ", "!<tag:x> ", "%YAML 1.2\n", "---\n", "...\n", "|\n", ">-\n", "{", "}", "[", "]", ",", "'", "\"",
         "#", "\t", "<<: *a", "~", "null", ".inf", "0o17", "0x1F", "2024-13-45", "\\u0000", "\\x"];

    /// <summary>
    /// Both snapshot readers on the same bytes, as SideLoader calls them: the fast UTF-8 reader, then
    /// SnapshotJson.Deserialize (whose SnapshotFormatException is the documented file:line:col error).
    /// Differential: when both accept, both snapshots serialize to the same bytes (the fast reader's
    /// contract: "exactly what the serializer returns, or false"). The fast reader may accept what
    /// Deserialize refuses only for a duplicated key (it keeps the last value, as the serializer itself
    /// does; Deserialize's tree refuses duplicates with their line and column) and for a number beyond
    /// double's range in a property the model does not have (skipped by both the fast reader and the
    /// serializer; Deserialize refuses every such number before it can become Infinity).
    /// </summary>
    public static FuzzTarget Snapshot => new()
    {
        Name = "snapshot",
        Parses = "snapshot JSON (SnapshotUtf8Reader vs SnapshotJson.Deserialize)",
        Seeds = () => Corpus.Of(Corpus.Repo("examples/incident"), Corpus.Own("snapshot")),
        Tokens = ["{", "}", "[", "]", "\"", ":", ",", "null", "true", "false", "0", "-0", "1.0", "1e2", "2147483648", "9223372036854775808", "\"\\u0000\"", "\"\\ud800\"",
                  "\"schema\":", "\"amiaudit.snapshot/v1\"", "\"units\":", "\"collectedAt\":", "\"2026-03-03T12:00:00Z\"", "\"2026-02-30T25:00:00Z\"", "/* c */", "// c\n"],
        Allowed = [typeof(SnapshotFormatException)],
        Run = input =>
        {
            var fast = SnapshotUtf8Reader.TryRead(input, out var quick) ? quick : null;
            // Whatever the fast reader accepts, every verb must be able to write out again.
            var fastJson = fast is null ? null : SnapshotJson.Serialize(fast);
            Snapshot slow;
            try
            {
                slow = SnapshotJson.Deserialize(Encoding.UTF8.GetString(input), "fuzz.json");
            }
            catch (SnapshotFormatException e) when (fast is not null && !e.Message.Contains("Duplicate", StringComparison.OrdinalIgnoreCase)
                                                     && !e.Message.Contains("out of range", StringComparison.Ordinal))
            {
                throw new FuzzFinding($"the fast reader accepted a snapshot the serializer rejects: {e.Message}");
            }
            if (fastJson is not null && SnapshotJson.Serialize(slow) is var slowJson && fastJson != slowJson)
                throw new FuzzFinding($"the fast reader and the serializer read different snapshots from the same bytes: {FirstDifference(fastJson, slowJson)}");
        },
    };

    private static string FirstDifference(string a, string b)
    {
        var i = 0;
        while (i < a.Length && i < b.Length && a[i] == b[i]) i++;
        var from = Math.Max(0, i - 120);
        return $"fast …{a[from..Math.Min(a.Length, i + 60)]}… serializer …{b[from..Math.Min(b.Length, i + 60)]}…";
    }

    public static FuzzTarget Policy => new()
    {
        Name = "policy",
        Parses = "policy YAML (PolicyLoader: YAML, schema, operators, regexes, vars)",
        Seeds = () => Corpus.Of(Corpus.Repo("policies/k8s-node-baseline.yaml", "policies/node-health.yaml"), Corpus.Own("policy")),
        Tokens = [.. YamlTokens, "rules:", "\n  - id: ", "severity: critical", "for: systemd.units", "expect:", "matches: ", "notMatches: '^(a+)+$'", "(?<=a)", "\\1", "vars:", "${", "}"],
        // Errors are data (PolicyLoadResult.Errors): no exception is documented.
        Run = input => PolicyLoader.Load([new PolicySource("fuzz.yaml", Encoding.UTF8.GetString(input))]),
    };

    public static FuzzTarget Waiver => new()
    {
        Name = "waiver",
        Parses = "waiver YAML (WaiverLoader)",
        Seeds = () => Corpus.Of(Corpus.Own("waiver")),
        Tokens = [.. YamlTokens, "waivers:", "\n  - rule: ", "expires: ", "2099-12-31", "2024-02-30", "target: ", "subject: ", "*", "?", "[", "reason: "],
        Run = input => WaiverLoader.Load(new PolicySource("waivers.yaml", Encoding.UTF8.GetString(input))),
    };

    /// <summary>amiaudit.yaml as DiffEnvironments reads it: YamlStream over the depth-limited parser, then the
    /// lookups it makes. A YamlException is its documented syntax error (file:line:col, exit 3).</summary>
    public static FuzzTarget Config => new()
    {
        Name = "config-yaml",
        Parses = "amiaudit.yaml (YamlStream through DepthLimitedParser, as DiffEnvironments loads it)",
        Seeds = () => Corpus.Of(Corpus.Own("config-yaml")),
        Tokens = [.. YamlTokens, "environments:", "snapshots: ", "root: ", "live: true", "diff:", "ignore:"],
        Allowed = [typeof(YamlException)],
        Run = input =>
        {
            var stream = new YamlStream();
            stream.Load(new DepthLimitedParser(Encoding.UTF8.GetString(input)));
            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root) return;
            if (root.Children.TryGetValue(new YamlScalarNode("environments"), out var envs) && envs is YamlMappingNode m)
                foreach (var (k, v) in m.Children)
                    if (k is YamlScalarNode && v is YamlMappingNode e) e.Children.TryGetValue(new YamlScalarNode("snapshots"), out _);
            if (root.Children.TryGetValue(new YamlScalarNode("diff"), out var diff) && diff is YamlMappingNode d
                && d.Children.TryGetValue(new YamlScalarNode("ignore"), out var ign) && ign is YamlSequenceNode list)
                _ = list.Children.OfType<YamlScalarNode>().Count();
        },
    };
}
