using System.IO.Compression;
using AmiAudit.Collectors.RootFs;

namespace AmiAudit.Collectors.Evidence;

/// <summary>
/// Opens one log file inside the root for block reads: plain files are read up to <see cref="EvidenceLimits.MaxBytesPerFile"/>
/// (the newest part: a larger file is read from its last cap bytes, starting at a line boundary), gzip
/// files are decompressed up to <see cref="EvidenceLimits.MaxGzipBytes"/> — a gzip bomb expands to that and
/// stops. Either cap is recorded (<see cref="Capped"/>) and becomes a diagnostic. The file's mtime is the
/// reference instant for stamps without a year (<see cref="Probes.Ena.LogClock"/>).
/// </summary>
public sealed class LogStream : IDisposable
{
    private readonly Stream _inner;
    private readonly CountingStream _counted;

    private LogStream(Stream inner, CountingStream counted, string path, DateTimeOffset modified, bool gzip, long skipped)
    {
        _inner = inner;
        _counted = counted;
        Path = path;
        Modified = modified;
        Gzip = gzip;
        SkippedHead = skipped;
    }

    public string Path { get; }
    public DateTimeOffset Modified { get; }
    public bool Gzip { get; }
    /// <summary>Bytes at the start of a plain file left unread because it exceeded the cap.</summary>
    public long SkippedHead { get; }
    public Stream Stream => _counted;
    /// <summary>Bytes delivered (decompressed).</summary>
    public long Bytes => _counted.Count;
    public bool Capped => SkippedHead > 0 || _counted.HitCap;

    public static LogStream? Open(RootFileSystem fs, string path, EvidenceLimits limits, string source)
    {
        var file = fs.OpenStream(path, out var resolved, out var size);
        if (file is null) return null;
        DateTimeOffset modified;
        try { modified = new DateTimeOffset(File.GetLastWriteTimeUtc(fs.HostPathOfResolved(resolved)), TimeSpan.Zero); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { modified = DateTimeOffset.UnixEpoch; }
        try
        {
            Span<byte> magic = stackalloc byte[2];
            var isGzip = size >= 2 && file.ReadAtLeast(magic, 2, throwOnEndOfStream: false) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
            file.Seek(0, SeekOrigin.Begin);
            if (isGzip)
            {
                var gz = new GZipStream(new BufferedStream(file, 1 << 16), CompressionMode.Decompress);
                return new LogStream(gz, new CountingStream(gz, limits.MaxGzipBytes), resolved, modified, true, 0);
            }
            long skipped = 0;
            if (size > limits.MaxBytesPerFile)
            {
                skipped = size - limits.MaxBytesPerFile;
                file.Seek(skipped, SeekOrigin.Begin);
            }
            return new LogStream(file, new CountingStream(file, limits.MaxBytesPerFile), resolved, modified, false, skipped);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            file.Dispose();
            fs.Note(source, "unreadable", e.Message, resolved);
            return null;
        }
    }

    public void Dispose()
    {
        _counted.Dispose();
        _inner.Dispose();
    }

    /// <summary>Counts what is read and stops at a cap; a corrupt gzip tail ends the stream instead of failing it.</summary>
    private sealed class CountingStream(Stream inner, long cap) : Stream
    {
        public long Count { get; private set; }
        public bool HitCap { get; private set; }
        public bool Corrupt { get; private set; }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => Count; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var left = cap - Count;
            if (left <= 0)
            {
                // One more byte tells a file of exactly cap bytes from a longer one.
                if (!HitCap && !Corrupt)
                {
                    Span<byte> probe = stackalloc byte[1];
                    try { HitCap = inner.Read(probe) > 0; } catch (InvalidDataException) { Corrupt = true; }
                }
                return 0;
            }
            try
            {
                var n = inner.Read(buffer[..(int)Math.Min(buffer.Length, left)]);
                Count += n;
                return n;
            }
            catch (InvalidDataException)
            {
                Corrupt = true; // truncated or damaged .gz: keep what decompressed so far
                return 0;
            }
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

/// <summary>Size and time limits of the evidence read. Defaults bound a 1 GiB syslog plus its rotations.</summary>
public sealed record EvidenceLimits
{
    /// <summary>Newest bytes read of one plain log file.</summary>
    public long MaxBytesPerFile { get; init; } = 2L << 30;
    /// <summary>Decompressed bytes read of one .gz (gzip-bomb bound).</summary>
    public long MaxGzipBytes { get; init; } = 1L << 30;
    /// <summary>All log bytes of one evidence source (newest files first count).</summary>
    public long MaxBytesPerSource { get; init; } = 6L << 30;
    /// <summary>Journal files handed to journalctl, newest first.</summary>
    public long MaxJournalBytes { get; init; } = 4L << 30;
    /// <summary>journalctl stdout kept per query.</summary>
    public int MaxJournalOutputBytes { get; init; } = 96 * 1024 * 1024;
    /// <summary>Longest line kept; longer ones are skipped whole.</summary>
    public int MaxLineChars { get; init; } = 16 * 1024;
    /// <summary>Events kept per list (kernel events, timeline).</summary>
    public int MaxEvents { get; init; } = 200;
}
