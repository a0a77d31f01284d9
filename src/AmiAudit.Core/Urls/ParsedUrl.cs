namespace AmiAudit.Core.Urls;

/// <summary>
/// A URL split into its parts without <see cref="Uri"/>: scripts contain URLs with unexpanded
/// <c>$VAR</c>s and odd characters that Uri rejects or silently rewrites, and we must keep them as written.
/// </summary>
public sealed record ParsedUrl(string Scheme, string? UserInfo, string Host, string? Port, string Path, string? Query, string? Fragment)
{
    /// <summary>scheme://host[:port]/path — lower-case scheme and host, no userinfo, query or fragment.
    /// This is what URLs are compared by, so a changed signature never looks like a changed artifact.</summary>
    public string Normalized => $"{Scheme}://{Host}{(Port is null || IsDefaultPort ? "" : ":" + Port)}{Path}";

    private bool IsDefaultPort => (Scheme, Port) is ("https", "443") or ("http", "80");

    public static ParsedUrl? Parse(string url)
    {
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0) return null;
        var scheme = url[..schemeEnd].ToLowerInvariant();
        var rest = url[(schemeEnd + 3)..];

        string? fragment = null, query = null;
        var hash = rest.IndexOf('#');
        if (hash >= 0) { fragment = rest[(hash + 1)..]; rest = rest[..hash]; }
        var q = rest.IndexOf('?');
        if (q >= 0) { query = rest[(q + 1)..]; rest = rest[..q]; }

        var slash = rest.IndexOf('/');
        var authority = slash < 0 ? rest : rest[..slash];
        var path = slash < 0 ? "/" : rest[slash..];

        string? userInfo = null;
        var at = authority.LastIndexOf('@');
        if (at >= 0) { userInfo = authority[..at]; authority = authority[(at + 1)..]; }

        string? port = null;
        var colon = authority.LastIndexOf(':');
        if (colon >= 0 && !authority.EndsWith(']') && authority[(colon + 1)..].All(char.IsAsciiDigit))
        {
            port = authority[(colon + 1)..];
            authority = authority[..colon];
            if (port.Length == 0) port = null;
        }
        if (authority.Length == 0) return null;

        // Lower-casing "$BUCKET" would turn one variable into another name; keep hosts with references as written.
        var host = authority.Contains('$') ? authority : authority.ToLowerInvariant();
        return new ParsedUrl(scheme, userInfo, host, port, path, query, fragment);
    }
}
