using System.Text;
using AmiAudit.Core.Policies.Loading;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace AmiAudit.Collectors.Bootstrap;

/// <summary>One <c>write_files</c> entry of a cloud-config document, its content decoded: <see cref="Bytes"/> is what
/// cloud-init would write (capped at <see cref="UserDataDecoder.MaxBytes"/>; null when it cannot be decoded at all),
/// <see cref="Content"/> the same as text (null when binary). <see cref="Truncated"/>: the bytes are the first
/// MaxBytes of a larger file, so their hash is not the file's.</summary>
public sealed record WrittenFile(string Path, string? Content, string Encoding, string? Problem)
{
    public byte[]? Bytes { get; init; }
    public bool Truncated { get; init; }
}

/// <summary>
/// The files a cloud-config document writes (<c>write_files: [{path, content, encoding}]</c>), with cloud-init's
/// encodings decoded: <c>b64</c>/<c>base64</c>, <c>gz</c>/<c>gzip</c>, and <c>gz+b64</c>/<c>gzip+base64</c>/… .
/// Read as a YAML event stream, never built into a tree: anchors and aliases are not expanded (an alias bomb
/// costs nothing), nesting stops at 64 levels, at most <see cref="MaxFiles"/> entries are read and every decoded
/// content stops at <see cref="UserDataDecoder.MaxBytes"/>. A document that is not YAML gives no files.
/// </summary>
public static class CloudConfigWriteFiles
{
    public const int MaxFiles = 256;

    public static IReadOnlyList<WrittenFile> Read(string cloudConfig)
    {
        var files = new List<WrittenFile>();
        try
        {
            var parser = new DepthLimitedParser(cloudConfig);
            if (!Expect<StreamStart>(parser) || !Expect<DocumentStart>(parser) || !Expect<MappingStart>(parser)) return files;
            while (parser.MoveNext() && parser.Current is Scalar key)
            {
                if (!parser.MoveNext()) break;
                if (key.Value == "write_files" && parser.Current is SequenceStart)
                {
                    while (parser.MoveNext() && parser.Current is not SequenceEnd)
                    {
                        if (parser.Current is MappingStart)
                        {
                            var entry = ReadEntry(parser);
                            if (entry is not null && files.Count < MaxFiles) files.Add(entry);
                        }
                        else SkipValue(parser);
                    }
                }
                else SkipValue(parser);
            }
        }
        catch (YamlException)
        {
            // Not YAML (or too deep): cloud-init would reject it too; the part's own text was still inspected.
        }
        return files;
    }

    private static bool Expect<T>(IParser parser) where T : ParsingEvent => parser.MoveNext() && parser.Current is T;

    private static WrittenFile? ReadEntry(IParser parser)
    {
        string? path = null, content = null, encoding = null;
        while (parser.MoveNext() && parser.Current is not MappingEnd)
        {
            if (parser.Current is not Scalar key) { SkipValue(parser); parser.MoveNext(); SkipValue(parser); continue; }
            if (!parser.MoveNext()) break;
            if (parser.Current is Scalar value)
            {
                switch (key.Value)
                {
                    case "path": path = value.Value; break;
                    case "content": content = value.Value; break;
                    case "encoding": encoding = value.Value; break;
                }
            }
            else SkipValue(parser);
        }
        if (path is null) return null;
        var enc = (encoding ?? "text/plain").Trim().ToLowerInvariant();
        var decoded = DecodeContent(content ?? "", enc);
        return new WrittenFile(path, decoded.Text, enc, decoded.Problem) { Bytes = decoded.Bytes, Truncated = decoded.Truncated };
    }

    /// <summary>The outcome of decoding one entry's content.</summary>
    public readonly record struct Decoded(byte[]? Bytes, string? Text, string? Problem, bool Truncated);

    /// <summary>cloud-init's write_files encodings (cc_write_files.decode_perms/extract_contents). Every result is at
    /// most <see cref="UserDataDecoder.MaxBytes"/> bytes: a base64 text or gzip stream that is larger yields its
    /// first MaxBytes, marked truncated, with a problem saying so — never nothing, so the size still shows.</summary>
    public static Decoded DecodeContent(string content, string encoding)
    {
        var gz = encoding is "gz" or "gzip" or "gz+base64" or "gzip+base64" or "gz+b64" or "gzip+b64";
        var b64 = encoding is "b64" or "base64" or "gz+base64" or "gzip+base64" or "gz+b64" or "gzip+b64";
        if (!gz && !b64)
        {
            var plain = Encoding.UTF8.GetBytes(content);
            return plain.Length > UserDataDecoder.MaxBytes
                ? Capped(plain[..UserDataDecoder.MaxBytes], $"content is larger than {UserDataDecoder.MaxBytes} bytes; only the first {UserDataDecoder.MaxBytes} were inspected")
                : new Decoded(plain, content, null, false);
        }
        byte[] bytes;
        var truncated = false;
        if (b64)
        {
            // 4 base64 characters are 3 bytes: this many characters decode to just over the cap (gzip inflates past it anyway).
            var limit = (UserDataDecoder.MaxBytes / 3 + 1) * 4;
            if (content.Length > limit)
            {
                content = content[..limit];
                truncated = true;
            }
            var decoded = UserDataDecoder.TryBase64(Encoding.ASCII.GetBytes(content));
            if (decoded is null) return new Decoded(null, null, $"content is not valid base64 (encoding {encoding})", false);
            bytes = decoded;
        }
        else
        {
            // YAML text cannot carry raw gzip bytes unmangled; cloud-init reads them as latin-1.
            bytes = Encoding.Latin1.GetBytes(content);
        }
        if (gz)
        {
            var (inflated, capped, error) = UserDataDecoder.Gunzip(bytes);
            // A base64 text cut at the limit is a gzip stream cut short: what inflated before the cut still counts.
            if (error is not null && !(truncated && inflated.Length > 0))
                return new Decoded(null, null, $"content could not be decompressed (encoding {encoding}): {error}", false);
            bytes = inflated;
            if (capped || truncated)
                return Capped(bytes, $"content expands past {UserDataDecoder.MaxBytes} bytes; only the first {Math.Min(bytes.Length, UserDataDecoder.MaxBytes)} were inspected");
        }
        else if (truncated || bytes.Length > UserDataDecoder.MaxBytes)
        {
            return Capped(bytes.Length > UserDataDecoder.MaxBytes ? bytes[..UserDataDecoder.MaxBytes] : bytes, $"content is larger than {UserDataDecoder.MaxBytes} bytes; only the first {UserDataDecoder.MaxBytes} were inspected");
        }
        var text = UserDataDecoder.AsText(bytes);
        return new Decoded(bytes, text, text is null ? "content is binary; not inspected" : null, false);
    }

    private static Decoded Capped(byte[] bytes, string problem) => new(bytes, UserDataDecoder.AsText(bytes), problem, true);

    /// <summary>Consumes the value whose first event is current: a scalar or alias is one event, a collection runs to its end.</summary>
    private static void SkipValue(IParser parser)
    {
        if (parser.Current is not (MappingStart or SequenceStart)) return;
        var depth = 1;
        while (depth > 0 && parser.MoveNext())
        {
            if (parser.Current is MappingStart or SequenceStart) depth++;
            else if (parser.Current is MappingEnd or SequenceEnd) depth--;
        }
    }
}
