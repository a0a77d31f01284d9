using AmiAudit.Collectors.RootFs;
using AmiAudit.Core.Model;

namespace AmiAudit.Collectors.Systemd;

/// <summary>
/// Offline systemd facts of an image root: every unit file <c>systemctl --root=R list-unit-files</c>
/// lists, with the same enablement state and preset, plus the parsed settings policies read and
/// whether the unit is pulled in from the default target at boot. All reads go through
/// <see cref="CollectionContext.Fs"/>. See docs/collectors/systemd.md.
/// </summary>
public sealed class SystemdCollector : ICollector
{
    public string Name => "systemd";

    public int Order => 10;

    public bool AppliesTo(CollectionMode mode) => true;

    public Snapshot Collect(CollectionContext context, Snapshot snapshot) =>
        snapshot with { Systemd = Scan(context.Fs) };

    /// <summary>Reads the unit directories of the root behind <paramref name="fs"/>.</summary>
    public static SystemdFacts Scan(RootFileSystem fs) => new SystemdScan(fs).Run();
}
