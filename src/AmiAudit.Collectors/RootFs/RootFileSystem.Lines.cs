using System.Text;

namespace AmiAudit.Collectors.RootFs;

public sealed partial class RootFileSystem
{
    /// <summary>
    /// Streams the lines of a regular file (UTF-8, invalid bytes replaced) without holding the file in
    /// memory, stopping after <paramref name="cap"/> bytes (noted as size-capped). For databases like
    /// /var/lib/dpkg/status that are legitimately larger than <see cref="DefaultTextCap"/>.
    /// Empty for a missing file, a FIFO/device/socket or a loop (noted, as for <see cref="ReadText"/>).
    /// Lines longer than <paramref name="maxLineLength"/> characters are cut (the rest of the line is skipped),
    /// so a file without newlines cannot become one giant string.
    /// </summary>
    public IEnumerable<string> ReadLines(string path, long cap, int maxLineLength = 64 * 1024)
    {
        var file = OpenRegular(path);
        if (file is null) yield break;
        if (file.Size > cap) Note("rootfs", "size-capped", $"file is {file.Size} bytes; read the first {cap}", file.Name);
        using (file)
        {
            using var bounded = new BoundedStream(file.Stream, cap);
            using var reader = new StreamReader(bounded, new UTF8Encoding(false, false), false, 64 * 1024);
            var line = new StringBuilder();
            var cut = false;
            int c;
            while ((c = reader.Read()) >= 0)
            {
                if (c == '\n')
                {
                    yield return line.ToString();
                    line.Clear();
                    cut = false;
                    continue;
                }
                if (c == '\r') continue;
                if (line.Length < maxLineLength) line.Append((char)c);
                else if (!cut)
                {
                    cut = true;
                    Note("rootfs", "line-capped", $"a line is longer than {maxLineLength} characters; the rest of it was skipped", file.Name);
                }
            }
            if (line.Length > 0) yield return line.ToString();
        }
    }

    /// <summary>Reads at most N bytes of the inner stream (a file that grows while read cannot push past the cap).</summary>
    private sealed class BoundedStream(Stream inner, long cap) : Stream
    {
        private long _left = cap;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_left <= 0) return 0;
            var n = inner.Read(buffer, offset, (int)Math.Min(count, _left));
            _left -= n;
            return n;
        }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
