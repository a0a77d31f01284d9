namespace AmiAudit.Collectors.Systemd;

/// <summary>A unit's settings after the fragment and all drop-ins were applied, as the manager would load it.</summary>
internal sealed class LoadedUnit
{
    public required string Name { get; init; }
    public required string FragmentPath { get; init; }
    public List<string> DropIns { get; } = [];
    public string? Description { get; set; }
    public List<string> Requires { get; } = [];
    public List<string> Wants { get; } = [];
    public List<string> BindsTo { get; } = [];
    public List<string> Requisite { get; } = [];
    public List<string> PartOf { get; } = [];
    public List<string> Upholds { get; } = [];
    public List<string> After { get; } = [];
    public List<string> Before { get; } = [];
    public List<string> Conditions { get; } = [];
    public List<string> Asserts { get; } = [];
    public List<string> ExecStart { get; } = [];
    public List<string> ExecStartPre { get; } = [];
    public string? Restart { get; set; }
    public string? RestartSec { get; set; }
    public List<string> EnvironmentFiles { get; } = [];
    /// <summary>Files systemd would refuse (bad section header …); the unit then fails to load.</summary>
    public List<string> Errors { get; } = [];

    /// <summary>Units this one pulls in when started (what boot reachability follows).</summary>
    public IEnumerable<string> PullsIn => Requires.Concat(Wants).Concat(BindsTo).Concat(Upholds);
}
