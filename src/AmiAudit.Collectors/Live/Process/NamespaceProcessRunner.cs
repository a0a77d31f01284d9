namespace AmiAudit.Collectors.Live.Process;

/// <summary>
/// Runs every command inside the namespaces of another process via <c>nsenter -t PID -a --</c>.
/// This is how the auditor reaches a systemd it is not a child of: the host's PID 1 from a
/// DaemonSet pod (hostPID: true, privileged), or a container's systemd (systemd-nspawn in the
/// tests). Entering the mount namespace makes systemctl/journalctl the target's own binaries,
/// talking to the target's /run/systemd/private and reading its journal — so their versions
/// always match the daemon and the journal files they read.
/// </summary>
public sealed class NamespaceProcessRunner(IProcessRunner inner, int targetPid, string nsenterPath = "nsenter") : IProcessRunner
{
    public int TargetPid { get; } = targetPid;

    public ProcessResult Run(ProcessRequest request)
    {
        var args = new List<string>(request.Arguments.Count + 5) { "-t", TargetPid.ToString(System.Globalization.CultureInfo.InvariantCulture), "-a", "--", request.FileName };
        args.AddRange(request.Arguments);
        return inner.Run(request with { FileName = nsenterPath, Arguments = args });
    }
}
