using AmiAudit.Collectors.Live.Process;

namespace AmiAudit.Collectors.Probes.Ena;

public sealed class EnaProbeOptions
{
    /// <summary>A saved kernel log (dmesg, journalctl -k, journalctl -k -o json) read instead of the live one.</summary>
    public string? KernelLogFile { get; init; }
    /// <summary>The saved kernel log already opened by the caller (the CLI opens --kernel-log with its input-file
    /// guards: regular file, byte cap); read instead of opening <see cref="KernelLogFile"/>, which then only names it.</summary>
    public Stream? KernelLogStream { get; init; }
    /// <summary>Runs ethtool / journalctl (the shared live seam; tests inject recorded output).</summary>
    public IProcessRunner Runner { get; init; } = SystemProcessRunner.Instance;
    /// <summary>Run `ethtool -S` for each ENA interface (off when replaying a saved log of another host).</summary>
    public bool RunEthtool { get; init; } = true;
}
