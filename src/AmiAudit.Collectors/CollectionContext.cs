using AmiAudit.Collectors.RootFs;

namespace AmiAudit.Collectors;

/// <summary>Everything a collector may touch, injected so tests can point it at fixture trees.</summary>
public sealed class CollectionContext
{
    public required RootFileSystem Fs { get; init; }
    public CollectionMode Mode { get; init; } = CollectionMode.ImageRoot;
    public TimeProvider Clock { get; init; } = TimeProvider.System;
    /// <summary>Environment variables the collectors may consult (DOCKER_HOST …); never the process env directly.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
    /// <summary>Extra binary paths named by policies (hashed in addition to the built-in ones).</summary>
    public IReadOnlyList<string> ExtraBinaries { get; init; } = [];
    /// <summary>Host root for /proc, /sys, the journal and the Docker socket in live mode ("/" or e.g. "/host").</summary>
    public string HostRoot { get; init; } = "/";
    /// <summary>Sampling window for live rates and the CPU probe.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.Zero;
    /// <summary>Runs external commands (systemctl, journalctl, ethtool …) in the auditor's own namespaces;
    /// null = real processes (<see cref="Live.Process.SystemProcessRunner"/>). Collectors wrap it with
    /// nsenter themselves when HostRoot names another root (see <see cref="Live.Process.CommandTarget"/>).</summary>
    public Live.Process.IProcessRunner? ProcessRunner { get; init; }
    /// <summary>A saved kernel log (dmesg, journalctl -k [-o json]) the ENA probe reads instead of /dev/kmsg.</summary>
    public string? KernelLog { get; init; }
    /// <summary>Time bounds for evidence read from logs (<c>--since/--until</c>); null = unbounded.</summary>
    public DateTimeOffset? Since { get; init; }
    public DateTimeOffset? Until { get; init; }
    /// <summary>Size caps of the log evidence read (null = <see cref="Evidence.EvidenceLimits"/> defaults).</summary>
    public Evidence.EvidenceLimits? EvidenceLimits { get; init; }
    /// <summary>Receives one short line per collector as it starts (the CLI shows it as progress).</summary>
    public IProgress<string>? Progress { get; init; }
}
