namespace AmiAudit.Core.Diff;

/// <summary>
/// Explains divergences with links the facts declare. Edges come from unit dependencies (Requires=, BindsTo=,
/// Requisite= — After= and Wants= alone never stop a start, node-facts 5.1), ExecStart/ExecStartPre/Condition*
/// paths, drop-ins and unit configuration, bootstrap scripts (the unit that runs a script, the units it starts,
/// the URLs it downloads), cloud-init, container ownership — and one documented mechanism, labelled heuristic:
/// a crash-looping container → dying memcgs → saturated CPU → ENA resets, claimed only when each probe reads
/// abnormal on the same side as the churn and normal on the other.
/// For each divergent outcome we walk upstream to the root divergence; the path is then cut where the sick
/// side changes, giving one "why" chain (effect ← cause) and "so what" chains (cause → effect).
/// </summary>
public static class CausalExplainer
{
    // Lower wins when an effect has several divergent causes: a declared dependency first, then a script starting the
    // unit, then the URL inside a script the unit runs (more specific than "the script's bytes differ").
    private const int Dependency = 1, StartsUnit = 2, Fetches = 3, ExecOrCondition = 4, ScriptContent = 5, Config = 5, Heuristic = 6;

    public static (List<CausalChain> Chains, List<string> Unexplained) Explain(
        SideAccumulator a, SideAccumulator b, IReadOnlyList<Divergence> divergences)
    {
        var graph = Build(a, b, divergences);
        var paths = Paths(graph);
        var text = new ChainText(a, b);
        var chains = new List<CausalChain>();
        var covered = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            covered.UnionWith(path);
            chains.AddRange(Split(path, graph, text, a.Name, b.Name));
        }
        var unexplained = graph.Nodes.Values
            .Where(n => !covered.Contains(n.Id))
            .SelectMany(n => n.Divergences)
            .Where(d => KeySeverity.IsOutcome(FactKey.Parse(d.Key)))
            .Select(d => d.Key)
            .Order(StringComparer.Ordinal)
            .ToList();
        return (chains, unexplained);
    }

    public static CausalGraph Build(SideAccumulator a, SideAccumulator b, IReadOnlyList<Divergence> divergences)
    {
        var graph = new CausalGraph();
        foreach (var d in divergences.Where(d => d.Class is not DivergenceClass.Noise))
        {
            var (kind, subject) = NodeOf(FactKey.Parse(d.Key));
            var id = kind + ":" + subject;
            if (!graph.Nodes.TryGetValue(id, out var node)) graph.Nodes[id] = node = new CausalNode(id, kind, subject);
            node.Divergences.Add(d);
        }
        foreach (var node in graph.Nodes.Values)
        {
            node.PrimaryKey = Primary(node);
            var key = FactKey.Parse(node.PrimaryKey);
            var sickA = KeySeverity.IsUnhealthy(key, a.Mode(node.PrimaryKey), a);
            var sickB = KeySeverity.IsUnhealthy(key, b.Mode(node.PrimaryKey), b);
            node.SickSide = sickA == sickB ? "" : sickA ? "a" : "b";
        }

        var units = AllSubjects(a, b, "unit");
        foreach (var u in units) AddUnitEdges(graph, a, b, u);
        foreach (var s in AllSubjects(a, b, "script")) AddScriptEdges(graph, a, b, s);
        foreach (var c in AllSubjects(a, b, "container"))
        {
            foreach (var owner in Union(a, b, FactKey.Make("container", c, "ownerUnit"), ' '))
                graph.Add("unit:" + owner, "container:" + c, Dependency, $"{c} is created by {owner} (container OwnerUnit)");
        }
        AddHealthMechanism(graph, a, b);
        return graph;
    }

    private static (string Kind, string Subject) NodeOf(FactKey k) => k.Kind switch
    {
        "unit" when k.Attribute is "activeState" or "restarts" => ("unit", k.Subject),
        "unit" => ("unitcfg", k.Subject),
        "container" => ("container", k.Subject),
        "bootstrap" when k.Subject == "url" => ("url", k.Attribute),
        "bootstrap" when k.Subject == "cloudInit" => ("cloudinit", ""),
        "script" => ("script", k.Subject),
        "binary" => ("binary", k.Subject),
        "probe" => ("probe", k.Subject),
        _ => ("other", k.ToString()),
    };

    private static readonly string[] PrimaryOrder = ["activeState", "restarts", "restartRate", "state", "sha256", "unitFileState", "startsAtBoot"];

    private static string Primary(CausalNode node) =>
        node.Divergences
            .OrderBy(d => Array.IndexOf(PrimaryOrder, d.Attribute) is var i && i < 0 ? int.MaxValue : i)
            .ThenBy(d => d.Key, StringComparer.Ordinal)
            .First().Key;

    private static void AddUnitEdges(CausalGraph graph, SideAccumulator a, SideAccumulator b, string u)
    {
        var target = "unit:" + u;
        var after = Union(a, b, FactKey.Make("unit", u, "after"), ' ');
        var fragment = a.Mode(FactKey.Make("unit", u, "fragmentPath")) is var f && f != FactKey.Absent ? f : b.Mode(FactKey.Make("unit", u, "fragmentPath"));
        var where = fragment == FactKey.Absent ? "" : $" ({fragment})";
        foreach (var (attr, directive) in new[] { ("requires", "Requires"), ("bindsTo", "BindsTo"), ("requisite", "Requisite") })
        {
            foreach (var dep in Union(a, b, FactKey.Make("unit", u, attr), ' '))
            {
                var ordering = after.Contains(dep) ? $", After={dep}" : "";
                graph.Add("unit:" + dep, target, Dependency, $"{u}: {directive}={dep}{ordering}{where}");
            }
        }
        graph.Add("unitcfg:" + u, target, Config, $"{u}'s unit configuration differs");

        var execPaths = new List<(string Path, string How)>();
        foreach (var line in Union(a, b, FactKey.Make("unit", u, "execStartPre"), ';')) execPaths.AddRange(PathsIn(line).Select(p => (p, "ExecStartPre= runs")));
        foreach (var line in Union(a, b, FactKey.Make("unit", u, "execStart"), ';')) execPaths.AddRange(PathsIn(line).Select(p => (p, "ExecStart= runs")));
        foreach (var line in Union(a, b, FactKey.Make("unit", u, "conditions"), ';'))
            execPaths.AddRange(PathsIn(line).Select(p => (p, line.Split('=')[0] + "= checks")));
        foreach (var (path, how) in execPaths)
        {
            graph.Add("binary:" + path, target, ExecOrCondition, $"{u} {how} {path}");
            graph.Add("script:" + path, target, ExecOrCondition, $"{u} {how} {path}");
        }
    }

    private static void AddScriptEdges(CausalGraph graph, SideAccumulator a, SideAccumulator b, string s)
    {
        var runners = Union(a, b, FactKey.Make("script", s, "referencedBy"), ' ').Select(r => ("unit:" + r, r)).ToList();
        var kind = a.Mode(FactKey.Make("script", s, "kind")) is var k && k != FactKey.Absent ? k : b.Mode(FactKey.Make("script", s, "kind"));
        if (kind is "user-data" or "cloud-init-script") runners.Add(("cloudinit", "cloud-init"));
        var starts = Union(a, b, FactKey.Make("script", s, "startsUnits"), ' ');
        foreach (var (runner, runnerName) in runners)
        {
            foreach (var started in starts)
                graph.Add(runner, "unit:" + started, StartsUnit, $"{runnerName} runs {s}, which starts {started} (systemctl enable/start)");
            foreach (var purpose in Union(a, b, FactKey.Make("script", s, "fetches"), ' '))
            {
                var source = a.TextMode(FactKey.Make("bootstrap", "url/" + purpose, "source")) ?? b.TextMode(FactKey.Make("bootstrap", "url/" + purpose, "source"));
                var at = source is not null && source.StartsWith(s + ":", StringComparison.Ordinal) ? $" (line {source[(s.Length + 1)..]})" : "";
                graph.Add("url:" + purpose, runner, Fetches, $"{runnerName} runs {s}, which downloads {purpose} from this URL{at}");
            }
            graph.Add("script:" + s, runner, ScriptContent, $"{runnerName} runs {s}, whose content differs");
        }
    }

    /// <summary>The documented zombie-memcg mechanism (node-facts 0, 2.4, 1). Every hop needs both ends divergent
    /// and sick on the same side — a normal probe reading is never blamed.</summary>
    private static void AddHealthMechanism(CausalGraph graph, SideAccumulator a, SideAccumulator b)
    {
        if (!graph.Nodes.TryGetValue("probe:memcg", out var memcg) || memcg.SickSide == "") return;
        var side = memcg.SickSide == "a" ? a : b;
        foreach (var c in graph.Nodes.Values.Where(n => n.Kind == "container" && n.SickSide == memcg.SickSide))
        {
            var rate = side.Mode(FactKey.Make("container", c.Subject, "restartRate"));
            if (!Bands.IsHighRate(rate)) continue;
            graph.Add(c.Id, memcg.Id, Heuristic,
                "known mechanism (heuristic): each container the loop recreates leaves its memory cgroup dying while page cache stays charged to it (node-facts 2.1)", heuristic: true);
        }
        if (!graph.Nodes.TryGetValue("probe:cpu", out var cpu) || cpu.SickSide != memcg.SickSide) return;
        graph.Add(memcg.Id, cpu.Id, Heuristic,
            "known mechanism (heuristic): kubelet's cAdvisor reads memory.numa_stat, whose cost grows with every dying memcg (node-facts 2.4)", heuristic: true);
        foreach (var ena in graph.Nodes.Values.Where(n => n.Kind == "probe" && n.Subject.StartsWith("ena/", StringComparison.Ordinal) && n.SickSide == cpu.SickSide))
        {
            graph.Add(cpu.Id, ena.Id, Heuristic,
                "known mechanism (heuristic): a core pinned in system time stalls Tx completions; the ENA driver resets the device after 5 s without them", heuristic: true);
        }
    }

    /// <summary>Root-to-effect paths: from every outcome not yet covered, the strongest parent upward.</summary>
    private static List<List<string>> Paths(CausalGraph graph)
    {
        var covered = new HashSet<string>(StringComparer.Ordinal);
        var paths = new List<List<string>>();
        // Sinks first (nodes nothing else depends on), then any outcome a sink's path did not pass through.
        var starts = graph.Nodes.Values.Where(n => n.IsOutcome)
            .OrderBy(n => graph.HasChildren(n.Id) ? 1 : 0).ThenBy(n => n.Id, StringComparer.Ordinal).ToList();
        foreach (var start in starts)
        {
            if (covered.Contains(start.Id)) continue;
            // Walked effect → cause with a set for "already on the path" (a cycle guard), then reversed: prepending
            // to a list and searching it made each walk quadratic in its length.
            var path = new List<string> { start.Id };
            var onPath = new HashSet<string>(StringComparer.Ordinal) { start.Id };
            var cur = start.Id;
            while (FirstParentNotOn(graph.ParentsOf(cur), onPath) is { } edge)
            {
                path.Add(edge.From);
                onPath.Add(edge.From);
                cur = edge.From;
            }
            if (path.Count < 2) continue;
            path.Reverse();
            covered.UnionWith(path);
            paths.Add(path);
        }
        return paths;
    }

    private static CausalEdge? FirstParentNotOn(IReadOnlyList<CausalEdge> parents, HashSet<string> onPath)
    {
        foreach (var e in parents)
            if (!onPath.Contains(e.From)) return e;
        return null;
    }

    /// <summary>Cuts a root→effect path where the sick side changes. The first piece reads as "why" on its side
    /// (effect ← cause), each later piece as "so what" (the previous piece's last node → effects).</summary>
    private static IEnumerable<CausalChain> Split(List<string> path, CausalGraph graph, ChainText text, string nameA, string nameB)
    {
        var onPath = new HashSet<string>(path, StringComparer.Ordinal);
        var sides = path.Select(id => graph.Nodes[id].SickSide).ToList();
        for (var i = sides.Count - 2; i >= 0; i--) if (sides[i] == "") sides[i] = sides[i + 1];
        for (var i = 1; i < sides.Count; i++) if (sides[i] == "") sides[i] = sides[i - 1];

        var segments = new List<(string Side, int Start, int End)>();
        for (int i = 0, start = 0; i < path.Count; i++)
        {
            if (i == path.Count - 1 || sides[i + 1] != sides[i])
            {
                segments.Add((sides[i], start, i));
                start = i + 1;
            }
        }
        for (var s = 0; s < segments.Count; s++)
        {
            var (side, start, end) = segments[s];
            var sideKey = side == "a" ? "a" : "b";
            var sideName = sideKey == "a" ? nameA : nameB;
            List<string> ids;
            string direction;
            if (s == 0)
            {
                ids = [.. path.GetRange(start, end - start + 1).AsEnumerable().Reverse()];
                direction = "upstream";
            }
            else
            {
                ids = path.GetRange(start - 1, end - start + 2);
                direction = "downstream";
            }
            if (ids.Count < 2) continue;
            var links = new List<CausalLink>();
            for (var i = 0; i < ids.Count; i++)
            {
                CausalEdge? edge = i == 0 ? null
                    : direction == "upstream" ? graph.Edge(ids[i], ids[i - 1]) : graph.Edge(ids[i - 1], ids[i]);
                var chainChild = direction == "upstream" ? (i == 0 ? null : ids[i - 1]) : (i + 1 < ids.Count ? ids[i + 1] : null);
                links.Add(text.Link(graph.Nodes[ids[i]], sideKey, edge, AlsoDiffers(graph, ids[i], chainChild, onPath)));
            }
            var arrow = direction == "upstream" ? " \u2190 " : " \u2192 ";
            yield return new CausalChain
            {
                Side = sideName,
                Direction = direction,
                Links = links,
                Summary = string.Join(arrow, links.Select(l => l.Statement)),
            };
        }
    }

    /// <summary>Other divergent parents of the same child, not on the path: shown next to the chosen cause.</summary>
    private static List<string> AlsoDiffers(CausalGraph graph, string id, string? child, HashSet<string> path)
    {
        var node = graph.Nodes[id];
        var also = node.Divergences.Select(d => d.Key).Where(k => k != node.PrimaryKey).ToList();
        if (child is not null)
        {
            also.AddRange(graph.ParentsOf(child).Where(e => !path.Contains(e.From) && e.From != id)
                .Select(e => graph.Nodes[e.From].PrimaryKey));
        }
        return [.. also.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    private static SortedSet<string> AllSubjects(SideAccumulator a, SideAccumulator b, string kind)
    {
        var set = new SortedSet<string>(StringComparer.Ordinal);
        var prefix = kind + "/";
        foreach (var key in a.Values.Keys.Concat(b.Values.Keys))
        {
            if (!key.StartsWith(prefix, StringComparison.Ordinal)) continue;
            var fk = FactKey.Parse(key);
            if (fk.Subject.Length > 0) set.Add(fk.Subject);
        }
        return set;
    }

    /// <summary>Both sides' most common value of a list-valued key, split: a relation either side declares counts.</summary>
    private static SortedSet<string> Union(SideAccumulator a, SideAccumulator b, string key, char separator)
    {
        var set = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var v in new[] { a.Mode(key), b.Mode(key) })
        {
            if (v == FactKey.Absent) continue;
            foreach (var part in v.Split(separator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)) set.Add(part);
        }
        return set;
    }

    /// <summary>Absolute paths in an ExecStart*/Condition line, with systemd's prefixes (-@!+:|) stripped.</summary>
    internal static IEnumerable<string> PathsIn(string line)
    {
        foreach (var raw in line.Split([' ', '=', '\t', '\'', '"'], StringSplitOptions.RemoveEmptyEntries))
        {
            var token = raw.TrimStart('-', '@', '!', '+', ':', '|');
            if (token.StartsWith('/') && token.Length > 1) yield return token;
        }
    }
}
