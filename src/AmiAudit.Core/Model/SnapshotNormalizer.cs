namespace AmiAudit.Core.Model;

/// <summary>Sorts every collection so equal machines give byte-equal snapshots, whatever order the
/// file system or an API listed things in.</summary>
public static class SnapshotNormalizer
{
    private static readonly StringComparer Ord = StringComparer.Ordinal;

    public static Snapshot Normalize(Snapshot s) => s with
    {
        Systemd = s.Systemd with { Units = [.. s.Systemd.Units.OrderBy(u => u.Name, Ord)] },
        Containers = [.. s.Containers.OrderBy(c => c.Name, Ord).ThenBy(c => c.Id, Ord)],
        Bootstrap = s.Bootstrap with
        {
            Scripts = [.. s.Bootstrap.Scripts.OrderBy(x => x.Path, Ord)],
            Urls = [.. s.Bootstrap.Urls.OrderBy(u => u.Source, Ord).ThenBy(u => u.Line).ThenBy(u => u.Redacted, Ord)],
        },
        Binaries = [.. s.Binaries.OrderBy(b => b.Path, Ord)],
        Packages = s.Packages with { Items = [.. s.Packages.Items.OrderBy(p => p.Name, Ord).ThenBy(p => p.Architecture, Ord)] },
        Evidence = s.Evidence is null ? null : Evidence(s.Evidence),
        Diagnostics = [.. s.Diagnostics.OrderBy(d => d.Source, Ord).ThenBy(d => d.Path, Ord).ThenBy(d => d.Code, Ord).ThenBy(d => d.Message, Ord)],
    };

    private static EvidenceFacts Evidence(EvidenceFacts e) => e with
    {
        Sources = [.. e.Sources.OrderBy(x => x.Path, Ord).ThenBy(x => x.Kind, Ord).ThenBy(x => x.Status, Ord)],
        Units = [.. e.Units.OrderBy(u => u.Name, Ord).ThenBy(u => u.UserManager)],
        Containers = [.. e.Containers.OrderBy(c => c.Name, Ord).ThenBy(c => c.Id, Ord)],
        Timeline = [.. e.Timeline.OrderBy(t => t.Time).ThenBy(t => t.Source, Ord).ThenBy(t => t.Subject, Ord).ThenBy(t => t.Event, Ord)],
        Kernel = e.Kernel is null ? null : e.Kernel with { Ena = [.. e.Kernel.Ena.OrderBy(i => i.Name, Ord)] },
    };
}
