using System.Diagnostics;
using System.Runtime.InteropServices;
using AmiAudit.Collectors.Os;
using AmiAudit.Collectors.RootFs;
using AmiAudit.Core.Model;

namespace AmiAudit.Collectors.Tests.RootFs;

/// <summary>
/// Issue 8 defect 7: a root that changes while it is read. A path checked with lstat and then opened
/// by name can be swapped for a symlink out of the root in between ("check-then-open"); the reader
/// must open what it checked. One thread swaps entries with rename(2) as fast as it can, the test
/// reads the same path in a loop; the host marker must never come back. On the lstat-then-open
/// reader these found the marker within about a second; each runs at least 2 s and 200 rounds.
/// </summary>
public sealed class RootRaceTests : IDisposable
{
    private const string Marker = "HOSTSECRET-race-4b1d0e";
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(2);
    private const int MinRounds = 200;
    // Longer than the host file: a reader that sizes its read from a stale lstat still reads all of it.
    private static readonly string Decoy = "ID=debian\n#" + new string('-', 200) + "\n";
    private readonly string _hostDir = Directory.CreateTempSubdirectory("amiaudit-host-").FullName;
    private readonly string _secret;

    public RootRaceTests()
    {
        _secret = Path.Combine(_hostDir, "os-release");
        File.WriteAllText(_secret, $"ID={Marker}\nVERSION_ID=\"{Marker}\"\n");
    }

    public void Dispose()
    {
        try { Directory.Delete(_hostDir, true); } catch (IOException) { }
    }

    [Theory]
    [MemberData(nameof(Resolvers.All), MemberType = typeof(Resolvers))]
    public void A_file_swapped_for_a_link_to_the_host_is_never_read_through_the_link(string resolver)
    {
        using var root = new TempRoot().Write("/etc/os-release", Decoy);
        var target = root.Host("/etc/os-release");
        File.CreateSymbolicLink(root.Host("/etc/.swap"), _secret);
        var reads = RaceWhile(root.Dir, resolver,
            _ => Exchange(target, root.Host("/etc/.swap")),
            fs =>
            {
                var text = fs.ReadText("/etc/os-release");
                text?.ShouldNotContain(Marker);
                fs.HasPrefix("/etc/os-release", "ID=HOST"u8).ShouldBeFalse();
                var lines = fs.ReadLines("/etc/os-release", 4096).ToList();
                lines.ShouldNotContain(l => l.Contains(Marker));
            });
        reads.ShouldBeGreaterThanOrEqualTo(MinRounds);
    }

    [Theory]
    [InlineData(Resolvers.Openat2)]
    [InlineData(Resolvers.Walk)]
    public void A_file_swapped_for_a_link_during_collect_never_reaches_the_snapshot(string resolver)
    {
        using var root = new TempRoot().Write("/etc/os-release", Decoy);
        var target = root.Host("/etc/os-release");
        File.CreateSymbolicLink(root.Host("/etc/.swap"), _secret);
        var runs = RaceWhile(root.Dir, resolver,
            _ => Exchange(target, root.Host("/etc/.swap")),
            fs =>
            {
                var snapshot = new OsCollector().Collect(new CollectionContext { Fs = fs }, new Snapshot());
                SnapshotJson.Serialize(snapshot).ShouldNotContain(Marker);
            });
        runs.ShouldBeGreaterThanOrEqualTo(MinRounds);
    }

    [Theory]
    [InlineData(Resolvers.Openat2)]
    [InlineData(Resolvers.Walk)]
    public void A_directory_swapped_for_a_link_mid_walk_never_leads_out_of_the_root(string resolver)
    {
        using var root = new TempRoot().Write("/etc/os-release", Decoy).Write("/etc/hostname", "node\n");
        var etc = root.Host("/etc");
        var link = root.Host("/etc.link");
        File.CreateSymbolicLink(link, _hostDir);
        var reads = RaceWhile(root.Dir, resolver,
            _ => Exchange(etc, link), // etc: directory ⇄ link to a host directory
            fs =>
            {
                fs.ReadText("/etc/os-release")?.ShouldNotContain(Marker);
                fs.Hash("/etc/os-release")?.Size.ShouldNotBe(new FileInfo(_secret).Length);
                fs.List("/etc").ShouldNotContain(e => e.Name == "os-release" && e.Size == new FileInfo(_secret).Length);
            });
        reads.ShouldBeGreaterThanOrEqualTo(MinRounds);
    }

    [Theory]
    [MemberData(nameof(Resolvers.All), MemberType = typeof(Resolvers))]
    public void A_fifo_swapped_for_a_file_never_blocks_a_read_and_is_not_opened_for_reading(string resolver)
    {
        using var root = new TempRoot().Write("/etc/os-release", Decoy);
        root.Fifo("/etc/.fifo").ShouldBeTrue("mkfifo failed: without a FIFO this test proves nothing");
        var target = root.Host("/etc/os-release");
        var fifo = root.Host("/etc/.fifo");
        // A writer's non-blocking open of a FIFO succeeds only while some process has it open for
        // reading (else ENXIO): the probe sees every moment the reader held the FIFO open. It opens a
        // hard link outside the swapped names, so it always reaches the FIFO.
        var probe = Path.Combine(_hostDir, "fifo-probe");
        root.Run("ln", fifo, probe).ShouldBeTrue();
        var readerSeen = 0;
        var reads = RaceWhile(root.Dir, resolver,
            _ =>
            {
                Exchange(target, fifo);
                var fd = OpenWriteNonBlocking(probe);
                if (fd >= 0) { Interlocked.Increment(ref readerSeen); Close(fd); }
            },
            fs =>
            {
                // Task + Wait: a blocking open(2) of the FIFO would hang here instead of failing.
                var read = Task.Run(() => fs.ReadText("/etc/os-release"));
                read.Wait(TimeSpan.FromSeconds(10)).ShouldBeTrue("a read blocked on a FIFO");
                read.Result?.ShouldStartWith("ID=debian");
            });
        reads.ShouldBeGreaterThanOrEqualTo(MinRounds);
        // Without /proc the file is reopened by name (O_NONBLOCK, inode compared): a FIFO swapped in at
        // that instant is opened and closed at once. The documented residual; through /proc, never.
        if (resolver is Resolvers.Openat2 or Resolvers.Walk) readerSeen.ShouldBe(0);
    }

    /// <summary>renameat2(RENAME_EXCHANGE): swaps two names in one step, so the path always exists and
    /// flips as fast as the kernel allows (a file and a link, or a directory and a link).</summary>
    private static void Exchange(string a, string b)
    {
        if (RenameAt2(AtFdCwd, a, AtFdCwd, b, RenameExchange) != 0)
            throw new IOException($"renameat2 {a} {b}: errno {Marshal.GetLastPInvokeError()}");
    }

    private const int AtFdCwd = -100;
    private const uint RenameExchange = 2;

#pragma warning disable SYSLIB1054 // a test helper: string marshalling via DllImport is enough
    [DllImport("libc", EntryPoint = "renameat2", SetLastError = true)]
    private static extern int RenameAt2(int olddirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string oldpath, int newdirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string newpath, uint flags);

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "close")]
    private static extern int Close(int fd);
#pragma warning restore SYSLIB1054

    private static int OpenWriteNonBlocking(string path) => Open(path, 0x1 /* O_WRONLY */ | 0x800 /* O_NONBLOCK */ | 0x80000 /* O_CLOEXEC */);

    /// <summary>Runs <paramref name="swap"/> in a loop on another thread while <paramref name="read"/>
    /// runs in a loop here (a fresh RootFileSystem each time, as each collect has), until both have run
    /// <see cref="MinRounds"/> times and <see cref="Budget"/> has passed, or an assertion fails. A count,
    /// not only a time: on a loaded machine the race still gets its rounds. Returns how many reads ran.</summary>
    private static int RaceWhile(string rootDir, string resolver, Action<int> swap, Action<RootFileSystem> read)
    {
        using var stop = new CancellationTokenSource();
        Exception? swapFailure = null;
        var swaps = 0;
        var swapper = new Thread(() =>
        {
            try
            {
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    swap(i);
                    Volatile.Write(ref swaps, i + 1);
                }
            }
            catch (Exception e) { swapFailure = e; }
        }) { IsBackground = true };
        swapper.Start();
        var reads = 0;
        try
        {
            var clock = Stopwatch.StartNew();
            while ((clock.Elapsed < Budget || reads < MinRounds || Volatile.Read(ref swaps) < MinRounds) && swapFailure is null)
            {
                read(Resolvers.Create(rootDir, resolver));
                reads++;
            }
        }
        finally
        {
            stop.Cancel();
            swapper.Join();
        }
        swapFailure.ShouldBeNull();
        return reads;
    }
}
