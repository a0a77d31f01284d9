using AmiAudit.Collectors;
using AmiAudit.Collectors.RootFs;
using AmiAudit.Core.Model;

namespace AmiAudit.Cli.Infrastructure;

/// <summary>How verbs turn --root / --live into a snapshot: validates the root, wires the edges,
/// shows progress on a terminal, and decides "nothing could be collected" (exit 4).</summary>
public static class Collection
{
    public sealed record Request
    {
        public string? Root { get; init; }
        public bool Live { get; init; }
        public string HostRoot { get; init; } = "/";
        public TimeSpan Window { get; init; }
        public IReadOnlyList<string> ExtraBinaries { get; init; } = [];
        public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();
        public string? ImageId { get; init; }
        public string? AvailabilityZone { get; init; }
        /// <summary>Time bounds for the logs read as evidence (--since/--until).</summary>
        public DateTimeOffset? Since { get; init; }
        public DateTimeOffset? Until { get; init; }
    }

    public static Snapshot Collect(Request request, CliContext cli)
    {
        var root = request.Live ? request.Root ?? request.HostRoot : request.Root
            ?? throw new UsageException("give --root DIR (an image root), --live, or --snapshot FILE");
        if (!Directory.Exists(root))
            throw new InvalidInputException(File.Exists(root)
                ? $"amiaudit: --root {root}: is a file, not a directory (mount the image and pass its mount point)"
                : $"amiaudit: --root {root}: no such directory");

        var context = new CollectionContext
        {
            Fs = new RootFileSystem(root),
            Mode = request.Live ? CollectionMode.Live : CollectionMode.ImageRoot,
            Clock = cli.Clock,
            Environment = cli.Environment,
            ExtraBinaries = request.ExtraBinaries,
            HostRoot = request.HostRoot,
            Window = request.Window,
            Since = request.Since,
            Until = request.Until,
            // Called before each collector: also where a SIGINT/SIGTERM stops the collection loop.
            Progress = new SyncProgress(name =>
            {
                cli.Interruption.ThrowIfRequested();
                if (cli.Interactive) cli.Progress($"collecting: {name,-24}");
                else cli.Trace("collector " + name);
            }),
        };
        var seed = new Snapshot
        {
            Target = new TargetInfo
            {
                Kind = request.Live ? "live" : "image-root",
                Root = root,
                ImageId = request.ImageId,
                AvailabilityZone = request.AvailabilityZone,
                Labels = new SortedDictionary<string, string>(request.Labels.ToDictionary(), StringComparer.Ordinal),
                CollectedAt = cli.Now,
                AmiauditVersion = typeof(Collection).Assembly.GetName().Version?.ToString(3),
            },
        };
        var snapshot = SnapshotCollector.Collect(context, seed);
        if (cli.Interactive) cli.Progress(null);
        cli.Interruption.ThrowIfRequested();

        if (NothingCollected(snapshot))
            throw new CollectionFailedException($"amiaudit: nothing could be collected from {root}: no os-release, systemd units, packages, containers or bootstrap scripts — is it the image's root file system?");
        return snapshot;
    }

    /// <summary>
    /// Hashes binaries that policies name, after the main collection: policy loading runs in parallel
    /// with collection (it is mostly one-time JIT), so the named paths are only known afterwards.
    /// </summary>
    public static Snapshot AddNamedBinaries(Request request, Snapshot snapshot, IReadOnlyList<string> paths, CliContext cli)
    {
        var root = request.Live ? request.Root ?? request.HostRoot : request.Root;
        if (paths.Count == 0 || root is null) return snapshot;
        cli.Interruption.ThrowIfRequested();
        var context = new CollectionContext
        {
            Fs = new RootFileSystem(root),
            Mode = request.Live ? CollectionMode.Live : CollectionMode.ImageRoot,
            Clock = cli.Clock,
            Environment = cli.Environment,
            ExtraBinaries = paths,
            HostRoot = request.HostRoot,
        };
        var result = new AmiAudit.Collectors.Binaries.BinaryCollector().Collect(context, snapshot);
        var known = result.Diagnostics.Select(d => (d.Code, d.Path)).ToHashSet();
        return AmiAudit.Core.Redaction.SnapshotRedaction.Redact(
            result with { Diagnostics = [.. result.Diagnostics, .. context.Fs.Diagnostics.Where(d => !known.Contains((d.Code, d.Path)))] });
    }

    private static bool NothingCollected(Snapshot s) =>
        s.Os?.Id is null && s.Os?.PrettyName is null && s.Systemd.Units.Count == 0 && s.Packages.Items.Count == 0 && s.Containers.Count == 0
        && s.Bootstrap.Scripts.Count == 0 && s.Probes is null;
}

/// <summary>Reports on the calling thread (Progress&lt;T&gt; posts to the thread pool, which would reorder trace lines).</summary>
internal sealed class SyncProgress(Action<string> report) : IProgress<string>
{
    public void Report(string value) => report(value);
}

/// <summary>Exit 4: no collector produced anything.</summary>
public sealed class CollectionFailedException(string message) : Exception(message);
