namespace AmiAudit.Collectors.Live.Process;

/// <summary>
/// Where live commands run and where their state files can be checked from the auditor's side.
/// <list type="bullet">
/// <item><c>--host-root /</c> (default): commands run directly; <c>FileRoot</c> is "/".</item>
/// <item><c>--host-root DIR</c> (DaemonSet with the host at /host): systemd's state cannot be read
/// from files — it needs the daemon's bus — so commands enter PID 1's namespaces with nsenter
/// (requires hostPID: true and privilege). <c>FileRoot</c> is /proc/1/root, the mount namespace
/// the commands will see.</item>
/// <item>Any PID (tests: the systemd booted by systemd-nspawn): same mechanism, other PID.</item>
/// </list>
/// </summary>
public sealed record CommandTarget
{
    private CommandTarget(int? pid, string fileRoot) { NamespacePid = pid; FileRoot = fileRoot; }

    /// <summary>Null: run in the auditor's own namespaces.</summary>
    public int? NamespacePid { get; }
    /// <summary>Host path under which the commands' view of "/" can be inspected.</summary>
    public string FileRoot { get; }

    public static CommandTarget Local { get; } = new(null, "/");

    public static CommandTarget OfPid(int pid) =>
        pid > 0 ? new(pid, $"/proc/{pid}/root") : throw new ArgumentOutOfRangeException(nameof(pid));

    /// <summary>Commands run locally, state files are checked under <paramref name="fileRoot"/> (fixture trees).</summary>
    internal static CommandTarget LocalWithFileRoot(string fileRoot) => new(null, fileRoot);

    /// <summary>The host root "/" is us; any other host root means "the host's PID 1".</summary>
    public static CommandTarget ForHostRoot(string hostRoot) =>
        string.IsNullOrEmpty(hostRoot) || Path.GetFullPath(hostRoot) == "/" ? Local : OfPid(1);

    /// <summary>A path as the target sees it ("/run/systemd/system"), as a host path.</summary>
    public string HostPath(string targetPath) =>
        FileRoot == "/" ? targetPath : FileRoot.TrimEnd('/') + "/" + targetPath.TrimStart('/');

    public IProcessRunner Wrap(IProcessRunner inner) =>
        NamespacePid is int pid ? new NamespaceProcessRunner(inner, pid) : inner;
}
