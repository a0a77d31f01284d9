namespace AmiAudit.Collectors.Systemd;

/// <summary>
/// Breadth-first search from the default target through what each unit pulls in (Requires=, Wants=,
/// BindsTo=, Upholds= and the .wants/.requires/.upholds links): which units start at boot, and one
/// shortest path proving it for each (ties broken by name). Linear in units and dependencies: every
/// unit is visited once, and a path is kept as parent + depth + the first hops, so writing one out
/// costs O(<see cref="MaxPath"/>) however deep the unit sits (a 5,000-unit Requires= chain would
/// otherwise print 12.5 million names).
/// </summary>
internal sealed class BootGraph
{
    /// <summary>A path longer than this keeps its first <see cref="Head"/> and last <see cref="Tail"/> units around a marker.</summary>
    public const int MaxPath = 8;
    public const int Head = 3;
    public const int Tail = MaxPath - Head - 1;

    private readonly Dictionary<string, Node> _nodes = new(StringComparer.Ordinal);

    private sealed record Node(string Name, string? Parent, int Depth, string[] FirstHops);

    /// <summary>Reached units in the order the search met them (the default target first).</summary>
    public List<string> Order { get; } = [];

    public bool Contains(string name) => _nodes.ContainsKey(name);

    /// <summary>The unit that pulled <paramref name="name"/> in (null for the default target or an unreached unit).</summary>
    public string? ParentOf(string name) => _nodes.GetValueOrDefault(name)?.Parent;

    /// <summary>Number of units on the path (1 for the default target), 0 when not reached.</summary>
    public int PathLength(string name) => _nodes.TryGetValue(name, out var n) ? n.Depth + 1 : 0;

    /// <param name="start">The default target, loaded.</param>
    /// <param name="load">A unit by name as the manager loads it (aliases followed), or null when it cannot start.</param>
    public static BootGraph Build(LoadedUnit? start, Func<string, LoadedUnit?> load)
    {
        var graph = new BootGraph();
        if (start is null) return graph;
        graph.Add(start.Name, null);
        var queue = new Queue<LoadedUnit>();
        queue.Enqueue(start);
        var next = new List<string>();
        while (queue.Count > 0)
        {
            var unit = queue.Dequeue();
            next.Clear();
            next.AddRange(new HashSet<string>(unit.PullsIn, StringComparer.Ordinal));
            next.Sort(StringComparer.Ordinal);
            foreach (var dep in next)
            {
                var target = load(dep);
                if (target is null || graph._nodes.ContainsKey(target.Name)) continue;
                graph.Add(target.Name, unit.Name);
                queue.Enqueue(target);
            }
        }
        return graph;
    }

    private void Add(string name, string? parent)
    {
        Node node;
        if (parent is null) node = new Node(name, null, 0, [name]);
        else
        {
            var p = _nodes[parent];
            node = new Node(name, parent, p.Depth + 1, p.FirstHops.Length < Head ? [.. p.FirstHops, name] : p.FirstHops);
        }
        _nodes[name] = node;
        Order.Add(name);
    }

    /// <summary>
    /// The path from the default target to the unit: whole when it has at most <see cref="MaxPath"/>
    /// units, else its first <see cref="Head"/> units, "… N more …", and its last <see cref="Tail"/>.
    /// </summary>
    public List<string> PathTo(string name)
    {
        var node = _nodes[name];
        var length = node.Depth + 1;
        var tail = new List<string>(Math.Min(length, MaxPath));
        var keep = length <= MaxPath ? length : Tail;
        for (Node? n = node; n is not null && tail.Count < keep; n = n.Parent is null ? null : _nodes[n.Parent]) tail.Add(n.Name);
        tail.Reverse();
        if (length <= MaxPath) return tail;
        var path = new List<string>(MaxPath);
        path.AddRange(node.FirstHops);
        path.Add(Marker(length - Head - Tail));
        path.AddRange(tail);
        return path;
    }

    /// <summary>Stands for the units left out of a long path; never a valid unit name.</summary>
    public static string Marker(int omitted) => $"… {omitted} more …";
}
