using AmiAudit.Core.Model;

namespace AmiAudit.Collectors;

/// <summary>
/// One source of facts. Implementations (public, parameterless constructor) are listed at compile
/// time by the source generator (AmiAudit.Generators) — adding a collector is adding one class. A collector never evaluates and never
/// throws for a missing source: it adds an "unavailable" diagnostic and returns the snapshot as is.
/// </summary>
public interface ICollector
{
    /// <summary>Short name used in diagnostics and progress, e.g. "systemd".</summary>
    string Name { get; }

    /// <summary>Lower runs first; later collectors may read earlier facts (bootstrap reads units).</summary>
    int Order { get; }

    /// <summary>Which modes this collector runs in.</summary>
    bool AppliesTo(CollectionMode mode);

    Snapshot Collect(CollectionContext context, Snapshot snapshot);
}

public enum CollectionMode
{
    /// <summary>An image root read offline (mounted AMI volume, or / on a build instance).</summary>
    ImageRoot,
    /// <summary>The running node: offline facts from its root plus live state (systemctl, Docker, probes).</summary>
    Live,
}
