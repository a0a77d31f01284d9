using System.Buffers;
using System.Text;

namespace AmiAudit.Collectors.Evidence;

/// <summary>A line that holds an anchor, with the line after it (for messages a paste wrapped) and its 1-based number.</summary>
public delegate void AnchorLineHandler(ReadOnlySpan<char> line, ReadOnlySpan<char> next, long lineNumber);

/// <summary>
/// Finds the lines of a log that contain any of a set of anchor strings, the way grep does: the text is
/// decoded block by block (1 MiB) and searched for all anchors at once with a vectorised multi-string
/// search (<see cref="SearchValues{T}"/> of strings, Teddy); only a line with a hit is cut out and handed
/// on. A 1 GiB syslog costs one decode and one search pass, constant memory (two blocks), and no
/// per-line allocation for the lines that do not matter. Lines longer than the limit are skipped whole
/// (counted); invalid UTF-8 becomes U+FFFD.
/// </summary>
public sealed class AnchorScanner(SearchValues<string> anchors, int maxLineChars)
{
    private const int BlockBytes = 1 << 20;

    public long Lines { get; private set; }
    public long Overlong { get; private set; }

    public void Scan(Stream stream, AnchorLineHandler handler, bool skipFirstLine = false)
    {
        var bytes = ArrayPool<byte>.Shared.Rent(BlockBytes);
        var chars = ArrayPool<char>.Shared.Rent(BlockBytes + maxLineChars * 2 + 16);
        try
        {
            var decoder = new UTF8Encoding(false, false).GetDecoder();
            var len = 0;              // chars held in `chars`
            long lineNo = 1;          // number of the line starting at chars[0]
            var skipping = skipFirstLine; // drop text up to the next newline (a partial line, or an overlong one)
            var eof = false;
            while (!eof)
            {
                var n = stream.Read(bytes, 0, BlockBytes);
                eof = n == 0;
                len += decoder.GetChars(bytes, 0, n, chars, len, flush: eof);
                var span = chars.AsSpan(0, len);
                var start = 0;
                if (skipping)
                {
                    var nl = span.IndexOf('\n');
                    if (nl < 0) { len = 0; continue; }
                    start = nl + 1;
                    lineNo++;
                    skipping = false;
                }
                // Process up to the second-to-last newline so every processed line has its successor complete.
                int end;
                if (eof) end = len;
                else
                {
                    var last = span.LastIndexOf('\n');
                    end = last <= start ? start : span[start..last].LastIndexOf('\n') is var p and >= 0 ? start + p + 1 : start;
                }
                lineNo = Process(span, start, end, eof, lineNo, handler);
                var rest = len - end;
                if (rest > maxLineChars * 2 && !eof)
                {
                    // No newline in sight for a whole line's worth of text: drop it and resync at the next newline.
                    Overlong++;
                    skipping = true;
                    len = 0;
                    continue;
                }
                chars.AsSpan(end, rest).CopyTo(chars);
                len = rest;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    private long Process(ReadOnlySpan<char> span, int start, int end, bool eof, long lineNo, AnchorLineHandler handler)
    {
        var region = span[..end];
        var i = start;
        while (i < end)
        {
            var hit = region[i..].IndexOfAny(anchors);
            if (hit < 0)
            {
                var tail = region[i..];
                var count = tail.Count('\n');
                Lines += count + (eof && tail.Length > 0 && tail[^1] != '\n' ? 1 : 0);
                lineNo += count;
                break;
            }
            var pos = i + hit;
            var lineStart = region[..pos].LastIndexOf('\n') + 1;
            if (lineStart < i) lineStart = i;
            var skipped = region[i..lineStart].Count('\n');
            lineNo += skipped;
            Lines += skipped;
            var nl = span[pos..].IndexOf('\n');
            var lineEnd = nl < 0 ? span.Length : pos + nl;
            var line = span[lineStart..lineEnd];
            ReadOnlySpan<char> next = default;
            if (nl >= 0 && lineEnd + 1 < span.Length)
            {
                var nn = span[(lineEnd + 1)..].IndexOf('\n');
                next = nn < 0 ? (eof ? span[(lineEnd + 1)..] : default) : span.Slice(lineEnd + 1, nn);
            }
            if (line.Length > maxLineChars) Overlong++;
            else handler(TrimCr(line), TrimCr(next), lineNo);
            Lines++;
            lineNo++;
            i = nl < 0 ? end : lineEnd + 1;
        }
        return lineNo;
    }

    private static ReadOnlySpan<char> TrimCr(ReadOnlySpan<char> s) => s.Length > 0 && s[^1] == '\r' ? s[..^1] : s;
}
