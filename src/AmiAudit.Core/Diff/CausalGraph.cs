namespace AmiAudit.Core.Diff;

/// <summary>A node of the causal graph: one thing that differs (a unit, a container, a URL purpose, a probe…),
/// covering every divergent key about it.</summary>
public sealed class CausalNode(string id, string kind, string subject)
{
    public string Id { get; } = id;
    /// <summary>unit | unitcfg | container | url | cloudinit | script | binary | probe | other</summary>
    public string Kind { get; } = kind;
    public string Subject { get; } = subject;
    public List<Divergence> Divergences { get; } = [];
    /// <summary>The key the chain shows for this node (state before configuration, rate before state).</summary>
    public string PrimaryKey { get; set; } = "";
    /// <summary>"a", "b" or "" — the side whose value is the unhealthy one.</summary>
    public string SickSide { get; set; } = "";
    public bool IsOutcome => Divergences.Any(d => KeySeverity.IsOutcome(FactKey.Parse(d.Key)));
}

/// <summary>cause → effect, with why the facts say so.</summary>
public sealed record CausalEdge(string From, string To, int Priority, string Relation, bool Heuristic);

/// <summary>The divergent nodes and the edges the facts declare between them. Each node's parents are indexed
/// (and sorted once, when first asked for), so walking a causal path costs its length, not the whole graph per
/// step — scanning every edge per step made the diff quadratic in units (issue 8).</summary>
public sealed class CausalGraph
{
    private readonly Dictionary<string, CausalEdge> _edges = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _parents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<CausalEdge>> _sortedParents = new(StringComparer.Ordinal);
    private readonly HashSet<string> _withChildren = new(StringComparer.Ordinal);

    public SortedDictionary<string, CausalNode> Nodes { get; } = new(StringComparer.Ordinal);

    public IEnumerable<CausalEdge> Edges => _edges.Values;

    /// <summary>Adds an edge between two divergent nodes; a second reason for the same pair is appended, the
    /// stronger (lower) priority wins. Edges touching non-divergent nodes are dropped: only a difference can
    /// explain a difference.</summary>
    public void Add(string from, string to, int priority, string relation, bool heuristic = false)
    {
        if (from == to || !Nodes.ContainsKey(from) || !Nodes.ContainsKey(to)) return;
        var id = from + "\u2192" + to;
        if (_edges.TryGetValue(id, out var existing))
        {
            if (existing.Relation.Contains(relation, StringComparison.Ordinal)) return;
            _edges[id] = existing with
            {
                Priority = Math.Min(existing.Priority, priority),
                Relation = existing.Relation + "; " + relation,
                Heuristic = existing.Heuristic && heuristic,
            };
        }
        else
        {
            _edges[id] = new CausalEdge(from, to, priority, relation, heuristic);
            if (!_parents.TryGetValue(to, out var parents)) _parents[to] = parents = [];
            parents.Add(from);
            _withChildren.Add(from);
        }
        _sortedParents.Remove(to);
    }

    public CausalEdge? Edge(string from, string to) => _edges.GetValueOrDefault(from + "\u2192" + to);

    /// <summary>Edges into <paramref name="id"/>, strongest (lowest priority) first, then by cause id.</summary>
    public IReadOnlyList<CausalEdge> ParentsOf(string id)
    {
        if (_sortedParents.TryGetValue(id, out var sorted)) return sorted;
        if (!_parents.TryGetValue(id, out var froms)) return [];
        sorted = [.. froms.Select(f => _edges[f + "\u2192" + id]).OrderBy(e => e.Priority).ThenBy(e => e.From, StringComparer.Ordinal)];
        _sortedParents[id] = sorted;
        return sorted;
    }

    public bool HasChildren(string id) => _withChildren.Contains(id);
}
