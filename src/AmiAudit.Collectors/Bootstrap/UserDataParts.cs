using System.Text;

namespace AmiAudit.Collectors.Bootstrap;

/// <summary>One part of user-data: its MIME type, decoded text and the line of the file where its body starts.
/// <see cref="Problem"/> says why the part was recovered from a malformed document (cloud-init may not run it).</summary>
public sealed record UserDataPart(string ContentType, string Text, int FirstLine)
{
    public string? Problem { get; init; }
}

/// <summary>
/// Splits cloud-init user-data into parts the way cloud-init does for the common cases: a MIME
/// multipart document (possibly nested, base64 parts decoded) or a single document whose first line
/// says what it is (#!, #cloud-config, #include, #cloud-boothook). Not a full MIME parser: enough to
/// find every script and URL without executing or trusting anything.
/// </summary>
public static class UserDataParts
{
    private const int MaxDepth = 4;
    private const int MaxParts = 256;

    public static IReadOnlyList<UserDataPart> Split(string text)
    {
        var parts = new List<UserDataPart>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++) lines[i] = lines[i].TrimEnd('\r');
        SplitInto(lines, 0, lines.Length, 1, 0, parts);
        return parts;
    }

    /// <summary>The type cloud-init infers from a document's first line when there are no MIME headers.</summary>
    public static string Sniff(string text)
    {
        var first = text.TrimStart('\uFEFF').Split('\n', 2)[0].Trim();
        if (first.StartsWith("#!", StringComparison.Ordinal)) return "text/x-shellscript";
        if (first.StartsWith("#cloud-config-archive", StringComparison.OrdinalIgnoreCase)) return "text/cloud-config-archive";
        if (first.StartsWith("#cloud-config", StringComparison.OrdinalIgnoreCase)) return "text/cloud-config";
        if (first.StartsWith("#include", StringComparison.OrdinalIgnoreCase)) return "text/x-include-url";
        if (first.StartsWith("#cloud-boothook", StringComparison.OrdinalIgnoreCase)) return "text/cloud-boothook";
        if (first.StartsWith("#part-handler", StringComparison.OrdinalIgnoreCase)) return "text/part-handler";
        return "text/plain";
    }

    private static void SplitInto(string[] lines, int start, int end, int lineBase, int depth, List<UserDataPart> parts)
    {
        var (headers, bodyStart) = ReadHeaders(lines, start, end);
        var contentType = headers.GetValueOrDefault("content-type");
        var boundary = contentType is null ? null : Parameter(contentType, "boundary");
        if (contentType is null || !contentType.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase) || boundary is null || depth >= MaxDepth)
        {
            if (parts.Count >= MaxParts) return;
            var bodyFrom = contentType is null ? start : bodyStart;
            var body = string.Join('\n', lines[bodyFrom..end]);
            var type = contentType is null ? Sniff(body) : MediaType(contentType);
            if (headers.GetValueOrDefault("content-transfer-encoding")?.Trim().Equals("base64", StringComparison.OrdinalIgnoreCase) == true)
                body = DecodeBase64(body) ?? body;
            parts.Add(new UserDataPart(type, body, lineBase + bodyFrom));
            return;
        }

        var delimiter = "--" + boundary;
        string? problem = null;
        if (!HasDelimiter(lines, bodyStart, end, delimiter))
        {
            // The declared boundary never occurs. Python's email parser (cloud-init's) then keeps the body as one
            // opaque multipart payload and cloud-init skips it — but an auditor must not let a broken header hide
            // the scripts and URLs in the body: the first "--X" line is taken as the boundary, else the body is
            // read as one document, and the part says cloud-init would not run it.
            problem = $"MIME boundary '{boundary}' declared in the header does not occur in the body; cloud-init skips this multipart document (its parts were inspected anyway)";
            var found = FirstDelimiterLike(lines, bodyStart, end);
            if (found is null)
            {
                if (parts.Count >= MaxParts) return;
                var whole = string.Join('\n', lines[bodyStart..end]);
                parts.Add(new UserDataPart(Sniff(whole), whole, lineBase + bodyStart) { Problem = problem });
                return;
            }
            delimiter = found;
        }
        var partStart = -1;
        var firstNew = parts.Count;
        for (var i = bodyStart; i < end; i++)
        {
            var line = lines[i].TrimEnd();
            if (line == delimiter || line == delimiter + "--")
            {
                if (partStart >= 0) SplitInto(lines, partStart, TrimTrailingBlank(lines, partStart, i), lineBase, depth + 1, parts);
                partStart = i + 1;
                if (line.EndsWith("--", StringComparison.Ordinal) && line.Length == delimiter.Length + 2) { partStart = -1; break; }
            }
        }
        // An unterminated last part is still read: a truncated document must not hide its scripts.
        if (partStart >= 0 && partStart < end) SplitInto(lines, partStart, end, lineBase, depth + 1, parts);
        if (problem is not null)
            for (var k = firstNew; k < parts.Count; k++) parts[k] = parts[k] with { Problem = parts[k].Problem ?? problem };
    }

    private static bool HasDelimiter(string[] lines, int start, int end, string delimiter)
    {
        for (var i = start; i < end; i++)
        {
            var line = lines[i].TrimEnd();
            if (line == delimiter || line == delimiter + "--") return true;
        }
        return false;
    }

    /// <summary>The first line that looks like a part delimiter ("--" + 1–70 boundary characters, RFC 2046), without
    /// a closing "--".</summary>
    private static string? FirstDelimiterLike(string[] lines, int start, int end)
    {
        for (var i = start; i < end; i++)
        {
            var line = lines[i].TrimEnd();
            if (line.Length is < 3 or > 72 || !line.StartsWith("--", StringComparison.Ordinal)) continue;
            var b = line[2..];
            if (b.EndsWith("--", StringComparison.Ordinal)) b = b[..^2];
            if (b.Length > 0 && b.All(c => char.IsAsciiLetterOrDigit(c) || "'()+_,-./:=? ".Contains(c))) return "--" + b;
        }
        return null;
    }

    private static int TrimTrailingBlank(string[] lines, int start, int end)
    {
        while (end > start && lines[end - 1].Length == 0) end--;
        return end;
    }

    /// <summary>RFC 822 style headers (folded lines joined) up to the first blank line. No headers → empty.</summary>
    private static (Dictionary<string, string> Headers, int BodyStart) ReadHeaders(string[] lines, int start, int end)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string? last = null;
        var i = start;
        for (; i < end; i++)
        {
            var line = lines[i];
            if (line.Length == 0) return (headers, i + 1);
            if ((line[0] == ' ' || line[0] == '\t') && last is not null) { headers[last] += " " + line.Trim(); continue; }
            var colon = line.IndexOf(':');
            if (colon <= 0 || line[..colon].Any(c => !(char.IsAsciiLetterOrDigit(c) || c == '-'))) return (new(StringComparer.OrdinalIgnoreCase), start);
            last = line[..colon];
            headers[last] = line[(colon + 1)..].Trim();
        }
        return (headers, i);
    }

    private static string MediaType(string contentType) => contentType.Split(';', 2)[0].Trim().ToLowerInvariant();

    private static string? Parameter(string contentType, string name)
    {
        foreach (var piece in contentType.Split(';').Skip(1))
        {
            var eq = piece.IndexOf('=');
            if (eq < 0 || !piece[..eq].Trim().Equals(name, StringComparison.OrdinalIgnoreCase)) continue;
            var v = piece[(eq + 1)..].Trim().Trim('"');
            return v.Length == 0 ? null : v;
        }
        return null;
    }

    private static string? DecodeBase64(string body)
    {
        var compact = new StringBuilder(body.Length);
        foreach (var c in body) if (!char.IsWhiteSpace(c)) compact.Append(c);
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(compact.ToString()));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
