using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using System.Text;
using AmiAudit.Aws.Ec2;
using AmiAudit.Aws.Plumbing;
using AmiAudit.Aws.Store;
using AmiAudit.Cli.Infrastructure;
using AmiAudit.Cli.Infrastructure.Io;
using AmiAudit.Core.Diff;
using AmiAudit.Core.Model;

namespace AmiAudit.Cli.Diff;

/// <summary>
/// Loads both sides into <see cref="SideAccumulator"/>s. Snapshot files of both sides form one stream: worker
/// threads (one per core) claim files in order, read, parse and flatten them, while the calling thread adds the
/// results to the accumulators strictly in file order — so the result does not depend on thread timing — and a
/// bounded window keeps only a few dozen flattened snapshots in memory whatever the fleet size.
/// A file that does not load becomes a <see cref="LoadProblem"/>, not an exit.
/// </summary>
internal static class SideLoader
{
    /// <summary>Files in flight (claimed, not yet accumulated). Enough to keep every core busy while the
    /// accumulating thread catches up; small enough that memory stays flat.</summary>
    private const int WindowPerCore = 32;
    /// <summary>Loader threads when a side is in S3: a GET waits on the network, not a core, so more of them are in flight.</summary>
    private const int RemoteWorkers = 16;

    /// <summary>What an AWS side needs: the session (opened once, lazily) and the EC2 filters of <c>ec2:</c> sides.</summary>
    public sealed record Remote(Func<AwsSession> Session, IReadOnlyList<Ec2Filter> Filters);

    private sealed record Item(SideAccumulator Into, string Path, long? Size = null);

    public sealed record Loaded(SideAccumulator A, SideAccumulator B, IReadOnlyList<LoadProblem> Problems);

    public static Loaded Load(DiffSide a, DiffSide b, GlobMatcher matcher, CliContext context, Remote? remote = null)
    {
        // Collected sides (image root, live host) first: the live side is named after the host it read.
        var collectedA = Collect(a, context);
        var collectedB = Collect(b, context);
        var nameA = Name(a, collectedA);
        var nameB = Name(b, collectedB);
        if (nameA == nameB) (nameA, nameB) = (nameA + " (a)", nameB + " (b)");
        var accA = new SideAccumulator(nameA);
        var accB = new SideAccumulator(nameB);
        if (collectedA is not null) accA.Add(FactFlattener.FlattenAll(collectedA, matcher));
        if (collectedB is not null) accB.Add(FactFlattener.FlattenAll(collectedB, matcher));
        var problems = new ConcurrentBag<LoadProblem>();
        foreach (var (side, acc) in new[] { (a, accA), (b, accB) })
            if (side.Ec2Zone is { } zone) Inventory(zone, acc, matcher, remote ?? throw new InvalidOperationException("an ec2: side needs AWS"), context);
        context.Trace("diff: collected sides ready");

        var items = new List<Item>(a.Files.Count + b.Files.Count);
        items.AddRange(a.Files.Select(f => new Item(accA, f)));
        if (a.S3 is { } s3a) items.AddRange(List(s3a, accA, remote!, problems, context));
        items.AddRange(b.Files.Select(f => new Item(accB, f)));
        if (b.S3 is { } s3b) items.AddRange(List(s3b, accB, remote!, problems, context));
        var store = a.S3 is not null || b.S3 is not null ? new SnapshotStore(remote!.Session()) : null;
        Stream(items, matcher, problems, store, context.Interruption.Token);
        if (context.Environment.ContainsKey("AMIAUDIT_TRACE"))
            context.Trace($"diff: {items.Count} snapshot files loaded; CPU {System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds:F2} s, " +
                $"GC {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)} paused {GC.GetTotalPauseDuration().TotalMilliseconds:F0} ms, allocated {GC.GetTotalAllocatedBytes() >> 20} MiB");

        var sorted = problems.OrderBy(p => p.Side, StringComparer.Ordinal).ThenBy(p => p.Path, StringComparer.Ordinal).ToList();
        return new Loaded(accA, accB, sorted);
    }

    /// <summary>An <c>ec2:&lt;az&gt;</c> side: the zone's instances from the EC2 API, flattened as they arrive (never all held).</summary>
    private static void Inventory(string zone, SideAccumulator into, GlobMatcher matcher, Remote remote, CliContext context)
    {
        var inventory = new Ec2Inventory(remote.Session());
        var request = new InventoryRequest { Filters = remote.Filters, AvailabilityZone = zone, Now = context.Now, Version = typeof(SideLoader).Assembly.GetName().Version?.ToString(3) };
        Task.Run(async () =>
        {
            await foreach (var snapshot in inventory.CollectAsync(request, context.Interruption.Token).ConfigureAwait(false))
                into.Add(FactFlattener.FlattenAll(snapshot, matcher));
        }).GetAwaiter().GetResult();
    }

    /// <summary>The snapshot objects under an S3 prefix (or the one object named), listed page by page; foreign keys
    /// are skipped with a problem line, as a non-snapshot file in a folder would be.</summary>
    private static List<Item> List(S3Uri uri, SideAccumulator into, Remote remote, ConcurrentBag<LoadProblem> problems, CliContext context)
    {
        if (!uri.IsPrefix) return [new Item(into, uri.ToString())];
        var store = new SnapshotStore(remote.Session());
        return Task.Run(async () =>
        {
            var found = new List<Item>();
            await foreach (var o in store.ListAsync(uri, context.Interruption.Token).ConfigureAwait(false))
            {
                if (o.LooksLikeSnapshot) found.Add(new Item(into, o.Uri.ToString(), o.Size));
                else problems.Add(new LoadProblem { Side = into.Name, Path = o.Uri.ToString(), Message = "not a snapshot (only *.json and *.json.gz are read)" });
            }
            if (found.Count == 0 && problems.All(p => p.Side != into.Name))
                throw new InvalidInputException($"amiaudit: {uri}: no objects under this prefix");
            return found;
        }).GetAwaiter().GetResult();
    }

    private static Snapshot? Collect(DiffSide side, CliContext context) =>
        side.Live ? Collection.Collect(new Collection.Request { Live = true }, context)
        : side.RootDir is { } root ? Collection.Collect(new Collection.Request { Root = root }, context)
        : null;

    /// <summary>"live (ip-10-1-2-3)" for the live host when it has a hostname, else the side's own name.</summary>
    private static string Name(DiffSide side, Snapshot? collected) =>
        side.Live && side.Name == DiffSide.LiveKeyword && collected?.Target.Hostname is { Length: > 0 } host
            ? $"{DiffSide.LiveKeyword} ({host})"
            : side.Name;

    /// <param name="cancel">SIGINT/SIGTERM: workers stop claiming files and the accumulating loop throws.</param>
    private static void Stream(List<Item> items, GlobMatcher matcher, ConcurrentBag<LoadProblem> problems, SnapshotStore? store, CancellationToken cancel)
    {
        if (items.Count == 0) return;
        var workers = Math.Clamp(store is null ? Environment.ProcessorCount : Math.Max(Environment.ProcessorCount, RemoteWorkers), 1, items.Count);
        var results = new FlatSnapshot?[items.Count];
        var failures = new ExceptionDispatchInfo?[items.Count];
        var ready = new bool[items.Count];
        var gate = new object();
        var next = -1;
        using var window = new SemaphoreSlim(WindowPerCore * workers);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        // Flattened snapshots are recycled once accumulated (their dictionaries were most of the flattening's allocations).
        var spare = new ConcurrentBag<FlatSnapshot>();

        void Work()
        {
            try
            {
                while (true)
                {
                    window.Wait(stop.Token);
                    stop.Token.ThrowIfCancellationRequested();
                    var i = Interlocked.Increment(ref next);
                    if (i >= items.Count) return;
                    try
                    {
                        results[i] = store is not null && S3Uri.Looks(items[i].Path)
                            ? LoadRemote(store, items[i], matcher, problems, spare, stop.Token)
                            : LoadOne(items[i].Into.Name, items[i].Path, matcher, problems, spare);
                    }
                    catch (Exception e)
                    {
                        failures[i] = ExceptionDispatchInfo.Capture(e);
                    }
                    lock (gate)
                    {
                        ready[i] = true;
                        Monitor.PulseAll(gate);
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // the accumulating thread gave up (an unexpected error); nothing left to do
            }
        }

        var threads = Enumerable.Range(0, workers).Select(n => new Thread(Work) { IsBackground = true, Name = $"diff-load-{n}" }).ToList();
        threads.ForEach(t => t.Start());
        using var wake = cancel.Register(() => { lock (gate) Monitor.PulseAll(gate); });
        try
        {
            for (var k = 0; k < items.Count; k++)
            {
                lock (gate)
                {
                    while (!ready[k])
                    {
                        cancel.ThrowIfCancellationRequested();
                        Monitor.Wait(gate);
                    }
                }
                failures[k]?.Throw();
                if (results[k] is { } flat)
                {
                    items[k].Into.Add(flat);
                    flat.Clear();
                    spare.Add(flat);
                }
                results[k] = null;
                window.Release();
            }
        }
        finally
        {
            stop.Cancel();
            threads.ForEach(t => t.Join());
        }
    }

    /// <summary>One S3 object: a capped, inflated GET, then the same parse as a file. AWS failing is not a skip: it ends the run (exit 4).</summary>
    private static FlatSnapshot? LoadRemote(SnapshotStore store, Item item, GlobMatcher matcher, ConcurrentBag<LoadProblem> problems, ConcurrentBag<FlatSnapshot> spare, CancellationToken cancel)
    {
        try
        {
            var bytes = store.ReadAsync(S3Uri.Parse(item.Path), item.Size, cancel).GetAwaiter().GetResult();
            var snapshot = Parse(bytes, item.Path);
            return FactFlattener.FlattenAll(snapshot, matcher, spare.TryTake(out var recycled) ? recycled : null);
        }
        catch (StoredObjectException e)
        {
            problems.Add(new LoadProblem { Side = item.Into.Name, Path = item.Path, Message = e.Reason });
        }
        catch (SnapshotFormatException e)
        {
            problems.Add(new LoadProblem { Side = item.Into.Name, Path = item.Path, Message = $"{e.Line}:{e.Column}: {e.Problem}" });
        }
        return null;
    }

    private static FlatSnapshot? LoadOne(string side, string path, GlobMatcher matcher, ConcurrentBag<LoadProblem> problems, ConcurrentBag<FlatSnapshot> spare)
    {
        byte[]? buffer = null;
        try
        {
            // Regular files only, opened without blocking: a FIFO or /dev/zero in the folder is skipped, not read.
            using var file = InputFile.Open(path, SnapshotFiles.MaxBytes);
            var handle = file.Handle;
            var length = file.Length;
            // Pooled, not File.ReadAllBytes: a snapshot (~160 KB) lands on the large-object heap, and thousands of
            // them forced a gen-2 collection every ~20 files (a third of the run was GC and page faults).
            buffer = ArrayPool<byte>.Shared.Rent((int)Math.Max(1, length));
            var read = 0;
            // At most st_size bytes are read: a file that grows meanwhile cannot push past the cap.
            while (read < length)
            {
                var n = RandomAccess.Read(handle, buffer.AsSpan(read, (int)length - read), read);
                if (n == 0) break;
                read += n;
            }
            var snapshot = Parse(buffer.AsSpan(0, read), path);
            return FactFlattener.FlattenAll(snapshot, matcher, spare.TryTake(out var recycled) ? recycled : null);
        }
        catch (SnapshotFormatException e)
        {
            problems.Add(new LoadProblem { Side = side, Path = path, Message = $"{e.Line}:{e.Column}: {e.Problem}" });
        }
        catch (InputFileException e)
        {
            problems.Add(new LoadProblem { Side = side, Path = path, Message = e.Reason.StartsWith("larger than", StringComparison.Ordinal) ? e.Reason + "; not a snapshot" : e.Reason });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problems.Add(new LoadProblem { Side = side, Path = path, Message = e.Message });
        }
        finally
        {
            if (buffer is not null) ArrayPool<byte>.Shared.Return(buffer);
        }
        return null;
    }

    /// <summary>
    /// Fast path for thousands of files: <see cref="SnapshotUtf8Reader"/> reads straight from UTF-8 (one pass, no
    /// UTF-16 copy, no reflection metadata). Whatever it is not sure about goes through
    /// <see cref="SnapshotJson.Deserialize"/>, which owns the error messages (file:line:col, schema advice).
    /// </summary>
    private static Snapshot Parse(ReadOnlySpan<byte> utf8, string path) =>
        SnapshotUtf8Reader.TryRead(utf8, out var fast) ? fast : SnapshotJson.Deserialize(Encoding.UTF8.GetString(utf8), path);
}
