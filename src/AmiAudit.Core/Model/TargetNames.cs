namespace AmiAudit.Core.Model;

/// <summary>
/// The one rule that names a target in findings, fingerprints and waivers (scan, and the evaluator's default).
/// Two rules used to disagree (the CLI put the image id first and shortened a root path, the evaluator put the
/// hostname first and kept the whole path), so the same snapshot evaluated in two places got two fingerprints.
/// </summary>
public static class TargetNames
{
    /// <summary>The most stable human name of a target: image id, then hostname, then the root path's last segment.
    /// Part of every finding fingerprint, so it must not include volatile values like timestamps.</summary>
    public static string For(TargetInfo t) =>
        NonEmpty(t.ImageId) ?? NonEmpty(t.Hostname) ?? (NonEmpty(t.Root) is { } r ? RootName(r) : "target");

    /// <summary>"/mnt/image/" → "image"; "/" stays "/". String work only: the core does no file-system calls.</summary>
    private static string RootName(string root)
    {
        var trimmed = root.TrimEnd('/');
        var name = trimmed[(trimmed.LastIndexOf('/') + 1)..];
        return name.Length > 0 ? name : root;
    }

    private static string? NonEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
