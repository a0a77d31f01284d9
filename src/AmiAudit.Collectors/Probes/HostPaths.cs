namespace AmiAudit.Collectors.Probes;

/// <summary>
/// Where the probes read the host from. On a node the root is "/", in a DaemonSet the host is
/// mounted at e.g. "/host", in tests it is a fixture tree. Paths are given relative ("proc/stat").
/// This is the host, not a hostile image: plain File APIs are used, but every read is capped.
/// </summary>
public sealed class HostPaths
{
    public HostPaths(string? root)
    {
        Root = string.IsNullOrEmpty(root) ? "/" : root;
    }

    public string Root { get; }

    public bool IsHostRootSlash => Root == "/";

    /// <summary>Absolute path of <paramref name="relative"/> under the host root.</summary>
    public string Resolve(string relative) => Path.Combine(Root, relative.TrimStart('/'));

    /// <summary>Re-roots an absolute host path (e.g. a mount point from mountinfo) under the host root.</summary>
    public string Reroot(string absolute) => IsHostRootSlash ? absolute : Resolve(absolute);
}
