namespace AmiAudit.Aws.Store;

/// <summary><c>s3://bucket/key-or-prefix</c>. A trailing '/' (or an empty key) names a prefix.</summary>
public sealed record S3Uri(string Bucket, string Key)
{
    public const string Scheme = "s3://";

    public bool IsPrefix => Key.Length == 0 || Key.EndsWith('/');

    public override string ToString() => Scheme + Bucket + "/" + Key;

    public static bool Looks(string? text) => text is not null && text.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase);

    /// <summary>Parses, or throws <see cref="FormatException"/> naming what is wrong.</summary>
    public static S3Uri Parse(string text)
    {
        if (!Looks(text)) throw new FormatException($"'{text}' is not an s3:// URL");
        var rest = text[Scheme.Length..];
        var slash = rest.IndexOf('/');
        var bucket = slash < 0 ? rest : rest[..slash];
        var key = slash < 0 ? "" : rest[(slash + 1)..];
        // Bucket naming rules (3–63 of a-z 0-9 . -); credentials or queries in the URL are refused, never used.
        if (bucket.Length is < 3 or > 63 || bucket.Any(c => !(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '-')))
            throw new FormatException($"'{text}': '{bucket}' is not an S3 bucket name (3-63 characters: a-z, 0-9, '.', '-')");
        if (key.Contains('?') || key.Contains('#'))
            throw new FormatException($"'{text}': an s3:// URL has no query or fragment");
        return new S3Uri(bucket, key);
    }

    public S3Uri Child(string key) => new(Bucket, key);
}
