using System.IO.Compression;
using System.Text;

namespace AmiAudit.Collectors.Bootstrap;

/// <summary>User data with its transport layers peeled off: the bytes, the text when they are text, the layers
/// (outermost first) and what could not be decoded.</summary>
public sealed record DecodedUserData(byte[] Bytes, string? Text, IReadOnlyList<string> Encodings, IReadOnlyList<string> Problems, bool Truncated);

/// <summary>
/// Peels the layers EC2 and cloud-init put around user data, as cloud-init does before it looks at a document:
/// base64 (the API always returns it so; people also base64 the content themselves) and gzip, in any order, up to
/// <see cref="MaxLayers"/> deep. Everything is bounded: the input and every decompressed layer stop at
/// <see cref="MaxBytes"/> (a gzip bomb yields its first MiB and a "truncated" problem, never more memory), and
/// bytes that are not UTF-8 text are reported as binary and not inspected. Pure: bytes in, bytes out.
/// </summary>
public static class UserDataDecoder
{
    /// <summary>EC2 caps user data at 16 KB (base64); decompressed scripts are larger. Same cap as a script read from an image root.</summary>
    public const int MaxBytes = (int)BootstrapCollector.ScriptCap;
    public const int MaxLayers = 4;

    public static DecodedUserData Decode(ReadOnlySpan<byte> raw)
    {
        var encodings = new List<string>();
        var problems = new List<string>();
        var truncated = false;
        var bytes = raw.Length > MaxBytes ? raw[..MaxBytes].ToArray() : raw.ToArray();
        if (raw.Length > MaxBytes)
        {
            truncated = true;
            problems.Add($"user data is larger than {MaxBytes} bytes; only the first {MaxBytes} were inspected");
        }
        for (var layer = 0; layer < MaxLayers; layer++)
        {
            if (IsGzip(bytes))
            {
                var (inflated, capped, error) = Gunzip(bytes);
                if (error is not null)
                {
                    problems.Add($"gzip layer could not be decompressed: {error}");
                    return new DecodedUserData(bytes, null, [.. encodings, "gzip"], problems, truncated);
                }
                encodings.Add("gzip");
                if (capped)
                {
                    truncated = true;
                    problems.Add($"gzip layer expands past {MaxBytes} bytes; only the first {MaxBytes} were inspected");
                }
                bytes = inflated;
                continue;
            }
            if (TryBase64(bytes) is { } decoded)
            {
                encodings.Add("base64");
                bytes = decoded;
                continue;
            }
            break;
        }
        var text = AsText(bytes);
        if (text is null)
        {
            problems.Add("user data is binary (not UTF-8 text after decoding); not inspected");
            encodings.Add("binary");
        }
        return new DecodedUserData(bytes, text, encodings, problems, truncated);
    }

    public static bool IsGzip(ReadOnlySpan<byte> b) => b.Length >= 2 && b[0] == 0x1f && b[1] == 0x8b;

    /// <summary>Decompresses at most <see cref="MaxBytes"/>; reading stops there, so a bomb costs one MiB.</summary>
    public static (byte[] Bytes, bool Capped, string? Error) Gunzip(byte[] compressed)
    {
        try
        {
            using var gz = new GZipStream(new MemoryStream(compressed, writable: false), CompressionMode.Decompress);
            var buffer = new byte[Math.Min(MaxBytes + 1, Math.Max(4096, compressed.Length * 4))];
            var total = 0;
            while (true)
            {
                if (total == buffer.Length)
                {
                    if (total > MaxBytes) break;
                    Array.Resize(ref buffer, Math.Min(buffer.Length * 2, MaxBytes + 1));
                }
                var n = gz.Read(buffer, total, buffer.Length - total);
                if (n == 0) break;
                total += n;
            }
            return total > MaxBytes ? (buffer[..MaxBytes], true, null) : (buffer[..total], false, null);
        }
        catch (InvalidDataException e)
        {
            return ([], false, e.Message);
        }
    }

    /// <summary>The bytes as base64 text decoded, or null when they are not (only) base64. A script that happens to
    /// be valid base64 is at most a single word: real documents have spaces, '#' or newlines between words.</summary>
    public static byte[]? TryBase64(ReadOnlySpan<byte> b)
    {
        var compact = new List<byte>(b.Length);
        foreach (var c in b)
        {
            if (c is (byte)'\n' or (byte)'\r' or (byte)' ' or (byte)'\t') continue;
            if (!(c is >= (byte)'A' and <= (byte)'Z' || c is >= (byte)'a' and <= (byte)'z' || c is >= (byte)'0' and <= (byte)'9' || c is (byte)'+' or (byte)'/' or (byte)'=' or (byte)'-' or (byte)'_'))
                return null;
            compact.Add(c);
        }
        // Short alphanumeric words ("true", "hello") are base64-shaped by accident.
        if (compact.Count < 16) return null;
        var text = Encoding.ASCII.GetString(compact.ToArray()).Replace('-', '+').Replace('_', '/');
        if (text.Length % 4 != 0) text = text.PadRight(text.Length + (4 - text.Length % 4) % 4, '=');
        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>UTF-8 text without NULs (cloud-init treats anything else as binary), or null.</summary>
    public static string? AsText(byte[] bytes)
    {
        if (Array.IndexOf(bytes, (byte)0) >= 0) return null;
        try
        {
            return StrictUtf8.GetString(bytes).TrimStart('\uFEFF');
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }
}
