namespace AmiAudit.Collectors.Systemd;

/// <summary>A unit's settings after the fragment and all drop-ins were applied, as the manager would load it.</summary>
internal sealed class LoadedUnit
{
    public required string Name { get; init; }
    public required string FragmentPath { get; init; }
    public List<string> DropIns { get; } = [];
    public string? Description { get; set; }
    public OrderedSet Requires { get; } = new();
    public OrderedSet Wants { get; } = new();
    public OrderedSet BindsTo { get; } = new();
    public OrderedSet Requisite { get; } = new();
    public OrderedSet PartOf { get; } = new();
    public OrderedSet Upholds { get; } = new();
    public OrderedSet After { get; } = new();
    public OrderedSet Before { get; } = new();
    public List<string> Conditions { get; } = [];
    public List<string> Asserts { get; } = [];
    public List<string> ExecCondition { get; } = [];
    public List<string> ExecStartPre { get; } = [];
    public List<string> ExecStart { get; } = [];
    public List<string> ExecStartPost { get; } = [];
    /// <summary>The commands of each Exec*= setting above, parsed once (setting name → commands in order).</summary>
    public Dictionary<string, List<ExecCommand>> Commands { get; } = new(StringComparer.Ordinal);
    public string? Restart { get; set; }
    public string? RestartSec { get; set; }
    public List<string> EnvironmentFiles { get; } = [];
    /// <summary>Timer/path Unit=, socket Service=: the unit it activates (null: the same name, .service).</summary>
    public string? Triggers { get; set; }
    /// <summary>Socket Accept=yes: every connection starts an instance of the template.</summary>
    public bool Accept { get; set; }

    /// <summary>
    /// What the manager itself would reject (a malformed section header in the fragment, an Exec line
    /// it cannot parse): the unit then fails to load and is never started.
    /// </summary>
    public List<string> Errors { get; } = [];

    /// <summary>What could not be read or was skipped, though the unit still loads (broken drop-ins …).</summary>
    public List<string> LoadErrors { get; } = [];

    public bool Refused => Errors.Count > 0;

    /// <summary>Units this one pulls in when started (what boot reachability follows).</summary>
    public IEnumerable<string> PullsIn => Requires.Concat(Wants).Concat(BindsTo).Concat(Upholds);
}

/// <summary>
/// A list that keeps first-insertion order and ignores duplicates. Small sets (almost every unit's)
/// are searched linearly; past 16 items a hash set takes over, so a unit naming thousands of
/// dependencies stays linear.
/// </summary>
internal sealed class OrderedSet : IEnumerable<string>
{
    private const int HashFrom = 16;
    private readonly List<string> _items = [];
    private HashSet<string>? _seen;

    public int Count => _items.Count;

    public void Add(string item)
    {
        if (Contains(item)) return;
        _items.Add(item);
        if (_seen is not null) _seen.Add(item);
        else if (_items.Count > HashFrom) _seen = new HashSet<string>(_items, StringComparer.Ordinal);
    }

    public bool Contains(string item)
    {
        if (_seen is not null) return _seen.Contains(item);
        foreach (var i in _items) if (string.Equals(i, item, StringComparison.Ordinal)) return true;
        return false;
    }

    public List<string>.Enumerator GetEnumerator() => _items.GetEnumerator();

    IEnumerator<string> IEnumerable<string>.GetEnumerator() => _items.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => _items.GetEnumerator();
}
