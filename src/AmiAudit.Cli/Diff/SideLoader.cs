using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using System.Text;
using AmiAudit.Cli.Infrastructure;
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

    public sealed record Loaded(SideAccumulator A, SideAccumulator B, IReadOnlyList<LoadProblem> Problems);

    public static Loaded Load(DiffSide a, DiffSide b, GlobMatcher matcher, CliContext context)
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
        context.Trace("diff: collected sides ready");

        var items = new List<(SideAccumulator Into, string Path)>(a.Files.Count + b.Files.Count);
        items.AddRange(a.Files.Select(f => (accA, f)));
        items.AddRange(b.Files.Select(f => (accB, f)));
        var problems = new ConcurrentBag<LoadProblem>();
        Stream(items, matcher, problems);
        if (context.Environment.ContainsKey("AMIAUDIT_TRACE"))
            context.Trace($"diff: {items.Count} snapshot files loaded; CPU {System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds:F2} s, " +
                $"GC {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)} paused {GC.GetTotalPauseDuration().TotalMilliseconds:F0} ms, allocated {GC.GetTotalAllocatedBytes() >> 20} MiB");

        var sorted = problems.OrderBy(p => p.Side, StringComparer.Ordinal).ThenBy(p => p.Path, StringComparer.Ordinal).ToList();
        return new Loaded(accA, accB, sorted);
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

    private static void Stream(List<(SideAccumulator Into, string Path)> items, GlobMatcher matcher, ConcurrentBag<LoadProblem> problems)
    {
        if (items.Count == 0) return;
        var workers = Math.Clamp(Environment.ProcessorCount, 1, items.Count);
        var results = new FlatSnapshot?[items.Count];
        var failures = new ExceptionDispatchInfo?[items.Count];
        var ready = new bool[items.Count];
        var gate = new object();
        var next = -1;
        using var window = new SemaphoreSlim(WindowPerCore * workers);
        using var stop = new CancellationTokenSource();
        // Flattened snapshots are recycled once accumulated (their dictionaries were most of the flattening's allocations).
        var spare = new ConcurrentBag<FlatSnapshot>();

        void Work()
        {
            try
            {
                while (true)
                {
                    window.Wait(stop.Token);
                    var i = Interlocked.Increment(ref next);
                    if (i >= items.Count) return;
                    try
                    {
                        results[i] = LoadOne(items[i].Into.Name, items[i].Path, matcher, problems, spare);
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
        try
        {
            for (var k = 0; k < items.Count; k++)
            {
                lock (gate)
                {
                    while (!ready[k]) Monitor.Wait(gate);
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

    private static FlatSnapshot? LoadOne(string side, string path, GlobMatcher matcher, ConcurrentBag<LoadProblem> problems, ConcurrentBag<FlatSnapshot> spare)
    {
        byte[]? buffer = null;
        try
        {
            using var handle = File.OpenHandle(path);
            var length = RandomAccess.GetLength(handle);
            if (length > SnapshotFiles.MaxBytes)
            {
                problems.Add(new LoadProblem { Side = side, Path = path, Message = $"larger than {SnapshotFiles.MaxBytes / 1024 / 1024} MiB; not a snapshot" });
                return null;
            }
            // Pooled, not File.ReadAllBytes: a snapshot (~160 KB) lands on the large-object heap, and thousands of
            // them forced a gen-2 collection every ~20 files (a third of the run was GC and page faults).
            buffer = ArrayPool<byte>.Shared.Rent((int)Math.Max(1, length));
            var read = 0;
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
