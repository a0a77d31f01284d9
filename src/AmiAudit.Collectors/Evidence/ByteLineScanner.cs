using System.Buffers;

namespace AmiAudit.Collectors.Evidence;

/// <summary>Decides from a line's raw bytes whether it is worth decoding and parsing.</summary>
public delegate bool ByteLineFilter(ReadOnlySpan<byte> line);

/// <summary>A line that passed the filter, decoded, with the line after it (for messages a paste wrapped) and its 1-based number.</summary>
public delegate void DecodedLineHandler(string line, string next, long lineNumber);

/// <summary>
/// Walks a log's lines as raw bytes, block by block (1 MiB), and decodes only the lines a cheap filter keeps:
/// the filter looks at the syslog header and a few fixed substrings with single-needle vectorised searches, which
/// stay fast on the baseline instruction set the NativeAOT binary targets (a multi-string SearchValues search
/// falls back to a scalar automaton there: 10× slower than grep). Memory is two blocks; lines longer than the
/// limit are skipped whole and counted; invalid UTF-8 becomes U+FFFD in the decoded lines.
/// </summary>
public sealed class ByteLineScanner(int maxLineBytes)
{
    private const int BlockBytes = 1 << 20;

    public long Lines { get; private set; }
    public long Overlong { get; private set; }

    public void Scan(Stream stream, ByteLineFilter filter, DecodedLineHandler handler, bool skipFirstLine = false)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BlockBytes + maxLineBytes * 2 + 16);
        try
        {
            var len = 0;
            long lineNo = 1;
            var skipping = skipFirstLine;
            var eof = false;
            while (!eof)
            {
                var room = Math.Min(BlockBytes, buffer.Length - len);
                var n = stream.Read(buffer, len, room);
                eof = n == 0;
                len += n;
                var span = buffer.AsSpan(0, len);
                var start = 0;
                if (skipping)
                {
                    var nl = span.IndexOf((byte)'\n');
                    if (nl < 0) { len = 0; continue; }
                    start = nl + 1;
                    lineNo++;
                    skipping = false;
                }
                // Every processed line keeps its successor complete in the buffer (for joining wrapped messages).
                int end;
                if (eof) end = len;
                else
                {
                    var last = span.LastIndexOf((byte)'\n');
                    var prev = last > start ? span[start..last].LastIndexOf((byte)'\n') : -1;
                    end = prev >= 0 ? start + prev + 1 : start;
                }
                var i = start;
                while (i < end)
                {
                    var nl = span[i..].IndexOf((byte)'\n');
                    var lineEnd = nl < 0 ? len : i + nl;
                    var line = span[i..lineEnd];
                    if (line.Length > 0 && line[^1] == '\r') line = line[..^1];
                    if (line.Length > maxLineBytes) Overlong++;
                    else if (line.Length > 0 && filter(line))
                    {
                        var next = ReadOnlySpan<byte>.Empty;
                        if (nl >= 0 && lineEnd + 1 < len)
                        {
                            var nn = span[(lineEnd + 1)..].IndexOf((byte)'\n');
                            next = nn < 0 ? (eof ? span[(lineEnd + 1)..] : default) : span.Slice(lineEnd + 1, nn);
                            if (next.Length > maxLineBytes) next = default;
                        }
                        handler(Decode(line), Decode(next), lineNo);
                    }
                    Lines++;
                    lineNo++;
                    i = nl < 0 ? len : lineEnd + 1;
                }
                var rest = len - end;
                if (rest > maxLineBytes * 2 && !eof)
                {
                    // No newline in sight for a whole line's worth of text: drop it and resync at the next newline.
                    Overlong++;
                    skipping = true;
                    len = 0;
                    continue;
                }
                buffer.AsSpan(end, rest).CopyTo(buffer);
                len = rest;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static string Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty) return "";
        var s = System.Text.Encoding.UTF8.GetString(bytes);
        return s.EndsWith('\r') ? s[..^1] : s;
    }
}
