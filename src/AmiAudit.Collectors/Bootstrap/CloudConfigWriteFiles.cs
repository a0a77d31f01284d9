using System.Text;
using AmiAudit.Core.Policies.Loading;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace AmiAudit.Collectors.Bootstrap;

/// <summary>One <c>write_files</c> entry of a cloud-config document, its content decoded.</summary>
public sealed record WrittenFile(string Path, string? Content, string Encoding, string? Problem);

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
        var (decoded, problem) = DecodeContent(content ?? "", enc);
        return new WrittenFile(path, decoded, enc, problem);
    }

    /// <summary>cloud-init's write_files encodings (cc_write_files.decode_perms/extract_contents).</summary>
    public static (string? Text, string? Problem) DecodeContent(string content, string encoding)
    {
        var gz = encoding is "gz" or "gzip" or "gz+base64" or "gzip+base64" or "gz+b64" or "gzip+b64";
        var b64 = encoding is "b64" or "base64" or "gz+base64" or "gzip+base64" or "gz+b64" or "gzip+b64";
        if (!gz && !b64) return (content, null);
        byte[] bytes;
        if (b64)
        {
            var decoded = UserDataDecoder.TryBase64(Encoding.ASCII.GetBytes(content.Length > UserDataDecoder.MaxBytes * 2 ? content[..(UserDataDecoder.MaxBytes * 2)] : content));
            if (decoded is null) return (null, $"content is not valid base64 (encoding {encoding})");
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
            if (error is not null) return (null, $"content could not be decompressed (encoding {encoding}): {error}");
            bytes = inflated;
            if (capped) return (UserDataDecoder.AsText(bytes), $"content expands past {UserDataDecoder.MaxBytes} bytes; only the first {UserDataDecoder.MaxBytes} were inspected");
        }
        var text = UserDataDecoder.AsText(bytes);
        return text is null ? (null, "content is binary; not inspected") : (text, null);
    }

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
