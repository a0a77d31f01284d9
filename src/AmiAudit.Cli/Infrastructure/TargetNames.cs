using AmiAudit.Core.Model;

namespace AmiAudit.Cli.Infrastructure;

public static class TargetNames
{
    /// <summary>The most stable human name of a target: image id, then hostname, then the root path's last segment.
    /// Part of every finding fingerprint, so it must not include volatile values like timestamps.</summary>
    public static string For(Snapshot s) =>
        s.Target.ImageId ?? s.Target.Hostname ?? (s.Target.Root is { } r ? Path.GetFileName(r.TrimEnd('/')) is { Length: > 0 } n ? n : r : "target");
}
