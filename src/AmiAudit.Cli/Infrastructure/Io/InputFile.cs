using System.Text;
using Microsoft.Win32.SafeHandles;

namespace AmiAudit.Cli.Infrastructure.Io;

/// <summary>A user-named file could not be read as an input; <see cref="Reason"/> is the human part ("a FIFO, not a regular file").</summary>
public sealed class InputFileException(string path, string reason) : Exception($"{path}: {reason}")
{
    public string Path { get; } = path;
    public string Reason { get; } = reason;
}

/// <summary>
/// The one way the CLI reads a file a user names (policies and policy folders, waivers, amiaudit.yaml,
/// snapshots and diff folders, <c>--kernel-log</c>): the same rules as a file inside an image root.
/// <list type="bullet">
/// <item>opened with O_NONBLOCK, so a FIFO can never block the open;</item>
/// <item>the type comes from fstat(2) of the <b>open handle</b> (no check-then-open race): regular files only.
/// A symlink to a regular file is fine; one to /dev/zero is a character device and refused;</item>
/// <item>the bytes actually read are capped: st_size is only a hint, a file that grows while it is read
/// still stops at the cap.</item>
/// </list>
/// Callers turn <see cref="InputFileException"/> into exit 3 (<c>file:1:1: reason</c>) for a file named
/// directly, or a skipped-with-a-diagnostic entry for a file found inside a folder.
/// </summary>
public static class InputFile
{
    /// <summary>Policy and waiver files: YAML rules, small.</summary>
    public const long PolicyMaxBytes = 8L * 1024 * 1024;
    /// <summary>amiaudit.yaml: environments and ignore globs.</summary>
    public const long ConfigMaxBytes = 8L * 1024 * 1024;
    /// <summary>A snapshot is facts, not logs; anything larger is not one of ours.</summary>
    public const long SnapshotMaxBytes = 256L * 1024 * 1024;
    /// <summary>A saved kernel log: /dev/kmsg's own reader stops at 64 MiB too, and every kept line is held in memory.</summary>
    public const long KernelLogMaxBytes = 64L * 1024 * 1024;
    /// <summary>The built-in policies' digest list.</summary>
    public const long SmallMaxBytes = 1L * 1024 * 1024;

    /// <summary>An open regular file: the handle every read goes through, and its size when opened.</summary>
    public sealed class Opened(SafeFileHandle handle, long length) : IDisposable
    {
        public SafeFileHandle Handle { get; } = handle;
        public long Length { get; } = length;
        public void Dispose() => Handle.Dispose();
    }

    /// <summary>Opens <paramref name="path"/> for reading if (and only if) it is a regular file not larger than <paramref name="maxBytes"/>.</summary>
    public static Opened Open(string path, long maxBytes)
    {
        if (path.Length == 0) throw new InputFileException(path, "empty path");
        if (!OperatingSystem.IsLinux()) return OpenPortable(path, maxBytes);
        var (handle, errno) = Posix.Open(path, Posix.ORdonly | Posix.ONonblock | Posix.ONoctty);
        if (handle is null) throw new InputFileException(path, errno is Posix.ENoent or Posix.ENotdir ? "no such file" : Posix.ErrnoText(errno));
        var status = Posix.FStat(handle);
        if (status.Kind != FileKind.Regular)
        {
            handle.Dispose();
            throw new InputFileException(path, status.Kind == FileKind.Directory ? "is a directory, not a file" : $"{Posix.Describe(status.Kind)}, not a regular file");
        }
        if (status.Size > maxBytes)
        {
            handle.Dispose();
            throw TooLarge(path, maxBytes);
        }
        return new Opened(handle, status.Size);
    }

    /// <summary>The whole file, or <see cref="InputFileException"/>; never more than <paramref name="maxBytes"/> are read.</summary>
    public static byte[] ReadAllBytes(string path, long maxBytes)
    {
        using var file = Open(path, maxBytes);
        var buffer = new byte[(int)Math.Min(Math.Max(file.Length, 4096), maxBytes + 1)];
        long total = 0;
        while (true)
        {
            if (total == buffer.Length)
            {
                if (total > maxBytes) throw TooLarge(path, maxBytes);
                Array.Resize(ref buffer, (int)Math.Min((long)buffer.Length * 2, maxBytes + 1));
            }
            int n;
            try
            {
                n = RandomAccess.Read(file.Handle, buffer.AsSpan((int)total), total);
            }
            catch (IOException e)
            {
                throw new InputFileException(path, e.Message);
            }
            if (n == 0) break;
            total += n;
        }
        if (total > maxBytes) throw TooLarge(path, maxBytes);
        return total == buffer.Length ? buffer : buffer[..(int)total];
    }

    /// <summary>Text as File.ReadAllText reads it: UTF-8 unless a byte-order mark says otherwise.</summary>
    public static string ReadAllText(string path, long maxBytes) => Decode(ReadAllBytes(path, maxBytes));

    public static string Decode(byte[] bytes)
    {
        using var reader = new StreamReader(new MemoryStream(bytes), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }

    /// <summary>A read-only stream over the file that ends at <paramref name="maxBytes"/> even if the file keeps growing.</summary>
    public static Stream OpenStream(string path, long maxBytes)
    {
        var file = Open(path, maxBytes);
        return new CappedStream(new FileStream(file.Handle, FileAccess.Read, 1), maxBytes);
    }

    /// <summary>Refuses a path that exists but is not a regular file, without reading it (an early, clear error).</summary>
    public static void Check(string path, long maxBytes)
    {
        using var _ = Open(path, maxBytes);
    }

    private static InputFileException TooLarge(string path, long maxBytes) => new(path, $"larger than {Size(maxBytes)}");

    /// <summary>"8 MiB", or bytes for a cap that is not a whole number of MiB.</summary>
    public static string Size(long bytes) => bytes % (1024 * 1024) == 0 ? $"{bytes / 1024 / 1024} MiB" : $"{bytes} bytes";

    private static Opened OpenPortable(string path, long maxBytes)
    {
        if (Directory.Exists(path)) throw new InputFileException(path, "is a directory, not a file");
        if (!File.Exists(path)) throw new InputFileException(path, "no such file");
        var handle = File.OpenHandle(path);
        var length = RandomAccess.GetLength(handle);
        if (length > maxBytes)
        {
            handle.Dispose();
            throw TooLarge(path, maxBytes);
        }
        return new Opened(handle, length);
    }

    /// <summary>Ends the stream at a byte cap: the cap is on what is read, not on what stat said.</summary>
    private sealed class CappedStream(Stream inner, long cap) : Stream
    {
        private long _read;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var room = (int)Math.Min(count, cap - _read);
            if (room <= 0) return 0;
            var n = inner.Read(buffer, offset, room);
            _read += n;
            return n;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
