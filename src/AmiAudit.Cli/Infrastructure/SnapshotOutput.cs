using AmiAudit.Aws.Plumbing;
using AmiAudit.Aws.Store;
using AmiAudit.Cli.Infrastructure.Io;
using AmiAudit.Core.Model;

namespace AmiAudit.Cli.Infrastructure;

/// <summary>
/// Where a run that produces many snapshots (<c>collect --ec2</c>) puts them: an <c>s3://bucket/prefix/</c> (the
/// store's layout, PutObject with bounded concurrency) or a local directory (<c>DIR/INSTANCE-ID.json</c>, each file
/// written atomically by <see cref="OutputFile"/>). Snapshots written before a failure stay written: the caller
/// reports how many and exits 4.
/// </summary>
public sealed class SnapshotOutput : IAsyncDisposable
{
    /// <summary>PutObjects in flight: enough to hide S3 latency, few enough to stay under --max-api-rate's spirit.</summary>
    public const int Concurrency = 16;

    private readonly CliContext _context;
    private readonly S3Uri? _s3;
    private readonly string? _directory;
    private readonly SnapshotStore? _store;
    private readonly SemaphoreSlim _slots = new(Concurrency);
    private readonly List<Task> _pending = [];
    private Exception? _failure;

    public int Written => _written;
    private int _written;

    /// <summary>"s3://b/p/" or the directory, for messages.</summary>
    public string Destination { get; }

    private SnapshotOutput(CliContext context, S3Uri? s3, string? directory, SnapshotStore? store)
    {
        _context = context;
        _s3 = s3;
        _directory = directory;
        _store = store;
        Destination = s3?.ToString() ?? directory!;
    }

    public static SnapshotOutput ToS3(CliContext context, S3Uri prefix, AwsSession session) => new(context, prefix, null, new SnapshotStore(session));

    public static SnapshotOutput ToDirectory(CliContext context, string directory)
    {
        if (File.Exists(directory)) throw new OutputException(directory, "is a file; --output for many snapshots is a directory (DIR/) or s3://bucket/prefix/");
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OutputException(directory, e is UnauthorizedAccessException ? "permission denied" : e.Message);
        }
        return new SnapshotOutput(context, null, directory, null);
    }

    public async Task AddAsync(Snapshot snapshot, CancellationToken cancel)
    {
        if (_failure is not null) return;
        if (_directory is not null)
        {
            var name = (snapshot.Target.InstanceId ?? snapshot.Target.Hostname ?? "snapshot").Replace('/', '_');
            OutputFile.Write(_context, Path.Combine(_directory, name + ".json"), SnapshotJson.Serialize(snapshot));
            Interlocked.Increment(ref _written);
            return;
        }
        await _slots.WaitAsync(cancel).ConfigureAwait(false);
        _pending.RemoveAll(t => t.IsCompleted);
        _pending.Add(Task.Run(async () =>
        {
            try
            {
                await _store!.PutAsync(_s3!, snapshot, _context.Now, cancel).ConfigureAwait(false);
                Interlocked.Increment(ref _written);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref _failure, e, null);
            }
            finally
            {
                _slots.Release();
            }
        }, cancel));
    }

    /// <summary>Waits for every write; rethrows the first failure (after the others finished, so the count is final).</summary>
    public async Task CompleteAsync()
    {
        await Task.WhenAll(_pending).ConfigureAwait(false);
        if (_failure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(_failure);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Task.WhenAll(_pending).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // already reported through CompleteAsync
        }
        _slots.Dispose();
    }
}
